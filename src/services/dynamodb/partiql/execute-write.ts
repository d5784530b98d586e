/**
 * INSERT, UPDATE, DELETE (and EXISTS checks) through the item write path: a single statement is a
 * conditional write (operations/shared/conditional-write.ts, as PutItem / UpdateItem / DeleteItem
 * use), a transaction checks every condition, computes every new item and then applies them all in
 * one store transaction. Either way each change goes through ItemWriter.apply, so index rows and
 * change listeners (Streams) see PartiQL writes like any other.
 */
import { AwsError } from '../../../core/errors/aws-error.js';
import { addWrite, newConsumption } from '../capacity.js';
import type { Consumption } from '../capacity.js';
import type { DynamoDb } from '../context.js';
import { invalid, transactionCanceled } from '../errors.js';
import type { CancellationReason } from '../errors.js';
import { evaluateCondition } from '../expressions/index.js';
import { conditionalWrite } from '../operations/shared/conditional-write.js';
import type { WriteResult } from '../operations/shared/conditional-write.js';
import { returnedAttributes } from '../operations/shared/return-values.js';
import { itemIdentity } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import { itemSize } from '../values/size.js';
import { PartiqlError, msg } from './errors.js';
import { nextItem } from './write-plan.js';
import type { WritePlan } from './write-plan.js';

/** Run one planned write on its own. INSERT of an existing key is DuplicateItemException. */
export async function executeWrite(ddb: DynamoDb, plan: WritePlan): Promise<WriteResult> {
  try {
    return await conditionalWrite(ddb, {
      table: plan.table,
      key: plan.key,
      condition: plan.condition,
      returnOnFailure: plan.kind === 'insert' ? undefined : plan.returnOnFailure,
      compute: (old) => nextItem(plan, old()),
    });
  } catch (err) {
    if (plan.kind === 'insert' && err instanceof AwsError && err.code === 'ConditionalCheckFailedException') {
      throw PartiqlError.duplicateItem();
    }
    throw err;
  }
}

/** The `Items` of a write statement's response: the RETURNING item, if any. */
export function returnedItems(plan: WritePlan, result: WriteResult): Item[] {
  const attributes = returnedAttributes(plan.returnValues, result.oldItem, result.newItem, plan.update);
  return attributes && Object.keys(attributes).length ? [attributes] : [];
}

/** Write capacity of one applied write. */
export function writeCapacity(plan: WritePlan, result: WriteResult, into?: Consumption, multiplier = 1): Consumption {
  const c = into ?? newConsumption('write');
  addWrite(c, plan.table, result.oldItem, result.newItem, multiplier);
  return c;
}

const targetId = (plan: WritePlan) => itemIdentity(plan.table.id, plan.key);

/** True when two plans address the same item. */
export function hasDuplicateTargets(plans: readonly { table: Table; key: WritePlan['key'] }[]): boolean {
  const seen = new Set<string>();
  for (const p of plans) {
    const id = targetId(p as WritePlan);
    if (seen.has(id)) return true;
    seen.add(id);
  }
  return false;
}

/** A transaction may carry at most 4 MB of item data. */
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/**
 * Apply planned writes atomically (ExecuteTransaction), with TransactWriteItems' semantics:
 * every condition is checked before anything is written, and any failure cancels the whole
 * transaction with one reason per statement, in order. Returns write capacity per table.
 */
export async function executeWriteTransaction(
  ddb: DynamoDb,
  plans: readonly WritePlan[],
): Promise<Map<Table, Consumption>> {
  if (hasDuplicateTargets(plans)) throw invalid('Transaction request cannot include multiple operations on one item');
  let bytes = 0;
  for (const p of plans) if (p.item) bytes += itemSize(p.item);
  if (bytes > MAX_TRANSACTION_BYTES) throw invalid('Transaction request size cannot exceed 4 MB');
  const capacities = new Map<Table, Consumption>();
  await ddb.store.transaction(async (tx) => {
    const olds: (Item | undefined)[] = [];
    const reasons: CancellationReason[] = [];
    let failed = false;
    for (const p of plans) {
      const row = await itemsSql.get(tx, p.table.id, p.key);
      const old = row ? (JSON.parse(row.item) as Item) : undefined;
      olds.push(old);
      if (p.condition && !evaluateCondition(p.condition, old)) {
        failed = true;
        if (p.kind === 'insert') reasons.push({ Code: 'DuplicateItem', Message: msg.duplicateItem });
        else {
          reasons.push({
            Code: 'ConditionalCheckFailed',
            Message: 'The conditional request failed',
            ...(p.returnOnFailure === 'ALL_OLD' && old ? { Item: old } : {}),
          });
        }
      } else reasons.push({ Code: 'None' });
    }
    if (failed) throw transactionCanceled(reasons);
    const nexts: (Item | undefined)[] = [];
    const problems: CancellationReason[] = [];
    let invalidUpdate = false;
    plans.forEach((p, i) => {
      try {
        nexts.push(nextItem(p, olds[i]));
        problems.push({ Code: 'None' });
      } catch (err) {
        if (!(err instanceof AwsError) || err.code !== 'ValidationException') throw err;
        invalidUpdate = true;
        nexts.push(olds[i]);
        problems.push({ Code: 'ValidationError', Message: err.message });
      }
    });
    if (invalidUpdate) throw transactionCanceled(problems);
    for (let i = 0; i < plans.length; i++) {
      const p = plans[i]!;
      if (p.kind === 'check') continue;
      const oldItem = olds[i];
      const newItem = nexts[i];
      if (oldItem || newItem)
        await ddb.writer.apply(tx, { table: p.table, key: p.key, oldItem, newItem, at: ddb.clock.now() });
      let c = capacities.get(p.table);
      if (!c) capacities.set(p.table, (c = newConsumption('write')));
      addWrite(c, p.table, oldItem, newItem, 2);
    }
  });
  return capacities;
}
