import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { compileFilterPattern } from '../filter/pattern.js';
import { groupNameOf, requireGroup } from '../groups.js';
import { EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES } from '../ingest.js';
import { logsSql } from '../storage/sql.js';
import { decodeToken, encodeToken, isTuple } from '../tokens.js';

export interface FilterLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  nextToken?: string;
  limit?: number;
  interleaved?: boolean;
}

export interface FilteredLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

const BATCH = 1000;
/** Rows examined per call; past it the page ends early with a nextToken (AWS pages can be partial too). */
const SCAN_BUDGET = 200_000;

export const eventId = (ts: number, streamId: number, seq: number): string =>
  `${String(ts).padStart(20, '0')}${String(streamId).padStart(16, '0')}${String(seq).padStart(20, '0')}`;

/** FilterLogEvents: a group's events, interleaved across streams in time order, matching a pattern. */
export async function filterLogEvents(logs: Logs, input: FilterLogEventsInput, ctx: OperationContext) {
  const group = await requireGroup(logs.store, ctx, groupNameOf(input, ctx));
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw logsErrors.invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  const matches = compileFilterPattern(input.filterPattern);
  const names = new Map<number, string>();
  const wanted = input.logStreamNames ? new Set(input.logStreamNames) : undefined;
  for (const s of await logsSql.streamsOf(logs.store, group.id)) {
    if (wanted && !wanted.has(s.name)) continue;
    if (input.logStreamNamePrefix !== undefined && !s.name.startsWith(input.logStreamNamePrefix)) continue;
    names.set(s.id, s.name);
  }
  const limit = input.limit ?? 10_000;
  const start = input.startTime ?? 0;
  const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
  let cursor: [number, number, number] = [start, 0, 0];
  if (input.nextToken !== undefined) {
    cursor = decodeToken(input.nextToken, isTuple('number', 'number', 'number')) as [number, number, number];
  }
  const events: FilteredLogEvent[] = [];
  let bytes = 0;
  let scanned = 0;
  let more = false;
  if (names.size > 0) {
    scan: for (;;) {
      const rows = await logsSql.groupEventsAfter(
        logs.store,
        group.id,
        cursor[0],
        cursor[1],
        cursor[2],
        start,
        end,
        BATCH,
      );
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const name = names.get(r.stream_id);
        if (name !== undefined && matches(r.message)) {
          const size = Buffer.byteLength(r.message, 'utf8') + EVENT_OVERHEAD_BYTES;
          if (events.length > 0 && bytes + size > MAX_BATCH_BYTES) {
            more = true;
            break scan;
          }
          bytes += size;
          events.push({
            logStreamName: name,
            timestamp: r.ts,
            message: r.message,
            ingestionTime: r.ingested,
            eventId: eventId(r.ts, r.stream_id, r.seq),
          });
        }
        cursor = [r.ts, r.stream_id, r.seq];
        scanned++;
        if (events.length === limit || scanned >= SCAN_BUDGET) {
          more = i < rows.length - 1 || rows.length === BATCH;
          break scan;
        }
      }
      if (rows.length < BATCH) break;
    }
  }
  const out: { events: FilteredLogEvent[]; searchedLogStreams: never[]; nextToken?: string } = {
    events,
    // AWS has returned an empty list here since May 2020.
    searchedLogStreams: [],
  };
  if (more) out.nextToken = encodeToken(cursor);
  return out;
}
