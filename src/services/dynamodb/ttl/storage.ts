import type { Db } from '../../../storage/store.js';
import type { EncodedKey } from '../keys.js';

export interface DueRow {
  expires: number;
  bucket: number;
  pk: Buffer;
  sk: Buffer;
}

/** SQL over ddb_ttl_expiry: (table, expiration time, item key) for every item of a TTL table. */
export const ttlSql = {
  async put(tx: Db, tableId: number, expires: number, key: EncodedKey): Promise<void> {
    await tx.run(
      'INSERT INTO ddb_ttl_expiry (table_id, expires, bucket, pk, sk) VALUES (?, ?, ?, ?, ?) ON CONFLICT (table_id, expires, bucket, pk, sk) DO NOTHING',
      [tableId, expires, key.bucket, key.pk, key.sk],
    );
  },

  async delete(tx: Db, tableId: number, expires: number, key: EncodedKey): Promise<void> {
    await tx.run('DELETE FROM ddb_ttl_expiry WHERE table_id = ? AND expires = ? AND bucket = ? AND pk = ? AND sk = ?', [
      tableId,
      expires,
      key.bucket,
      key.pk,
      key.sk,
    ]);
  },

  /** Items whose expiration time is in [low, high), oldest first. */
  due(db: Db, tableId: number, low: number, high: number, limit: number): Promise<DueRow[]> {
    return db.all<DueRow>(
      'SELECT expires, bucket, pk, sk FROM ddb_ttl_expiry WHERE table_id = ? AND expires >= ? AND expires < ? ORDER BY expires LIMIT ?',
      [tableId, low, high, limit],
    );
  },

  async dropTable(tx: Db, tableId: number): Promise<void> {
    await tx.run('DELETE FROM ddb_ttl_expiry WHERE table_id = ?', [tableId]);
  },

  async tableIds(db: Db): Promise<number[]> {
    return (await db.all<{ table_id: number }>('SELECT DISTINCT table_id FROM ddb_ttl_expiry')).map((r) => r.table_id);
  },
};
