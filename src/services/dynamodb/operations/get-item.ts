import type { OperationContext } from '../../../core/service.js';
import { RawJson } from '../../../core/protocols/raw-json.js';
import { addRead, consumedCapacity, newConsumption } from '../capacity.js';
import type { ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import {
  checkExpressionParameters,
  checkNoNestedKeyAccess,
  convertAttributesToGet,
  projectItem,
} from '../expressions/index.js';
import { encodeKeyOf, validateKey } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import { isExpired, ttlAttributeOf } from '../ttl/state.js';
import type { Item } from '../types.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';

export interface GetItemInput {
  TableName: string;
  Key: Item;
  AttributesToGet?: string[];
  ConsistentRead?: boolean;
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}

export async function getItem(ddb: DynamoDb, input: GetItemInput, ctx: OperationContext) {
  const key = validateItem(input.Key);
  checkExpressionParameters('GetItem', input);
  const compiled = compileMembers(input);
  const projection =
    compiled.projection ?? (input.AttributesToGet ? convertAttributesToGet(input.AttributesToGet) : undefined);
  const table = tableFor(ddb, ctx, input.TableName, undefined, { access: 'read' });
  validateKey(table, key);
  checkNoNestedKeyAccess(compiled, table.keyNames);
  const row = await itemsSql.get(ddb.store, table.id, encodeKeyOf(table.key, key));
  // An expired item (TTL) is not returned; it was still read, so it still costs its size.
  const ttlAttribute = ttlAttributeOf(table);
  const parsed = row && ttlAttribute !== undefined ? (JSON.parse(row.item) as Item) : undefined;
  const visible = parsed !== undefined && isExpired(parsed, ttlAttribute!, ddb.clock.now()) ? undefined : row;
  const mode = input.ReturnConsumedCapacity;
  if (!projection && (mode === undefined || mode === 'NONE')) {
    return new RawJson(visible ? `{"Item":${visible.item}}` : '{}');
  }
  const out: Record<string, unknown> = {};
  if (visible) {
    const item = parsed ?? (JSON.parse(visible.item) as Item);
    out['Item'] = projection ? projectItem(item, projection) : item;
  }
  const capacity = newConsumption('read');
  addRead(capacity, row?.size ?? 0, input.ConsistentRead === true);
  const consumed = consumedCapacity(table, mode, capacity);
  if (consumed) out['ConsumedCapacity'] = consumed;
  return out;
}
