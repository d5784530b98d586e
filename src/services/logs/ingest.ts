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

/**
 * Append events (in timestamp order) to a stream inside the caller's transaction: multi-row
 * inserts of up to 64 events, then the stream's and group's counters once. Returns the stream's
 * next sequence number.
 */
export async function appendEvents(
  tx: Db,
  group: GroupRow,
  stream: StreamRow,
  events: readonly LogEvent[],
  now: number,
): Promise<number> {
  let seq = stream.next_seq;
  if (events.length === 0) return seq;
  let bytes = 0;
  let first = Infinity;
  let last = -Infinity;
  for (let i = 0; i < events.length; i += ROWS_PER_INSERT) {
    const rows = events.slice(i, i + ROWS_PER_INSERT).map((e) => {
      const size = Buffer.byteLength(e.message, 'utf8');
      bytes += size;
      if (e.timestamp < first) first = e.timestamp;
      if (e.timestamp > last) last = e.timestamp;
      return [stream.id, e.timestamp, seq++, group.id, now, size, e.message] as const;
    });
    await logsSql.insertEvents(tx, rows);
  }
  await logsSql.updateStreamAfterAppend(tx, stream.id, first, last, now, bytes, seq);
  await logsSql.addGroupBytes(tx, group.id, bytes);
  return seq;
}
