import { randomUUID } from 'node:crypto';
import type { Events } from './context.js';
import { DEFAULT_BUS } from './names.js';
import { route } from './router.js';
import { eventTime } from './schedule-runner.js';

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

export interface ServiceEvent {
  account: string;
  region: string;
  /** `aws.s3`, … */
  source: string;
  detailType: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** When it happened (ms); the event's `time`. */
  time: number;
}

export interface EventsPort {
  /** Routes the event on the account's default bus; answers its id. */
  putServiceEvent(e: ServiceEvent): Promise<string>;
}

export function createEventsPort(ev: Events): EventsPort {
  return {
    async putServiceEvent(e) {
      const id = randomUUID();
      await route(ev, { account: e.account, region: e.region }, DEFAULT_BUS, {
        version: '0',
        id,
        'detail-type': e.detailType,
        source: e.source,
        account: e.account,
        time: eventTime(e.time),
        region: e.region,
        resources: e.resources,
        detail: e.detail,
      });
      return id;
    },
  };
}
