import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

const MiB = 1024 * 1024;

/** `size` bytes generated on the fly (a 1 MiB pattern with each block's index stamped in). */
function generated(size: number): { stream: Readable; md5: () => string } {
  const hash = createHash('md5');
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < MiB; i++) block[i] = (i * 31 + 7) % 251;
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(MiB, size - sent);
      const chunk = Buffer.from(block.subarray(0, n));
      chunk.writeUInt32BE(sent / MiB, 0);
      sent += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, md5: () => hash.digest('hex') };
}

describe('S3 multipart uploads', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'mpu' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('uploads a 200 MB file generated on the fly with lib-storage and reads it back', async () => {
    const size = 200 * MiB;
    const src = generated(size);
    const upload = new Upload({
      client: s3,
      params: { Bucket: 'mpu', Key: 'big/file.bin', Body: src.stream, ContentType: 'application/x-big' },
      partSize: 8 * MiB,
      queueSize: 4,
    });
    const done = await upload.done();
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-25"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin' }));
    expect(head.ContentLength).toBe(size);
    expect(head.ContentType).toBe('application/x-big');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin' }));
    const hash = createHash('md5');
    let n = 0;
    for await (const chunk of got.Body as Readable) {
      hash.update(chunk as Buffer);
      n += (chunk as Buffer).length;
    }
    expect(n).toBe(size);
    expect(hash.digest('hex')).toBe(src.md5());
    // A range across a part boundary, and one part by number.
    const across = await s3.send(
      new GetObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin', Range: `bytes=${8 * MiB - 2}-${8 * MiB + 1}` }),
    );
    const bytes = Buffer.from(await across.Body!.transformToByteArray());
    expect(bytes.length).toBe(4);
    expect([...bytes]).toEqual([((MiB - 2) * 31 + 7) % 251, ((MiB - 1) * 31 + 7) % 251, 0, 0]);
    const part2 = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'big/file.bin', PartNumber: 2 }));
    expect(part2.ContentLength).toBe(8 * MiB);
    expect(part2.PartsCount).toBe(25);
    expect((await part2.Body!.transformToByteArray()).length).toBe(8 * MiB);
  }, 180_000);

  it('completes with the part list: ETag -N, ListParts, ListMultipartUploads, UploadPartCopy ranges', async () => {
    const a = Buffer.alloc(5 * MiB, 'a');
    const b = Buffer.from('tail');
    await s3.send(new PutObjectCommand({ Bucket: 'mpu', Key: 'copy-src', Body: Buffer.alloc(6 * MiB, 'c') }));
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'mpu',
        Key: 'assembled',
        ContentType: 'text/x-parts',
        Metadata: { m: '1' },
      }),
    );
    const p1 = await s3.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'assembled', UploadId, PartNumber: 1, Body: a }),
    );
    const p2 = await s3.send(
      new UploadPartCopyCommand({
        Bucket: 'mpu',
        Key: 'assembled',
        UploadId,
        PartNumber: 2,
        CopySource: 'mpu/copy-src',
        CopySourceRange: `bytes=0-${5 * MiB - 1}`,
      }),
    );
    const p3 = await s3.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'assembled', UploadId, PartNumber: 3, Body: b }),
    );
    const badRange = await errorOf(
      s3.send(
        new UploadPartCopyCommand({
          Bucket: 'mpu',
          Key: 'assembled',
          UploadId,
          PartNumber: 4,
          CopySource: 'mpu/copy-src',
          CopySourceRange: `bytes=0-${7 * MiB}`,
        }),
      ),
    );
    expect(badRange.name).toBe('InvalidArgument');
    const parts = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'assembled', UploadId }));
    expect(parts.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 * MiB, p1.ETag],
      [2, 5 * MiB, p2.CopyPartResult!.ETag],
      [3, 4, p3.ETag],
    ]);
    const paged = await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'assembled', UploadId, MaxParts: 2 }));
    expect(paged.IsTruncated).toBe(true);
    expect(paged.NextPartNumberMarker).toBe('2');
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
    expect(uploads.Uploads!.map((u) => [u.Key, u.UploadId])).toEqual([['assembled', UploadId]]);

    const complete = (list: { PartNumber: number; ETag?: string | undefined }[]) =>
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'mpu',
          Key: 'assembled',
          UploadId,
          MultipartUpload: { Parts: list },
        }),
      );
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 2, ETag: p2.CopyPartResult!.ETag },
            { PartNumber: 1, ETag: p1.ETag },
          ]),
        )
      ).name,
    ).toBe('InvalidPartOrder');
    expect((await errorOf(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).name).toBe(
      'InvalidPart',
    );
    expect((await errorOf(complete([{ PartNumber: 9, ETag: p1.ETag }]))).name).toBe('InvalidPart');
    const p4 = await s3.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'assembled', UploadId, PartNumber: 4, Body: b }),
    );
    const tooSmall = await errorOf(
      complete([
        { PartNumber: 1, ETag: p1.ETag },
        { PartNumber: 3, ETag: p3.ETag },
        { PartNumber: 4, ETag: p4.ETag },
      ]),
    );
    expect(tooSmall.name).toBe('EntityTooSmall');
    const done = await complete([
      { PartNumber: 1, ETag: p1.ETag },
      { PartNumber: 2, ETag: p2.CopyPartResult!.ETag },
      { PartNumber: 3, ETag: p3.ETag },
    ]);
    const md5s = Buffer.concat(
      [p1.ETag!, p2.CopyPartResult!.ETag!, p3.ETag!].map((e) => Buffer.from(e.replace(/"/g, ''), 'hex')),
    );
    expect(done.ETag).toBe(`"${createHash('md5').update(md5s).digest('hex')}-3"`);
    expect(done.Location).toMatch(/\/mpu\/assembled$/);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'mpu', Key: 'assembled' }));
    expect(got.ContentType).toBe('text/x-parts');
    expect(got.Metadata).toEqual({ m: '1' });
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    expect(bytes.length).toBe(10 * MiB + 4);
    expect(bytes.equals(Buffer.concat([a, Buffer.alloc(5 * MiB, 'c'), b]))).toBe(true);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }))).Uploads).toBeUndefined();
    // A retried completion answers again; another part list names no upload.
    expect(
      (
        await complete([
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.CopyPartResult!.ETag },
          { PartNumber: 3, ETag: p3.ETag },
        ])
      ).ETag,
    ).toBe(done.ETag);
    expect((await errorOf(complete([{ PartNumber: 1, ETag: p1.ETag }]))).name).toBe('NoSuchUpload');
  });

  it('writes upload ids a command line can pass: URL-safe, never starting with "-"', async () => {
    // One id in 64 would start with "-" if ids were plain base64url; the AWS CLI reads
    // `--upload-id -abc` as an option, so 300 ids catch that with near certainty.
    const ids = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: `id-${i}` }));
        await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: `id-${i}`, UploadId }));
        return UploadId!;
      }),
    );
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('completes only if the key is free (If-None-Match: *) or holds the ETag given (If-Match)', async () => {
    const oneParted = async (Key: string) => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key }));
      const part = await s3.send(
        new UploadPartCommand({ Bucket: 'mpu', Key, UploadId, PartNumber: 1, Body: Buffer.from(Key) }),
      );
      return { UploadId: UploadId!, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } };
    };
    const complete = async (Key: string, conditions: { IfNoneMatch?: string; IfMatch?: string }) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: 'mpu', Key, ...(await oneParted(Key)), ...conditions }));
    const first = await complete('cond', { IfNoneMatch: '*' });
    const taken = await errorOf(complete('cond', { IfNoneMatch: '*' }));
    expect([taken.name, taken.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    const stale = await errorOf(complete('cond', { IfMatch: '"0123-1"' }));
    expect([stale.name, stale.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    const second = await complete('cond', { IfMatch: first.ETag! });
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'cond' }))).ETag).toBe(second.ETag);
    expect((await errorOf(complete('cond-absent', { IfMatch: first.ETag! }))).name).toBe('NoSuchKey');
  });

  it('aborts uploads; interrupted uploads leave no visible object', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'aborted' }));
    await s3.send(
      new UploadPartCommand({ Bucket: 'mpu', Key: 'aborted', UploadId, PartNumber: 1, Body: Buffer.alloc(MiB) }),
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket: 'mpu', Key: 'aborted', UploadId }));
    expect((await errorOf(s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'aborted', UploadId })))).name).toBe(
      'NoSuchUpload',
    );
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'aborted' })))).name).toBe('NotFound');

    // lib-storage aborted half way: it aborts the multipart upload; nothing becomes visible.
    const controller = new AbortController();
    const src = generated(40 * MiB);
    const upload = new Upload({
      client: s3,
      params: { Bucket: 'mpu', Key: 'half', Body: src.stream },
      partSize: 5 * MiB,
      queueSize: 1,
      abortController: controller,
    });
    upload.on('httpUploadProgress', (p) => {
      if ((p.loaded ?? 0) >= 10 * MiB) controller.abort();
    });
    await expect(upload.done()).rejects.toThrow();
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'half' })))).name).toBe('NotFound');

    // A connection dropped in the middle of a PUT body and of an UploadPart body.
    const port = Number(new URL(server.endpoint).port);
    const dropAfter = (path: string, declared: number, sent: number) =>
      new Promise<void>((resolve) => {
        const req = request({
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path,
          headers: { 'content-length': String(declared) },
        });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(Buffer.alloc(sent, 'x'), () => setTimeout(() => req.destroy(), 100));
      });
    await dropAfter('/mpu/dropped', 8 * MiB, 2 * MiB);
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'mpu', Key: 'dropped-mp' }));
    await dropAfter(`/mpu/dropped-mp?partNumber=1&uploadId=${second.UploadId}`, 8 * MiB, 3 * MiB);
    await new Promise((r) => setTimeout(r, 200));
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'mpu', Key: 'dropped' })))).name).toBe('NotFound');
    expect(
      (await s3.send(new ListPartsCommand({ Bucket: 'mpu', Key: 'dropped-mp', UploadId: second.UploadId }))).Parts,
    ).toBeUndefined();
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'mpu' }));
    expect((listed.Contents ?? []).map((c) => c.Key)).not.toContain('dropped');
    expect((listed.Contents ?? []).map((c) => c.Key)).not.toContain('half');
    // Incomplete uploads are listed as uploads, never as objects, until completed or aborted.
    const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'mpu' }));
    expect(open.Uploads!.map((u) => u.Key)).toContain('dropped-mp');
  });
});
