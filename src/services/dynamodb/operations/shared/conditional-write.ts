import type { Condition } from '../../expressions/index.js';
import { evaluateCondition } from '../../expressions/index.js';
import type { DynamoDb } from '../../context.js';
import { ddbErrors } from '../../errors.js';
import type { EncodedKey } from '../../keys.js';
import { itemsSql } from '../../storage/items.js';
import type { Table } from '../../tables/table.js';
import type { Item } from '../../types.js';

export interface WriteRequest {
  table: Table;
  key: EncodedKey;
  condition: Condition | undefined;
  /** ReturnValuesOnConditionCheckFailure. */
  returnOnFailure: string | undefined;
  /** The item after the write (undefined deletes), from the item before it. */
  compute: (oldItem: Item | undefined) => Item | undefined;
}

export interface WriteResult {
  oldItem: Item | undefined;
  newItem: Item | undefined;
}

/** Read, check the condition, compute and write one item atomically. */
export async function conditionalWrite(ddb: DynamoDb, req: WriteRequest): Promise<WriteResult> {
  return ddb.store.transaction(async (tx) => {
    const row = await itemsSql.get(tx, req.table.id, req.key);
    const oldItem = row ? (JSON.parse(row.item) as Item) : undefined;
    if (req.condition && !evaluateCondition(req.condition, oldItem)) {
      throw ddbErrors.conditionalCheckFailed(req.returnOnFailure === 'ALL_OLD' ? oldItem : undefined);
    }
    const newItem = req.compute(oldItem);
    if (newItem || oldItem) {
      await ddb.writer.apply(tx, { table: req.table, key: req.key, oldItem, newItem, at: ddb.clock.now() });
    }
    return { oldItem, newItem };
  });
}
