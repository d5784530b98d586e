import type { Authenticator } from '../../../core/auth/authenticate.js';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { LogsPort } from '../../logs/port.js';
import type { Ports } from '../../ports.js';
import type { ApiStore } from '../control/store.js';
import type { Authorizers } from './authorizers.js';
import type { Throttle } from './throttle.js';

/** What the data plane shares. */
export interface RuntimeDeps {
  store: ApiStore;
  clock: Clock;
  log: Logger;
  ports: Ports;
  logs: LogsPort;
  auth: Authenticator;
  authorizers: Authorizers;
  throttle: Throttle;
  /** Account-level token bucket (AWS: 10,000 rps, burst 5,000). */
  accountRate: number;
  accountBurst: number;
  /** WebSocket idle timeout and maximum connection duration. */
  wsIdleMs: number;
  wsMaxMs: number;
}
