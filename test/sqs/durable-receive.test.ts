// Receives and deletes are durable too: after kill -9 an in-flight message stays in flight until its
// visibility timeout (then comes back with its receive count kept), and a deleted one never returns.
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

const client = (endpoint: string): SQSClient =>
  new SQSClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

describe('SQS receive and delete state across kill -9', () => {
  const dir = tempDir('overcast-sqs-recv-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('keeps in-flight deadlines and receive counts, and deleted messages stay deleted', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    let sqs = client(proc.endpoint);
    const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'recv' }))).QueueUrl!;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body-${i}` })),
      }),
    );
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 8, WaitTimeSeconds: 1 }),
    );
    expect(got.Messages).toHaveLength(10);
    const handles = new Set(got.Messages!.map((m) => m.ReceiptHandle));
    expect(handles.size).toBe(10);
    const deleted = got.Messages!.slice(0, 3);
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: deleted.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    expect(del.Successful).toHaveLength(3);
    await proc.kill9();
    sqs.destroy();

    proc = await startOvercastProcess(['--data-dir', dir.path]);
    sqs = client(proc.endpoint);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(attrs.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '7',
    });
    const back: { Body?: string; Attributes?: Record<string, string> }[] = [];
    while (back.length < 7) {
      const r = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 5,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      back.push(...(r.Messages ?? []));
    }
    expect(back.map((m) => m.Body).sort()).toEqual(
      got
        .Messages!.slice(3)
        .map((m) => m.Body)
        .sort(),
    );
    for (const m of back) expect(m.Attributes?.['ApproximateReceiveCount']).toBe('2');
    sqs.destroy();
  }, 60_000);
});
