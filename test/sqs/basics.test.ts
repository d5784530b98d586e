import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { sqsClient } from './helpers.js';

describe('SQS basics (JSON protocol, @aws-sdk/client-sqs)', () => {
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

  it('creates queues idempotently, lists, gets urls and deletes', async () => {
    const a = await sqs.send(
      new CreateQueueCommand({ QueueName: 'basics-a', Attributes: { VisibilityTimeout: '40' } }),
    );
    expect(a.QueueUrl).toBe(`${server.endpoint}/000000000000/basics-a`);
    const again = await sqs.send(
      new CreateQueueCommand({ QueueName: 'basics-a', Attributes: { VisibilityTimeout: '40' } }),
    );
    expect(again.QueueUrl).toBe(a.QueueUrl);
    const err = await errorOf(
      sqs.send(new CreateQueueCommand({ QueueName: 'basics-a', Attributes: { VisibilityTimeout: '41' } })),
    );
    expect(err.name).toBe('QueueNameExists');
    for (const n of ['basics-b', 'basics-c', 'other-d']) await sqs.send(new CreateQueueCommand({ QueueName: n }));
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'basics-' }));
    expect(listed.QueueUrls?.map((u) => u.split('/').pop())).toEqual(['basics-a', 'basics-b', 'basics-c']);
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'basics-', MaxResults: 2 }));
    expect(page1.QueueUrls).toHaveLength(2);
    const page2 = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: 'basics-', MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.QueueUrls?.map((u) => u.split('/').pop())).toEqual(['basics-c']);
    expect(page2.NextToken).toBeUndefined();
    const url = await sqs.send(new GetQueueUrlCommand({ QueueName: 'basics-b' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url.QueueUrl }));
    const missing = await errorOf(sqs.send(new GetQueueUrlCommand({ QueueName: 'basics-b' })));
    expect(missing.name).toBe('QueueDoesNotExist');
    expect(missing.message).toBe('The specified queue does not exist.');
    expect((missing as any).$metadata.httpStatusCode).toBe(400);
  });

  it('sends and receives with attributes, MD5s and system attributes', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'attrs' }));
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'hello ✓',
        MessageAttributes: {
          s: { DataType: 'String', StringValue: 'v' },
          n: { DataType: 'Number', StringValue: '42' },
          b: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
          c: { DataType: 'String.custom', StringValue: 'x' },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('hello ✓').digest('hex'));
    expect(sent.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const m = got.Messages![0]!;
    expect(m.Body).toBe('hello ✓');
    expect(m.MessageId).toBe(sent.MessageId);
    expect(m.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(Buffer.from(m.MessageAttributes!['b']!.BinaryValue!)).toEqual(Buffer.from([1, 2, 3]));
    expect(m.MessageAttributes!['n']).toMatchObject({ DataType: 'Number', StringValue: '42' });
    expect(m.Attributes).toMatchObject({ ApproximateReceiveCount: '1', SentTimestamp: String(clock.now()) });
    expect(m.Attributes!['SenderId']).toBeTruthy();
    // In flight: invisible until the visibility timeout passes.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const counts = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(counts.Attributes).toMatchObject({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '1',
      VisibilityTimeout: '30',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:attrs',
    });
    clock.advance(31_000);
    const again = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(again.Messages![0]!.Attributes).toEqual({ ApproximateReceiveCount: '2' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again.Messages![0]!.ReceiptHandle }));
    clock.advance(31_000);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  });

  it('batches: send, delete, distinct ids, entry failures', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'batches' }));
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'two', DelaySeconds: 10 },
          { Id: 'c', MessageBody: 'three', DelaySeconds: 901 },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toEqual(['a', 'b']);
    expect(out.Failed).toEqual([
      expect.objectContaining({ Id: 'c', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
    const dup = await errorOf(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [
            { Id: 'x', MessageBody: '1' },
            { Id: 'x', MessageBody: '2' },
          ],
        }),
      ),
    );
    expect(dup.name).toBe('BatchEntryIdsNotDistinct');
    expect(dup.message).toBe('Id x repeated.');
    const empty = await errorOf(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] })));
    expect(empty.name).toBe('EmptyBatchRequest');
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesDelayed: '1' });
    clock.advance(10_000);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(got.Messages?.map((m) => m.Body).sort()).toEqual(['one', 'two']);
    const del = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          ...got.Messages!.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })),
          { Id: 'bad', ReceiptHandle: 'garbage' },
        ],
      }),
    );
    expect(del.Successful).toHaveLength(2);
    expect(del.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' })]);
  });

  it('rejects messages over 256 KB with AWS error', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'big' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(262_144) }));
    const err = await errorOf(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(262_145) })));
    expect(err.name).toBe('InvalidParameterValue');
    expect(err.message).toBe('One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.');
    expect((err as any).$metadata.httpStatusCode).toBe(400);
  });

  it('validates receipt handles, visibility changes and parameters', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'handles' }));
    const bad = await errorOf(sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'nope' })));
    expect(bad.name).toBe('ReceiptHandleIsInvalid');
    expect(bad.message).toBe('The input receipt handle "nope" is not a valid receipt handle.');
    const tooMany = await errorOf(sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })));
    expect(tooMany.name).toBe('InvalidParameterValue');
    expect(tooMany.message).toBe(
      'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    );
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'v' }));
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 100 }));
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: r.Messages![0]!.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(back.Messages?.[0]?.Body).toBe('v');
  });

  it('attributes, tags and purge', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'misc', tags: { team: 'a' } }));
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: '5', MessageRetentionPeriod: '120' } }),
    );
    const bad = await errorOf(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: '-1' } })),
    );
    expect(bad.name).toBe('InvalidAttributeValue');
    const unknown = await errorOf(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Nope' as any] })),
    );
    expect(unknown.name).toBe('InvalidAttributeName');
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'test' } }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'a', env: 'test' });
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'p' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const again = await errorOf(sqs.send(new PurgeQueueCommand({ QueueUrl })));
    expect(again.name).toBe('PurgeQueueInProgress');
    expect(again.message).toBe('Only one PurgeQueue operation on misc is allowed every 60 seconds.');
    clock.advance(10_000);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    // Retention: a message older than MessageRetentionPeriod is gone.
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'old' }));
    clock.advance(121_000);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
  });
});
