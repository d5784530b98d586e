import type { Condition } from '../../expressions/index.js';
import { evaluateCondition } from '../../expressions/index.js';
import type { DynamoDb } from '../../context.js';
import { ddbErrors, invalid } from '../../errors.js';
import type { EncodedKey } from '../../keys.js';
import type { Table } from '../../tables/table.js';
import type { Item } from '../../types.js';
import { MAX_ITEM_SIZE, itemSize } from '../../values/size.js';
import { changesStorage } from '../../writes.js';

export interface WriteRequest {
  table: Table;
  key: EncodedKey;
  condition: Condition | undefined;
  /** ReturnValuesOnConditionCheckFailure. */
  returnOnFailure: string | undefined;
  /** The item after the write (undefined deletes), from the item before it (parsed when called). */
  compute: (oldItem: () => Item | undefined) => Item | undefined;
  /** The computed item's size, when the caller knows it before the write (a PutItem). */
  newSize?: number;
  /**
   * When set, a computed item over DynamoDB's 400 KB is refused with this message (an UpdateItem):
   * the size is computed once, here, and serves the write, its statistics and its capacity.
   */
  tooLargeMessage?: string;
  /**
   * False when neither `compute` nor the caller reads the old item (a PutItem or DeleteItem
   * without ReturnValues ALL_OLD): without a condition, indexes or listeners that read it, the write
   * then reads nothing before it writes, and its statement answers the old size (a blind write,
   * ItemWriter.readOld). Default true.
   */
  readsOldItem?: boolean;
}

export interface WriteResult {
  /** The item before the write, parsed from storage on first read (a PutItem may never need it). */
  readonly oldItem: Item | undefined;
  /** Its stored size when there was one: capacity and statistics need no parse. */
  readonly oldSize: number | undefined;
  newItem: Item | undefined;
  /** The new item's size (undefined: the write deleted the item). */
  newSize: number | undefined;
}

/** Read, check the condition, compute and write one item atomically. */
export async function conditionalWrite(ddb: DynamoDb, req: WriteRequest): Promise<WriteResult> {
  return ddb.store.transaction(async (tx) => {
    const readsOld = req.readsOldItem !== false || req.condition !== undefined;
    const change = await ddb.writer.readOld(tx, req.table, req.key, readsOld);
    if (req.condition && !evaluateCondition(req.condition, change.oldItem)) {
      throw ddbErrors.conditionalCheckFailed(req.returnOnFailure === 'ALL_OLD' ? change.oldItem : undefined);
    }
    change.newItem = req.compute(() => change.oldItem);
    change.newSize = change.newItem ? (req.newSize ?? itemSize(change.newItem)) : undefined;
    if (req.tooLargeMessage !== undefined && change.newSize !== undefined && change.newSize > MAX_ITEM_SIZE) {
      throw invalid(req.tooLargeMessage);
    }
    change.at = ddb.clock.now();
    if (changesStorage(change)) await ddb.writer.apply(tx, change);
    return change;
  });
}
