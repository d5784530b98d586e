import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { b64crc32, s3Client } from './helpers.js';

// CRC-64/NVME computed byte by byte from a table made with BigInt: a different implementation
// from the server's (slice-by-8 on 32-bit halves), so the two cannot share a mistake.
const CRC64_TABLE = (() => {
  const poly = 0x9a6c9329ac4bc9b5n;
  const t: bigint[] = [];
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    t.push(c);
  }
  return t;
})();
const crc64nvme = (data: Buffer): string => {
  // Byte by byte on two 32-bit halves (BigInt per byte would take seconds for 6 MiB).
  const lo = CRC64_TABLE.map((c) => Number(c & 0xffffffffn));
  const hi = CRC64_TABLE.map((c) => Number(c >> 32n));
  let l = 0xffffffff;
  let h = 0xffffffff;
  for (const byte of data) {
    const i = (l ^ byte) & 0xff;
    l = (((l >>> 8) | (h << 24)) ^ lo[i]!) >>> 0;
    h = ((h >>> 8) ^ hi[i]!) >>> 0;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE(~h >>> 0, 0);
  out.writeUInt32BE(~l >>> 0, 4);
  return out.toString('base64');
};
// Since December 2024 S3 gives every new object a checksum: CRC-64/NVME (FULL_OBJECT) when the
// upload declares none, for PutObject, browser-form POSTs, multipart uploads created without an
// algorithm, and copies of objects that have none.
describe('S3 default checksums (CRC-64/NVME)', () => {
  let server: TestServer;
  // A client that sends checksums only where S3 requires them, as older SDKs and plain HTTP do.
  let bare: ReturnType<typeof s3Client>;
  let s3: ReturnType<typeof s3Client>;

  beforeAll(async () => {
    server = await startTestServer();
    bare = s3Client(server.endpoint, {
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'sums' }));
  });
  afterAll(async () => {
    bare.destroy();
    s3.destroy();
    await server.stop();
  });

  const head = (Key: string) => s3.send(new HeadObjectCommand({ Bucket: 'sums', Key, ChecksumMode: 'ENABLED' }));

  it('PutObject without a checksum: the answer, HEAD, GET (checked by the SDK) and listings carry CRC64NVME', async () => {
    // 300 bytes (hashed in memory) and 3 MiB + 5 (streamed: hashed on the worker thread).
    for (const [Key, body] of [
      ['small', randomBytes(300)],
      ['large', randomBytes(3 * 1024 * 1024 + 5)],
      ['empty', Buffer.alloc(0)],
    ] as const) {
      const put = await bare.send(new PutObjectCommand({ Bucket: 'sums', Key, Body: body }));
      expect([Key, put.ChecksumCRC64NVME, put.ChecksumType]).toEqual([Key, crc64nvme(body), 'FULL_OBJECT']);
      const h = await head(Key);
      expect([h.ChecksumCRC64NVME, h.ChecksumType]).toEqual([crc64nvme(body), 'FULL_OBJECT']);
      // The default client asks for checksums on GET and checks the bytes against the one it gets.
      const get = await s3.send(new GetObjectCommand({ Bucket: 'sums', Key }));
      expect(get.ChecksumCRC64NVME).toBe(crc64nvme(body));
      expect(Buffer.from(await get.Body!.transformToByteArray()).equals(body)).toBe(true);
    }
    // The CRC-64/NVME check value.
    const check = Buffer.from('123456789');
    const put = await bare.send(new PutObjectCommand({ Bucket: 'sums', Key: 'check', Body: check }));
    expect(Buffer.from(put.ChecksumCRC64NVME!, 'base64').toString('hex')).toBe('ae8b14860a799888');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'sums' }));
    expect(listed.Contents?.map((o) => [o.Key, o.ChecksumAlgorithm, o.ChecksumType])).toEqual(
      ['check', 'empty', 'large', 'small'].map((k) => [k, ['CRC64NVME'], 'FULL_OBJECT']),
    );
  });

  it('a declared checksum stays the object’s only one; plain HTTP and form uploads get the default', async () => {
    const body = randomBytes(1000);
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'sums', Key: 'crc32', Body: body, ChecksumAlgorithm: 'CRC32' }),
    );
    expect([put.ChecksumCRC32, put.ChecksumCRC64NVME]).toEqual([b64crc32(body), undefined]);
    expect([(await head('crc32')).ChecksumCRC32, (await head('crc32')).ChecksumCRC64NVME]).toEqual([
      b64crc32(body),
      undefined,
    ]);

    const url = await getSignedUrl(bare, new PutObjectCommand({ Bucket: 'sums', Key: 'presigned' }), {
      expiresIn: 300,
    });
    const res = await fetch(url, { method: 'PUT', body });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-checksum-crc64nvme')).toBe(crc64nvme(body));
    expect((await head('presigned')).ChecksumCRC64NVME).toBe(crc64nvme(body));

    const post = await createPresignedPost(bare as never, { Bucket: 'sums', Key: 'form', Expires: 300 });
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob([body]));
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(204);
    expect([(await head('form')).ChecksumCRC64NVME, (await head('form')).ChecksumType]).toEqual([
      crc64nvme(body),
      'FULL_OBJECT',
    ]);
  });

  it('a multipart upload created without an algorithm completes with the whole object’s CRC64NVME', async () => {
    const source = randomBytes(5 * 1024 * 1024 + 2000);
    await bare.send(new PutObjectCommand({ Bucket: 'sums', Key: 'source', Body: source }));
    const first = randomBytes(5 * 1024 * 1024 + 3);
    const last = randomBytes(777);
    const { UploadId } = await bare.send(new CreateMultipartUploadCommand({ Bucket: 'sums', Key: 'mpu' }));
    const done: { PartNumber: number; ETag: string }[] = [];
    // Part 1 and 3 uploaded, part 2 copied from another object.
    for (const [PartNumber, Body] of [
      [1, first],
      [3, last],
    ] as const) {
      const r = await bare.send(new UploadPartCommand({ Bucket: 'sums', Key: 'mpu', UploadId, PartNumber, Body }));
      // A part's checksum is answered only when the request declared one.
      expect(r.ChecksumCRC64NVME).toBeUndefined();
      done.push({ PartNumber, ETag: r.ETag! });
    }
    const copied = await bare.send(
      new UploadPartCopyCommand({
        Bucket: 'sums',
        Key: 'mpu',
        UploadId,
        PartNumber: 2,
        CopySource: 'sums/source',
        CopySourceRange: `bytes=1000-${source.length - 1}`,
      }),
    );
    expect(copied.CopyPartResult?.ChecksumCRC64NVME).toBeUndefined();
    done.splice(1, 0, { PartNumber: 2, ETag: copied.CopyPartResult!.ETag! });
    const listed = await bare.send(new ListPartsCommand({ Bucket: 'sums', Key: 'mpu', UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ChecksumCRC64NVME])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
    ]);
    const whole = Buffer.concat([first, source.subarray(1000), last]);
    const completed = await bare.send(
      new CompleteMultipartUploadCommand({ Bucket: 'sums', Key: 'mpu', UploadId, MultipartUpload: { Parts: done } }),
    );
    expect([completed.ChecksumCRC64NVME, completed.ChecksumType]).toEqual([crc64nvme(whole), 'FULL_OBJECT']);
    const h = await head('mpu');
    expect([h.ChecksumCRC64NVME, h.ChecksumType, h.ContentLength]).toEqual([
      crc64nvme(whole),
      'FULL_OBJECT',
      whole.length,
    ]);
    const attrs = await s3.send(
      new GetObjectAttributesCommand({ Bucket: 'sums', Key: 'mpu', ObjectAttributes: ['Checksum'] }),
    );
    expect([attrs.Checksum?.ChecksumCRC64NVME, attrs.Checksum?.ChecksumType]).toEqual([
      crc64nvme(whole),
      'FULL_OBJECT',
    ]);
  });

  it('CopyObject keeps the source’s algorithm (whole-object for a multipart source), else the default', async () => {
    const body = randomBytes(2000);
    await bare.send(new PutObjectCommand({ Bucket: 'sums', Key: 'plain', Body: body }));
    const copy = await bare.send(
      new CopyObjectCommand({ Bucket: 'sums', Key: 'plain-copy', CopySource: 'sums/plain' }),
    );
    expect([copy.CopyObjectResult?.ChecksumCRC64NVME, copy.CopyObjectResult?.ChecksumType]).toEqual([
      crc64nvme(body),
      'FULL_OBJECT',
    ]);
    const asked = await bare.send(
      new CopyObjectCommand({ Bucket: 'sums', Key: 'sha', CopySource: 'sums/plain', ChecksumAlgorithm: 'CRC32' }),
    );
    expect(asked.CopyObjectResult?.ChecksumCRC32).toBe(b64crc32(body));

    // A COMPOSITE CRC32 multipart source: the copy is one part, its CRC32 the whole object's.
    const part = randomBytes(5 * 1024 * 1024);
    const tail = randomBytes(10);
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'sums', Key: 'composite', ChecksumAlgorithm: 'CRC32' }),
    );
    const done = [];
    for (const [i, b] of [part, tail].entries()) {
      const r = await s3.send(
        new UploadPartCommand({
          Bucket: 'sums',
          Key: 'composite',
          UploadId,
          PartNumber: i + 1,
          Body: b,
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      done.push({ PartNumber: i + 1, ETag: r.ETag!, ChecksumCRC32: r.ChecksumCRC32! });
    }
    const completed = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'sums',
        Key: 'composite',
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
    expect([completed.ChecksumType, completed.ChecksumCRC32?.endsWith('-2')]).toEqual(['COMPOSITE', true]);
    const whole = Buffer.concat([part, tail]);
    const c = await bare.send(
      new CopyObjectCommand({ Bucket: 'sums', Key: 'composite-copy', CopySource: 'sums/composite' }),
    );
    expect([c.CopyObjectResult?.ChecksumCRC32, c.CopyObjectResult?.ChecksumType]).toEqual([
      b64crc32(whole),
      'FULL_OBJECT',
    ]);
  });
});
