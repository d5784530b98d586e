import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteMessageCommand, SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import type { Clock } from '../../src/core/clock.js';
import type { OvercastConfigInput } from '../../src/config/schema.js';
import { eventually, sleep, startSchedulingServer } from '../helpers/scheduling.js';
import type { TestServer } from '../helpers/server.js';

export { eventually, sleep };

export interface EventsTestServer extends TestServer {
  events: EventBridgeClient;
  sqs: SQSClient;
}

export const ACCOUNT = '000000000000';
export const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;
export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

/** A server with a fast schedule loop and EventBridge and SQS clients. */
export async function startEventsServer(clock?: Clock, config: OvercastConfigInput = {}): Promise<EventsTestServer> {
  const t = await startSchedulingServer((c) => new EventBridgeClient(c), clock, config);
  return { ...t, events: t.client };
}

/** Receives (and deletes) messages until `expected` have arrived. */
export async function drain(sqs: SQSClient, url: string, expected: number, ms = 15_000): Promise<Message[]> {
  const got: Message[] = [];
  await eventually(async () => {
    const r = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        VisibilityTimeout: 3600,
      }),
    );
    for (const m of r.Messages ?? []) {
      got.push(m);
      // Deleted, not just hidden: tests move the clock, which would make hidden messages visible again.
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
    return got.length >= expected ? true : undefined;
  }, ms);
  return got;
}

/** Nothing more arrives within `ms` (real time). */
export async function nothingMore(sqs: SQSClient, url: string, ms = 400): Promise<Message[]> {
  await sleep(ms);
  const r = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 3600 }),
  );
  return r.Messages ?? [];
}
