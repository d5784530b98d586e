import { invalid } from '../errors.js';
import { convertAttributesToGet } from '../expressions/index.js';
import type { CompiledExpressions, Projection } from '../expressions/index.js';
import type { IndexInfo, Table } from '../tables/table.js';
import { checkIndexSelect, checkSelect } from './select.js';
import type { Select } from './select.js';

/** What a Query or Scan returns of each item: its projection and effective Select. */
export function readProjection(
  compiled: CompiledExpressions,
  input: { AttributesToGet?: string[]; Select?: Select; IndexName?: string },
  verb: 'Querying' | 'Scanning',
): { projection: Projection | undefined; select: Select } {
  const legacy = input.AttributesToGet ? convertAttributesToGet(input.AttributesToGet) : undefined;
  const projection = compiled.projection ?? legacy;
  const named = compiled.projection
    ? { kind: 'ProjectionExpression' as const, value: compiled.projection }
    : legacy
      ? { kind: 'AttributesToGet' as const, value: legacy }
      : undefined;
  return { projection, select: checkSelect(input.Select, named, input.IndexName, verb) };
}

/** The index a Query or Scan reads (undefined: the table), with DynamoDB's checks. */
export function readIndex(
  table: Table,
  input: { IndexName?: string; ConsistentRead?: boolean; Select?: Select },
  select: Select,
): IndexInfo | undefined {
  if (input.IndexName === undefined) return undefined;
  const index = table.indexByName.get(input.IndexName);
  if (!index) throw invalid(`The table does not have the specified index: ${input.IndexName}`);
  if (index.global && input.ConsistentRead)
    throw invalid('Consistent reads are not supported on global secondary indexes');
  checkIndexSelect(index, select, input.Select !== undefined);
  return index;
}
