/**
 * SELECT: a Query when the WHERE clause fixes the partition key of the table or index read, a
 * Scan otherwise, both run by the Query/Scan engine (reads/respond.ts) with the WHERE clause as
 * the filter. Limit counts items evaluated, pages stop at 1 MB, and NextToken continues them.
 */
import type { OperationContext } from '../../../core/service.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import { resolvePath } from '../expressions/index.js';
import type { EncodedKey } from '../keys.js';
import { encodeKeyOf, validateKey } from '../keys.js';
import { sortRange } from '../reads/key-range.js';
import { respondRead } from '../reads/respond.js';
import type { Select } from '../reads/select.js';
import { startPosition } from '../reads/start-key.js';
import type { IndexInfo, Table } from '../tables/table.js';
import { isExpired, ttlAttributeOf } from '../ttl/state.js';
import type { AttributeValue, Item } from '../types.js';
import { encodeKey, hashBucket } from '../values/key-encoding.js';
import type { SelectStatement } from './ast.js';
import { compileCondition } from './condition.js';
import { msg } from './errors.js';
import { decodeNextToken, encodeNextToken } from './next-token.js';
import { extractItemKey, extractQueryKey } from './keys.js';
import { orderDirection, resolveIndex, resolveTable, selectProjection } from './plan.js';
import type { ProjectedPath } from './plan.js';
import type { Parameters } from './values.js';

export interface SelectOptions {
  limit: number | undefined;
  nextToken: string | undefined;
  consistent: boolean;
  returnConsumedCapacity: ReturnConsumedCapacity;
  /** Identifies the request, for NextToken. */
  digest: string;
}

const scalar = (v: AttributeValue): string => Object.values(v)[0] as string;

/** Apply a SELECT list to an item: each path's value under its output name. */
export function projectSelect(item: Item, projection: readonly ProjectedPath[] | undefined): Item {
  if (!projection) return item;
  const out: Item = {};
  for (const p of projection) {
    const v = resolvePath(item, p.path);
    if (v !== undefined) out[p.name] = v;
  }
  return out;
}

/** Attributes an index holds for every item. */
function projectedNames(table: Table, index: IndexInfo): Set<string> {
  return new Set([
    table.key.hash.name,
    ...(table.key.range ? [table.key.range.name] : []),
    index.key.hash.name,
    ...(index.key.range ? [index.key.range.name] : []),
    ...index.include,
  ]);
}

/** Run one page of a SELECT; the ExecuteStatement response. */
export async function executeSelect(
  ddb: DynamoDb,
  ctx: OperationContext,
  select: SelectStatement,
  text: string,
  params: Parameters,
  options: SelectOptions,
): Promise<Record<string, unknown>> {
  const projection = selectProjection(select, text);
  const filter = select.where ? compileCondition(select.where, params) : undefined;
  const table = resolveTable(ddb, ctx, select.source);
  const index = resolveIndex(table, select.source);
  if (index?.global && options.consistent) throw invalid(msg.consistentReadOnGsi);
  const shape = index ? index.key : table.key;
  const query = extractQueryKey(select.where, shape, params);
  const forward = orderDirection(select, shape, query);

  let mode: Select = index ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
  if (index && index.projects !== 'ALL' && projection) {
    const held = projectedNames(table, index);
    const missing = [...new Set(projection.map((p) => p.path[0] as string))].filter((n) => !held.has(n));
    if (missing.length && index.global) {
      throw invalid(
        `One or more parameter values were invalid: Global secondary index ${index.name} does not project [${missing.join(', ')}]`,
      );
    }
    // A local index reads what it does not hold from the table.
    if (missing.length) mode = 'ALL_ATTRIBUTES';
  }

  const start = options.nextToken
    ? startPosition(table, index, decodeNextToken(options.nextToken, options.digest))
    : undefined;
  const partition = query
    ? {
        bucket: hashBucket(shape.hash.type, scalar(query.hashValue)),
        pk: encodeKey(shape.hash.type, scalar(query.hashValue)),
        range: sortRange(query.range, shape.range),
        forward,
      }
    : undefined;
  const page = await respondRead(ddb, table, {
    source: { table, index, ...(partition ? { partition } : {}), start, limit: options.limit },
    filter,
    projection: undefined,
    select: mode,
    consistent: options.consistent,
    returnConsumedCapacity: options.returnConsumedCapacity,
  });
  const out: Record<string, unknown> = {
    Items: (page['Items'] as Item[]).map((item) => projectSelect(item, projection)),
  };
  const last = page['LastEvaluatedKey'] as Item | undefined;
  if (last) {
    out['NextToken'] = encodeNextToken(options.digest, last);
    out['LastEvaluatedKey'] = last;
  }
  if (page['ConsumedCapacity']) out['ConsumedCapacity'] = page['ConsumedCapacity'];
  return out;
}

/** A stored row as a read returns it: undefined when absent or expired (TTL). */
export function visibleItem(ddb: DynamoDb, table: Table, row: { item: string } | undefined): Item | undefined {
  if (!row) return undefined;
  const item = JSON.parse(row.item) as Item;
  const ttlAttribute = ttlAttributeOf(table);
  return ttlAttribute !== undefined && isExpired(item, ttlAttribute, ddb.clock.now()) ? undefined : item;
}

/** A single-item read (SELECT in BatchExecuteStatement and ExecuteTransaction). */
export interface GetPlan {
  table: Table;
  key: EncodedKey;
  projection: ProjectedPath[] | undefined;
}

/**
 * Plan a SELECT that must name one item by its full primary key and nothing else;
 * `notSingleItem` is the message for one that does not.
 */
export function planGet(
  ddb: DynamoDb,
  ctx: OperationContext,
  select: SelectStatement,
  text: string,
  params: Parameters,
  notSingleItem: string,
): GetPlan {
  const projection = selectProjection(select, text);
  if (select.where) compileCondition(select.where, params);
  const table = resolveTable(ddb, ctx, select.source);
  if (select.source.index !== undefined) throw invalid(notSingleItem);
  let key: Item;
  try {
    const extracted = extractItemKey(select.where, table.key, params);
    if (extracted.rest.length) throw invalid(notSingleItem);
    key = extracted.key;
    validateKey(table, key);
  } catch (err) {
    if (
      err instanceof Error &&
      (err.message === msg.incompleteKey || err.message.startsWith('Multiple conditions on same key'))
    ) {
      throw invalid(notSingleItem);
    }
    throw err;
  }
  return { table, key: encodeKeyOf(table.key, key), projection };
}
