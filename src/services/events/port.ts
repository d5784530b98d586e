import type { Events } from './context.js';
import { envelope } from './envelope.js';
import type { EventFields } from './envelope.js';
import { DEFAULT_BUS } from './names.js';
import { route } from './router.js';

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
}

export function createEventsPort(ev: Events): EventsPort {
  return {
    async putServiceEvent(e) {
      const event = envelope(e);
      await route(ev, { account: e.account, region: e.region }, DEFAULT_BUS, event);
      return event.id;
    },
  };
}
