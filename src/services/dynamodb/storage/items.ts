import type { Db, SqlValue } from '../../../storage/store.js';
import type { EncodedKey } from '../keys.js';

/** A stored row: the item as wire JSON and its DynamoDB size. */
export interface Row {
  item: string;
  size: number;
}

export interface ScanRow extends Row {
  bucket: number;
  pk: Buffer;
  sk: Buffer;
}

/** Range condition on an encoded sort key. */
export interface SortRange {
  low?: { value: Buffer; inclusive: boolean };
  high?: { value: Buffer; inclusive: boolean };
}

/** A position to continue after: (bucket, pk, sk) for tables, plus index keys for indexes. */
export interface TablePosition {
  bucket: number;
  pk: Buffer;
  sk: Buffer;
}

export interface IndexPosition {
  isk: Buffer;
  tpk: Buffer;
  tsk: Buffer;
  bucket: number;
  ipk: Buffer;
}

/** The sort-key conditions of `range` on `column`; their values go to `params` in the same order. */
function rangeSql(column: string, range: SortRange, params: SqlValue[]): string {
  let sql = '';
  if (range.low) {
    sql += ` AND ${column} ${range.low.inclusive ? '>=' : '>'} ?`;
    params.push(range.low.value);
  }
  if (range.high) {
    sql += ` AND ${column} ${range.high.inclusive ? '<=' : '<'} ?`;
    params.push(range.high.value);
  }
  return sql;
}

/**
 * The first `limit` rows of `sql` (which has no LIMIT). The LIMIT goes into the SQL as a literal,
 * rounded up to a power of two, and the extra rows are dropped here: SQLite re-prepares a statement
 * whose LIMIT is a bound parameter each time that parameter is bound (its planner reads the value),
 * ~7 µs on every page read; literals keep one prepared statement per power of two.
 */
async function allUpTo<T>(db: Db, sql: string, params: SqlValue[], limit: number): Promise<T[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`bad row limit ${limit}`);
  const rows = await db.all<T>(`${sql} LIMIT ${2 ** Math.ceil(Math.log2(limit))}`, params);
  if (rows.length > limit) rows.length = limit;
  return rows;
}

/**
 * Rows read as one value: the Query/Scan answer `{"Items":[…],"Count":n,"ScannedCount":n}` with the
 * items' stored JSON in the order of the read, as UTF-8 bytes; how many there were and their total
 * DynamoDB size. One SQLite call and one buffer from SQLite to the socket, instead of a string and
 * an object per row (a 10-item Query page: 21 µs -> 13 µs here) and of buffers joined in JS (each
 * is V8 external memory, whose churn under load sets off major GCs).
 */
export interface PackedRows {
  answer: Buffer;
  count: number;
  bytes: number;
}

/**
 * `sql`'s first `limit` rows packed. The aggregate reads the LIMITed subquery, which SQLite runs
 * as a co-routine in its ORDER BY order and does not reorder (an ORDER BY inside group_concat
 * would sort the rows again); a test compares pages read this way with the same pages read row
 * by row, forward and backward, by table and by index.
 */
async function packedUpTo(db: Db, sql: string, params: SqlValue[], limit: number): Promise<PackedRows> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`bad row limit ${limit}`);
  const row = await db.get<{ answer: Buffer; count: number; bytes: number | null }>(
    `SELECT CAST('{"Items":[' || coalesce(group_concat(item, ','), '') || '],"Count":' || count(*) || ',"ScannedCount":' || count(*) || '}' AS BLOB) AS answer, count(*) AS count, sum(size) AS bytes FROM (${sql} LIMIT ${limit})`,
    params,
  );
  if (!row) throw new Error('an aggregate query returned no row');
  return { answer: row.answer, count: Number(row.count), bytes: Number(row.bytes ?? 0) };
}

/**
 * One partition of a table (sort key order) or of an index (index sort key, then table key), from
 * after `after` (exclusive) when given, within `range` of the sort key.
 */
export type PartitionRead = {
  tableId: number;
  bucket: number;
  pk: Buffer;
  range: SortRange;
  forward: boolean;
} & ({ index?: undefined; after: Buffer | undefined } | { index: string; after: IndexPosition | undefined });

