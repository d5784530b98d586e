import type { Db } from '../../../storage/store.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** A table's tags in ddb_tags, keyed by the table's internal id (one incarnation of a name). */
export const tagsSql = {
  async list(db: Db, tableId: number): Promise<Tag[]> {
    const rows = await db.all<{ tag_key: string; tag_value: string }>(
      'SELECT tag_key, tag_value FROM ddb_tags WHERE table_id = ? ORDER BY position',
      [tableId],
    );
    return rows.map((r) => ({ Key: r.tag_key, Value: r.tag_value }));
  },

  /** Add or overwrite tags; a new key goes last, an overwritten key keeps its place. */
  async put(db: Db, tableId: number, tags: readonly Tag[]): Promise<void> {
    const row = await db.get<{ p: number | null }>('SELECT MAX(position) AS p FROM ddb_tags WHERE table_id = ?', [
      tableId,
    ]);
    let position = Number(row?.p ?? 0);
    for (const tag of tags) {
      await db.run(
        'INSERT INTO ddb_tags (table_id, tag_key, tag_value, position) VALUES (?, ?, ?, ?) ON CONFLICT (table_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value',
        [tableId, tag.Key, tag.Value, ++position],
      );
    }
  },

  async remove(db: Db, tableId: number, keys: readonly string[]): Promise<void> {
    for (const key of keys) await db.run('DELETE FROM ddb_tags WHERE table_id = ? AND tag_key = ?', [tableId, key]);
  },

  async drop(db: Db, tableId: number): Promise<void> {
    await db.run('DELETE FROM ddb_tags WHERE table_id = ?', [tableId]);
  },
};
