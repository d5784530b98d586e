import type { Clock } from '../../core/clock.js';
import type { Store } from '../../storage/store.js';

/** What every CloudWatch Logs operation works with. */
export interface Logs {
  store: Store;
  clock: Clock;
}
