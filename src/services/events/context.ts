import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Store } from '../../storage/store.js';
import type { Ports } from '../ports.js';

/** What every EventBridge operation works with. */
export interface Events {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Lambda (`ports['lambda']`) and SQS (`ports['sqs']`), looked up at delivery time. */
  ports: Ports;
  /** Deliveries in flight (PutEvents answers before its targets are invoked); awaited at shutdown. */
  inflight: Set<Promise<unknown>>;
}

/** Runs a delivery in the background, tracked so shutdown (and tests) can wait for it. */
export function background(ev: Events, work: () => Promise<unknown>): void {
  const p: Promise<unknown> = work()
    .catch((err: unknown) => ev.log.warn({ err }, 'eventbridge delivery failed'))
    .finally(() => ev.inflight.delete(p));
  ev.inflight.add(p);
}
