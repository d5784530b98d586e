import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ecrOf } from '../../src/services/ecr/index.js';
import type { Ecr } from '../../src/services/ecr/context.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { duBytes, gzipLayer, imageOf, pushImage, randomLayer, raw, sha256 } from './helpers.js';

const HOUR = 60 * 60 * 1000;
let server: TestServer;
let ecr: Ecr;
const clock = new ManualClock(Date.UTC(2026, 0, 1));

/** Send a request head (and maybe part of a body) on a raw socket; resolve with the status line and when it came. */
function rawSocket(
  port: number,
  head: string,
  body?: Buffer,
  opts: { closeAfterBody?: boolean } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
      const m = /^HTTP\/1\.1 (\d+)/.exec(text);
      if (m && text.includes('\r\n\r\n')) {
        socket.destroy();
        resolve({ status: Number(m[1]), text });
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: 0, text }));
    socket.write(head);
    if (body) socket.write(body);
    if (opts.closeAfterBody) setTimeout(() => socket.destroy(), 100);
  });
}

beforeAll(async () => {
  server = await startTestServer({}, { clock });
  ecr = ecrOf(server.overcast.services)!;
});
afterAll(() => server.stop());

const uploadsDir = () => join(ecr.registry.files.root, 'uploads');

describe('registry bad input', () => {
  it('a wrong digest stores nothing and leaves the upload usable', async () => {
    const blob = randomBytes(5000);
    const post = await raw(server.endpoint, '/v2/bad/wrong/blobs/uploads/', { method: 'POST' });
    const loc = String(post.headers['location']);
    const patch = await raw(server.endpoint, loc, { method: 'PATCH', body: blob });
    expect(patch.status).toBe(202);
    const wrong = await raw(server.endpoint, `${loc}?digest=${sha256('other')}`, { method: 'PUT' });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body.toString()).errors[0].code).toBe('DIGEST_INVALID');
    expect((await raw(server.endpoint, `/v2/bad/wrong/blobs/${sha256('other')}`, { method: 'HEAD' })).status).toBe(404);
    const right = await raw(server.endpoint, `${loc}?digest=${sha256(blob)}`, { method: 'PUT' });
    expect(right.status).toBe(201);
    const malformed = await raw(server.endpoint, `/v2/bad/wrong/blobs/sha256:XYZ`);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body.toString()).errors[0].code).toBe('DIGEST_INVALID');
  });

  it('a truncated upload is cut back; the session continues from the last good byte', async () => {
    const post = await raw(server.endpoint, '/v2/bad/truncated/blobs/uploads/', { method: 'POST' });
    const loc = String(post.headers['location']);
    const first = randomBytes(1000);
    await raw(server.endpoint, loc, { method: 'PATCH', body: first, headers: { 'content-range': '0-999' } });
    const partial = randomBytes(300);
    await rawSocket(
      server.overcast.port,
      `PATCH ${loc} HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\nContent-Range: 1000-4999\r\n\r\n`,
      partial,
      { closeAfterBody: true },
    );
    await new Promise((r) => setTimeout(r, 200));
    const status = await raw(server.endpoint, loc);
    expect(status.status).toBe(204);
    expect(status.headers['range']).toBe('0-999');
    const rest = randomBytes(500);
    const patch = await raw(server.endpoint, loc, {
      method: 'PATCH',
      body: rest,
      headers: { 'content-range': '1000-1499' },
    });
    expect(patch.status).toBe(202);
    const whole = Buffer.concat([first, rest]);
    expect((await raw(server.endpoint, `${loc}?digest=${sha256(whole)}`, { method: 'PUT' })).status).toBe(201);
    expect((await raw(server.endpoint, `/v2/bad/truncated/blobs/${sha256(whole)}`)).body.equals(whole)).toBe(true);
  });

  it('path traversal in names, references and upload ids is refused', async () => {
    const d = sha256('x');
    const cases: [string, string, number][] = [
      ['GET', `/v2/../../etc/passwd/blobs/${d}`, 400],
      ['GET', `/v2/a/%2e%2e/%2e%2e/blobs/${d}`, 400],
      ['GET', `/v2/Upper/Case/manifests/latest`, 400],
      ['GET', `/v2/bad/trav/manifests/..%2f..%2fetc%2fpasswd`, 404],
      ['PUT', `/v2/bad/trav/manifests/..`, 400],
      ['GET', `/v2/bad/trav/blobs/sha256:..%2f..%2f${'a'.repeat(58)}`, 400],
      ['PATCH', `/v2/bad/trav/blobs/uploads/..%2f..%2fecr.db`, 404],
      ['GET', `/v2/bad/trav/blobs/uploads/../../../etc`, 404],
    ];
    for (const [method, path, status] of cases) {
      const r = await raw(server.endpoint, path, { method, body: method === 'GET' ? undefined : '{}' });
      expect({ path, status: r.status }).toEqual({ path, status });
      expect(JSON.parse(r.body.toString()).errors[0].code).toMatch(
        /NAME_INVALID|DIGEST_INVALID|TAG_INVALID|BLOB_UPLOAD_UNKNOWN|MANIFEST_UNKNOWN|NAME_UNKNOWN|UNSUPPORTED/,
      );
    }
  });

  it('10 GB Content-Length claims get the spec error before any body is read', async () => {
    const port = server.overcast.port;
    const tenGB = 10 * 1024 * 1024 * 1024;
    const manifest = await rawSocket(
      port,
      `PUT /v2/bad/huge/manifests/latest HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nContent-Length: ${tenGB}\r\n\r\n`,
    );
    expect(manifest.status).toBe(413);
    expect(manifest.text).toMatch(/SIZE_INVALID/);
    const saved = ecr.limits.maxBlobBytes;
    ecr.limits.maxBlobBytes = 1024 * 1024 * 1024;
    try {
      const blob = await rawSocket(
        port,
        `POST /v2/bad/huge/blobs/uploads/?digest=${sha256('x')} HTTP/1.1\r\nHost: x\r\nContent-Length: ${tenGB}\r\n\r\n`,
      );
      expect(blob.status).toBe(413);
    } finally {
      ecr.limits.maxBlobBytes = saved;
    }
    // beyond the free disk space, with the default limits
    const tenTB = 10 * 1024 * tenGB;
    const post = await raw(server.endpoint, '/v2/bad/huge/blobs/uploads/', { method: 'POST' });
    const loc = String(post.headers['location']);
    const disk = await rawSocket(
      port,
      `PUT ${loc}?digest=${sha256('x')} HTTP/1.1\r\nHost: x\r\nContent-Length: ${tenTB}\r\n\r\n`,
    );
    expect(disk.status).toBe(413);
    const mismatch = await rawSocket(
      port,
      `PATCH ${loc} HTTP/1.1\r\nHost: x\r\nContent-Range: 0-9\r\nContent-Length: ${tenGB}\r\n\r\n`,
    );
    expect(mismatch.status).toBe(400);
    const api = await rawSocket(
      port,
      `POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonEC2ContainerRegistry_V20150921.PutImage\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${tenGB}\r\n\r\n`,
    );
    expect(api.status).toBe(413);
    expect((await raw(server.endpoint, loc)).headers['range']).toBe('0-0');
  });

  it('parallel pushes of the same blob all succeed and store it once', async () => {
    const blob = randomBytes(2 * 1024 * 1024);
    const d = sha256(blob);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? raw(server.endpoint, `/v2/bad/parallel${i}/blobs/uploads/?digest=${d}`, { method: 'POST', body: blob })
          : raw(server.endpoint, `/v2/bad/parallel${i}/blobs/uploads/`, { method: 'POST' }).then((p) =>
              raw(server.endpoint, `${String(p.headers['location'])}?digest=${d}`, { method: 'PUT', body: blob }),
            ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    for (let i = 0; i < 8; i++) {
      const get = await raw(server.endpoint, `/v2/bad/parallel${i}/blobs/${d}`);
      expect(get.body.equals(blob)).toBe(true);
    }
    const files = readdirSync(join(ecr.registry.files.root, 'blobs', 'sha256', d.slice(7, 9)));
    expect(files.filter((f) => f === d.slice(7))).toHaveLength(1);
  });

  it('garbage collection brings disk usage back to the baseline', async () => {
    // settle what earlier tests left, then measure
    clock.advance(48 * HOUR);
    await ecr.sweeper.sweep();
    const baseline = duBytes(ecr.registry.files.root);
    const img = imageOf([await randomLayer(400_000), await randomLayer(300_000), await gzipLayer({ 'x.txt': 'x' })]);
    expect((await pushImage(server.endpoint, 'gc/one', img, 'v1')).status).toBe(201);
    expect((await pushImage(server.endpoint, 'gc/two', img, 'v1')).status).toBe(201);
    const abandoned = await raw(server.endpoint, '/v2/gc/one/blobs/uploads/', { method: 'POST' });
    await raw(server.endpoint, String(abandoned.headers['location']), { method: 'PATCH', body: randomBytes(100_000) });
    expect(readdirSync(uploadsDir()).length).toBeGreaterThan(0);
    const grown = duBytes(ecr.registry.files.root);
    expect(grown - baseline).toBeGreaterThan(700_000);
    expect(grown - baseline).toBeLessThan(1_000_000); // layers stored once for both repositories
    // still referenced by gc/two: nothing goes
    await raw(server.endpoint, `/v2/gc/one/manifests/${img.digest}`, { method: 'DELETE' });
    clock.advance(2 * HOUR);
    expect((await ecr.sweeper.collect()).blobs).toBe(0);
    expect((await raw(server.endpoint, `/v2/gc/two/blobs/${img.layers[0]!.digest}`, { method: 'HEAD' })).status).toBe(
      200,
    );
    // unreferenced everywhere: collected after the grace period; the abandoned upload after 24 h
    await raw(server.endpoint, `/v2/gc/two/manifests/${img.digest}`, { method: 'DELETE' });
    const collected = await ecr.sweeper.collect();
    expect(collected).toMatchObject({ blobs: 4, uploads: 0 }); // three layers and the config; the upload is 2 h old
    clock.advance(25 * HOUR);
    expect(await ecr.sweeper.collect()).toMatchObject({ blobs: 0, uploads: 1 });
    expect(duBytes(ecr.registry.files.root)).toBe(baseline);
    expect((await raw(server.endpoint, `/v2/gc/two/blobs/${img.layers[0]!.digest}`, { method: 'HEAD' })).status).toBe(
      404,
    );
  });
});
