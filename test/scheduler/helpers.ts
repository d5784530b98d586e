import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/core/clock.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

export interface SchedulerTestServer extends TestServer {
  scheduler: SchedulerClient;
  sqs: SQSClient;
}

export const ROLE_ARN = 'arn:aws:iam::000000000000:role/scheduler-role';

/** A server with a fast firing loop (the clock decides what is due; the poll only how soon it is seen). */
export async function startSchedulerServer(
  clock?: Clock,
  config: OvercastConfigInput = {},
): Promise<SchedulerTestServer> {
  const t = await startTestServer({ scheduler: { pollIntervalMs: 20 }, ...config }, clock ? { clock } : {});
  const clientConfig = { endpoint: t.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const scheduler = new SchedulerClient(clientConfig);
  const sqs = new SQSClient(clientConfig);
  return {
    ...t,
    scheduler,
    sqs,
    async stop() {
      scheduler.destroy();
      sqs.destroy();
      await t.stop();
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
