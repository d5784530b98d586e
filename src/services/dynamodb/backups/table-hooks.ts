import type { DynamoDb } from '../context.js';
import { DAY_MS, pitrOf } from '../pitr/registry.js';
import { checkPolicyDocument } from '../policies/document.js';
import { policiesSql } from '../policies/store.js';
import type { Table } from '../tables/table.js';
import { tagsSql } from '../tags/store.js';
import type { Tag } from '../tags/store.js';
import { checkTags } from '../tags/validate.js';
import { takeBackup } from './lifecycle.js';

/** What CreateTable takes beyond the table itself: tags and a resource-based policy. */
export interface CreateTableExtras {
  Tags?: Partial<Tag>[];
  ResourcePolicy?: string;
}

/** CreateTable's checks of Tags and ResourcePolicy, before the table exists (a bad tag creates no table). */
export function checkCreateTableExtras(input: CreateTableExtras): void {
  checkTags(input.Tags, false);
  if (input.ResourcePolicy !== undefined) checkPolicyDocument(input.ResourcePolicy);
}

/** Store CreateTable's tags and resource policy on the new table. */
export async function applyCreateTableExtras(ddb: DynamoDb, table: Table, input: CreateTableExtras): Promise<void> {
  const tags = (input.Tags ?? []) as Tag[];
  if (tags.length === 0 && input.ResourcePolicy === undefined) return;
  await ddb.store.transaction(async (tx) => {
    if (tags.length > 0) await tagsSql.put(tx, table.id, tags);
    if (input.ResourcePolicy !== undefined) {
      await policiesSql.put(
        tx,
        table.id,
        table.record.arn,
        checkPolicyDocument(input.ResourcePolicy),
        String(ddb.clock.now()),
      );
    }
  });
}

/** The name of the SYSTEM backup DynamoDB keeps of a deleted table that had PITR. */
export const deletedTableBackupName = (table: string) => `${table}$DeletedTableBackup`;

/**
 * Before DeleteTable removes a table: a table with point-in-time recovery leaves a SYSTEM backup
 * that expires after 35 days (as AWS does); its tags, policies and recovery history go with it.
 */
export async function beforeTableDeleted(ddb: DynamoDb, table: Table): Promise<void> {
  const pitr = pitrOf(ddb);
  if (pitr.get(table.id)) {
    await takeBackup(ddb, table, deletedTableBackupName(table.name), 'SYSTEM', ddb.clock.now() + 35 * DAY_MS);
    await pitr.disable(table.id);
  }
  await ddb.store.transaction(async (tx) => {
    await tagsSql.drop(tx, table.id);
    await policiesSql.drop(tx, table.id);
  });
}
