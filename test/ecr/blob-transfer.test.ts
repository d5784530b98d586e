import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecrOf } from '../../src/services/ecr/index.js';
import type { Ecr } from '../../src/services/ecr/context.js';
import { CHUNK_BYTES, pooledChunks } from '../../src/services/ecr/registry/buffer-pool.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { raw, sha256 } from './helpers.js';

// Blobs several pool buffers long, so reads, writes and ranges cross buffer boundaries.
let server: TestServer;
let ecr: Ecr;
let blob: Buffer;
let digest: string;
const REPO = 'transfer/big';

beforeAll(async () => {
  server = await startTestServer();
  ecr = ecrOf(server.overcast.services)!;
  blob = randomBytes(3 * CHUNK_BYTES + 12_345);
  digest = sha256(blob);
});
afterAll(() => server.stop());

/** Open descriptors of this process that point at the blob's file. */
function openBlobFds(): number {
  const path = ecr.registry.files.blobPath(digest);
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** A chunked (no Content-Length) PATCH whose body arrives in pieces of the given sizes. */
function patchInPieces(location: string, body: Buffer, pieces: number[]): Promise<number> {
  const base = new URL(server.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, path: location, method: 'PATCH', agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    let at = 0;
    const next = (): void => {
      if (at >= body.length) {
        req.end();
        return;
      }
      const n = pieces[0] === undefined ? body.length : pieces.shift()!;
      const piece = body.subarray(at, at + n);
      at += piece.length;
      req.write(piece, () => setImmediate(next));
    };
    next();
  });
}

