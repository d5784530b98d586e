import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { expectedSignature, signingKey } from '../../src/core/auth/sigv4-verify.js';
import { rawSend } from '../helpers/raw-http.js';
import { s3Client } from './helpers.js';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload: each chunk signed, chained from the seed signature. */
function signedChunkedPut(endpoint: string, path: string, data: Buffer, chunkSize: number, tamper = false) {
  const url = new URL(endpoint);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  chunks.push(Buffer.alloc(0));
  const headerOf = (size: number) => Buffer.from(`${size.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`);
  const encodedLength = chunks.reduce((n, c) => n + headerOf(c.length).length + c.length + 2, 0);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
    'content-length': String(encodedLength),
  };
  const signedHeaders = Object.keys(headers).sort();
  const parts = {
    accessKeyId: TEST_CREDENTIALS.accessKeyId,
    date,
    region: 'us-east-1',
    service: 's3',
    signedHeaders,
    signature: '',
    amzDate,
    presigned: false,
  };
  const seed = expectedSignature(
    { method: 'PUT', rawPath: path, rawQuery: '', headers, rawHeaders: [], body: Buffer.alloc(0) },
    parts,
    TEST_CREDENTIALS.secretAccessKey,
  );
  const key = signingKey(TEST_CREDENTIALS.secretAccessKey, date, 'us-east-1', 's3');
  let previous = seed;
  const body: Buffer[] = [];
  for (const c of chunks) {
    const sts = [
      'AWS4-HMAC-SHA256-PAYLOAD',
      amzDate,
      `${date}/us-east-1/s3/aws4_request`,
      previous,
      sha256(''),
      sha256(c),
    ].join('\n');
    const sig = createHmac('sha256', key).update(sts).digest('hex');
    previous = sig;
    const payload = tamper && c.length > 0 ? Buffer.from(c).fill(0x21, 0, 1) : c;
    body.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${sig}\r\n`), payload, Buffer.from('\r\n'));
  }
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/${date}/us-east-1/s3/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${seed}`;
  delete headers['host'];
  delete headers['content-length'];
  return rawSend(endpoint, { method: 'PUT', path, headers, body: Buffer.concat(body) });
}

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

  it('verifies the chunk signatures of STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies', async () => {
    const data = Buffer.from('signed chunk data '.repeat(5000));
    const ok = await signedChunkedPut(server.endpoint, '/signed/chunk-signed', data, 16 * 1024);
    expect(ok.status).toBe(200);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'signed', Key: 'chunk-signed' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    const bad = await signedChunkedPut(server.endpoint, '/signed/chunk-tampered', data, 16 * 1024, true);
    expect(bad.status).toBe(403);
    expect(bad.body.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect((await errorOf(s3.send(new GetObjectCommand({ Bucket: 'signed', Key: 'chunk-tampered' })))).name).toBe(
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
    // A file name in ISO-8859-1 is answered as is; one it cannot represent is S3's InvalidArgument.
    const named = (ResponseContentDisposition: string) =>
      getSignedUrl(
        s3,
        new GetObjectCommand({ Bucket: 'signed', Key: 'presigned/upload.txt', ResponseContentDisposition }),
        {
          expiresIn: 300,
        },
      ).then((url) => fetch(url));
    const latin = await named('attachment; filename="café.txt"');
    expect(latin.status).toBe(200);
    expect(latin.headers.get('content-disposition')).toBe('attachment; filename="café.txt"');
    const euro = await named('attachment; filename="€.txt"');
    expect(euro.status).toBe(400);
    const euroText = await euro.text();
    expect(euroText).toContain('<Code>InvalidArgument</Code>');
    expect(euroText).toContain('<Message>Header value cannot be represented using ISO-8859-1.</Message>');
    expect(euroText).toContain('<ArgumentName>response-content-disposition</ArgumentName>');
    expect((await named('inline\r\nx-injected: 1')).status).toBe(400);

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
