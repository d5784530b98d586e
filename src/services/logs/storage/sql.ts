import type { Db } from '../../../storage/store.js';

export interface GroupRow {
  id: number;
  account: string;
  region: string;
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  class: string;
  deletion_protection: number;
  tags: string;
  stored_bytes: number;
}

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created_at: number;
  first_event: number | null;
  last_event: number | null;
  last_ingestion: number | null;
  stored_bytes: number;
  next_seq: number;
}

export interface EventRow {
  stream_id: number;
  ts: number;
  seq: number;
  ingested: number;
  message: string;
}

export interface NewGroup {
  account: string;
  region: string;
  name: string;
  createdAt: number;
  kmsKeyId?: string | undefined;
  logGroupClass?: string | undefined;
  deletionProtection?: boolean | undefined;
  tags?: Record<string, string> | undefined;
}

const GROUP_COLUMNS =
  'id, account, region, name, created_at, retention_days, kms_key_id, class, deletion_protection, tags, stored_bytes';
const STREAM_COLUMNS =
  'id, group_id, name, created_at, first_event, last_event, last_ingestion, stored_bytes, next_seq';

/** The SQL of CloudWatch Logs, in the subset SQLite and PostgreSQL share. */
export const logsSql = {
  group: (db: Db, account: string, region: string, name: string) =>
    db.get<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM logs_groups WHERE account = ? AND region = ? AND name = ?`, [
      account,
      region,
      name,
    ]),

  /** Groups of an account and region with a name after `after`, in name order. */
  groupsAfter: (db: Db, account: string, region: string, after: string, inclusive: boolean, limit: number) =>
    db.all<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM logs_groups WHERE account = ? AND region = ? AND name ${inclusive ? '>=' : '>'} ? ORDER BY name LIMIT ?`,
      [account, region, after, limit],
    ),

  allGroupsWithRetention: (db: Db) =>
    db.all<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM logs_groups WHERE retention_days IS NOT NULL ORDER BY id`),

  /** Insert a group unless one of that name exists; true when inserted. */
  async insertGroup(db: Db, g: NewGroup): Promise<boolean> {
    const r = await db.run(
      `INSERT INTO logs_groups (account, region, name, created_at, retention_days, kms_key_id, class, deletion_protection, tags, stored_bytes)
       VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, 0) ON CONFLICT (account, region, name) DO NOTHING`,
      [
        g.account,
        g.region,
        g.name,
        g.createdAt,
        g.kmsKeyId ?? null,
        g.logGroupClass ?? 'STANDARD',
        g.deletionProtection ? 1 : 0,
        JSON.stringify(g.tags ?? {}),
      ],
    );
    return r.changes > 0;
  },

  async deleteGroup(db: Db, groupId: number): Promise<void> {
    await db.run('DELETE FROM logs_events WHERE group_id = ?', [groupId]);
    await db.run('DELETE FROM logs_streams WHERE group_id = ?', [groupId]);
    await db.run('DELETE FROM logs_groups WHERE id = ?', [groupId]);
  },

  setRetention: (db: Db, groupId: number, days: number | null) =>
    db.run('UPDATE logs_groups SET retention_days = ? WHERE id = ?', [days, groupId]),

  setTags: (db: Db, groupId: number, tags: Record<string, string>) =>
    db.run('UPDATE logs_groups SET tags = ? WHERE id = ?', [JSON.stringify(tags), groupId]),

  addGroupBytes: (db: Db, groupId: number, bytes: number) =>
    db.run('UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?', [bytes, groupId]),

  stream: (db: Db, groupId: number, name: string) =>
    db.get<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? AND name = ?`, [groupId, name]),

  streamsOf: (db: Db, groupId: number) =>
    db.all<StreamRow>(`SELECT ${STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? ORDER BY name`, [groupId]),

  /** One page of streams in name order (keyset pagination). */
  streamsByName: (db: Db, groupId: number, after: string | undefined, descending: boolean, limit: number) =>
    descending
      ? db.all<StreamRow>(
          `SELECT ${STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? ${after === undefined ? '' : 'AND name < ?'} ORDER BY name DESC LIMIT ?`,
          after === undefined ? [groupId, limit] : [groupId, after, limit],
        )
      : db.all<StreamRow>(
          `SELECT ${STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? AND name > ? ORDER BY name LIMIT ?`,
          [groupId, after ?? '', limit],
        ),

  /** One page of streams in last-event order (streams without events first), then name. */
  streamsByLastEvent: (
    db: Db,
    groupId: number,
    after: [number, string] | undefined,
    descending: boolean,
    limit: number,
  ) => {
    const key = 'COALESCE(last_event, -1)';
    const where = after === undefined ? '' : `AND (${key}, name) ${descending ? '<' : '>'} (?, ?)`;
    const order = descending ? `${key} DESC, name DESC` : `${key}, name`;
    return db.all<StreamRow>(
      `SELECT ${STREAM_COLUMNS} FROM logs_streams WHERE group_id = ? ${where} ORDER BY ${order} LIMIT ?`,
      after === undefined ? [groupId, limit] : [groupId, after[0], after[1], limit],
    );
  },

  async insertStream(db: Db, groupId: number, name: string, createdAt: number): Promise<boolean> {
    const r = await db.run(
      `INSERT INTO logs_streams (group_id, name, created_at, first_event, last_event, last_ingestion, stored_bytes, next_seq)
       VALUES (?, ?, ?, NULL, NULL, NULL, 0, 1) ON CONFLICT (group_id, name) DO NOTHING`,
      [groupId, name, createdAt],
    );
    return r.changes > 0;
  },

  async deleteStream(db: Db, stream: StreamRow): Promise<void> {
    await db.run('DELETE FROM logs_events WHERE stream_id = ?', [stream.id]);
    await db.run('DELETE FROM logs_streams WHERE id = ?', [stream.id]);
    await db.run('UPDATE logs_groups SET stored_bytes = stored_bytes - ? WHERE id = ?', [
      stream.stored_bytes,
      stream.group_id,
    ]);
  },

  /** Several events of one stream in one statement (rows: stream_id, ts, seq, group_id, ingested, size, message). */
  insertEvents: (db: Db, rows: readonly (readonly [number, number, number, number, number, number, string])[]) =>
    db.run(
      `INSERT INTO logs_events (stream_id, ts, seq, group_id, ingested, size, message) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.flat(),
    ),

  updateStreamAfterAppend: (
    db: Db,
    streamId: number,
    first: number,
    last: number,
    ingested: number,
    bytes: number,
    nextSeq: number,
  ) =>
    db.run(
      `UPDATE logs_streams SET
         first_event = CASE WHEN first_event IS NULL OR first_event > ? THEN ? ELSE first_event END,
         last_event = CASE WHEN last_event IS NULL OR last_event < ? THEN ? ELSE last_event END,
         last_ingestion = ?, stored_bytes = stored_bytes + ?, next_seq = ?
       WHERE id = ?`,
      [first, first, last, last, ingested, bytes, nextSeq, streamId],
    ),

  /** Events of a stream after (ts, seq), oldest first, within [start, end). */
  eventsForward: (db: Db, streamId: number, ts: number, seq: number, start: number, end: number, limit: number) =>
    db.all<EventRow>(
      `SELECT stream_id, ts, seq, ingested, message FROM logs_events
       WHERE stream_id = ? AND (ts, seq) > (?, ?) AND ts >= ? AND ts < ? ORDER BY ts, seq LIMIT ?`,
      [streamId, ts, seq, start, end, limit],
    ),

  /** Events of a stream before (ts, seq), newest first, within [start, end). */
  eventsBackward: (db: Db, streamId: number, ts: number, seq: number, start: number, end: number, limit: number) =>
    db.all<EventRow>(
      `SELECT stream_id, ts, seq, ingested, message FROM logs_events
       WHERE stream_id = ? AND (ts, seq) < (?, ?) AND ts >= ? AND ts < ? ORDER BY ts DESC, seq DESC LIMIT ?`,
      [streamId, ts, seq, start, end, limit],
    ),

  /** Events of a group after (ts, stream, seq) in (time, stream, sequence) order, within [start, end]. */
  groupEventsAfter: (
    db: Db,
    groupId: number,
    ts: number,
    streamId: number,
    seq: number,
    start: number,
    end: number,
    limit: number,
  ) =>
    db.all<EventRow>(
      `SELECT stream_id, ts, seq, ingested, message FROM logs_events
       WHERE group_id = ? AND (ts, stream_id, seq) > (?, ?, ?) AND ts >= ? AND ts <= ?
       ORDER BY ts, stream_id, seq LIMIT ?`,
      [groupId, ts, streamId, seq, start, end, limit],
    ),

  /** Bytes per stream of a group's events older than `before` (what retention removes). */
  expiredBytes: (db: Db, groupId: number, before: number) =>
    db.all<{ stream_id: number; bytes: number }>(
      'SELECT stream_id, SUM(size) AS bytes FROM logs_events WHERE group_id = ? AND ts < ? GROUP BY stream_id',
      [groupId, before],
    ),

  deleteExpired: (db: Db, groupId: number, before: number) =>
    db.run('DELETE FROM logs_events WHERE group_id = ? AND ts < ?', [groupId, before]),

  /** After a sweep: the stream's bytes and first event time. */
  shrinkStream: (db: Db, streamId: number, bytes: number) =>
    db.run(
      `UPDATE logs_streams SET stored_bytes = stored_bytes - ?,
         first_event = COALESCE((SELECT MIN(ts) FROM logs_events WHERE stream_id = ?), first_event) WHERE id = ?`,
      [bytes, streamId, streamId],
    ),
};
