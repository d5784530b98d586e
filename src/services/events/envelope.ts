import { randomUUID } from 'node:crypto';

/** `2026-01-01T00:05:00Z`: event times have seconds precision. */
export function eventTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** What an event is made of before EventBridge puts it in its envelope. */
export interface EventFields {
  account: string;
  region: string;
  source: string;
  detailType: string;
  resources: string[];
  detail: unknown;
  /** When it happened (ms); the envelope's `time`, to the second. */
  time: number;
}

/** The event as rules match it and targets receive it: a fresh id, AWS's fields in AWS's order. */
export function envelope(e: EventFields): Record<string, unknown> & { id: string } {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': e.detailType,
    source: e.source,
    account: e.account,
    time: eventTime(e.time),
    region: e.region,
    resources: e.resources,
    detail: e.detail,
  };
}
