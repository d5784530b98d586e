import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { s3Client } from './helpers.js';

describe('S3 durability', () => {
  const dir = tempDir('overcast-s3-k9-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('every acknowledged PUT survives kill -9, and nothing half-written appears', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    let s3 = s3Client(proc.endpoint, { requestHandler: { requestTimeout: 10_000 } });
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    const acked = new Map<string, string>();
    let stopped = false;
    const writer = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        const key = `w${w}/obj-${i}`;
        const body = Buffer.alloc(i % 3 === 0 ? 300_000 : 2_000, `${w}:${i}:`);
        try {
          await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: key, Body: body }));
          acked.set(key, createHash('md5').update(body).digest('hex'));
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    await proc.kill9();
    stopped = true;
    await Promise.all(writers);
    s3.destroy();
    expect(acked.size).toBeGreaterThan(10);

    proc = await startOvercastProcess(['--data-dir', dir.path]);
    s3 = s3Client(proc.endpoint);
    const listed = new Set<string>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'durable', ContinuationToken: token }));
      for (const c of page.Contents ?? []) listed.add(c.Key!);
      token = page.NextContinuationToken;
    } while (token);
    for (const [key, md5] of acked) {
      expect(listed.has(key)).toBe(true);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: key }));
      expect(
        createHash('md5')
          .update(await got.Body!.transformToByteArray())
          .digest('hex'),
      ).toBe(md5);
    }
    // At most the writes in flight at the kill may have landed beyond the acknowledged ones, each whole.
    expect(listed.size - acked.size).toBeLessThanOrEqual(4);
    for (const key of listed) {
      if (acked.has(key)) continue;
      const got = await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: key }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect([300_000, 2_000]).toContain(bytes.length);
    }
    s3.destroy();
  }, 60_000);
});
