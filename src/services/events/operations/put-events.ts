import type { OperationContext } from '../../../core/service.js';
import type { Events } from '../context.js';
import { eventsErrors } from '../errors.js';
import { busName, busOwner } from '../names.js';
import { route } from '../router.js';
import { envelope } from '../envelope.js';
import { eventsSql } from '../storage/sql.js';
import { DEFAULT_BUS } from '../names.js';

/** PutEvents' request size limit (the entries' sizes as AWS counts them). */
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface PutEventsEntry {
  Time?: number | Date;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

type Result = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** An entry's size as AWS computes it for the 256 KB limit. */
export function entrySize(e: PutEventsEntry): number {
  let size = e.Time !== undefined ? 14 : 0;
  for (const s of [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])]) {
    if (s !== undefined) size += Buffer.byteLength(s, 'utf8');
  }
  return size;
}

function timeOf(t: number | Date | undefined, now: number): number {
  if (t === undefined) return now;
  return t instanceof Date ? t.getTime() : t * 1000;
}

function required(name: string): Result {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
  };
}

/** PutEvents: the API operation, and the events port's `putEvents` (API Gateway's EventBridge-PutEvents). */
export async function putEvents(
  ev: Events,
  input: { Entries: PutEventsEntry[]; EndpointId?: string },
  ctx: Pick<OperationContext, 'account' | 'region' | 'clock'>,
) {
  const total = input.Entries.reduce((n, e) => n + entrySize(e), 0);
  if (total > MAX_REQUEST_BYTES)
    throw eventsErrors.validation('Total size of the entries in the request is over the limit.');
  const now = ctx.clock.now();
  const results: Result[] = [];
  const busChecked = new Map<string, boolean>();
  for (const e of input.Entries) {
    if (e.Source === undefined || e.Source === '') {
      results.push(required('Source'));
      continue;
    }
    if (e.DetailType === undefined || e.DetailType === '') {
      results.push(required('DetailType'));
      continue;
    }
    if (e.Detail === undefined || e.Detail === '') {
      results.push(required('Detail'));
      continue;
    }
    let detail: unknown;
    try {
      detail = JSON.parse(e.Detail);
    } catch {
      detail = undefined;
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
      continue;
    }
    if (e.Source.toLowerCase().startsWith('aws.')) {
      results.push({ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' });
      continue;
    }
    const bus = busName(e.EventBusName);
    const owner = busOwner(e.EventBusName, ctx);
    const busKey = `${owner.account}/${owner.region}/${bus}`;
    let exists = busChecked.get(busKey);
    if (exists === undefined) {
      exists = bus === DEFAULT_BUS || (await eventsSql.bus(ev.store, owner.account, owner.region, bus)) !== undefined;
      busChecked.set(busKey, exists);
    }
    if (!exists) {
      results.push({ ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` });
      continue;
    }
    const event = envelope({
      account: ctx.account,
      region: ctx.region,
      source: e.Source,
      detailType: e.DetailType,
      resources: e.Resources ?? [],
      detail,
      time: timeOf(e.Time, now),
    });
    const id = event.id;
    await route(ev, owner, bus, event);
    results.push({ EventId: id });
  }
  const failed = results.filter((r) => 'ErrorCode' in r).length;
  return { FailedEntryCount: failed, Entries: results };
}
