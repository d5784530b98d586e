import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/core/clock.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';
import { eventually, sleep, startSchedulingServer } from '../helpers/scheduling.js';
import type { TestServer } from '../helpers/server.js';

export { eventually, sleep };

export interface SchedulerTestServer extends TestServer {
  scheduler: SchedulerClient;
  sqs: SQSClient;
}

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/scheduler-role';

/** A server with a fast firing loop and Scheduler and SQS clients. */
export async function startSchedulerServer(
  clock?: Clock,
  config: OvercastConfigInput = {},
): Promise<SchedulerTestServer> {
  const t = await startSchedulingServer((c) => new SchedulerClient(c), clock, config);
  return { ...t, scheduler: t.client };
}
