import type { Db } from '../../../storage/store.js';

export interface StoredPolicy {
  policy: string;
  revisionId: string;
}

/** Resource-based policies by table (internal id) and resource ARN (the table's or its stream's). */
export const policiesSql = {
  async get(db: Db, tableId: number, resourceArn: string): Promise<StoredPolicy | undefined> {
    const row = await db.get<{ policy: string; revision_id: string }>(
      'SELECT policy, revision_id FROM ddb_resource_policies WHERE table_id = ? AND resource_arn = ?',
      [tableId, resourceArn],
    );
    return row ? { policy: row.policy, revisionId: row.revision_id } : undefined;
  },

  async put(db: Db, tableId: number, resourceArn: string, policy: string, revisionId: string): Promise<void> {
    await db.run(
      'INSERT INTO ddb_resource_policies (table_id, resource_arn, policy, revision_id) VALUES (?, ?, ?, ?) ON CONFLICT (table_id, resource_arn) DO UPDATE SET policy = excluded.policy, revision_id = excluded.revision_id',
      [tableId, resourceArn, policy, revisionId],
    );
  },

  async delete(db: Db, tableId: number, resourceArn: string): Promise<void> {
    await db.run('DELETE FROM ddb_resource_policies WHERE table_id = ? AND resource_arn = ?', [tableId, resourceArn]);
  },

  async drop(db: Db, tableId: number): Promise<void> {
    await db.run('DELETE FROM ddb_resource_policies WHERE table_id = ?', [tableId]);
  },
};
