import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { s3Client } from './helpers.js';

describe('smoke', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });
  it('put get list', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'smoke' }));
    const put = await s3.send(new PutObjectCommand({ Bucket: 'smoke', Key: 'a/b.txt', Body: 'hello', ContentType: 'text/plain', Metadata: { x: 'y' } }));
    console.log(put);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'smoke', Key: 'a/b.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello');
    console.log(got.Metadata, got.ContentType, got.ETag);
    const l = await s3.send(new ListObjectsV2Command({ Bucket: 'smoke', Delimiter: '/' }));
    console.log(JSON.stringify(l));
  });
});
