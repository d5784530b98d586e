import type { OperationContext } from '../../../core/service.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid, transactionCanceled } from '../errors.js';
import { checkNoNestedKeyAccess, projectItem } from '../expressions/index.js';
import type { Projection } from '../expressions/index.js';
import { encodeKeyOf, itemIdentity, validateKey } from '../keys.js';
import type { EncodedKey } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import { isExpired, ttlAttributeOf } from '../ttl/state.js';
import type { Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';

export interface TransactGetItemsInput {
  TransactItems: {
    Get: {
      TableName: string;
      Key: Item;
      ProjectionExpression?: string;
      ExpressionAttributeNames?: Record<string, string>;
    };
  }[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}

export async function transactGetItems(ddb: DynamoDb, input: TransactGetItemsInput, ctx: OperationContext) {
  const planned: { table: Table; key?: EncodedKey; projection: Projection | undefined; problem?: string }[] = [];
  for (const { Get: get } of input.TransactItems) {
    const compiled = compileMembers(get);
    const table = tableFor(ddb, ctx, get.TableName, undefined, { access: 'read' });
    const keyItem = validateItem(get.Key);
    const p: (typeof planned)[number] = { table, projection: compiled.projection };
    try {
      validateKey(table, keyItem);
      checkNoNestedKeyAccess(compiled, table.keyNames);
      p.key = encodeKeyOf(table.key, keyItem);
    } catch (err) {
      if (!(err instanceof AwsError) || err.code !== 'ValidationException') throw err;
      p.problem = err.message;
    }
    planned.push(p);
  }
  const seen = new Set<string>();
  for (const p of planned) {
    if (!p.key) continue;
    const id = itemIdentity(p.table.id, p.key);
    if (seen.has(id)) throw invalid('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
  if (planned.some((p) => p.problem)) {
    throw transactionCanceled(
      planned.map((p) => (p.problem ? { Code: 'ValidationError', Message: p.problem } : { Code: 'None' })),
    );
  }
  const capacities = new Map<Table, Consumption>();
  const now = ddb.clock.now();
  const responses = await ddb.store.transaction(async (tx) => {
    const out: Record<string, unknown>[] = [];
    for (const p of planned) {
      const row = await itemsSql.get(tx, p.table.id, p.key!);
      let c = capacities.get(p.table);
      if (!c) capacities.set(p.table, (c = newConsumption('read')));
      addRead(c, row?.size ?? 0, true);
      if (!row) {
        out.push({});
        continue;
      }
      const item = JSON.parse(row.item) as Item;
      const ttlAttribute = ttlAttributeOf(p.table);
      if (ttlAttribute !== undefined && isExpired(item, ttlAttribute, now)) {
        out.push({});
        continue;
      }
      out.push({ Item: p.projection ? projectItem(item, p.projection) : item });
    }
    return out;
  });
  for (const c of capacities.values()) c.table *= 2;
  const result: Record<string, unknown> = { Responses: responses };
  const consumed = [...capacities]
    .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) result['ConsumedCapacity'] = consumed;
  return result;
}
