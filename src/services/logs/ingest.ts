import type { Db } from '../../storage/store.js';
import { logsSql } from './storage/sql.js';
import type { GroupRow, StreamRow } from './storage/sql.js';

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** Bytes a PutLogEvents batch may carry: UTF-8 messages plus 26 bytes per event. */
export const MAX_BATCH_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
export const DAY_MS = 86_400_000;
/** Events older than this are rejected as too old. */
export const MAX_AGE_MS = 14 * DAY_MS;
/** Events further in the future than this are rejected as too new. */
export const MAX_FUTURE_MS = 2 * 3_600_000;
/** A batch's accepted events may not span more than this. */
export const MAX_SPAN_MS = DAY_MS;

/** Rows per INSERT statement (7 parameters each, well under SQLite's 999-variable floor). */
const ROWS_PER_INSERT = 64;

/** One stream's events for appendToStreams. */
export interface StreamAppend {
  group: GroupRow;
  stream: StreamRow;
  /** In timestamp order. */
  events: readonly LogEvent[];
}

/**
 * Append events to several streams inside the caller's transaction: every event in multi-row
 * inserts of up to 64 rows (across streams), then each stream's counters once and each group's
 * stored bytes once. Returns each stream's next sequence number, in order.
 */
export async function appendToStreams(tx: Db, appends: readonly StreamAppend[], now: number): Promise<number[]> {
  const rows: (readonly [number, number, number, number, number, number, string])[] = [];
  const groupBytes = new Map<number, number>();
  const updates: { id: number; first: number; last: number; bytes: number; seq: number }[] = [];
  const next: number[] = [];
  for (const { group, stream, events } of appends) {
    let seq = stream.next_seq;
    if (events.length > 0) {
      let bytes = 0;
      let first = Infinity;
      let last = -Infinity;
      for (const e of events) {
        const size = Buffer.byteLength(e.message, 'utf8');
        bytes += size;
        if (e.timestamp < first) first = e.timestamp;
        if (e.timestamp > last) last = e.timestamp;
        rows.push([stream.id, e.timestamp, seq++, group.id, now, size, e.message]);
      }
      updates.push({ id: stream.id, first, last, bytes, seq });
      groupBytes.set(group.id, (groupBytes.get(group.id) ?? 0) + bytes);
    }
    next.push(seq);
  }
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    await logsSql.insertEvents(tx, rows.slice(i, i + ROWS_PER_INSERT));
  for (const u of updates) await logsSql.updateStreamAfterAppend(tx, u.id, u.first, u.last, now, u.bytes, u.seq);
  for (const [groupId, bytes] of groupBytes) await logsSql.addGroupBytes(tx, groupId, bytes);
  return next;
}

/** Append events (in timestamp order) to one stream; returns its next sequence number. */
export async function appendEvents(
  tx: Db,
  group: GroupRow,
  stream: StreamRow,
  events: readonly LogEvent[],
  now: number,
): Promise<number> {
  return (await appendToStreams(tx, [{ group, stream, events }], now))[0]!;
}
