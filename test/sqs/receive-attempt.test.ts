import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

// ReceiveRequestAttemptId (FIFO queues): a retried ReceiveMessage with the same id, within 5 minutes
// and while its messages are unchanged and in flight, answers the same messages and receipt handles
// and starts their visibility timeout again.
describe('SQS ReceiveRequestAttemptId', () => {
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

  const queue = async (name: string): Promise<string> => {
    const fifo = name.endsWith('.fifo');
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'true' } : {},
      }),
    );
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['a', 'b', 'c'].map((b) => ({ Id: b, MessageBody: b, ...(fifo ? { MessageGroupId: 'g' } : {}) })),
      }),
    );
    return QueueUrl!;
  };
  const receive = async (QueueUrl: string, attempt?: string, VisibilityTimeout = 30): Promise<Message[]> =>
    (
      await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          ...(attempt ? { ReceiveRequestAttemptId: attempt } : {}),
        }),
      )
    ).Messages ?? [];
  const shape = (ms: Message[]) =>
    ms.map((m) => [m.Body, m.MessageId, m.ReceiptHandle, m.Attributes?.ApproximateReceiveCount]);
  const notVisible = async (QueueUrl: string) =>
    (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
      )
    ).Attributes?.['ApproximateNumberOfMessagesNotVisible'];

  it('a retry answers the same messages and handles and restarts their visibility timeout', async () => {
    const url = await queue('retry.fifo');
    const first = await receive(url, 'attempt-1', 30);
    expect(first.map((m) => m.Body)).toEqual(['a', 'b', 'c']);
    // Another attempt finds the group locked; the same attempt gets the same answer.
    expect(await receive(url, 'attempt-2')).toEqual([]);
    clock.advance(20_000);
    const again = await receive(url, 'attempt-1', 30);
    expect(shape(again)).toEqual(shape(first));
    expect(again.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1', '1', '1']);
    // 20 s + 25 s: past the first timeout, within the restarted one.
    clock.advance(25_000);
    expect(await notVisible(url)).toBe('3');
    expect(await receive(url, 'attempt-3')).toEqual([]);
    clock.advance(10_000);
    const later = await receive(url, 'attempt-4');
    expect(later.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['a', '2'],
      ['b', '2'],
      ['c', '2'],
    ]);
  });

  it('once a message of the attempt changed, or after 5 minutes, the id starts a receive of its own', async () => {
    const url = await queue('changed.fifo');
    const first = await receive(url, 'x', 600);
    expect(first).toHaveLength(3);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]!.ReceiptHandle! }));
    // The group is still locked by b and c: a receive of its own finds nothing.
    expect(await receive(url, 'x', 600)).toEqual([]);

    const url2 = await queue('changed2.fifo');
    const got = await receive(url2, 'y', 600);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: url2,
        ReceiptHandle: got[2]!.ReceiptHandle!,
        VisibilityTimeout: 600,
      }),
    );
    expect(await receive(url2, 'y', 600)).toEqual([]);

    const url3 = await queue('expired.fifo');
    const held = await receive(url3, 'z', 900);
    clock.advance(5 * 60_000 + 1);
    expect(await receive(url3, 'z', 900)).toEqual([]);
    expect(held).toHaveLength(3);
  });

  it('is ignored by standard queues', async () => {
    const url = await queue('standard');
    const one = await receive(url, 'same');
    const two = await receive(url, 'same');
    expect(one.length + two.length).toBe(3);
    expect(two.every((m) => !one.some((o) => o.MessageId === m.MessageId))).toBe(true);
  });

  it('must be 1 to 128 printable ASCII characters', async () => {
    const url = await queue('format.fifo');
    for (const bad of ['x'.repeat(129), 'with space', 'é']) {
      const err = await errorOf(receive(url, bad));
      expect([err.name, err.message]).toEqual([
        'InvalidParameterValue',
        `Value ${bad} for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      ]);
    }
    expect(await receive(url, `${'x'.repeat(127)}!`)).toHaveLength(3);
  });
});
