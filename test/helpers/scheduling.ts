// Shared by the EventBridge and Scheduler tests: a server whose firing loops poll fast (the injected
// clock decides what is due; the poll only how soon it is seen), with an SQS client and one more.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/core/clock.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';
import { startTestServer, TEST_CREDENTIALS } from './server.js';
import type { TestServer } from './server.js';

export interface ClientConfig {
  endpoint: string;
  region: string;
  credentials: typeof TEST_CREDENTIALS;
  maxAttempts: number;
}

/** A test server with `pollIntervalMs: 20` for EventBridge and Scheduler, `sqs` and the client `make` builds. */
export async function startSchedulingServer<C extends { destroy(): void }>(
  make: (config: ClientConfig) => C,
  clock?: Clock,
  config: OvercastConfigInput = {},
): Promise<TestServer & { client: C; sqs: SQSClient }> {
  const t = await startTestServer(
    { events: { pollIntervalMs: 20 }, scheduler: { pollIntervalMs: 20 }, ...config },
    clock ? { clock } : {},
  );
  const clientConfig = { endpoint: t.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
  const client = make(clientConfig);
  const sqs = new SQSClient(clientConfig);
  return {
    ...t,
    client,
    sqs,
    async stop() {
      client.destroy();
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
