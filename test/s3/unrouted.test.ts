import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { rawSend } from '../helpers/raw-http.js';
import { s3Client } from './helpers.js';

/**
 * Unsigned path-style requests for a bucket that does not exist: S3's endpoint answers them (as
 * S3 does, NoSuchBucket), while the server's own paths and other services' requests are not S3's.
 */
describe('S3 answers unsigned requests no other service claims', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'public-one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'public-one', Key: 'k', Body: 'hello' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('answers NoSuchBucket (XML, with the bucket name) for a bucket that does not exist', async () => {
    for (const path of ['/no-such-bucket/some/key.txt', '/no-such-bucket', '/no-such-bucket/?list-type=2']) {
      const r = await fetch(`${server.endpoint}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.headers.get('content-type')).toBe('application/xml');
      const text = await r.text();
      expect(text).toContain('<Code>NoSuchBucket</Code>');
      expect(text).toContain('<BucketName>no-such-bucket</BucketName>');
    }
    const head = await fetch(`${server.endpoint}/no-such-bucket/key`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    // Over a kept-alive connection too (the server's fast path hands such a request over).
    const raw = await rawSend(server.endpoint, { method: 'GET', path: '/other-missing/x' });
    expect(raw.status).toBe(404);
    expect(raw.body.toString()).toContain('<Code>NoSuchBucket</Code>');
  });

  it('still serves an existing bucket unsigned, and refuses an unsigned CreateBucket', async () => {
    const got = await fetch(`${server.endpoint}/public-one/k`);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('hello');
    for (const bucket of ['anonymous-new', 'public-one']) {
      const put = await fetch(`${server.endpoint}/${bucket}`, { method: 'PUT' });
      expect(put.status, bucket).toBe(403);
      expect(await put.text()).toContain('<Code>AccessDenied</Code>');
    }
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect((Buckets ?? []).map((b) => b.Name)).toEqual(['public-one']);
  });

  it("leaves the server's own paths and other services' requests alone", async () => {
    const health = await fetch(`${server.endpoint}/`);
    expect(await health.text()).toMatch(/^healthy: /);
    const status = await fetch(`${server.endpoint}/_overcast/health`);
    expect(status.headers.get('content-type')).toBe('application/json');
    // A query-protocol call (Action=) and a signed request for another service are not S3's.
    const query = await fetch(`${server.endpoint}/000000000000/q?Action=GetQueueUrl&QueueName=q`);
    expect(query.headers.get('content-type')).not.toBe('application/xml');
    const unknownTarget = await rawSend(server.endpoint, {
      method: 'POST',
      path: '/x',
      headers: { 'x-amz-target': 'Nope_20990101.Op', 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    });
    expect(unknownTarget.body.toString()).not.toContain('NoSuchBucket');
    // An invoke host of an API that does not exist is API Gateway's, not a bucket.
    const api = await rawSend(server.endpoint, {
      method: 'GET',
      path: '/prod/items',
      headers: { host: 'abcdefghij.execute-api.localhost' },
    });
    expect(api.status).toBe(404);
    expect(api.body.toString()).not.toContain('NoSuchBucket');
  });
});
