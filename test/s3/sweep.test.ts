import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { s3Client } from './helpers.js';

// A run stopped between committing a change and removing the files it replaced leaves data files
// no row names; the next start removes them (in the background), and only them.
describe('S3 data files no object references', () => {
  const dir = tempDir('overcast-s3-sweep-');
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.stop();
    dir.cleanup();
  });

  it('are removed after a restart; referenced files and files newer than the start stay', async () => {
    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    let s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'kept' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'small', Body: 'small body' }));
    await s3.send(new PutObjectCommand({ Bucket: 'kept', Key: 'big', Body: Buffer.alloc(3 * 1024 * 1024, 7) }));
    s3.destroy();
    await server.stop();
    server = undefined;

    const data = join(dir.path, 's3', 'data');
    const before = readdirSync(data).flatMap((d) => readdirSync(join(data, d)).map((f) => `${d}/${f}`));
    expect(before).toHaveLength(2);
    mkdirSync(join(data, 'ab'), { recursive: true });
    const orphan = join(data, 'ab', 'ab000000-0000-4000-8000-000000000001');
    const fresh = join(data, 'ab', 'ab000000-0000-4000-8000-000000000002');
    writeFileSync(orphan, 'left behind');
    writeFileSync(fresh, 'written after the start');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(orphan, past, past);
    const future = new Date(Date.now() + 3600_000);
    utimesSync(fresh, future, future);

    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    for (let i = 0; i < 100 && existsSync(orphan); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    for (const f of before) expect(existsSync(join(data, f))).toBe(true);
    s3 = s3Client(server.endpoint);
    try {
      const small = await s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'small' }));
      expect(await small.Body!.transformToString()).toBe('small body');
      const big = await s3.send(new GetObjectCommand({ Bucket: 'kept', Key: 'big' }));
      expect((await big.Body!.transformToByteArray()).length).toBe(3 * 1024 * 1024);
    } finally {
      s3.destroy();
    }
  });
});
