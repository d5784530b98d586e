import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

describe.skipIf(!hasAwsCli)('SQS through /usr/bin/aws (query protocol on CLI 2.9)', () => {
  let server: TestServer;
  let sqs: SQSClient;

  beforeAll(async () => {
    server = await startTestServer();
    sqs = sqsClient(server.endpoint);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  it('creates, sends with attributes, receives, deletes; errors carry the query codes', async () => {
    const e = server.endpoint;
    const created = await aws(e, [
      'sqs',
      'create-queue',
      '--queue-name',
      'cli-q',
      '--attributes',
      'VisibilityTimeout=45',
      '--tags',
      'team=a',
    ]);
    expect(created.QueueUrl).toMatch(/\/000000000000\/cli-q$/);
    const url = created.QueueUrl as string;
    const attrs = await aws(e, ['sqs', 'get-queue-attributes', '--queue-url', url, '--attribute-names', 'All']);
    expect(attrs.Attributes).toMatchObject({
      VisibilityTimeout: '45',
      QueueArn: 'arn:aws:sqs:us-east-1:000000000000:cli-q',
    });
    const sent = await aws(e, [
      'sqs',
      'send-message',
      '--queue-url',
      url,
      '--message-body',
      'from <cli> & co\r\nline',
      '--message-attributes',
      '{"k":{"DataType":"String","StringValue":"v"}}',
    ]);
    expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/);
    const batch = await aws(e, [
      'sqs',
      'send-message-batch',
      '--queue-url',
      url,
      '--entries',
      JSON.stringify([
        { Id: 'a', MessageBody: 'one' },
        { Id: 'b', MessageBody: 'two', DelaySeconds: 1000 },
      ]),
    ]);
    expect(batch.Successful.map((s: { Id: string }) => s.Id)).toEqual(['a']);
    expect(batch.Failed[0]).toMatchObject({ Id: 'b', Code: 'InvalidParameterValue', SenderFault: true });
    const got = await aws(e, [
      'sqs',
      'receive-message',
      '--queue-url',
      url,
      '--max-number-of-messages',
      '10',
      '--message-attribute-names',
      'All',
      '--attribute-names',
      'All',
    ]);
    const mine = got.Messages.find((m: { MessageId: string }) => m.MessageId === sent.MessageId);
    expect(mine.Body).toBe('from <cli> & co\r\nline');
    expect(mine.MD5OfBody).toBe(sent.MD5OfMessageBody);
    expect(mine.MessageAttributes).toEqual({ k: { DataType: 'String', StringValue: 'v' } });
    expect(mine.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(mine.Attributes.ApproximateReceiveCount).toBe('1');
    for (const m of got.Messages)
      await aws(e, ['sqs', 'delete-message', '--queue-url', url, '--receipt-handle', m.ReceiptHandle]);
    // The JSON-protocol SDK sees the same queue empty.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages).toBeUndefined();
    const tags = await aws(e, ['sqs', 'list-queue-tags', '--queue-url', url]);
    expect(tags.Tags).toEqual({ team: 'a' });
    const listed = await aws(e, ['sqs', 'list-queues', '--queue-name-prefix', 'cli-']);
    expect(listed.QueueUrls).toEqual([url]);
    await aws(e, ['sqs', 'set-queue-attributes', '--queue-url', url, '--attributes', 'DelaySeconds=3']);
    const err = await aws(e, ['sqs', 'get-queue-url', '--queue-name', 'nope']).catch((x: { stderr: string }) => x);
    expect(err.stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
    // The query protocol's wording (AWS's JSON protocol says only "The specified queue does not exist.").
    expect(err.stderr).toContain('The specified queue does not exist for this wsdl version.');
    const file = join(tmpdir(), `overcast-sqs-big-${process.pid}.txt`);
    writeFileSync(file, 'x'.repeat(262_145));
    const big = await aws(e, ['sqs', 'send-message', '--queue-url', url, '--message-body', `file://${file}`]).catch(
      (x: { stderr: string }) => x,
    );
    expect(big.stderr).toContain('(InvalidParameterValue)');
    expect(big.stderr).toContain(
      'One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes.',
    );
    await aws(e, ['sqs', 'delete-queue', '--queue-url', url]);
  }, 90_000);
});
