import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { OvercastConfig } from '../config/schema.js';
import type { Store } from '../storage/store.js';

/** What every service factory receives: injected storage, clock, logger and configuration. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  config: OvercastConfig;
}
