import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  DeleteObjectTaggingCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { sqsClient } from '../sqs/helpers.js';
import { s3Client } from './helpers.js';

// The event types beyond created/removed: tagging, ACL and restore, delivered to a queue.
describe('S3 ObjectTagging, ObjectAcl and ObjectRestore events', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  let sqs: SQSClient;
  let QueueUrl: string;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    sqs = sqsClient(server.endpoint);
    QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'object-events' }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    await s3.send(new CreateBucketCommand({ Bucket: 'evented' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'evented',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'others',
              QueueArn: arn,
              Events: ['s3:ObjectTagging:*', 's3:ObjectAcl:Put', 's3:ObjectRestore:*'],
            },
          ],
        },
      }),
    );
  });
  afterAll(async () => {
    s3.destroy();
    sqs.destroy();
    await server.stop();
  });

  const drain = async (want: number): Promise<Record<string, any>[]> => {
    const records: Record<string, any>[] = [];
    for (let i = 0; i < 20 && (i === 0 || records.length < want); i++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
      for (const m of out.Messages ?? []) {
        const body = JSON.parse(m.Body!) as { Records?: Record<string, any>[] };
        records.push(...(body.Records ?? []));
      }
    }
    return records;
  };

  it('fire with the object they are about', async () => {
    await drain(0); // the s3:TestEvent
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'evented', Key: 'a b.txt', Body: 'x', StorageClass: 'GLACIER' }),
    );
    const etag = put.ETag!.replace(/"/g, '');
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: 'evented',
        Key: 'a b.txt',
        Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] },
      }),
    );
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: 'evented', Key: 'a b.txt' }));
    await s3.send(new PutObjectAclCommand({ Bucket: 'evented', Key: 'a b.txt', ACL: 'private' }));
    await s3.send(new RestoreObjectCommand({ Bucket: 'evented', Key: 'a b.txt', RestoreRequest: { Days: 2 } }));
    const records = await drain(5);
    expect(records.map((r) => r.eventName)).toEqual([
      'ObjectTagging:Put',
      'ObjectTagging:Delete',
      'ObjectAcl:Put',
      'ObjectRestore:Post',
      'ObjectRestore:Completed',
    ]);
    for (const r of records) {
      expect(r.s3.object).toMatchObject({ key: 'a+b.txt', eTag: etag });
      expect(r.s3.configurationId).toBe('others');
    }
    const done = records[4]!;
    expect(done.s3.object.size).toBe(1);
    const expiry = Date.parse(done.glacierEventData.restoreEventData.lifecycleRestorationExpiryTime);
    expect(expiry % 86_400_000).toBe(0);
    expect(expiry - Date.now()).toBeGreaterThan(2 * 86_400_000 - 60_000);
    expect(expiry - Date.now()).toBeLessThanOrEqual(3 * 86_400_000);
    expect(done.glacierEventData.restoreEventData.lifecycleRestoreStorageClass).toBe('GLACIER');
  });

  it('PutObjectAcl on a missing key is NoSuchKey and fires nothing', async () => {
    const err = await errorOf(s3.send(new PutObjectAclCommand({ Bucket: 'evented', Key: 'none', ACL: 'private' })));
    expect(err.name).toBe('NoSuchKey');
    expect(await drain(0)).toEqual([]);
  });
});
