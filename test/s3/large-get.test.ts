// Objects over 256 KiB are sent from their files in 1 MiB reads into two reused buffers: whole
// objects, ranges that cross read and part boundaries, and a client that leaves mid-body.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { s3Client } from './helpers.js';

const MiB = 1024 * 1024;
/** Bytes that differ at every offset (a misplaced or repeated chunk shows). */
function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let k = 0; k + 4 <= size; k += 4) b.writeUInt32LE((k * 2654435761 + seed) >>> 0, k);
  return b;
}
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('S3 large GETs', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const single = pattern(3 * MiB + 123, 1);
  const parts = [pattern(5 * MiB, 2), pattern(5 * MiB, 3), pattern(777_777, 4)];
  const whole = Buffer.concat(parts);

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'big' }));
    await s3.send(new PutObjectCommand({ Bucket: 'big', Key: 'single', Body: single }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'big', Key: 'multi' }));
    const done = [];
    for (const [i, Body] of parts.entries()) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: 'big', Key: 'multi', UploadId, PartNumber: i + 1, Body }),
      );
      done.push({ PartNumber: i + 1, ETag: r.ETag! });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: 'big', Key: 'multi', UploadId, MultipartUpload: { Parts: done } }),
    );
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  const get = async (Key: string, Range?: string): Promise<Buffer> => {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'big', Key, ...(Range ? { Range } : {}) }));
    return Buffer.from(await r.Body!.transformToByteArray());
  };

  it('sends whole objects and ranges across read and part boundaries byte for byte', async () => {
    expect(md5(await get('single'))).toBe(md5(single));
    expect(md5(await get('multi'))).toBe(md5(whole));
    const ranges: [number, number][] = [
      [MiB - 5, 2 * MiB + 5],
      [0, 300 * 1024],
      [5 * MiB - 100_000, 5 * MiB + 200_000],
      [3 * MiB, whole.length - 1],
      [10 * MiB - 1, 10 * MiB + 300_000],
    ];
    for (const [a, b] of ranges) {
      const got = await get('multi', `bytes=${a}-${b}`);
      expect(got.length).toBe(b - a + 1);
      expect(got.equals(whole.subarray(a, b + 1))).toBe(true);
    }
    const tail = await get('single', 'bytes=-400000');
    expect(tail.equals(single.subarray(single.length - 400_000))).toBe(true);
  });

  it('a slow reader (the socket full, writes queued) still gets every byte in order', async () => {
    const signedUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'big', Key: 'multi' }));
    const got = await new Promise<Buffer>((resolve, reject) => {
      const req = request(signedUrl, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          // Stall now and then, long enough for the server's writes to back up behind the socket.
          if (chunks.length % 40 === 1) {
            res.pause();
            setTimeout(() => res.resume(), 60);
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(got.length).toBe(whole.length);
    expect(md5(got)).toBe(md5(whole));
  });

  it('keeps serving when clients leave in the middle of large bodies', async () => {
    const signedUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'big', Key: 'multi' }));
    const leaveSigned = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(signedUrl, (res) => {
          expect(res.statusCode).toBe(200);
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
            if (n > 2 * MiB) req.destroy();
          });
          res.on('close', () => resolve(n));
        });
        req.on('error', reject);
        req.end();
      });
    const left = await Promise.all(Array.from({ length: 6 }, () => leaveSigned()));
    for (const n of left) expect(n).toBeGreaterThan(2 * MiB);
    // Still answering, and whole objects still arrive intact.
    expect(md5(await get('multi'))).toBe(md5(whole));
    expect(md5(await get('single'))).toBe(md5(single));
  });
});
