import type { Db } from '../../../storage/store.js';
import type { EncodedKey } from '../keys.js';
import type { ScanRow } from '../storage/items.js';
import type { Item } from '../types.js';
import { itemSize } from '../values/size.js';

const PAGE = 500;

const keyString = (k: EncodedKey) => `${k.bucket}:${k.pk.toString('hex')}:${k.sk.toString('hex')}`;

/** What to undo for one key: its image just before the first change after T (null = absent). */
export interface Revert {
  key: EncodedKey;
  item: string | null;
}

/**
 * For every key changed after `t`, the image it had at `t`: the old image of its first change
 * after `t`. Applying these to the current table gives the table as it was at `t`.
 */
export async function revertsAfter(db: Db, tableId: number, t: number): Promise<Map<string, Revert>> {
  const out = new Map<string, Revert>();
  let afterSeq = 0;
  for (;;) {
    const rows = await db.all<{ seq: number; bucket: number; pk: Buffer; sk: Buffer; old_item: string | null }>(
      'SELECT seq, bucket, pk, sk, old_item FROM ddb_pitr_log WHERE table_id = ? AND written_at > ? AND seq > ? ORDER BY seq LIMIT ?',
      [tableId, t, afterSeq, PAGE],
    );
    for (const r of rows) {
      const key = { bucket: Number(r.bucket), pk: r.pk, sk: r.sk };
      const k = keyString(key);
      if (!out.has(k)) out.set(k, { key, item: r.old_item });
    }
    if (rows.length < PAGE) return out;
    afterSeq = Number(rows[rows.length - 1]!.seq);
  }
}

/** Each item of the table as it was at `t` (current rows with later changes undone), in pages. */
export async function* rowsAt(db: Db, tableId: number, t: number): AsyncGenerator<ScanRow[]> {
  const reverts = await revertsAfter(db, tableId, t);
  let after: { bucket: number; pk: Buffer; sk: Buffer } | undefined;
  for (;;) {
    const params: (number | Buffer)[] = [tableId];
    let sql = 'SELECT bucket, pk, sk, item, size FROM ddb_items WHERE table_id = ?';
    if (after) {
      sql += ' AND (bucket, pk, sk) > (?, ?, ?)';
      params.push(after.bucket, after.pk, after.sk);
    }
    sql += ' ORDER BY bucket, pk, sk LIMIT ?';
    params.push(PAGE);
    const rows = await db.all<ScanRow>(sql, params);
    const page: ScanRow[] = [];
    for (const row of rows) {
      const revert = reverts.get(keyString(row));
      if (!revert) {
        page.push(row);
        continue;
      }
      reverts.delete(keyString(row));
      if (revert.item !== null) page.push(withItem(row, revert.item));
    }
    if (page.length > 0) yield page;
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { bucket: last.bucket, pk: last.pk, sk: last.sk };
  }
  // Keys deleted after t: they existed at t with their old image.
  const rest: ScanRow[] = [];
  for (const revert of reverts.values()) if (revert.item !== null) rest.push(withItem(revert.key, revert.item));
  if (rest.length > 0) yield rest;
}

function withItem(key: EncodedKey, item: string): ScanRow {
  return { bucket: key.bucket, pk: key.pk, sk: key.sk, item, size: itemSize(JSON.parse(item) as Item) };
}

/** One key's net change over (from, to]: its image before the window, after it, and when it was last written. */
export interface NetChange {
  key: EncodedKey;
  oldItem: string | null;
  newItem: string | null;
  lastWrite: number;
}

/** The net change of every key written in (from, to], in the order of their first change. */
export async function changesBetween(db: Db, tableId: number, from: number, to: number): Promise<NetChange[]> {
  const out = new Map<string, NetChange>();
  let afterSeq = 0;
  for (;;) {
    const rows = await db.all<{
      seq: number;
      written_at: number;
      bucket: number;
      pk: Buffer;
      sk: Buffer;
      old_item: string | null;
      new_item: string | null;
    }>(
      'SELECT seq, written_at, bucket, pk, sk, old_item, new_item FROM ddb_pitr_log WHERE table_id = ? AND written_at > ? AND written_at <= ? AND seq > ? ORDER BY seq LIMIT ?',
      [tableId, from, to, afterSeq, PAGE],
    );
    for (const r of rows) {
      const key = { bucket: Number(r.bucket), pk: r.pk, sk: r.sk };
      const k = keyString(key);
      const seen = out.get(k);
      if (seen) {
        seen.newItem = r.new_item;
        seen.lastWrite = Number(r.written_at);
      } else {
        out.set(k, { key, oldItem: r.old_item, newItem: r.new_item, lastWrite: Number(r.written_at) });
      }
    }
    if (rows.length < PAGE) break;
    afterSeq = Number(rows[rows.length - 1]!.seq);
  }
  return [...out.values()];
}
