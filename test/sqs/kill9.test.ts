import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

const client = (endpoint: string) =>
  new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 10_000 },
  });

describe('SQS durability across kill -9', () => {
  const dir = tempDir('overcast-sqs-k9-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('loses no acknowledged message (standard and FIFO) across SIGKILL and restart', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    let sqs = client(proc.endpoint);
    const std = (await sqs.send(new CreateQueueCommand({ QueueName: 'k9' }))).QueueUrl!;
    const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: 'k9.fifo', Attributes: { FifoQueue: 'true' } })))
      .QueueUrl!;
    const acked = { std: new Set<string>(), fifo: [] as string[] };
    const state = { killing: false };
    const writer = async (w: number) => {
      for (let i = 0; !state.killing; i++) {
        try {
          const body = `w${w}-${i}`;
          await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: body }));
          if (!state.killing) acked.std.add(body);
          if (w === 0) {
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: fifo,
                MessageBody: body,
                MessageGroupId: 'g',
                MessageDeduplicationId: body,
              }),
            );
            if (!state.killing) acked.fifo.push(body);
          }
        } catch (err) {
          if (!state.killing) throw err;
          return;
        }
      }
    };
    const jobs = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    state.killing = true;
    await proc.kill9();
    await Promise.all(jobs);
    sqs.destroy();
    expect(acked.std.size).toBeGreaterThan(20);

    proc = await startOvercastProcess(['--data-dir', dir.path]);
    sqs = client(proc.endpoint);
    const drain = async (QueueUrl: string): Promise<string[]> => {
      const out: string[] = [];
      for (;;) {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        if (!r.Messages) return out;
        out.push(...r.Messages.map((m) => m.Body!));
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: r.Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    };
    const stdBodies = new Set(await drain(std));
    for (const body of acked.std) expect(stdBodies.has(body)).toBe(true);
    const fifoBodies = await drain(fifo);
    // Every acknowledged FIFO message, in send order (an unacknowledged last one may follow).
    expect(fifoBodies.slice(0, acked.fifo.length)).toEqual(acked.fifo);
    sqs.destroy();
  }, 60_000);
});