function partitionSql(r: PartitionRead): [string, SqlValue[]] {
  if (r.index === undefined) {
    const params: SqlValue[] = [r.tableId, r.bucket, r.pk];
    let sql = 'SELECT item, size FROM ddb_items WHERE table_id = ? AND bucket = ? AND pk = ?';
    sql += rangeSql('sk', r.range, params);
    if (r.after) {
      sql += r.forward ? ' AND sk > ?' : ' AND sk < ?';
      params.push(r.after);
    }
    return [`${sql} ORDER BY sk ${r.forward ? 'ASC' : 'DESC'}`, params];
  }
  const params: SqlValue[] = [r.tableId, r.index, r.bucket, r.pk];
  let sql = 'SELECT item, size FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND bucket = ? AND ipk = ?';
  sql += rangeSql('isk', r.range, params);
  if (r.after) {
    sql += r.forward ? ' AND (isk, tpk, tsk) > (?, ?, ?)' : ' AND (isk, tpk, tsk) < (?, ?, ?)';
    params.push(r.after.isk, r.after.tpk, r.after.tsk);
  }
  const dir = r.forward ? 'ASC' : 'DESC';
  return [`${sql} ORDER BY isk ${dir}, tpk ${dir}, tsk ${dir}`, params];
}

function scanTableSql(
  columns: string,
  tableId: number,
  bucketLow: number,
  bucketHigh: number,
  after: TablePosition | undefined,
): [string, SqlValue[]] {
  const params: SqlValue[] = [tableId, bucketLow, bucketHigh];
  let sql = `SELECT ${columns} FROM ddb_items WHERE table_id = ? AND bucket >= ? AND bucket < ?`;
  if (after) {
    sql += ' AND (bucket, pk, sk) > (?, ?, ?)';
    params.push(after.bucket, after.pk, after.sk);
  }
  return [sql + ' ORDER BY bucket, pk, sk', params];
}

