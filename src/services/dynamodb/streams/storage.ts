import type { Db } from '../../../storage/store.js';

/** A row of ddb_streams: one stream, from its enabling until 24 hours after it was disabled. */
export interface StreamRow {
  id: number;
  account: string;
  region: string;
  table_name: string;
  table_id: number;
  arn: string;
  label: string;
  view_type: StreamViewType;
  key_schema: string;
  created_at: number;
  disabled_at: number | null;
}

/** A row of ddb_stream_shards. `trimmed_seq`: records up to it are gone (starts at `start_seq`). */
export interface ShardRow {
  stream_id: number;
  shard_no: number;
  shard_id: string;
  parent_shard_id: string | null;
  start_seq: number;
  end_seq: number | null;
  created_at: number;
  closed_at: number | null;
  trimmed_seq: number;
}

export interface RecordRow {
  seq: number;
  created_at: number;
  size: number;
  record: string;
}

export type StreamViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

const STREAM_COLUMNS =
  'id, account, region, table_name, table_id, arn, label, view_type, key_schema, created_at, disabled_at';
const SHARD_COLUMNS =
  'stream_id, shard_no, shard_id, parent_shard_id, start_seq, end_seq, created_at, closed_at, trimmed_seq';

/** SQL over the stream tables; every method takes the Db (store or transaction) to run on. */
export const streamsSql = {
  async nextStreamId(tx: Db): Promise<number> {
    const row = await tx.get<{ value: number }>("SELECT value FROM ddb_sequence WHERE name = 'stream'");
    const next = (row?.value ?? 0) + 1;
    await tx.run(
      "INSERT INTO ddb_sequence (name, value) VALUES ('stream', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      [next],
    );
    return next;
  },

  async insertStream(tx: Db, s: StreamRow): Promise<void> {
    await tx.run(`INSERT INTO ddb_streams (${STREAM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      s.id,
      s.account,
      s.region,
      s.table_name,
      s.table_id,
      s.arn,
      s.label,
      s.view_type,
      s.key_schema,
      s.created_at,
      s.disabled_at,
    ]);
  },

  arnExists(db: Db, arn: string): Promise<{ id: number } | undefined> {
    return db.get<{ id: number }>('SELECT id FROM ddb_streams WHERE arn = ?', [arn]);
  },

  byArn(db: Db, arn: string): Promise<StreamRow | undefined> {
    return db.get<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM ddb_streams WHERE arn = ?`, [arn]);
  },

  byId(db: Db, id: number): Promise<StreamRow | undefined> {
    return db.get<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM ddb_streams WHERE id = ?`, [id]);
  },

  /** Streams of an account and region (optionally of one table name), in ARN order. */
  list(db: Db, account: string, region: string, tableName: string | undefined): Promise<StreamRow[]> {
    return tableName === undefined
      ? db.all<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM ddb_streams WHERE account = ? AND region = ? ORDER BY arn`, [
          account,
          region,
        ])
      : db.all<StreamRow>(
          `SELECT ${STREAM_COLUMNS} FROM ddb_streams WHERE account = ? AND region = ? AND table_name = ? ORDER BY arn`,
          [account, region, tableName],
        );
  },

  all(db: Db): Promise<StreamRow[]> {
    return db.all<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM ddb_streams ORDER BY id`);
  },

  async setDisabled(tx: Db, id: number, at: number): Promise<void> {
    await tx.run('UPDATE ddb_streams SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL', [at, id]);
  },

  async deleteStream(tx: Db, id: number): Promise<void> {
    await tx.run('DELETE FROM ddb_stream_records WHERE stream_id = ?', [id]);
    await tx.run('DELETE FROM ddb_stream_shards WHERE stream_id = ?', [id]);
    await tx.run('DELETE FROM ddb_streams WHERE id = ?', [id]);
  },

  async insertShard(tx: Db, s: ShardRow): Promise<void> {
    await tx.run(`INSERT INTO ddb_stream_shards (${SHARD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      s.stream_id,
      s.shard_no,
      s.shard_id,
      s.parent_shard_id,
      s.start_seq,
      s.end_seq,
      s.created_at,
      s.closed_at,
      s.trimmed_seq,
    ]);
  },

  openShard(db: Db, streamId: number): Promise<ShardRow | undefined> {
    return db.get<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM ddb_stream_shards WHERE stream_id = ? AND end_seq IS NULL`, [
      streamId,
    ]);
  },

  shards(db: Db, streamId: number): Promise<ShardRow[]> {
    return db.all<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM ddb_stream_shards WHERE stream_id = ? ORDER BY shard_no`, [
      streamId,
    ]);
  },

  shardById(db: Db, streamId: number, shardId: string): Promise<ShardRow | undefined> {
    return db.get<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM ddb_stream_shards WHERE stream_id = ? AND shard_id = ?`, [
      streamId,
      shardId,
    ]);
  },

  shardByNo(db: Db, streamId: number, shardNo: number): Promise<ShardRow | undefined> {
    return db.get<ShardRow>(`SELECT ${SHARD_COLUMNS} FROM ddb_stream_shards WHERE stream_id = ? AND shard_no = ?`, [
      streamId,
      shardNo,
    ]);
  },

  async closeShard(tx: Db, streamId: number, shardNo: number, endSeq: number, at: number): Promise<void> {
    await tx.run('UPDATE ddb_stream_shards SET end_seq = ?, closed_at = ? WHERE stream_id = ? AND shard_no = ?', [
      endSeq,
      at,
      streamId,
      shardNo,
    ]);
  },

  async deleteShard(tx: Db, streamId: number, shardNo: number): Promise<void> {
    await tx.run('DELETE FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ?', [streamId, shardNo]);
    await tx.run('DELETE FROM ddb_stream_shards WHERE stream_id = ? AND shard_no = ?', [streamId, shardNo]);
  },

  async insertRecord(
    tx: Db,
    streamId: number,
    shardNo: number,
    seq: number,
    at: number,
    size: number,
    record: string,
  ): Promise<void> {
    await tx.run(
      'INSERT INTO ddb_stream_records (stream_id, shard_no, seq, created_at, size, record) VALUES (?, ?, ?, ?, ?, ?)',
      [streamId, shardNo, seq, at, size, record],
    );
  },

  /** Records of a shard after `after` (exclusive) in sequence order. */
  records(db: Db, streamId: number, shardNo: number, after: number, limit: number): Promise<RecordRow[]> {
    return db.all<RecordRow>(
      'SELECT seq, created_at, size, record FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ? AND seq > ? ORDER BY seq LIMIT ?',
      [streamId, shardNo, after, limit],
    );
  },

  async lastSeq(db: Db, streamId: number, shardNo: number): Promise<number | undefined> {
    const row = await db.get<{ seq: number }>(
      'SELECT seq FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ? ORDER BY seq DESC LIMIT 1',
      [streamId, shardNo],
    );
    return row?.seq;
  },

  /** Oldest records of a shard after `after`, with their times (the trimmer walks these). */
  oldest(
    db: Db,
    streamId: number,
    shardNo: number,
    after: number,
    limit: number,
  ): Promise<{ seq: number; created_at: number }[]> {
    return db.all<{ seq: number; created_at: number }>(
      'SELECT seq, created_at FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ? AND seq > ? ORDER BY seq LIMIT ?',
      [streamId, shardNo, after, limit],
    );
  },

  async trimThrough(tx: Db, streamId: number, shardNo: number, seq: number): Promise<void> {
    await tx.run('DELETE FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ? AND seq <= ?', [
      streamId,
      shardNo,
      seq,
    ]);
    await tx.run(
      'UPDATE ddb_stream_shards SET trimmed_seq = ? WHERE stream_id = ? AND shard_no = ? AND trimmed_seq < ?',
      [seq, streamId, shardNo, seq],
    );
  },
};
