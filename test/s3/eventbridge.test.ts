import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, waitStack } from '../cloudformation/helpers.js';
import { sqsClient } from '../sqs/helpers.js';
import { s3Client } from './helpers.js';

// S3 with EventBridge notifications on: object events go to the account's default event bus as
// `aws.s3` events, where rules match and deliver them (here to queues).
describe('S3 events to EventBridge', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  let sqs: SQSClient;
  let eb: EventBridgeClient;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    sqs = sqsClient(server.endpoint);
    eb = new EventBridgeClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  });
  afterAll(async () => {
    s3.destroy();
    sqs.destroy();
    eb.destroy();
    await server.stop();
  });

  const queue = async (name: string) => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] })))
      .Attributes!.QueueArn!;
    return { url, arn };
  };
  const receive = async (url: string, want: number) => {
    const events: Record<string, any>[] = [];
    for (let i = 0; i < 20 && (i === 0 || events.length < want); i++) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
      );
      for (const m of out.Messages ?? []) events.push(JSON.parse(m.Body!) as Record<string, any>);
    }
    return events;
  };

  it('sends Object Created and Object Deleted events that rules match on bucket and key', async () => {
    const q = await queue('s3-events');
    await eb.send(
      new PutRuleCommand({
        Name: 's3-objects',
        EventPattern: JSON.stringify({
          source: ['aws.s3'],
          'detail-type': ['Object Created', 'Object Deleted'],
          detail: { bucket: { name: ['eb-bucket'] }, object: { key: [{ prefix: 'in/' }] } },
        }),
      }),
    );
    await eb.send(new PutTargetsCommand({ Rule: 's3-objects', Targets: [{ Id: 'q', Arn: q.arn }] }));
    await s3.send(new CreateBucketCommand({ Bucket: 'eb-bucket' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'eb-off' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'eb-bucket',
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: 'eb-bucket', Key: 'in/a b.txt', Body: 'hello' }));
    await s3.send(new PutObjectCommand({ Bucket: 'eb-bucket', Key: 'out/b.txt', Body: 'x' })); // no match
    await s3.send(new PutObjectCommand({ Bucket: 'eb-off', Key: 'in/c.txt', Body: 'x' })); // EventBridge off
    await s3.send(new DeleteObjectCommand({ Bucket: 'eb-bucket', Key: 'in/a b.txt' }));
    const events = await receive(q.url, 2);
    expect(events).toHaveLength(2);
    const [created, deleted] = events;
    expect(created).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '000000000000',
      region: 'us-east-1',
      resources: ['arn:aws:s3:::eb-bucket'],
      detail: {
        version: '0',
        'event-version': '1.0',
        bucket: { name: 'eb-bucket' },
        object: { key: 'in/a b.txt', size: 5, etag: put.ETag!.replace(/"/g, '') },
        reason: 'PutObject',
        requester: '000000000000',
      },
    });
    expect(created!['detail'].object.sequencer).toMatch(/^[0-9a-f]+$/);
    expect(created!['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(deleted).toMatchObject({
      'detail-type': 'Object Deleted',
      detail: { object: { key: 'in/a b.txt' }, reason: 'DeleteObject', 'deletion-type': 'Permanently Deleted' },
    });
  });

  it('AWS::S3::Bucket EventBridgeEnabled with an AWS::Events::Rule, deployed by CloudFormation', async () => {
    const q = await queue('cfn-s3-events');
    const cfn = cfnClient(server.endpoint);
    await cfn.send(
      new CreateStackCommand({
        StackName: 's3-eventbridge',
        TemplateBody: `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: cfn-eb-bucket
      NotificationConfiguration:
        EventBridgeConfiguration:
          EventBridgeEnabled: true
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventPattern:
        source: [aws.s3]
        detail-type: [Object Created]
        detail: { bucket: { name: [!Ref Bucket] } }
      Targets:
        - Id: queue
          Arn: ${q.arn}
`,
      }),
    );
    await waitStack(cfn, 's3-eventbridge');
    cfn.destroy();
    const config = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'cfn-eb-bucket' }));
    expect(config.EventBridgeConfiguration).toEqual({});
    await s3.send(new PutObjectCommand({ Bucket: 'cfn-eb-bucket', Key: 'k', Body: 'v' }));
    const events = await receive(q.url, 1);
    expect(events.map((e) => [e['detail-type'], e['detail'].bucket.name, e['detail'].object.key])).toEqual([
      ['Object Created', 'cfn-eb-bucket', 'k'],
    ]);
  });
});