/** SQL over ddb_items and ddb_index_items; every method takes the Db (store or transaction) to run on. */
export const itemsSql = {
  get(db: Db, tableId: number, key: EncodedKey): Promise<Row | undefined> {
    return db.get<Row>('SELECT item, size FROM ddb_items WHERE table_id = ? AND bucket = ? AND pk = ? AND sk = ?', [
      tableId,
      key.bucket,
      key.pk,
      key.sk,
    ]);
  },

  async put(db: Db, tableId: number, key: EncodedKey, item: string, size: number): Promise<void> {
    await db.run(
      'INSERT INTO ddb_items (table_id, bucket, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_id, bucket, pk, sk) DO UPDATE SET item = excluded.item, size = excluded.size',
      [tableId, key.bucket, key.pk, key.sk, item, size],
    );
  },

  /**
   * `put` that answers the size of the item it replaced (undefined: there was none), in one
   * statement: the upsert keeps the old size in `prev_size`, which RETURNING reads.
   */
  async putReturningOldSize(
    db: Db,
    tableId: number,
    key: EncodedKey,
    item: string,
    size: number,
  ): Promise<number | undefined> {
    const row = await db.get<{ prev_size: number | null }>(
      'INSERT INTO ddb_items (table_id, bucket, pk, sk, item, size) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (table_id, bucket, pk, sk) DO UPDATE SET item = excluded.item, size = excluded.size, prev_size = ddb_items.size RETURNING prev_size',
      [tableId, key.bucket, key.pk, key.sk, item, size],
    );
    return row?.prev_size ?? undefined;
  },

  /** `delete` that answers the deleted item's size (undefined: there was none). */
  async deleteReturningSize(db: Db, tableId: number, key: EncodedKey): Promise<number | undefined> {
    const row = await db.get<{ size: number }>(
      'DELETE FROM ddb_items WHERE table_id = ? AND bucket = ? AND pk = ? AND sk = ? RETURNING size',
      [tableId, key.bucket, key.pk, key.sk],
    );
    return row?.size;
  },

  async delete(db: Db, tableId: number, key: EncodedKey): Promise<void> {
    await db.run('DELETE FROM ddb_items WHERE table_id = ? AND bucket = ? AND pk = ? AND sk = ?', [
      tableId,
      key.bucket,
      key.pk,
      key.sk,
    ]);
  },

  async putIndex(
    db: Db,
    tableId: number,
    index: string,
    ikey: EncodedKey,
    tkey: EncodedKey,
    item: string,
    size: number,
  ): Promise<void> {
    await db.run(
      'INSERT INTO ddb_index_items (table_id, index_name, bucket, ipk, isk, tpk, tsk, item, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_id, index_name, bucket, ipk, isk, tpk, tsk) DO UPDATE SET item = excluded.item, size = excluded.size',
      [tableId, index, ikey.bucket, ikey.pk, ikey.sk, tkey.pk, tkey.sk, item, size],
    );
  },

  async deleteIndex(db: Db, tableId: number, index: string, ikey: EncodedKey, tkey: EncodedKey): Promise<void> {
    await db.run(
      'DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND bucket = ? AND ipk = ? AND isk = ? AND tpk = ? AND tsk = ?',
      [tableId, index, ikey.bucket, ikey.pk, ikey.sk, tkey.pk, tkey.sk],
    );
  },

  async dropIndex(db: Db, tableId: number, index: string): Promise<void> {
    await db.run('DELETE FROM ddb_index_items WHERE table_id = ? AND index_name = ?', [tableId, index]);
  },

  /**
   * Items of one partition in key order, after `after` (exclusive) when given. Page reads select
   * only the item and its size: key blobs would cost a Buffer each per row (half the statement's
   * time for a 10-item Query); a caller that continues re-encodes the tail's key.
   */
  queryPartition(db: Db, read: PartitionRead, limit: number): Promise<Row[]> {
    const [sql, params] = partitionSql(read);
    return allUpTo<Row>(db, sql, params, limit);
  },

  /** The first `limit` items of a partition, packed (see PackedRows). */
  queryPartitionPacked(db: Db, read: PartitionRead, limit: number): Promise<PackedRows> {
    const [sql, params] = partitionSql(read);
    return packedUpTo(db, sql, params, limit);
  },

  /** Table rows with their keys in scan order within [bucketLow, bucketHigh), after `after` when given. */
  scanTable(
    db: Db,
    tableId: number,
    bucketLow: number,
    bucketHigh: number,
    after: TablePosition | undefined,
    limit: number,
  ): Promise<ScanRow[]> {
    const [sql, params] = scanTableSql('bucket, pk, sk, item, size', tableId, bucketLow, bucketHigh, after);
    return allUpTo<ScanRow>(db, sql, params, limit);
  },

  /** The same rows as scanTable, item and size only (a Scan page). */
  scanTableItems(
    db: Db,
    tableId: number,
    bucketLow: number,
    bucketHigh: number,
    after: TablePosition | undefined,
    limit: number,
  ): Promise<Row[]> {
    const [sql, params] = scanTableSql('item, size', tableId, bucketLow, bucketHigh, after);
    return allUpTo<Row>(db, sql, params, limit);
  },

  scanIndex(
    db: Db,
    tableId: number,
    index: string,
    bucketLow: number,
    bucketHigh: number,
    after: IndexPosition | undefined,
    limit: number,
  ): Promise<Row[]> {
    const params: SqlValue[] = [tableId, index, bucketLow, bucketHigh];
    let sql =
      'SELECT item, size FROM ddb_index_items WHERE table_id = ? AND index_name = ? AND bucket >= ? AND bucket < ?';
    if (after) {
      sql += ' AND (bucket, ipk, isk, tpk, tsk) > (?, ?, ?, ?, ?)';
      params.push(after.bucket, after.ipk, after.isk, after.tpk, after.tsk);
    }
    sql += ' ORDER BY bucket, ipk, isk, tpk, tsk';
    return allUpTo<Row>(db, sql, params, limit);
  },

  async tableStats(db: Db, tableId: number): Promise<{ count: number; bytes: number }> {
    const row = await db.get<{ c: number; b: number | null }>(
      'SELECT COUNT(*) AS c, SUM(size) AS b FROM ddb_items WHERE table_id = ?',
      [tableId],
    );
    return { count: Number(row?.c ?? 0), bytes: Number(row?.b ?? 0) };
  },

  async indexStats(db: Db, tableId: number, index: string): Promise<{ count: number; bytes: number }> {
    const row = await db.get<{ c: number; b: number | null }>(
      'SELECT COUNT(*) AS c, SUM(size) AS b FROM ddb_index_items WHERE table_id = ? AND index_name = ?',
      [tableId, index],
    );
    return { count: Number(row?.c ?? 0), bytes: Number(row?.b ?? 0) };
  },

  /** Size of an item collection (one partition of a table with LSIs), in bytes. */
  async collectionSize(db: Db, tableId: number, bucket: number, pk: Buffer): Promise<number> {
    const row = await db.get<{ b: number | null }>(
      'SELECT SUM(size) AS b FROM ddb_items WHERE table_id = ? AND bucket = ? AND pk = ?',
      [tableId, bucket, pk],
    );
    return Number(row?.b ?? 0);
  },
};
