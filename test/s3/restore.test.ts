import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

describe('S3 RestoreObject', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'cold' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cold', Key: 'hot', Body: 'h' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cold', Key: 'archived', Body: 'a', StorageClass: 'GLACIER' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('accepts an archived object, refuses a STANDARD one with InvalidObjectState, and keeps both as they were', async () => {
    const ok = await s3.send(
      new RestoreObjectCommand({ Bucket: 'cold', Key: 'archived', RestoreRequest: { Days: 1 } }),
    );
    expect(ok.$metadata.httpStatusCode).toBe(202);
    const err = await errorOf(
      s3.send(new RestoreObjectCommand({ Bucket: 'cold', Key: 'hot', RestoreRequest: { Days: 1 } })),
    );
    expect([err.name, err.message, err.$metadata?.httpStatusCode]).toEqual([
      'InvalidObjectState',
      "Restore is not allowed for the object's current storage class",
      403,
    ]);
    for (const [Key, body] of [
      ['hot', 'h'],
      ['archived', 'a'],
    ])
      expect(await (await s3.send(new GetObjectCommand({ Bucket: 'cold', Key }))).Body!.transformToString()).toBe(body);
    expect((await errorOf(s3.send(new RestoreObjectCommand({ Bucket: 'cold', Key: 'none' })))).name).toBe('NoSuchKey');
  });
});
