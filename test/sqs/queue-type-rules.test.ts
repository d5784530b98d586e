import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { sqsClient } from './helpers.js';

/** The error SQS answers, as the SDK reports it: [code, message]. */
async function refusal(p: Promise<unknown>): Promise<[string | undefined, string]> {
  const e = (await errorOf(p)) as Error & { Code?: string };
  return [e.name, e.message];
}

describe('SQS: queue-type attributes, FIFO batches and handles, batch size, attribute values', () => {
  let server: TestServer;
  let sqs: SQSClient;
  let std: string;
  let fifo: string;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    sqs = sqsClient(server.endpoint);
    std = (await sqs.send(new CreateQueueCommand({ QueueName: 'rules-std' }))).QueueUrl!;
    fifo = (
      await sqs.send(
        new CreateQueueCommand({ QueueName: 'rules.fifo', Attributes: { FifoQueue: 'true', VisibilityTimeout: '1' } }),
      )
    ).QueueUrl!;
  });
  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  it('refuses FIFO attributes on a standard queue, and changing a queue type', async () => {
    const create = (Attributes: Record<string, string>) =>
      refusal(sqs.send(new CreateQueueCommand({ QueueName: 'rules-x', Attributes })));
    expect(await create({ FifoQueue: 'false' })).toEqual(['InvalidAttributeName', 'Unknown Attribute FifoQueue.']);
    expect(await create({ ContentBasedDeduplication: 'false' })).toEqual([
      'InvalidAttributeName',
      'Unknown Attribute ContentBasedDeduplication.',
    ]);
    expect(await create({ DeduplicationScope: 'queue' })).toEqual([
      'InvalidAttributeName',
      'You can specify the DeduplicationScope only when FifoQueue is set to true.',
    ]);
    expect(await create({ FifoThroughputLimit: 'perQueue' })).toEqual([
      'InvalidAttributeName',
      'You can specify the FifoThroughputLimit only when FifoQueue is set to true.',
    ]);
    expect(
      await refusal(sqs.send(new SetQueueAttributesCommand({ QueueUrl: std, Attributes: { FifoQueue: 'true' } }))),
    ).toEqual(['InvalidAttributeName', 'Unknown Attribute FifoQueue.']);
    // A FIFO queue may be told it is one; not that it is not.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: fifo, Attributes: { FifoQueue: 'true' } }));
    expect(
      await refusal(sqs.send(new SetQueueAttributesCommand({ QueueUrl: fifo, Attributes: { FifoQueue: 'false' } }))),
    ).toEqual([
      'InvalidAttributeValue',
      'Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.',
    ]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifo, AttributeNames: ['FifoQueue'] }));
    expect(attrs.Attributes?.FifoQueue).toBe('true');
  });

  it('refuses a whole FIFO batch with an entry lacking its group', async () => {
    const refused = await refusal(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: fifo,
          Entries: [
            { Id: 'a', MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd1' },
            { Id: 'b', MessageBody: 'y', MessageDeduplicationId: 'd2' },
          ],
        }),
      ),
    );
    expect(refused).toEqual(['InvalidParameterValue', 'The request must contain the parameter MessageGroupId.']);
    // Nothing of it was sent.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo }))).Messages).toBeUndefined();
  });

  it("refuses a FIFO message's receipt handle once its visibility timeout has passed", async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'm', MessageGroupId: 'h', MessageDeduplicationId: 'h1' }),
    );
    const first = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo }))).Messages![0]!;
    clock.advance(1_000);
    expect(
      await refusal(sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: first.ReceiptHandle }))),
    ).toEqual([
      'InvalidParameterValue',
      `Value ${first.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    ]);
    const batch = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: fifo, Entries: [{ Id: 'e', ReceiptHandle: first.ReceiptHandle }] }),
    );
    expect(batch.Failed?.map((f) => f.Code)).toEqual(['InvalidParameterValue']);
    // Received again, the new handle deletes it; the old one stays refused while it is in flight again.
    const second = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo }))).Messages![0]!;
    expect(second.Body).toBe('m');
    expect(
      (await refusal(sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: first.ReceiptHandle }))))[0],
    ).toBe('InvalidParameterValue');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: fifo, ReceiptHandle: second.ReceiptHandle }));
    // A standard queue's handle still deletes after its timeout (SQS does not refuse it there).
    await sqs.send(new SendMessageCommand({ QueueUrl: std, MessageBody: 's' }));
    const s = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: std, VisibilityTimeout: 1 }))).Messages![0]!;
    clock.advance(1_000);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: std, ReceiptHandle: s.ReceiptHandle }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: std }))).Messages).toBeUndefined();
  });

  it('limits a batch to 1 MiB in all, each message to the queue’s MaximumMessageSize', async () => {
    const body = 'a'.repeat(200_000);
    // Five messages of 200 KB: over the old 256 KiB batch limit, under SQS's 1 MiB.
    const ok = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: std,
        Entries: [0, 1, 2, 3, 4].map((i) => ({ Id: `m${i}`, MessageBody: body })),
      }),
    );
    expect(ok.Successful).toHaveLength(5);
    const big = 'a'.repeat(262_144);
    const refused = await refusal(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: std,
          Entries: [0, 1, 2, 3].map((i) => ({ Id: `b${i}`, MessageBody: big })).concat([{ Id: 'x', MessageBody: 'a' }]),
        }),
      ),
    );
    expect(refused).toEqual([
      'BatchRequestTooLong',
      'Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.',
    ]);
    const tooLong = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: std, Entries: [{ Id: 'one', MessageBody: `${big}a` }] }),
    );
    expect(tooLong.Failed?.[0]?.Message).toBe(
      'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
    );
  });

  it('takes a message group on a standard queue (fair queues) and shows it on receive', async () => {
    const q = (await sqs.send(new CreateQueueCommand({ QueueName: 'rules-fair' }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: q, MessageBody: 'message', MessageGroupId: 'tenant-1' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, MessageSystemAttributeNames: ['All'] }));
    expect(got.Messages?.[0]?.Attributes?.MessageGroupId).toBe('tenant-1');
  });

  it('answers SQS’s messages for empty attribute values and unknown permission labels', async () => {
    expect(
      await refusal(
        sqs.send(
          new SendMessageCommand({
            QueueUrl: std,
            MessageBody: 'x',
            MessageAttributes: { ErrorDetails: { DataType: 'String', StringValue: '' } },
          }),
        ),
      ),
    ).toEqual([
      'InvalidParameterValue',
      "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'.",
    ]);
    await sqs.send(
      new AddPermissionCommand({
        QueueUrl: std,
        Label: 'l1',
        AWSAccountIds: ['123456789012'],
        Actions: ['SendMessage'],
      }),
    );
    expect(await refusal(sqs.send(new RemovePermissionCommand({ QueueUrl: std, Label: 'l2' })))).toEqual([
      'InvalidParameterValue',
      "Value l2 for parameter Label is invalid. Reason: can't find label.",
    ]);
  });
});
