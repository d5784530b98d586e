// The S3 hash workers on their own: digests equal the ones computed in place, whatever the batch
// sizes and however many bodies are in flight; every batch is released exactly once (after the
// worker hashed it, or when the worker stops); a stopped worker fails its pending digests and the
// next body gets a new one.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { HashThread, hashesHere } from '../../src/services/s3/hash-thread.js';

function shared(bytes: Buffer): Buffer {
  const b = Buffer.from(new SharedArrayBuffer(bytes.length));
  bytes.copy(b);
  return b;
}

function body(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let k = 0; k + 4 <= size; k += 4) b.writeUInt32LE((k * 2654435761 + seed) >>> 0, k);
  return b;
}

describe('S3 hash workers', () => {
  let thread: HashThread | undefined;
  afterEach(async () => {
    await thread?.close();
    thread = undefined;
  });

  it('computes MD5 and SHA-256 of concurrent bodies fed in uneven batches, releasing each batch once', async () => {
    const t = (thread = new HashThread(2));
    const bodies = [body(3_000_001, 1), body(1, 2), body(0, 3), body(700_000, 4), body(2_500_000, 5)];
    const released = new Map<number, number>();
    const runs = bodies.map((b, i) => {
      const h = t.start(['md5', 'sha256']);
      let batch = 0;
      for (let at = 0; at < b.length; at += 65_536 + 1_000 * i) {
        const n = batch++;
        h.update(shared(b.subarray(at, at + 65_536 + 1_000 * i)), () =>
          released.set(i * 1000 + n, (released.get(i * 1000 + n) ?? 0) + 1),
        );
      }
      return { h, batches: batch };
    });
    const digests = await Promise.all(runs.map((r) => r.h.digest()));
    digests.forEach(([md5, sha], i) => {
      expect(md5!.toString('hex')).toBe(createHash('md5').update(bodies[i]!).digest('hex'));
      expect(sha!.toString('hex')).toBe(createHash('sha256').update(bodies[i]!).digest('hex'));
    });
    const expected = runs.reduce((n, r) => n + r.batches, 0);
    expect(released.size).toBe(expected);
    expect([...released.values()].every((c) => c === 1)).toBe(true);
  });

  it('gives the same answers in place', async () => {
    const h = hashesHere(['md5']);
    let released = 0;
    h.update(Buffer.from('hello '), () => released++);
    h.update(Buffer.from('world'));
    const [md5] = await h.digest();
    expect(md5!.toString('hex')).toBe(createHash('md5').update('hello world').digest('hex'));
    expect(released).toBe(1);
  });

  it('an aborted body still has its batches released; a stopped worker fails pending digests', async () => {
    const t = (thread = new HashThread(1));
    let released = 0;
    const aborted = t.start(['md5']);
    aborted.update(shared(body(1_000_000, 6)), () => released++);
    aborted.abort();
    const ok = t.start(['md5']);
    ok.update(shared(Buffer.from('x')), () => released++);
    expect((await ok.digest())[0]!.toString('hex')).toBe(createHash('md5').update('x').digest('hex'));
    expect(released).toBe(2);

    const pending = t.start(['md5']);
    pending.update(shared(body(16_000_000, 7)), () => released++);
    const digest = pending.digest();
    await t.close();
    await expect(digest).rejects.toThrow(/hash worker/);
    expect(released).toBe(3);

    // The next body starts a new worker.
    const again = t.start(['md5']);
    again.update(shared(Buffer.from('y')));
    expect((await again.digest())[0]!.toString('hex')).toBe(createHash('md5').update('y').digest('hex'));
  });
});
