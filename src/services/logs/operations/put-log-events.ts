import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { requireGroup, requireStream, sequenceToken } from '../groups.js';
import {
  appendEvents,
  DAY_MS,
  EVENT_OVERHEAD_BYTES,
  MAX_AGE_MS,
  MAX_BATCH_BYTES,
  MAX_FUTURE_MS,
  MAX_SPAN_MS,
} from '../ingest.js';
import type { LogEvent } from '../ingest.js';

export interface PutLogEventsInput {
  logGroupName: string;
  logStreamName: string;
  logEvents: LogEvent[];
  /** Accepted and ignored, as AWS does since 2023. */
  sequenceToken?: string;
}

export interface RejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export async function putLogEvents(logs: Logs, input: PutLogEventsInput, ctx: OperationContext) {
  const events = input.logEvents;
  let bytes = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (i > 0 && e.timestamp < events[i - 1]!.timestamp) {
      throw logsErrors.invalidParameter('Log events in a single PutLogEvents request must be in chronological order.');
    }
    bytes += Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES;
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw logsErrors.invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  }
  const now = logs.clock.now();
  return logs.store.transaction(async (tx) => {
    const group = await requireGroup(tx, ctx, input.logGroupName);
    const stream = await requireStream(tx, group, input.logStreamName);
    // Events are in timestamp order: the too-old and expired ones lead, the too-new ones trail.
    const tooOldBefore = now - MAX_AGE_MS;
    const expiredBefore = group.retention_days === null ? -Infinity : now - group.retention_days * DAY_MS;
    const tooNewAfter = now + MAX_FUTURE_MS;
    let tooOld = 0;
    let expired = 0;
    let tooNewStart = events.length;
    for (let i = 0; i < events.length; i++) {
      const ts = events[i]!.timestamp;
      if (ts < tooOldBefore) tooOld = i + 1;
      if (ts < expiredBefore) expired = i + 1;
      if (ts > tooNewAfter && tooNewStart === events.length) tooNewStart = i;
    }
    const accepted = events.slice(Math.max(tooOld, expired), tooNewStart);
    if (accepted.length > 1 && accepted[accepted.length - 1]!.timestamp - accepted[0]!.timestamp > MAX_SPAN_MS) {
      throw logsErrors.invalidParameter(
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );
    }
    const nextSeq = await appendEvents(tx, group, stream, accepted, now);
    const rejected: RejectedLogEventsInfo = {};
    if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
    if (tooOld > 0) rejected.tooOldLogEventEndIndex = tooOld;
    if (expired > 0) rejected.expiredLogEventEndIndex = expired;
    const out: { nextSequenceToken: string; rejectedLogEventsInfo?: RejectedLogEventsInfo } = {
      nextSequenceToken: sequenceToken(nextSeq),
    };
    if (Object.keys(rejected).length > 0) out.rejectedLogEventsInfo = rejected;
    return out;
  });
}
