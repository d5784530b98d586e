import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { s3Client } from './helpers.js';

async function until<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Records each S3 event it receives into the `sink` table through the SDK (AWS_ENDPOINT_URL). */
const RECORDER = [
  "const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
  'const ddb = new DynamoDBClient({});',
  'exports.handler = async (event) => {',
  '  const r = event.Records[0];',
  '  await ddb.send(new PutItemCommand({ TableName: "sink", Item: { id: { S: r.eventName + ":" + r.s3.object.key }, event: { S: JSON.stringify(event) } } }));',
  '};',
].join('\n');

describe('S3 event notifications', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  let lambda: ReturnType<typeof lambdaClient>;
  let sqs: SQSClient;
  const events = async () => {
    const items = (await server.ddb.send(new ScanCommand({ TableName: 'sink' }))).Items ?? [];
    return new Map(items.map((i) => [i['id']!.S!, JSON.parse(i['event']!.S!) as { Records: Record<string, any>[] }]));
  };

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    lambda = lambdaClient(server.endpoint);
    sqs = new SQSClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'sink',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  });
  afterAll(async () => {
    s3.destroy();
    lambda.destroy();
    sqs.destroy();
    await server.stop();
  });

  it('an upload triggers a function with the exact S3 event shape; filters select keys', async () => {
    const fn = await createNodeFunction(lambda, 's3-recorder', { 'index.js': RECORDER });
    const missing = await errorOf(
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'uploads',
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:nope',
                Events: ['s3:ObjectCreated:*'],
              },
            ],
          },
        }),
      ),
    );
    expect(missing.name).toBe('InvalidArgument');
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'uploads',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Id: 'images-created',
              LambdaFunctionArn: fn.FunctionArn!,
              Events: ['s3:ObjectCreated:*'],
              Filter: {
                Key: {
                  FilterRules: [
                    { Name: 'prefix', Value: 'images/' },
                    { Name: 'suffix', Value: '.jpg' },
                  ],
                },
              },
            },
            { Id: 'removed', LambdaFunctionArn: fn.FunctionArn!, Events: ['s3:ObjectRemoved:*'] },
          ],
        },
      }),
    );
    const cfg = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'uploads' }));
    expect(cfg.LambdaFunctionConfigurations).toEqual([
      {
        Id: 'images-created',
        LambdaFunctionArn: fn.FunctionArn,
        Events: ['s3:ObjectCreated:*'],
        Filter: {
          Key: {
            FilterRules: [
              { Name: 'Prefix', Value: 'images/' },
              { Name: 'Suffix', Value: '.jpg' },
            ],
          },
        },
      },
      { Id: 'removed', LambdaFunctionArn: fn.FunctionArn, Events: ['s3:ObjectRemoved:*'] },
    ]);

    const before = Date.now();
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'uploads', Key: 'images/My Photo (1).jpg', Body: 'jpeg bytes' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'images/skip.png', Body: 'png' }));
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'docs/skip.jpg', Body: 'doc' }));
    const created = await until(async () => (await events()).get('ObjectCreated:Put:images/My+Photo+%281%29.jpg'));
    expect(created.Records).toHaveLength(1);
    const r = created.Records[0]!;
    expect(r).toEqual({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: `AWS:${TEST_CREDENTIALS.accessKeyId}` },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: {
        'x-amz-request-id': expect.stringMatching(/^[0-9A-F]{16}$/),
        'x-amz-id-2': expect.any(String),
      },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'images-created',
        bucket: {
          name: 'uploads',
          ownerIdentity: { principalId: expect.stringMatching(/^A[0-9A-Z]{13}$/) },
          arn: 'arn:aws:s3:::uploads',
        },
        object: {
          key: 'images/My+Photo+%281%29.jpg',
          size: 10,
          eTag: put.ETag!.replace(/"/g, ''),
          sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
        },
      },
    });
    expect(Date.parse(r['eventTime'] as string)).toBeGreaterThanOrEqual(before - 1000);

    await s3.send(new DeleteObjectCommand({ Bucket: 'uploads', Key: 'docs/skip.jpg' }));
    const removed = await until(async () => (await events()).get('ObjectRemoved:Delete:docs/skip.jpg'));
    expect(removed.Records[0]!['s3'].configurationId).toBe('removed');
    expect(removed.Records[0]!['s3'].object).toEqual({
      key: 'docs/skip.jpg',
      sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
    });
    const all = await events();
    expect([...all.keys()].sort()).toEqual([
      'ObjectCreated:Put:images/My+Photo+%281%29.jpg',
      'ObjectRemoved:Delete:docs/skip.jpg',
    ]);
  }, 60_000);

  it('delivers to SQS queues, starting with the s3:TestEvent', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 's3-events' }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes![
      'QueueArn'
    ]!;
    await s3.send(new CreateBucketCommand({ Bucket: 'queued' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'queued',
        NotificationConfiguration: {
          QueueConfigurations: [
            { Id: 'q', QueueArn: arn, Events: ['s3:ObjectCreated:Put', 's3:ObjectRemoved:DeleteMarkerCreated'] },
          ],
        },
      }),
    );
    const receive = async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
      return (out.Messages ?? []).map((m) => JSON.parse(m.Body!) as Record<string, any>);
    };
    const test = await until(async () => (await receive())[0] as Record<string, any> | undefined);
    expect(test).toEqual({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: expect.any(String),
      Bucket: 'queued',
      RequestId: expect.any(String),
      HostId: expect.any(String),
    });
    await s3.send(new PutObjectCommand({ Bucket: 'queued', Key: 'a b.txt', Body: 'hello' }));
    const msg = await until(async () => (await receive())[0]);
    expect(msg['Records'][0].eventName).toBe('ObjectCreated:Put');
    expect(msg['Records'][0].s3.object).toMatchObject({
      key: 'a+b.txt',
      size: 5,
      eTag: '5d41402abc4b2a76b9719d911017c592',
    });
  }, 60_000);
});
