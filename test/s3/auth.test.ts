import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

describe('S3 presigned URLs and signatures', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer({
      auth: 'enforce',
      credentials: [{ ...TEST_CREDENTIALS, account: '123456789012' }],
    });
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'signed' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('verifies SDK signatures (keys with reserved characters included) under --auth enforce', async () => {
    for (const key of ['plain', 'with space/and+plus', 'ünïcødé/~tilde*star(1)', 'a//double']) {
      await s3.send(new PutObjectCommand({ Bucket: 'signed', Key: key, Body: `body of ${key}`, Metadata: { k: 'v' } }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'signed', Key: key }));
      expect(await got.Body!.transformToString()).toBe(`body of ${key}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'signed', Prefix: 'with space/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['with space/and+plus']);

    const wrong = s3Client(server.endpoint, {
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong' },
    });
    const denied = await errorOf(wrong.send(new GetObjectCommand({ Bucket: 'signed', Key: 'plain' })));
    expect(denied.name).toBe('SignatureDoesNotMatch');
    expect(denied.$metadata?.httpStatusCode).toBe(403);
    const deniedPut = await errorOf(
      wrong.send(new PutObjectCommand({ Bucket: 'signed', Key: 'not-stored', Body: 'x' })),
    );
    expect(deniedPut.name).toBe('SignatureDoesNotMatch');
    wrong.destroy();
    const unknown = s3Client(server.endpoint, { credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } });
    expect((await errorOf(unknown.send(new GetObjectCommand({ Bucket: 'signed', Key: 'plain' })))).name).toBe(
      'InvalidAccessKeyId',
    );
    unknown.destroy();
    const anonymous = await fetch(`${server.endpoint}/signed/plain`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain('<Code>AccessDenied</Code>');
    expect((await errorOf(s3.send(new GetObjectCommand({ Bucket: 'signed', Key: 'not-stored' })))).name).toBe(
      'NoSuchKey',
    );
  });

  it('serves presigned GET and PUT URLs to plain HTTP clients', async () => {
    const putUrl = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: 'signed', Key: 'presigned/upload.txt', ContentType: 'text/plain' }),
      { expiresIn: 300 },
    );
    expect(putUrl).toContain('X-Amz-Signature=');
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: 'uploaded through a presigned URL',
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);

    const getUrl = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: 'signed', Key: 'presigned/upload.txt', ResponseContentDisposition: 'attachment' }),
      { expiresIn: 300 },
    );
    const got = await fetch(getUrl);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe('uploaded through a presigned URL');
    expect(got.headers.get('content-type')).toBe('text/plain');
    expect(got.headers.get('content-disposition')).toBe('attachment');

    const tampered = await fetch(getUrl.replace('upload.txt', 'other.txt'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const shortUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'signed', Key: 'presigned/upload.txt' }), {
      expiresIn: 1,
    });
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(shortUrl);
    expect(expired.status).toBe(403);
    const text = await expired.text();
    expect(text).toContain('<Code>AccessDenied</Code>');
    expect(text).toContain('<Message>Request has expired</Message>');
  });
});
