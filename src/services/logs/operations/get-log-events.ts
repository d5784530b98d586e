import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { groupNameOf, requireGroup, requireStream } from '../groups.js';
import { EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES } from '../ingest.js';
import { logsSql } from '../storage/sql.js';
import type { EventRow } from '../storage/sql.js';
import { parseStreamToken, START, streamToken } from '../tokens.js';
import type { Position } from '../tokens.js';

export interface GetLogEventsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}

const END: Position = { ts: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };

/**
 * GetLogEvents: a page of one stream's events in time order. Without a token it starts at the
 * head (`startFromHead`) or ends at the tail (default); `f/` tokens continue forward, `b/` tokens
 * backward. A page with nothing new hands back the token it was given.
 */
export async function getLogEvents(logs: Logs, input: GetLogEventsInput, ctx: OperationContext) {
  const group = await requireGroup(logs.store, ctx, groupNameOf(input, ctx));
  const stream = await requireStream(logs.store, group, input.logStreamName);
  const token = input.nextToken === undefined ? undefined : parseStreamToken(input.nextToken);
  const forward = token ? token.direction === 'f' : input.startFromHead === true;
  const from = token?.position ?? (forward ? START : END);
  const limit = input.limit ?? 10_000;
  const start = input.startTime ?? 0;
  const end = input.endTime ?? Number.MAX_SAFE_INTEGER;
  const rows = forward
    ? await logsSql.eventsForward(logs.store, stream.id, from.ts, from.seq, start, end, limit)
    : await logsSql.eventsBackward(logs.store, stream.id, from.ts, from.seq, start, end, limit);
  // A page holds at most 1 MB (messages plus 26 bytes an event), like AWS.
  let bytes = 0;
  let keep = 0;
  for (const r of rows) {
    bytes += Buffer.byteLength(r.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (bytes > MAX_BATCH_BYTES && keep > 0) break;
    keep++;
  }
  const page: EventRow[] = rows.slice(0, keep);
  if (!forward) page.reverse();
  const events = page.map((r) => ({ timestamp: r.ts, message: r.message, ingestionTime: r.ingested }));
  if (page.length === 0) {
    // Nothing (new) in that direction: the same token back, so a poller sees it is caught up.
    // Tokens are boundaries: `f/k` is "after event k", `b/k` "before event k".
    if (!token)
      return { events, nextForwardToken: streamToken('f', START), nextBackwardToken: streamToken('b', START) };
    const at = token.position;
    return forward
      ? {
          events,
          nextForwardToken: input.nextToken,
          nextBackwardToken: streamToken('b', { ts: at.ts, seq: at.seq + 1 }),
        }
      : {
          events,
          nextForwardToken: streamToken('f', { ts: at.ts, seq: Math.max(0, at.seq - 1) }),
          nextBackwardToken: input.nextToken,
        };
  }
  const first = page[0]!;
  const last = page[page.length - 1]!;
  return {
    events,
    nextForwardToken: streamToken('f', { ts: last.ts, seq: last.seq }),
    nextBackwardToken: streamToken('b', { ts: first.ts, seq: first.seq }),
  };
}
