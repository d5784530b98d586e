import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { OvercastConfig } from '../../config/schema.js';
import type { ServerInfo } from '../deps.js';
import type { Ports } from '../ports.js';
import type { LogsPort } from '../logs/port.js';
import type { ApigwState } from './state.js';

/** Lambda's invoker as API Gateway uses it (the `lambda` port). */
export interface LambdaInvoker {
  invoke(req: {
    account: string;
    region: string;
    functionName: string;
    qualifier?: string | undefined;
    payload: Buffer;
    invocationType?: 'RequestResponse' | 'Event';
  }): Promise<{
    statusCode: number;
    payload: Buffer;
    functionError?: string;
    executedVersion?: string;
    requestId: string;
  }>;
}

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
