import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { OvercastConfig } from '../../config/schema.js';
import type { ServerInfo } from '../deps.js';
import type { Ports } from '../ports.js';
import type { LogsPort } from '../logs/port.js';
import type { ApigwState } from './state.js';
import type { LambdaPort } from '../lambda/port.js';

export type LambdaInvoker = LambdaPort;

export interface ApigwContext {
  state: ApigwState;
  clock: Clock;
  log: Logger;
  config: OvercastConfig;
  server: ServerInfo;
  ports: Ports;
  logs: LogsPort;
  /** Called when a stage's authorizer cache must be dropped (FlushStageAuthorizersCache, redeploys). */
  flushAuthorizers(apiId: string, stage?: string): void;
}
