import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { Store } from '../../storage/store.js';
import type { Ports } from '../ports.js';

/** What every EventBridge Scheduler operation and the firing loop work with. */
export interface Scheduler {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Lambda (`ports['lambda']`) and SQS (`ports['sqs']`), looked up at delivery time. */
  ports: Ports;
}

/** The group every account and region has, which cannot be deleted. */
export const DEFAULT_GROUP = 'default';
