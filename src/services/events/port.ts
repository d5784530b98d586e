import type { Events } from './context.js';
import { envelope } from './envelope.js';
import type { EventFields } from './envelope.js';
import { DEFAULT_BUS } from './names.js';
import { route } from './router.js';
import { putEvents } from './operations/put-events.js';
import type { PutEventsEntry } from './operations/put-events.js';

/**
 * The EventBridge port other services use to emit their own events (source `aws.<service>`) on an
 * account's default event bus, as AWS services do (S3 with EventBridge notifications on), registered
 * as `deps.ports['events']`. Rules match and deliver them like any other event.
 *
 * ```ts
 * await port<EventsPort>(deps.ports, EVENTS_PORT)?.putServiceEvent({ account, region, source: 'aws.s3', … });
 * ```
 */
export const EVENTS_PORT = 'events';

/** An AWS service's event (`source` `aws.s3`, …). */
export type ServiceEvent = EventFields;

export interface EventsPort {
  /** Routes the event on the account's default bus; answers its id. */
  putServiceEvent(e: ServiceEvent): Promise<string>;
  /** PutEvents as the account would call it (same checks, per-entry errors and answer). */
  putEvents(
    scope: { account: string; region: string },
    entries: PutEventsEntry[],
  ): Promise<{
    FailedEntryCount: number;
    Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
  }>;
}

export function createEventsPort(ev: Events): EventsPort {
  return {
    async putServiceEvent(e) {
      const event = envelope(e);
      await route(ev, { account: e.account, region: e.region }, DEFAULT_BUS, event);
      return event.id;
    },
    putEvents: (scope, entries) => putEvents(ev, { Entries: entries }, { ...scope, clock: ev.clock }),
  };
}