describe('large blob transfer through pooled buffers', () => {
  it('a multi-buffer upload in odd-sized pieces over several PATCHes keeps every byte', async () => {
    const post = await raw(server.endpoint, `/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
    expect(post.status).toBe(202);
    const loc = String(post.headers['location']);
    // First PATCH ends mid-buffer; the second starts there and crosses two buffer boundaries.
    const split = CHUNK_BYTES + 777;
    expect(await patchInPieces(loc, blob.subarray(0, split), [1, 65_535, 300_000, CHUNK_BYTES])).toBe(202);
    expect((await raw(server.endpoint, loc)).headers['range']).toBe(`0-${split - 1}`);
    expect(await patchInPieces(loc, blob.subarray(split), [CHUNK_BYTES * 2, 5])).toBe(202);
    expect((await raw(server.endpoint, loc)).headers['range']).toBe(`0-${blob.length - 1}`);
    const put = await raw(server.endpoint, `${loc}?digest=${digest}`, { method: 'PUT' });
    expect(put.status).toBe(201);
    const get = await raw(server.endpoint, `/v2/${REPO}/blobs/${digest}`);
    expect(get.status).toBe(200);
    expect(get.headers['content-length']).toBe(String(blob.length));
    expect(get.body.equals(blob)).toBe(true);
  });

  it('a PATCH cut off after several buffers is cut back and the upload continues', async () => {
    const post = await raw(server.endpoint, `/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
    const loc = String(post.headers['location']);
    const first = randomBytes(1000);
    expect((await raw(server.endpoint, loc, { method: 'PATCH', body: first })).status).toBe(202);
    // Declare far more than is sent, send 2.5 buffers' worth, then drop the connection.
    const base = new URL(server.endpoint);
    await new Promise<void>((resolve) => {
      const req = request({
        host: base.hostname,
        port: base.port,
        path: loc,
        method: 'PATCH',
        agent: false,
        headers: { 'content-length': String(8 * CHUNK_BYTES) },
      });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(randomBytes(CHUNK_BYTES * 2 + CHUNK_BYTES / 2), () => setTimeout(() => req.destroy(), 100));
    });
    // The upload's size reads as before while the cut-off PATCH is still being handled.
    const id = loc.split('/').pop()!.split('?')[0]!;
    for (let i = 0; i < 100 && ecr.registry.files.isBusy(id); i++) await new Promise((r) => setTimeout(r, 20));
    expect(ecr.registry.files.isBusy(id)).toBe(false);
    const range = (await raw(server.endpoint, loc)).headers['range'];
    expect(range).toBe('0-999');
    const rest = randomBytes(CHUNK_BYTES + 5);
    expect((await raw(server.endpoint, loc, { method: 'PATCH', body: rest })).status).toBe(202);
    const whole = Buffer.concat([first, rest]);
    expect((await raw(server.endpoint, `${loc}?digest=${sha256(whole)}`, { method: 'PUT' })).status).toBe(201);
    expect((await raw(server.endpoint, `/v2/${REPO}/blobs/${sha256(whole)}`)).body.equals(whole)).toBe(true);
  });

  it('a monolithic POST of a multi-buffer blob with a wrong digest stores nothing', async () => {
    const other = randomBytes(2 * CHUNK_BYTES + 1);
    const r = await raw(server.endpoint, `/v2/${REPO}/blobs/uploads/?digest=${sha256('nope')}`, {
      method: 'POST',
      body: other,
    });
    expect(r.status).toBe(400);
    expect((await raw(server.endpoint, `/v2/${REPO}/blobs/${sha256(other)}`, { method: 'HEAD' })).status).toBe(404);
  });

  it('ranges across buffer boundaries return exactly the bytes asked for', async () => {
    const size = blob.length;
    const cases: [string, number, number][] = [
      [`bytes=${CHUNK_BYTES - 10}-${2 * CHUNK_BYTES + 9}`, CHUNK_BYTES - 10, 2 * CHUNK_BYTES + 9],
      [`bytes=${CHUNK_BYTES}-${CHUNK_BYTES}`, CHUNK_BYTES, CHUNK_BYTES],
      [`bytes=${CHUNK_BYTES - 1}-`, CHUNK_BYTES - 1, size - 1],
      [`bytes=-${CHUNK_BYTES + 3}`, size - CHUNK_BYTES - 3, size - 1],
      ['bytes=0-', 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const r = await raw(server.endpoint, `/v2/${REPO}/blobs/${digest}`, { headers: { range } });
      expect(r.status, range).toBe(206);
      expect(r.headers['content-range'], range).toBe(`bytes ${start}-${end}/${size}`);
      expect(r.headers['content-length'], range).toBe(String(end - start + 1));
      expect(r.body.equals(blob.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('concurrent GETs all get the whole blob', async () => {
    const all = await Promise.all(Array.from({ length: 8 }, () => raw(server.endpoint, `/v2/${REPO}/blobs/${digest}`)));
    for (const r of all) expect(r.body.equals(blob)).toBe(true);
  });

  it('a client that goes away mid-blob releases the file and the server keeps serving', async () => {
    const base = new URL(server.endpoint);
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: base.hostname, port: base.port, path: `/v2/${REPO}/blobs/${digest}`, agent: false },
        (res) => {
          let n = 0;
          res.on('data', (c: Buffer) => {
            n += c.length;
            if (n >= 100_000) {
              req.destroy();
              resolve(n);
            }
          });
        },
      );
      req.on('error', () => undefined);
      req.on('close', () => resolve(0));
      setTimeout(() => reject(new Error('no data')), 5000).unref();
      req.end();
    });
    expect(received).toBeGreaterThanOrEqual(100_000);
    for (let i = 0; i < 50 && openBlobFds() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(openBlobFds()).toBe(0);
    const again = await raw(server.endpoint, `/v2/${REPO}/blobs/${digest}`);
    expect(again.body.equals(blob)).toBe(true);
  });

  it('the buffer pool stays bounded after many transfers', async () => {
    await Promise.all(Array.from({ length: 12 }, () => raw(server.endpoint, `/v2/${REPO}/blobs/${digest}`)));
    expect(pooledChunks()).toBeGreaterThan(0);
    expect(pooledChunks()).toBeLessThanOrEqual(16);
    expect(openBlobFds()).toBe(0);
  });
});
