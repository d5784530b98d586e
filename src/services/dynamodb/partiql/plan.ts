/**
 * SELECT planning: the table or index read, the SELECT list (returned under each path's last
 * name, as DynamoDB names them) and ORDER BY.
 */
import type { OperationContext } from '../../../core/service.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import type { DocumentPath } from '../expressions/index.js';
import type { KeyShape } from '../tables/record.js';
import type { IndexInfo, Table } from '../tables/table.js';
import type { SelectStatement, Source } from './ast.js';
import { documentPath } from './condition.js';
import { msg, position } from './errors.js';
import { attributeName } from './keys.js';
import type { QueryKey } from './keys.js';

/** The table a statement names (ResourceNotFoundException when absent). */
export function resolveTable(ddb: DynamoDb, ctx: OperationContext, source: Source): Table {
  const name = source.table;
  if (name.length < 3 || name.length > 255 || !/^[a-zA-Z0-9_.-]+$/.test(name)) throw invalid(msg.invalidTableName);
  return tableFor(ddb, ctx, name);
}

export function resolveIndex(table: Table, source: Source): IndexInfo | undefined {
  if (source.index === undefined) return undefined;
  const index = table.indexByName.get(source.index);
  if (!index) throw invalid(msg.noSuchIndex);
  return index;
}

/** One projected attribute of a SELECT list: the name it is returned under and the path it reads. */
export interface ProjectedPath {
  name: string;
  path: DocumentPath;
}

/** The SELECT list: `*` or paths with their output names (the last path component, as DynamoDB names them). */
export function selectProjection(select: SelectStatement, text: string): ProjectedPath[] | undefined {
  if (select.projection === '*') return undefined;
  const out: ProjectedPath[] = [];
  const seen = new Set<string>();
  for (const e of select.projection) {
    const path = documentPath(e);
    if (!path || e.k !== 'path') {
      if (e.k === 'call') {
        const start = e.span.start;
        throw invalid(`${msg.unexpectedPathComponent} at ${position(text, start, start + e.name.length)}`);
      }
      throw invalid(msg.unexpectedPathComponent);
    }
    let name = e.root;
    let suffix = '';
    for (const s of e.steps) {
      if (s.k === 'name') {
        name = s.name;
        suffix = '';
      } else suffix += `[${s.index}]`;
    }
    name += suffix;
    if (seen.has(name)) throw invalid(msg.duplicateSelectName(name));
    seen.add(name);
    out.push({ name, path });
  }
  return out;
}

/** Scan direction from ORDER BY (checked against the key schema as DynamoDB does). */
export function orderDirection(select: SelectStatement, shape: KeyShape, query: QueryKey | undefined): boolean {
  if (select.orderBy.length === 0) return true;
  if (!select.where) throw invalid(msg.orderByWhere);
  if (!query) throw invalid(msg.orderByHash);
  let forward = true;
  let decided = false;
  for (const o of select.orderBy) {
    const name = attributeName(o.expr);
    const keyNames = shape.range ? [shape.hash.name, shape.range.name] : [shape.hash.name];
    if (name === undefined || !keyNames.includes(name)) {
      throw invalid(msg.orderByKey(o.expr.k === 'path' ? o.expr.root : 'expression'));
    }
    if (!decided && (name === shape.range?.name || select.orderBy.length === 1)) {
      forward = !o.desc;
      decided = true;
    }
  }
  return forward;
}
