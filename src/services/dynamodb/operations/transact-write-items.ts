import type { OperationContext } from '../../../core/service.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import { addWrite, consumedCapacity, newConsumption } from '../capacity.js';
import type { Consumption, ReturnConsumedCapacity } from '../capacity.js';
import { tableFor } from '../context.js';
import type { DynamoDb } from '../context.js';
import { invalid, transactionCanceled } from '../errors.js';
import type { CancellationReason } from '../errors.js';
import { applyUpdate, checkKeyNotUpdated, checkNoNestedKeyAccess, evaluateCondition } from '../expressions/index.js';
import type { Condition, UpdateExpression } from '../expressions/index.js';
import { encodeKeyOf, itemIdentity, keyOf, validateItemKeys, validateKey } from '../keys.js';
import type { EncodedKey } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import type { AttributeValue, Item } from '../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../values/size.js';
import { validateItem } from '../values/validate.js';
import { compileMembers } from './shared/compile.js';

interface ActionBase {
  TableName: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
  ReturnValuesOnConditionCheckFailure?: string;
}

export interface TransactWriteItem {
  ConditionCheck?: ActionBase & { Key: Item };
  Put?: ActionBase & { Item: Item };
  Delete?: ActionBase & { Key: Item };
  Update?: ActionBase & { Key: Item; UpdateExpression: string };
}

export interface TransactWriteItemsInput {
  TransactItems: TransactWriteItem[];
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
  ReturnItemCollectionMetrics?: string;
  ClientRequestToken?: string;
}

/** A transaction may carry at most 4 MB of item data. */
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

interface Planned {
  kind: 'ConditionCheck' | 'Put' | 'Delete' | 'Update';
  action: ActionBase;
  table: Table;
  condition: Condition | undefined;
  update: UpdateExpression | undefined;
  /** The raw Key or Item, validated per action. */
  raw: Item;
  keyItem?: Item;
  key?: EncodedKey;
  /** Set when the action fails its own validation (reported as a ValidationError reason). */
  problem?: string;
}

function actionOf(
  t: TransactWriteItem,
): [Planned['kind'], ActionBase & { Key?: Item; Item?: Item; UpdateExpression?: string }] {
  const present = (['ConditionCheck', 'Put', 'Delete', 'Update'] as const).filter(
    (k) => t[k] !== undefined && t[k] !== null,
  );
  if (present.length !== 1) {
    throw invalid('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  const kind = present[0]!;
  return [kind, t[kind]!];
}

/** Plan and validate every action: request-level errors throw; per-action ones become reasons. */
function plan(ddb: DynamoDb, input: TransactWriteItemsInput, ctx: OperationContext): Planned[] {
  const planned: Planned[] = [];
  for (const t of input.TransactItems) {
    const [kind, action] = actionOf(t);
    const compiled = compileMembers(action);
    const table = tableFor(ddb, ctx, action.TableName, undefined, { access: 'write' });
    const raw = validateItem(kind === 'Put' ? action.Item : action.Key);
    const p: Planned = { kind, action, table, condition: compiled.condition, update: compiled.update, raw };
    try {
      const keyNames = table.keyNames;
      checkNoNestedKeyAccess(compiled, keyNames);
      if (kind === 'Put') {
        validateItemKeys(table, raw);
        if (itemSize(raw) > MAX_ITEM_SIZE) throw invalid('Item size has exceeded the maximum allowed size');
        p.keyItem = keyOf(table.key, raw);
      } else {
        validateKey(table, raw);
        p.keyItem = raw;
      }
      if (p.update) checkKeyNotUpdated(p.update, keyNames);
      p.key = encodeKeyOf(table.key, p.keyItem);
    } catch (err) {
      if (!(err instanceof AwsError) || err.code !== 'ValidationException') throw err;
      p.problem = err.message;
    }
    planned.push(p);
  }
  const seen = new Set<string>();
  let bytes = 0;
  for (const p of planned) {
    if (!p.key) continue;
    const id = itemIdentity(p.table.id, p.key);
    if (seen.has(id)) throw invalid('Transaction request cannot include multiple operations on one item');
    seen.add(id);
    if (p.kind === 'Put') bytes += itemSize(p.raw);
  }
  if (bytes > MAX_TRANSACTION_BYTES) throw invalid('Transaction request size cannot exceed 4 MB');
  return planned;
}

export async function transactWriteItems(ddb: DynamoDb, input: TransactWriteItemsInput, ctx: OperationContext) {
  const planned = plan(ddb, input, ctx);
  const token = input.ClientRequestToken;
  const fingerprint = JSON.stringify(input.TransactItems);
  const scope = `${ctx.account}/${ctx.region}`;
  if (token) {
    const earlier = ddb.tokens.lookup(scope, token, fingerprint);
    if (earlier) return earlier;
  }
  if (planned.some((p) => p.problem)) {
    throw transactionCanceled(
      planned.map((p) => (p.problem ? { Code: 'ValidationError', Message: p.problem } : { Code: 'None' })),
    );
  }
  const capacities = new Map<Table, Consumption>();
  await ddb.store.transaction(async (tx) => {
    const olds: (Item | undefined)[] = [];
    const reasons: CancellationReason[] = [];
    let failed = false;
    for (const p of planned) {
      const row = await itemsSql.get(tx, p.table.id, p.key!);
      const old = row ? (JSON.parse(row.item) as Item) : undefined;
      olds.push(old);
      if (p.condition && !evaluateCondition(p.condition, old)) {
        failed = true;
        reasons.push({
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(p.action.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: old } : {}),
        });
      } else reasons.push({ Code: 'None' });
    }
    if (failed) throw transactionCanceled(reasons);
    const nexts: (Item | undefined)[] = [];
    const problems: CancellationReason[] = [];
    let invalidUpdate = false;
    planned.forEach((p, i) => {
      const old = olds[i];
      let next: Item | undefined = old;
      try {
        if (p.kind === 'Put') next = p.raw;
        else if (p.kind === 'Delete') next = undefined;
        else if (p.kind === 'Update') {
          next = applyUpdate(p.update!, old, { key: p.keyItem! }).item;
          validateItemKeys(p.table, next);
          if (itemSize(next) > MAX_ITEM_SIZE)
            throw invalid('Item size to update has exceeded the maximum allowed size');
        }
        problems.push({ Code: 'None' });
      } catch (err) {
        if (!(err instanceof AwsError) || err.code !== 'ValidationException') throw err;
        invalidUpdate = true;
        problems.push({ Code: 'ValidationError', Message: err.message });
      }
      nexts.push(next);
    });
    if (invalidUpdate) throw transactionCanceled(problems);
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      if (p.kind === 'ConditionCheck') continue;
      const old = olds[i];
      const next = nexts[i];
      if (old || next)
        await ddb.writer.apply(tx, { table: p.table, key: p.key!, oldItem: old, newItem: next, at: ddb.clock.now() });
      let c = capacities.get(p.table);
      if (!c) capacities.set(p.table, (c = newConsumption('write')));
      addWrite(c, p.table, old, next, 2);
    }
  });
  const out: Record<string, unknown> = {};
  const consumed = [...capacities]
    .map(([table, c]) => consumedCapacity(table, input.ReturnConsumedCapacity, c))
    .filter(Boolean);
  if (consumed.length) out['ConsumedCapacity'] = consumed;
  if (input.ReturnItemCollectionMetrics === 'SIZE') out['ItemCollectionMetrics'] = {};
  if (token) ddb.tokens.remember(scope, token, fingerprint, out);
  return out;
}
