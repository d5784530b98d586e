import type { OperationContext } from '../../../core/service.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid } from '../errors.js';
import {
  checkExpressionParameters,
  checkNoNestedKeyAccess,
  convertAttributesToGet,
  projectItem,
} from '../expressions/index.js';
import type { Projection } from '../expressions/index.js';
import { encodeKeyOf, itemIdentity, validateKey } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import { isExpired, ttlAttributeOf } from '../ttl/state.js';
import type { Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';

interface KeysAndAttributes {
  Keys: Item[];
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

export interface BatchGetItemInput {
  RequestItems: Record<string, KeysAndAttributes>;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

/** BatchGetItem answers at most 16 MB; the rest comes back as UnprocessedKeys. */
const RESPONSE_BYTES = 16 * 1024 * 1024;

interface Plan {
  name: string;
  table: Table;
  request: KeysAndAttributes;
  keys: Item[];
  projection: Projection | undefined;
}

export async function batchGetItem(ddb: DynamoDb, input: BatchGetItemInput, ctx: OperationContext) {
  const entries = Object.entries(input.RequestItems);
  const total = entries.reduce((n, [, r]) => n + (r.Keys?.length ?? 0), 0);
  if (total > 100) throw invalid('Too many items requested for the BatchGetItem call');
  const plans: Plan[] = [];
  for (const [name, request] of entries) {
    const keys = request.Keys.map((k) => validateItem(k));
    checkExpressionParameters('BatchGetItem', request);
    const compiled = compileMembers(request);
    const projection =
      compiled.projection ?? (request.AttributesToGet ? convertAttributesToGet(request.AttributesToGet) : undefined);
    const table = tableFor(ddb, ctx, name, undefined, { access: 'read' });
    const seen = new Set<string>();
    for (const key of keys) {
      validateKey(table, key);
      const id = encodeKeyOf(table.key, key);
      const sig = itemIdentity(table.id, id);
      if (seen.has(sig)) throw invalid('Provided list of item keys contains duplicates');
      seen.add(sig);
    }
    checkNoNestedKeyAccess(compiled, table.keyNames);
    plans.push({ name, table, request, keys, projection });
  }
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, KeysAndAttributes> = {};
  const capacities: { table: Table; c: Consumption }[] = [];
  let bytes = 0;
  const now = ddb.clock.now();
  for (const plan of plans) {
    const ttlAttribute = ttlAttributeOf(plan.table);
    const items: Item[] = [];
    responses[plan.name] = items;
    const c = newConsumption('read');
    capacities.push({ table: plan.table, c });
    for (const key of plan.keys) {
      if (bytes >= RESPONSE_BYTES) {
        const u = (unprocessed[plan.name] ??= { ...plan.request, Keys: [] });
        u.Keys.push(key);
        continue;
      }
      const row = await itemsSql.get(ddb.store, plan.table.id, encodeKeyOf(plan.table.key, key));
      addRead(c, row?.size ?? 0, plan.request.ConsistentRead === true);
      if (!row) continue;
      bytes += row.size;
      const item = JSON.parse(row.item) as Item;
      if (ttlAttribute !== undefined && isExpired(item, ttlAttribute, now)) continue;
      items.push(plan.projection ? projectItem(item, plan.projection) : item);
    }
  }
  const out: Record<string, unknown> = { Responses: responses, UnprocessedKeys: unprocessed };
  const consumed = capacities
    .map(({ table, c }) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) out['ConsumedCapacity'] = consumed;
  return out;
}
