import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

describe('SQS semantics: FIFO, deduplication, redrive, long polling', () => {
  let server: TestServer;
  let sqs: SQSClient;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    sqs = sqsClient(server.endpoint);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  it('keeps FIFO order per group under concurrent consumers', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'order.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    const GROUPS = 5;
    const PER_GROUP = 40;
    for (let i = 0; i < PER_GROUP; i += 10) {
      for (let g = 0; g < GROUPS; g++) {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: Array.from({ length: 10 }, (_, k) => ({
              Id: `e${k}`,
              MessageBody: `${g}:${i + k}`,
              MessageGroupId: `g${g}`,
            })),
          }),
        );
      }
    }
    const seen = new Map<string, number[]>();
    let done = 0;
    const consumer = async () => {
      while (done < GROUPS * PER_GROUP) {
        const r = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 1 + Math.floor(Math.random() * 10),
            WaitTimeSeconds: 0,
          }),
        );
        for (const m of r.Messages ?? []) {
          const [g, n] = m.Body!.split(':');
          const list = seen.get(g!) ?? [];
          list.push(Number(n));
          seen.set(g!, list);
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
          done++;
        }
        if (!r.Messages) await new Promise((res) => setTimeout(res, 5));
      }
    };
    await Promise.all(Array.from({ length: 6 }, consumer));
    expect(seen.size).toBe(GROUPS);
    for (const list of seen.values()) expect(list).toEqual(Array.from({ length: PER_GROUP }, (_, i) => i));
  });

  it('a group stays locked while a message of it is in flight', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'lock.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '30' } }),
    );
    for (const b of ['a1', 'a2'])
      await sqs.send(
        new SendMessageCommand({ QueueUrl, MessageBody: b, MessageGroupId: 'a', MessageDeduplicationId: b }),
      );
    await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'b1', MessageGroupId: 'b', MessageDeduplicationId: 'b1' }),
    );
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    expect(first.Messages![0]!.Body).toBe('a1');
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(second.Messages!.map((m) => m.Body)).toEqual(['b1']);
    clock.advance(31_000);
    const third = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
    );
    expect(third.Messages!.map((m) => m.Body)).toEqual(['a1', 'a2', 'b1']);
    expect(third.Messages![0]!.Attributes).toMatchObject({
      MessageGroupId: 'a',
      MessageDeduplicationId: 'a1',
      ApproximateReceiveCount: '2',
    });
    expect(third.Messages![0]!.Attributes!['SequenceNumber']).toMatch(/^\d{20}$/);
  });

  it('deduplicates exactly once within 5 minutes (explicit and content-based)', async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'dedup.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    const a = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    const b = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(b.MessageId).toBe(a.MessageId);
    expect(b.SequenceNumber).toBe(a.SequenceNumber);
    const c = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'other', MessageGroupId: 'g', MessageDeduplicationId: 'id-1' }),
    );
    clock.advance(4 * 60_000 + 59_000);
    const d = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'different body',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'id-1',
      }),
    );
    expect(d.MessageId).toBe(c.MessageId);
    clock.advance(2_000);
    const e = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'same', MessageGroupId: 'g' }));
    expect(e.MessageId).not.toBe(a.MessageId);
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(attrs.Attributes!['ApproximateNumberOfMessages']).toBe('3');
  });

  it('redrives to the DLQ after maxReceiveCount, and moves back with StartMessageMoveTask', async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'redrive-dlq' }));
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes!['QueueArn']!;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'redrive-src',
        Attributes: {
          VisibilityTimeout: '10',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '2' }),
        },
      }),
    );
    const redrive = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] })))
      .Attributes!['RedrivePolicy'];
    expect(JSON.parse(redrive!)).toEqual({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));
    for (let i = 1; i <= 2; i++) {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
      );
      expect(r.Messages![0]!.Attributes!['ApproximateReceiveCount']).toBe(String(i));
      clock.advance(11_000);
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const dead = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MessageSystemAttributeNames: ['All'], VisibilityTimeout: 0 }),
    );
    expect(dead.Messages![0]!.MessageId).toBe(sent.MessageId);
    expect(dead.Messages![0]!.Body).toBe('poison');
    expect(dead.Messages![0]!.Attributes!['DeadLetterQueueSourceArn']).toBe(
      'arn:aws:sqs:us-east-1:000000000000:redrive-src',
    );
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    // The task runs after the call answers (test/sqs/move-tasks.test.ts): a long poll sees it land.
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(back.Messages![0]!.Body).toBe('poison');
  });

  it('long polling returns as soon as a message is sent', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'longpoll' }));
    const started = Date.now();
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));
    const got = await waiting;
    const elapsed = Date.now() - started;
    expect(got.Messages![0]!.Body).toBe('wake up');
    expect(elapsed).toBeLessThan(2_000);
    // And an empty long poll waits the full time.
    const t0 = Date.now();
    const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(empty.Messages).toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });
});
