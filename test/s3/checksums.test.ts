import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ChecksumAlgorithm } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { rawSend } from '../helpers/raw-http.js';
import { b64crc32, s3Client } from './helpers.js';

/** An aws-chunked body: `<hex>\r\n<data>\r\n` per chunk, `0\r\n`, trailers, `\r\n`. */
function awsChunked(data: Buffer, chunkSize: number, trailers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const c = data.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const [k, v] of Object.entries(trailers)) parts.push(Buffer.from(`${k}:${v}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

describe('S3 checksums', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const missing = async (key: string) =>
    (await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: key })))).name;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'sums' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('stores and returns each flexible checksum algorithm the SDK computes', async () => {
    const body = Buffer.from('checksummed content '.repeat(1000));
    for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as ChecksumAlgorithm[]) {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: 'sums', Key: `alg-${algorithm}`, Body: body, ChecksumAlgorithm: algorithm }),
      );
      const field = `Checksum${algorithm}` as 'ChecksumCRC32';
      expect(put[field]).toBeTruthy();
      const got = await s3.send(
        new GetObjectCommand({ Bucket: 'sums', Key: `alg-${algorithm}`, ChecksumMode: 'ENABLED' }),
      );
      expect(got[field]).toBe(put[field]);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
    const sha = createHash('sha256').update(body).digest('base64');
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'alg-SHA256', ChecksumMode: 'ENABLED' })))
        .ChecksumSHA256,
    ).toBe(sha);
    // A streamed body of known length goes aws-chunked with a trailing checksum.
    const streamed = await s3.send(
      new PutObjectCommand({
        Bucket: 'sums',
        Key: 'streamed',
        Body: Readable.from([body.subarray(0, 7000), body.subarray(7000)]),
        ContentLength: body.length,
      }),
    );
    expect(streamed.ChecksumCRC32).toBe(b64crc32(body));
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'streamed' }))).ContentLength).toBe(body.length);
  });

  it('rejects a wrong Content-MD5 or x-amz-checksum-* without storing', async () => {
    const md5 = await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'sums',
          Key: 'bad-md5',
          Body: 'data',
          ContentMD5: createHash('md5').update('other').digest('base64'),
        }),
      ),
    );
    expect(md5.name).toBe('BadDigest');
    expect(md5.message).toBe('The Content-MD5 you specified did not match what we received.');
    expect(await missing('bad-md5')).toBe('NotFound');
    const invalid = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'sums', Key: 'bad-md5', Body: 'data', ContentMD5: 'not-base64' })),
    );
    expect(invalid.name).toBe('InvalidDigest');
    const crc = await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'sums',
          Key: 'bad-crc',
          Body: 'data',
          ChecksumCRC32: b64crc32(Buffer.from('other')),
        }),
      ),
    );
    expect(crc.name).toBe('BadDigest');
    expect(crc.message).toBe('The CRC32 you specified did not match the calculated checksum.');
    expect(await missing('bad-crc')).toBe('NotFound');
    const sha = await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'sums',
          Key: 'bad-sha',
          Body: 'data',
          ChecksumSHA256: createHash('sha256').update('x').digest('base64'),
        }),
      ),
    );
    expect(sha.name).toBe('BadDigest');
    expect(await missing('bad-sha')).toBe('NotFound');
    // An existing object is untouched by a rejected overwrite.
    await s3.send(new PutObjectCommand({ Bucket: 'sums', Key: 'keep', Body: 'original' }));
    await errorOf(
      s3.send(
        new PutObjectCommand({
          Bucket: 'sums',
          Key: 'keep',
          Body: 'replaced',
          ContentMD5: createHash('md5').update('x').digest('base64'),
        }),
      ),
    );
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'sums', Key: 'keep' }))).Body!.transformToString()).toBe(
      'original',
    );
  });

  it('checks aws-chunked trailers and x-amz-content-sha256', async () => {
    const data = Buffer.from('z'.repeat(100_000));
    const headers = (trailer: string) => ({
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      'x-amz-decoded-content-length': String(data.length),
      'x-amz-trailer': trailer,
      'content-type': 'text/plain',
    });
    const good = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/chunked-ok',
      headers: headers('x-amz-checksum-crc32'),
      body: awsChunked(data, 8192, { 'x-amz-checksum-crc32': b64crc32(data) }),
    });
    expect(good.status).toBe(200);
    expect(good.headers['x-amz-checksum-crc32']).toBe(b64crc32(data));
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'chunked-ok' }));
    expect(head.ContentLength).toBe(data.length);
    expect(head.ContentEncoding).toBeUndefined();
    // A stored Content-Encoding keeps its spelling, less the aws-chunked of the upload.
    const gz = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/chunked-gzip',
      headers: { ...headers('x-amz-checksum-crc32'), 'content-encoding': 'deflate, gzip, aws-chunked' },
      body: awsChunked(data, 8192, { 'x-amz-checksum-crc32': b64crc32(data) }),
    });
    expect(gz.status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'chunked-gzip' }))).ContentEncoding).toBe(
      'deflate, gzip',
    );
    // With the plain body's digest as x-amz-content-sha256, aws-chunked frames nothing.
    const unframed = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/unframed',
      headers: {
        'content-encoding': 'gzip, aws-chunked',
        'x-amz-content-sha256': createHash('sha256').update('plain').digest('hex'),
      },
      body: Buffer.from('plain'),
    });
    expect(unframed.status).toBe(200);
    const plain = await s3.send(new GetObjectCommand({ Bucket: 'sums', Key: 'unframed' }));
    expect([plain.ContentEncoding, await plain.Body!.transformToString()]).toEqual(['gzip', 'plain']);
    await s3.send(
      new PutObjectCommand({ Bucket: 'sums', Key: 'plain-gzip', Body: 'x', ContentEncoding: 'deflate, gzip' }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sums', Key: 'plain-gzip' }))).ContentEncoding).toBe(
      'deflate, gzip',
    );

    const bad = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/chunked-bad',
      headers: headers('x-amz-checksum-crc32'),
      body: awsChunked(data, 8192, { 'x-amz-checksum-crc32': b64crc32(Buffer.from('nope')) }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.toString()).toContain('<Code>BadDigest</Code>');
    expect(await missing('chunked-bad')).toBe('NotFound');

    const truncated = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/chunked-short',
      headers: headers('x-amz-checksum-crc32'),
      body: awsChunked(data, 8192, { 'x-amz-checksum-crc32': b64crc32(data) }).subarray(0, 50_000),
    });
    expect(truncated.status).toBe(400);
    expect(await missing('chunked-short')).toBe('NotFound');

    const mismatch = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/sha-bad',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('something else').digest('hex') },
      body: data,
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.toString()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(await missing('sha-bad')).toBe('NotFound');

    // Bodies over 1 MiB are hashed on a worker thread: the same checks hold there.
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let k = 0; k < big.length; k += 997) big[k] = k & 0xff;
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    const bigOk = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/sha-big',
      headers: { 'x-amz-content-sha256': sha(big) },
      body: big,
    });
    expect(bigOk.status).toBe(200);
    expect(bigOk.headers['etag']).toBe(`"${createHash('md5').update(big).digest('hex')}"`);
    const bigBad = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/sums/sha-big-bad',
      headers: { 'x-amz-content-sha256': sha('something else') },
      body: big,
    });
    expect(bigBad.status).toBe(400);
    expect(bigBad.body.toString()).toContain(`<S3ComputedContentSHA256>${sha(big)}</S3ComputedContentSHA256>`);
    expect(await missing('sha-big-bad')).toBe('NotFound');
  });
});
