// Bodies over 1 MiB stream to a temporary file while they are hashed: an acknowledged one survives
// kill -9 byte for byte, and a rejected one (BadDigest) leaves no object and no file behind.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { s3Client } from './helpers.js';

/** Every file under `dir` (recursively). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('S3 large bodies', () => {
  const dir = tempDir('overcast-s3-large-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('acknowledged large PUTs survive kill -9; a rejected one leaves nothing', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    let s3 = s3Client(proc.endpoint, { requestHandler: { requestTimeout: 30_000 } });
    await s3.send(new CreateBucketCommand({ Bucket: 'large' }));
    const bodies = [0, 1, 2, 3].map((i) => {
      const b = Buffer.alloc(6 * 1024 * 1024 + i * 12345);
      for (let k = 0; k < b.length; k += 4096) b.writeUInt32LE((k * 2654435761 + i) >>> 0, k);
      return b;
    });
    const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
    const puts = await Promise.all(
      bodies.map((Body, i) => s3.send(new PutObjectCommand({ Bucket: 'large', Key: `big-${i}`, Body }))),
    );
    puts.forEach((p, i) => expect(p.ETag).toBe(`"${md5(bodies[i]!)}"`));

    const before = filesUnder(join(dir.path, 's3'));
    expect(before.length).toBeGreaterThanOrEqual(4);
    const wrong = createHash('md5').update('something else').digest('base64');
    const err = await s3
      .send(new PutObjectCommand({ Bucket: 'large', Key: 'rejected', Body: bodies[0], ContentMD5: wrong }))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.name).toBe('BadDigest');
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'large', Key: 'rejected' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect(filesUnder(join(dir.path, 's3', 'tmp'))).toEqual([]);
    expect(filesUnder(join(dir.path, 's3')).sort()).toEqual(before.sort());

    await proc.kill9();
    s3.destroy();
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    s3 = s3Client(proc.endpoint, { requestHandler: { requestTimeout: 30_000 } });
    for (const [i, b] of bodies.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'large', Key: `big-${i}` }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect(bytes.length).toBe(b.length);
      expect(md5(bytes)).toBe(md5(b));
    }
    s3.destroy();
  }, 90_000);
});
