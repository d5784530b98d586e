/**
 * A TypeScript port of the OCI distribution-spec conformance checklist (spec v1.1: pull, push,
 * content discovery, content management, referrers), written from the spec and the checklist of
 * the upstream conformance/ suite. It runs against a real server over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { RawResponse } from './helpers.js';
import { gzipLayer, raw, sha256, sha512, tarOf } from './helpers.js';

let server: TestServer;
let endpoint: string;
const REPO = 'conformance/repo1';
const REPO2 = 'conformance/repo2';
let checks = 0;

/** One conformance assertion: counted, and failing the test with its name. */
function check(name: string, ok: boolean, detail?: unknown): void {
  expect(ok, `${name}${detail !== undefined ? `: ${JSON.stringify(detail)}` : ''}`).toBe(true);
  checks++;
}

const h = (r: RawResponse, name: string) => {
  const v = r.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
};

const digestOf = (b: Buffer, alg: 'sha256' | 'sha512') => (alg === 'sha256' ? sha256(b) : sha512(b));

beforeAll(async () => {
  server = await startTestServer();
  endpoint = server.endpoint;
});
afterAll(async () => {
  console.log(`\nOCI conformance port: ${checks} checks passed`);
  await server.stop();
});

async function verifyBlob(repo: string, digest: string, bytes: Buffer): Promise<void> {
  const get = await raw(endpoint, `/v2/${repo}/blobs/${digest}`);
  check('blob get 200', get.status === 200, get.status);
  check('blob get body', get.body.equals(bytes));
  check('blob get digest header', h(get, 'docker-content-digest') === digest);
}

async function post(repo: string, query = ''): Promise<string> {
  const r = await raw(endpoint, `/v2/${repo}/blobs/uploads/${query}`, {
    method: 'POST',
    headers: { 'content-length': '0' },
  });
  check('upload post 202', r.status === 202, r.status);
  check('upload location', typeof h(r, 'location') === 'string');
  check('Docker-Upload-UUID', typeof h(r, 'docker-upload-uuid') === 'string');
  return h(r, 'location')!;
}

const withDigest = (loc: string, digest: string) =>
  `${loc}${loc.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;

describe('OCI conformance: ping and empty repository', () => {
  it('GET /v2/ answers 200', async () => {
    const r = await raw(endpoint, '/v2/');
    check('ping 200', r.status === 200, r.status);
    check('api version header', h(r, 'docker-distribution-api-version') === 'registry/2.0');
  });

  it('tag list and referrers of an empty repository', async () => {
    const tags = await raw(endpoint, `/v2/${REPO}-empty/tags/list`);
    check('empty tag list 200/404', tags.status === 200 || tags.status === 404, tags.status);
    await server.overcast.services; // repository created by a push below
    const blob = randomBytes(64);
    await raw(endpoint, `/v2/${REPO}-empty/blobs/uploads/?digest=${sha256(blob)}`, { method: 'POST', body: blob });
    const list = await raw(endpoint, `/v2/${REPO}-empty/tags/list`);
    check(
      'tag list of a repository without tags',
      list.status === 200 && JSON.parse(list.body.toString()).tags.length === 0,
      list.body.toString(),
    );
    const ref = await raw(endpoint, `/v2/${REPO}-empty/referrers/${sha256('nothing')}`);
    check('referrers on empty repo 200', ref.status === 200, ref.status);
    check('referrers content type', h(ref, 'content-type') === 'application/vnd.oci.image.index.v1+json');
    const idx = JSON.parse(ref.body.toString());
    check(
      'referrers is an empty index',
      idx.schemaVersion === 2 &&
        idx.mediaType === 'application/vnd.oci.image.index.v1+json' &&
        idx.manifests.length === 0,
    );
  });
});

for (const alg of ['sha256', 'sha512'] as const) {
  describe(`OCI conformance: blob push and pull (${alg})`, () => {
    const blob = (size = 3 * 1024 + 17) => randomBytes(size);
    const algQuery = alg === 'sha512' ? '?digest-algorithm=sha512' : '';

    it('post only (single POST with digest)', async () => {
      const b = blob();
      const d = digestOf(b, alg);
      const r = await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${d}`, {
        method: 'POST',
        body: b,
        headers: { 'content-type': 'application/octet-stream' },
      });
      check('post only 201', r.status === 201, r.status);
      check('post only digest header', h(r, 'docker-content-digest') === d);
      await verifyBlob(REPO, h(r, 'location')!.split('/blobs/')[1]!, b);
    });

    it('post + put', async () => {
      const b = blob();
      const d = digestOf(b, alg);
      const loc = await post(REPO, algQuery);
      const r = await raw(endpoint, withDigest(loc, d), {
        method: 'PUT',
        body: b,
        headers: { 'content-type': 'application/octet-stream' },
      });
      check('put 201', r.status === 201, r.status);
      check('put location', h(r, 'location') === `/v2/${REPO}/blobs/${d}`);
      check('put digest header', h(r, 'docker-content-digest') === d);
      await verifyBlob(REPO, d, b);
      const head = await raw(endpoint, `/v2/${REPO}/blobs/${d}`, { method: 'HEAD' });
      check('blob head 200', head.status === 200);
      check('blob head length', h(head, 'content-length') === String(b.length));
      check('blob head no body', head.body.length === 0);
    });

    it('chunked single (one PATCH with Content-Range, then PUT)', async () => {
      const b = blob();
      const d = digestOf(b, alg);
      let loc = await post(REPO, algQuery);
      const p = await raw(endpoint, loc, {
        method: 'PATCH',
        body: b,
        headers: { 'content-range': `0-${b.length - 1}`, 'content-type': 'application/octet-stream' },
      });
      check('patch 202', p.status === 202, p.status);
      check('patch range', h(p, 'range') === `0-${b.length - 1}`);
      loc = h(p, 'location')!;
      const r = await raw(endpoint, withDigest(loc, d), { method: 'PUT', headers: { 'content-length': '0' } });
      check('put 201', r.status === 201, r.status);
      await verifyBlob(REPO, d, b);
    });

    it('stream (PATCH without Content-Range, as docker push does)', async () => {
      const b = blob(70_000);
      const d = digestOf(b, alg);
      let loc = await post(REPO, algQuery);
      const p = await raw(endpoint, loc, {
        method: 'PATCH',
        body: b,
        headers: { 'content-type': 'application/octet-stream' },
      });
      check('stream patch 202', p.status === 202, p.status);
      loc = h(p, 'location')!;
      const r = await raw(endpoint, withDigest(loc, d), { method: 'PUT', headers: { 'content-length': '0' } });
      check('stream put 201', r.status === 201, r.status);
      check('stream put location', !!h(r, 'location'));
      await verifyBlob(REPO, d, b);
    });

    for (const putLast of [false, true]) {
      it(`chunked multi${putLast ? ' and put chunk' : ''}`, async () => {
        const b = blob(3 * 1024 + 5);
        const d = digestOf(b, alg);
        let loc = await post(REPO, algQuery);
        const size = Math.ceil(b.length / 3);
        for (let start = 0; start < b.length; start += size) {
          const end = Math.min(start + size, b.length) - 1;
          const last = end === b.length - 1;
          const method = last && putLast ? 'PUT' : 'PATCH';
          const r = await raw(endpoint, method === 'PUT' ? withDigest(loc, d) : loc, {
            method,
            body: b.subarray(start, end + 1),
            headers: { 'content-range': `${start}-${end}`, 'content-type': 'application/octet-stream' },
          });
          check(`chunk ${start}-${end} status`, r.status === (method === 'PUT' ? 201 : 202), r.status);
          if (method === 'PATCH') {
            check('chunk range header', h(r, 'range') === `0-${end}`);
            loc = h(r, 'location')!;
          }
        }
        if (!putLast) {
          const r = await raw(endpoint, withDigest(loc, d), { method: 'PUT', headers: { 'content-length': '0' } });
          check('final put 201', r.status === 201, r.status);
        }
        await verifyBlob(REPO, d, b);
      });

      it(`chunked out-of-order${putLast ? ' and put chunk' : ''}`, async () => {
        const b = blob(3 * 1024 + 5);
        const d = digestOf(b, alg);
        let loc = await post(REPO, algQuery);
        const size = Math.ceil(b.length / 3);
        let lastByte = -1;
        while (lastByte < b.length - 1) {
          // an out-of-order chunk first: 416, then recover with GET
          let badStart = lastByte + 1 + size;
          if (badStart >= b.length) badStart = 0;
          const badEnd = Math.min(badStart + size - 1, b.length - 1);
          const badPut = putLast && badEnd === b.length - 1;
          const bad = await raw(endpoint, badPut ? withDigest(loc, d) : loc, {
            method: badPut ? 'PUT' : 'PATCH',
            body: b.subarray(badStart, badEnd + 1),
            headers: { 'content-range': `${badStart}-${badEnd}`, 'content-type': 'application/octet-stream' },
          });
          check('out-of-order chunk 416', bad.status === 416, bad.status);
          const status = await raw(endpoint, loc);
          check('upload status 204', status.status === 204, status.status);
          const range = h(status, 'range') ?? '';
          check('upload status range', range.startsWith('0-') && (lastByte < 0 || range === `0-${lastByte}`), range);
          loc = h(status, 'location') ?? loc;
          const start = lastByte + 1;
          lastByte = Math.min(start + size - 1, b.length - 1);
          const final = putLast && lastByte === b.length - 1;
          const r = await raw(endpoint, final ? withDigest(loc, d) : loc, {
            method: final ? 'PUT' : 'PATCH',
            body: b.subarray(start, lastByte + 1),
            headers: { 'content-range': `${start}-${lastByte}`, 'content-type': 'application/octet-stream' },
          });
          check('in-order chunk', r.status === (final ? 201 : 202), r.status);
          if (!final) loc = h(r, 'location')!;
        }
        if (!putLast) {
          const r = await raw(endpoint, withDigest(loc, d), { method: 'PUT', headers: { 'content-length': '0' } });
          check('final put 201', r.status === 201, r.status);
        }
        await verifyBlob(REPO, d, b);
      });
    }

    it('mount from another repository, anonymous mount, missing mount', async () => {
      const b = blob();
      const d = digestOf(b, alg);
      const r0 = await raw(endpoint, `/v2/${REPO2}/blobs/uploads/?digest=${d}`, { method: 'POST', body: b });
      check('source push', r0.status === 201);
      const m = await raw(endpoint, `/v2/${REPO}/blobs/uploads/?mount=${d}&from=${REPO2}`, {
        method: 'POST',
        headers: { 'content-length': '0' },
      });
      check('mount 201', m.status === 201, m.status);
      check('mount location', h(m, 'location') === `/v2/${REPO}/blobs/${d}`);
      await verifyBlob(REPO, d, b);
      const b2 = blob();
      const d2 = digestOf(b2, alg);
      await raw(endpoint, `/v2/${REPO2}/blobs/uploads/?digest=${d2}`, { method: 'POST', body: b2 });
      const anon = await raw(endpoint, `/v2/${REPO}/blobs/uploads/?mount=${d2}`, {
        method: 'POST',
        headers: { 'content-length': '0' },
      });
      check('anonymous mount 201', anon.status === 201, anon.status);
      await verifyBlob(REPO, d2, b2);
      const missing = await raw(
        endpoint,
        `/v2/${REPO}/blobs/uploads/?mount=${digestOf(randomBytes(9), alg)}&from=${REPO2}`,
        {
          method: 'POST',
          headers: { 'content-length': '0' },
        },
      );
      check('missing mount falls back to an upload (202)', missing.status === 202, missing.status);
      check('fallback upload location', !!h(missing, 'location'));
    });

    it('post cancel', async () => {
      const loc = await post(REPO, algQuery);
      const del = await raw(endpoint, loc, { method: 'DELETE', headers: { 'content-length': '0' } });
      check('cancel 204', del.status === 204, del.status);
      const after = await raw(endpoint, loc);
      check(
        'cancelled upload unknown',
        after.status === 404 && JSON.parse(after.body.toString()).errors[0].code === 'BLOB_UPLOAD_UNKNOWN',
      );
    });

    it('range requests', async () => {
      const b = blob(2048);
      const d = digestOf(b, alg);
      await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${d}`, { method: 'POST', body: b });
      const cases: [string, number, Buffer | null, string | null][] = [
        ['bytes=500-1499', 206, b.subarray(500, 1500), 'bytes 500-1499/2048'],
        ['bytes=500-', 206, b.subarray(500), 'bytes 500-2047/2048'],
        ['bytes=-500', 206, b.subarray(1548), 'bytes 1548-2047/2048'],
        ['bytes=2000-5000', 206, b.subarray(2000), 'bytes 2000-2047/2048'],
        ['bytes=500-0', 416, null, null],
        ['bytes=5000-10000', 416, null, null],
      ];
      for (const [range, status, body, contentRange] of cases) {
        const r = await raw(endpoint, `/v2/${REPO}/blobs/${d}`, { headers: { range } });
        check(`${range} status`, r.status === status, r.status);
        if (body) {
          check(`${range} body`, r.body.equals(body));
          check(`${range} content-length`, h(r, 'content-length') === String(body.length));
          check(`${range} content-range`, h(r, 'content-range') === contentRange, h(r, 'content-range'));
        }
      }
      const del = await raw(endpoint, `/v2/${REPO}/blobs/${d}`, { method: 'DELETE' });
      check('blob delete 202', del.status === 202, del.status);
      const gone = await raw(endpoint, `/v2/${REPO}/blobs/${d}`, { method: 'HEAD' });
      check('blob delete atomic', gone.status === 404);
    });

    it('bad digests: post only, post+put, chunked, chunked and put chunk, stream', async () => {
      const b = blob();
      const wrong = digestOf(randomBytes(10), alg);
      const p1 = await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${wrong}`, { method: 'POST', body: b });
      check('bad digest post only 400', p1.status === 400, p1.status);
      check('bad digest code', JSON.parse(p1.body.toString()).errors[0].code === 'DIGEST_INVALID');
      let loc = await post(REPO, algQuery);
      const p2 = await raw(endpoint, withDigest(loc, wrong), { method: 'PUT', body: b });
      check('bad digest post+put 400', p2.status === 400, p2.status);
      loc = await post(REPO, algQuery);
      const c = await raw(endpoint, loc, {
        method: 'PATCH',
        body: b,
        headers: { 'content-range': `0-${b.length - 1}` },
      });
      const p3 = await raw(endpoint, withDigest(h(c, 'location')!, wrong), {
        method: 'PUT',
        headers: { 'content-length': '0' },
      });
      check('bad digest chunked 400', p3.status === 400, p3.status);
      loc = await post(REPO, algQuery);
      const p4 = await raw(endpoint, withDigest(loc, wrong), {
        method: 'PUT',
        body: b,
        headers: { 'content-range': `0-${b.length - 1}` },
      });
      check('bad digest chunked and put chunk 400', p4.status === 400, p4.status);
      loc = await post(REPO, algQuery);
      const s = await raw(endpoint, loc, { method: 'PATCH', body: b });
      const p5 = await raw(endpoint, withDigest(h(s, 'location')!, wrong), {
        method: 'PUT',
        headers: { 'content-length': '0' },
      });
      check('bad digest stream 400', p5.status === 400, p5.status);
      const none = await raw(endpoint, `/v2/${REPO}/blobs/${wrong}`, { method: 'HEAD' });
      check('nothing stored under the wrong digest', none.status === 404);
    });
  });
}

// ---- data sets: push, list, head, pull, referrers, delete

interface DataSet {
  name: string;
  blobs: Map<string, Buffer>;
  /** In push order (children before parents). */
  manifests: { digest: string; bytes: Buffer; mediaType: string; tag?: string; subject?: string }[];
  referrers: Map<
    string,
    { digest: string; mediaType: string; size: number; artifactType?: string; annotations?: Record<string, string> }[]
  >;
  tagParam?: boolean;
  badDigest?: boolean;
}

function newData(name: string): DataSet {
  return { name, blobs: new Map(), manifests: [], referrers: new Map() };
}

function addBlob(td: DataSet, bytes: Buffer, alg: 'sha256' | 'sha512' = 'sha256'): { digest: string; size: number } {
  const digest = digestOf(bytes, alg);
  td.blobs.set(digest, bytes);
  return { digest, size: bytes.length };
}

function addManifest(
  td: DataSet,
  value: Record<string, unknown>,
  opts: { tag?: string; alg?: 'sha256' | 'sha512'; artifactType?: string } = {},
): { mediaType: string; digest: string; size: number } {
  const bytes = Buffer.from(JSON.stringify(value));
  const mediaType = value['mediaType'] as string;
  const digest = digestOf(bytes, opts.alg ?? 'sha256');
  const subject = (value['subject'] as { digest: string } | undefined)?.digest;
  td.manifests.push({
    digest,
    bytes,
    mediaType,
    ...(opts.tag ? { tag: opts.tag } : {}),
    ...(subject ? { subject } : {}),
  });
  if (subject) {
    const list = td.referrers.get(subject) ?? [];
    const config = value['config'] as { mediaType: string } | undefined;
    const artifactType =
      (value['artifactType'] as string | undefined) ?? (mediaType.includes('index') ? undefined : config?.mediaType);
    list.push({
      digest,
      mediaType,
      size: bytes.length,
      ...(artifactType ? { artifactType } : {}),
      ...(value['annotations'] ? { annotations: value['annotations'] as Record<string, string> } : {}),
    });
    td.referrers.set(subject, list);
  }
  return { mediaType, digest, size: bytes.length };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const EMPTY = Buffer.from('{}');
const EMPTY_DESC = { mediaType: 'application/vnd.oci.empty.v1+json', digest: sha256(EMPTY), size: 2 };

async function genImage(
  td: DataSet,
  opts: {
    layers?: number;
    tag?: string;
    gzip?: boolean;
    alg?: 'sha256' | 'sha512';
    arch?: string;
    extra?: Record<string, unknown>;
    layerExtra?: Record<string, unknown>;
  } = {},
) {
  const alg = opts.alg ?? 'sha256';
  const layers = [];
  const diffIds = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    const tar = await tarOf({ [`file-${i}.txt`]: randomBytes(512).toString('hex') });
    diffIds.push(sha256(tar));
    const bytes = opts.gzip === false ? tar : (await gzipLayer({ [`file-${i}.txt`]: tar.toString('hex') })).bytes;
    const d = addBlob(td, bytes, alg);
    layers.push({
      mediaType:
        opts.gzip === false ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip',
      ...d,
      ...(opts.layerExtra ?? {}),
    });
  }
  const config = Buffer.from(
    JSON.stringify({ architecture: opts.arch ?? 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }),
  );
  const c = addBlob(td, config, alg);
  return addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...c },
      layers,
      ...(opts.extra ?? {}),
    },
    { ...(opts.tag ? { tag: opts.tag } : {}), alg },
  );
}

async function buildDataSets(): Promise<DataSet[]> {
  const sets: DataSet[] = [];
  let td = newData('Image');
  await genImage(td, { tag: 'image' });
  sets.push(td);

  td = newData('Image Uncompressed');
  await genImage(td, { tag: 'image-uncomp', gzip: false });
  sets.push(td);

  td = newData('Image with Large Manifest');
  const annotations: Record<string, string> = {};
  for (let i = 0; i < 390; i++) annotations[`com.example.large.${i}`] = 'x'.repeat(10_000);
  await genImage(td, { tag: 'large', extra: { annotations } });
  sets.push(td);

  td = newData('Index');
  const a = await genImage(td, { arch: 'amd64' });
  const b = await genImage(td, { arch: 'arm64' });
  addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...a, platform: { os: 'linux', architecture: 'amd64' } },
        { ...b, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    },
    { tag: 'index' },
  );
  sets.push(td);

  td = newData('Nested Index');
  const n1 = await genImage(td, { arch: 'amd64' });
  const inner = addManifest(td, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [n1] });
  addManifest(td, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [inner] }, { tag: 'nested-index' });
  sets.push(td);

  td = newData('Empty Index');
  addManifest(td, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] }, { tag: 'empty-index' });
  sets.push(td);

  td = newData('Artifact');
  addBlob(td, EMPTY);
  const art = addBlob(td, Buffer.from('artifact payload'));
  addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.artifact',
      config: EMPTY_DESC,
      layers: [{ mediaType: 'application/vnd.example.data', ...art }],
    },
    { tag: 'artifact' },
  );
  sets.push(td);

  td = newData('Artifact Index');
  addBlob(td, EMPTY);
  const ai = addManifest(td, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.sbom',
    config: EMPTY_DESC,
    layers: [EMPTY_DESC],
  });
  addManifest(
    td,
    { schemaVersion: 2, mediaType: OCI_INDEX, artifactType: 'application/vnd.example.bundle', manifests: [ai] },
    { tag: 'artifact-index' },
  );
  sets.push(td);

  td = newData('Artifact without Layers');
  addBlob(td, EMPTY);
  addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.nolayers',
      config: EMPTY_DESC,
      layers: [EMPTY_DESC],
    },
    { tag: 'artifact-no-layers' },
  );
  sets.push(td);

  td = newData('Artifacts with Subject');
  const subj = await genImage(td, { tag: 'subject' });
  addBlob(td, EMPTY);
  for (const t of ['application/vnd.example.sig', 'application/vnd.example.sbom']) {
    const blob = addBlob(td, Buffer.from(`${t} of ${subj.digest}`));
    addManifest(td, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: t,
      config: EMPTY_DESC,
      layers: [{ mediaType: 'application/octet-stream', ...blob }],
      subject: subj,
      annotations: { 'org.example.kind': t },
    });
  }
  // an image-typed referrer: its artifactType comes from the config media type
  const cfg = addBlob(td, Buffer.from('{"kind":"attestation"}'));
  addManifest(td, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.example.config.v1+json', ...cfg },
    layers: [EMPTY_DESC],
    subject: subj,
  });
  sets.push(td);

  td = newData('Index with Subject');
  const s2 = await genImage(td, { tag: 'subject2' });
  const s2c = await genImage(td, { arch: 'arm64' });
  addManifest(td, {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    artifactType: 'application/vnd.example.index-referrer',
    manifests: [s2c],
    subject: s2,
  });
  sets.push(td);

  td = newData('Missing Subject');
  addBlob(td, EMPTY);
  addManifest(td, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.missing',
    config: EMPTY_DESC,
    layers: [EMPTY_DESC],
    subject: { mediaType: OCI_MANIFEST, digest: sha256(randomBytes(32)), size: 1234 },
  });
  sets.push(td);

  td = newData('Data Field');
  const payload = Buffer.from('inline data');
  const dataBlob = addBlob(td, payload);
  const dcfg = addBlob(
    td,
    Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'),
  );
  addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...dcfg },
      layers: [{ mediaType: 'application/vnd.example.data', ...dataBlob, data: payload.toString('base64') }],
    },
    { tag: 'data-field' },
  );
  sets.push(td);

  td = newData('Non-distributable Layers');
  const ndcfg = addBlob(
    td,
    Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:0"]}}'),
  );
  const nd = randomBytes(100);
  addManifest(
    td,
    {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...ndcfg },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
          digest: sha256(nd),
          size: nd.length,
          urls: ['https://example.com/layer'],
        },
      ],
    },
    { tag: 'non-distributable' },
  );
  sets.push(td);

  td = newData('Custom Fields');
  await genImage(td, {
    tag: 'custom-fields',
    extra: { 'com.example.custom': { nested: [1, 2, 3] } },
    layerExtra: { 'com.example.field': 'value' },
  });
  sets.push(td);

  td = newData('No Layers');
  await genImage(td, { tag: 'no-layers', layers: 0 });
  sets.push(td);

  // non-canonical digests need tag parameters for tags, so this set is pushed by digest only
  td = newData('Digest Algorithm sha512');
  const x1 = await genImage(td, { alg: 'sha512', arch: 'amd64' });
  const x2 = await genImage(td, { alg: 'sha512', arch: 'arm64' });
  addManifest(td, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [x1, x2] }, { alg: 'sha512' });
  sets.push(td);

  td = newData('Tag Param');
  await genImage(td, { tag: 'tag-param' });
  td.tagParam = true;
  sets.push(td);

  td = newData('Tag Param sha512');
  await genImage(td, { tag: 'tag-param-sha512', alg: 'sha512' });
  td.tagParam = true;
  sets.push(td);

  td = newData('Bad Digest Image');
  await genImage(td, {});
  td.badDigest = true;
  sets.push(td);

  return sets;
}

describe('OCI conformance: data sets', async () => {
  const sets = await buildDataSets();
  for (const td of sets) {
    it(`${td.name}: push, list, head, pull, referrers, delete`, async () => {
      // push blobs
      for (const [digest, bytes] of td.blobs) {
        const r = await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
        check(`${td.name} blob push`, r.status === 201, { status: r.status, body: r.body.toString() });
      }
      // push manifests by digest (children first), then their tags (or tags as ?tag= parameters)
      for (const m of td.manifests) {
        const query = m.tag && td.tagParam ? `?tag=${m.tag}&tag=${m.tag}-extra` : '';
        const body = td.badDigest ? Buffer.concat([m.bytes, Buffer.from('  ')]) : m.bytes;
        const r = await raw(endpoint, `/v2/${REPO}/manifests/${m.digest}${query}`, {
          method: 'PUT',
          body,
          headers: { 'content-type': m.mediaType },
        });
        if (td.badDigest) {
          check(`${td.name} manifest put with mismatched digest 400`, r.status === 400, r.status);
          check(`${td.name} DIGEST_INVALID`, JSON.parse(r.body.toString()).errors[0].code === 'DIGEST_INVALID');
          continue;
        }
        check(`${td.name} manifest put 201`, r.status === 201, { status: r.status, body: r.body.toString() });
        check(
          `${td.name} manifest digest header`,
          h(r, 'docker-content-digest') === m.digest,
          h(r, 'docker-content-digest'),
        );
        if (m.subject) check(`${td.name} OCI-Subject`, h(r, 'oci-subject') === m.subject, h(r, 'oci-subject'));
        const loc = await raw(endpoint, h(r, 'location')!, { headers: { accept: `${OCI_INDEX}, ${OCI_MANIFEST}` } });
        check(`${td.name} location serves exact bytes`, loc.status === 200 && loc.body.equals(m.bytes));
        check(`${td.name} location content type`, h(loc, 'content-type') === m.mediaType);
        check(`${td.name} location content length`, h(loc, 'content-length') === String(m.bytes.length));
      }
      if (td.badDigest) return;
      for (const m of td.manifests) {
        if (!m.tag || td.tagParam) continue;
        const r = await raw(endpoint, `/v2/${REPO}/manifests/${m.tag}`, {
          method: 'PUT',
          body: m.bytes,
          headers: { 'content-type': m.mediaType },
        });
        check(`${td.name} manifest put by tag 201`, r.status === 201, { status: r.status, body: r.body.toString() });
        check(
          `${td.name} manifest by tag digest header`,
          h(r, 'docker-content-digest') === m.digest,
          h(r, 'docker-content-digest'),
        );
        if (m.subject) check(`${td.name} OCI-Subject`, h(r, 'oci-subject') === m.subject);
      }
      // tag list
      const tagged = td.manifests.filter((m) => m.tag);
      const list = await raw(endpoint, `/v2/${REPO}/tags/list`);
      check(`${td.name} tag list 200`, list.status === 200);
      const tags = JSON.parse(list.body.toString()).tags as string[];
      for (const m of tagged) check(`${td.name} tag listed`, tags.includes(m.tag!), m.tag);
      if (td.tagParam) for (const m of tagged) check(`${td.name} tag param listed`, tags.includes(`${m.tag}-extra`));
      check(`${td.name} tags sorted`, JSON.stringify([...tags].sort()) === JSON.stringify(tags));
      if (tags.length >= 2) {
        const end = Math.floor(tags.length / 2);
        const last = tags[end - 1]!;
        const part = JSON.parse((await raw(endpoint, `/v2/${REPO}/tags/list?last=${last}`)).body.toString())
          .tags as string[];
        check(
          `${td.name} last excludes earlier tags`,
          tags.slice(0, end).every((t) => !part.includes(t)),
        );
        check(
          `${td.name} last includes later tags`,
          tags.slice(end).every((t) => part.includes(t)),
        );
      }
      // head and pull
      for (const m of td.manifests) {
        const refs = [m.digest, ...(m.tag ? [m.tag] : [])];
        for (const ref of refs) {
          const head = await raw(endpoint, `/v2/${REPO}/manifests/${ref}`, { method: 'HEAD' });
          check(`${td.name} manifest head ${ref === m.digest ? 'digest' : 'tag'}`, head.status === 200, head.status);
          check(`${td.name} manifest head digest header`, h(head, 'docker-content-digest') === m.digest);
          check(`${td.name} manifest head length`, h(head, 'content-length') === String(m.bytes.length));
          const get = await raw(endpoint, `/v2/${REPO}/manifests/${ref}`, { headers: { accept: m.mediaType } });
          check(`${td.name} manifest get`, get.status === 200 && get.body.equals(m.bytes));
          check(`${td.name} manifest get content type`, h(get, 'content-type') === m.mediaType);
        }
      }
      for (const [digest, bytes] of td.blobs) {
        const head = await raw(endpoint, `/v2/${REPO}/blobs/${digest}`, { method: 'HEAD' });
        check(`${td.name} blob head`, head.status === 200 && h(head, 'content-length') === String(bytes.length));
        const get = await raw(endpoint, `/v2/${REPO}/blobs/${digest}`);
        check(`${td.name} blob get`, get.status === 200 && get.body.equals(bytes));
      }
      // referrers
      for (const [subject, goals] of td.referrers) {
        const r = await raw(endpoint, `/v2/${REPO}/referrers/${subject}`);
        check(`${td.name} referrers 200`, r.status === 200);
        check(`${td.name} referrers content type`, h(r, 'content-type') === OCI_INDEX);
        const idx = JSON.parse(r.body.toString());
        check(`${td.name} referrers index`, idx.schemaVersion === 2 && idx.mediaType === OCI_INDEX);
        for (const g of goals) {
          const found = (idx.manifests as typeof goals).some(
            (d) =>
              d.digest === g.digest &&
              d.mediaType === g.mediaType &&
              d.size === g.size &&
              d.artifactType === g.artifactType &&
              Object.entries(g.annotations ?? {}).every(([k, v]) => d.annotations?.[k] === v),
          );
          check(`${td.name} referrer listed`, found, { goal: g, got: idx.manifests });
        }
        for (const at of new Set(goals.map((g) => g.artifactType))) {
          if (!at) continue;
          const f = await raw(endpoint, `/v2/${REPO}/referrers/${subject}?artifactType=${encodeURIComponent(at)}`);
          check(`${td.name} OCI-Filters-Applied`, h(f, 'oci-filters-applied') === 'artifactType');
          const fm = JSON.parse(f.body.toString()).manifests as { artifactType?: string }[];
          check(
            `${td.name} filtered referrers`,
            fm.length === goals.filter((g) => g.artifactType === at).length && fm.every((d) => d.artifactType === at),
          );
        }
      }
      // delete: tags, manifests (reverse push order), blobs
      for (const m of tagged) {
        const tagsToDelete = td.tagParam ? [m.tag!, `${m.tag}-extra`] : [m.tag!];
        for (const t of tagsToDelete) {
          const d = await raw(endpoint, `/v2/${REPO}/manifests/${t}`, { method: 'DELETE' });
          check(`${td.name} tag delete 202`, d.status === 202, d.status);
          const gone = await raw(endpoint, `/v2/${REPO}/manifests/${t}`, { method: 'HEAD' });
          check(`${td.name} tag delete atomic`, gone.status === 404);
        }
      }
      for (const m of [...td.manifests].reverse()) {
        const d = await raw(endpoint, `/v2/${REPO}/manifests/${m.digest}`, { method: 'DELETE' });
        check(`${td.name} manifest delete 202`, d.status === 202, d.status);
        const gone = await raw(endpoint, `/v2/${REPO}/manifests/${m.digest}`, { method: 'HEAD' });
        check(`${td.name} manifest delete atomic`, gone.status === 404);
      }
      for (const digest of td.blobs.keys()) {
        const d = await raw(endpoint, `/v2/${REPO}/blobs/${digest}`, { method: 'DELETE' });
        check(`${td.name} blob delete`, d.status === 202 || d.status === 404, d.status);
        const gone = await raw(endpoint, `/v2/${REPO}/blobs/${digest}`, { method: 'HEAD' });
        check(`${td.name} blob delete atomic`, gone.status === 404);
      }
    });
  }
});

describe('OCI conformance: manifest errors', () => {
  it('missing manifests by digest and by tag are 404 MANIFEST_UNKNOWN', async () => {
    const byDigest = await raw(endpoint, `/v2/${REPO}/manifests/${sha256(randomBytes(1024))}`);
    check('missing by digest 404', byDigest.status === 404);
    check('missing by digest code', JSON.parse(byDigest.body.toString()).errors[0].code === 'MANIFEST_UNKNOWN');
    const byTag = await raw(endpoint, `/v2/${REPO}/manifests/missing-${randomBytes(8).toString('hex')}`);
    check('missing by tag 404', byTag.status === 404);
  });

  it('invalid digest format: PUT 400, GET 400/404', async () => {
    const td = newData('Invalid Manifest Digest');
    const m = await genImage(td, { layers: 1 });
    for (const [digest, bytes] of td.blobs)
      await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
    const put = await raw(endpoint, `/v2/${REPO}/manifests/sha256:baddigeststring`, {
      method: 'PUT',
      body: td.manifests[0]!.bytes,
      headers: { 'content-type': m.mediaType },
    });
    check('bad digest manifest put 400', put.status === 400, put.status);
    const get = await raw(endpoint, `/v2/${REPO}/manifests/sha256:baddigeststring`);
    check('bad digest manifest get 400/404', get.status === 400 || get.status === 404, get.status);
    const wrong = await raw(endpoint, `/v2/${REPO}/manifests/${sha256('other')}`, {
      method: 'PUT',
      body: td.manifests[0]!.bytes,
      headers: { 'content-type': m.mediaType },
    });
    check(
      'manifest put under another digest 400 DIGEST_INVALID',
      wrong.status === 400 && JSON.parse(wrong.body.toString()).errors[0].code === 'DIGEST_INVALID',
    );
  });

  it('manifests referencing unknown blobs are MANIFEST_BLOB_UNKNOWN', async () => {
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: sha256('nope'), size: 4 },
        layers: [],
      }),
    );
    const r = await raw(endpoint, `/v2/${REPO}/manifests/dangling`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': OCI_MANIFEST },
    });
    check('dangling manifest 400', r.status === 400);
    check('dangling manifest code', JSON.parse(r.body.toString()).errors[0].code === 'MANIFEST_BLOB_UNKNOWN');
  });

  it('catalog lists repositories with n/last pagination and Link', async () => {
    const all = JSON.parse((await raw(endpoint, '/v2/_catalog')).body.toString()).repositories as string[];
    check('catalog has the test repositories', all.includes(REPO) && all.includes(REPO2));
    const first = await raw(endpoint, '/v2/_catalog?n=1');
    const page = JSON.parse(first.body.toString()).repositories as string[];
    check('catalog n=1', page.length === 1 && page[0] === all[0]);
    check('catalog Link', /rel="next"/.test(h(first, 'link') ?? ''), h(first, 'link'));
    const zero = await raw(endpoint, '/v2/_catalog?n=0');
    check(
      'catalog n=0 empty, no Link',
      JSON.parse(zero.body.toString()).repositories.length === 0 && h(zero, 'link') === undefined,
    );
  });

  it('tags list pagination with n and Link', async () => {
    const img = newData('tags');
    const m = await genImage(img, { layers: 1 });
    for (const [digest, bytes] of img.blobs)
      await raw(endpoint, `/v2/${REPO}-tags/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
    for (const t of ['c', 'a', 'B', 'b', '1']) {
      await raw(endpoint, `/v2/${REPO}-tags/manifests/${t}`, {
        method: 'PUT',
        body: img.manifests[0]!.bytes,
        headers: { 'content-type': m.mediaType },
      });
    }
    const all = JSON.parse((await raw(endpoint, `/v2/${REPO}-tags/tags/list`)).body.toString()).tags;
    check('tags in ASCII order', JSON.stringify(all) === JSON.stringify(['1', 'B', 'a', 'b', 'c']), all);
    const p1 = await raw(endpoint, `/v2/${REPO}-tags/tags/list?n=2`);
    check('n=2 page', JSON.stringify(JSON.parse(p1.body.toString()).tags) === '["1","B"]');
    const link = h(p1, 'link') ?? '';
    check('Link header', link === `</v2/${REPO}-tags/tags/list?n=2&last=B>; rel="next"`, link);
    const p2 = await raw(endpoint, link.slice(1, link.indexOf('>')));
    check('next page', JSON.stringify(JSON.parse(p2.body.toString()).tags) === '["a","b"]');
    const p3 = await raw(endpoint, `/v2/${REPO}-tags/tags/list?n=2&last=b`);
    check(
      'last page without Link',
      JSON.stringify(JSON.parse(p3.body.toString()).tags) === '["c"]' && h(p3, 'link') === undefined,
    );
    const z = await raw(endpoint, `/v2/${REPO}-tags/tags/list?n=0`);
    check('n=0 empty', JSON.parse(z.body.toString()).tags.length === 0);
  });

  it('Docker schema 2 manifests and manifest lists keep their media types', async () => {
    const td = newData('docker');
    const layer = await gzipLayer({ 'hello.txt': 'hi' }, false);
    addBlob(td, layer.bytes);
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId] } }),
    );
    const c = addBlob(td, config);
    for (const [digest, bytes] of td.blobs)
      await raw(endpoint, `/v2/${REPO}/blobs/uploads/?digest=${digest}`, { method: 'POST', body: bytes });
    const dm = 'application/vnd.docker.distribution.manifest.v2+json';
    const manifest = Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType: dm,
          config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...c },
          layers: [{ mediaType: layer.mediaType, digest: layer.digest, size: layer.bytes.length }],
        },
        null,
        3,
      ),
    );
    const put = await raw(endpoint, `/v2/${REPO}/manifests/docker`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': dm },
    });
    check('docker manifest put', put.status === 201 && h(put, 'docker-content-digest') === sha256(manifest));
    const list = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [
          {
            mediaType: dm,
            digest: sha256(manifest),
            size: manifest.length,
            platform: { architecture: 'amd64', os: 'linux' },
          },
        ],
      }),
    );
    const lput = await raw(endpoint, `/v2/${REPO}/manifests/docker-list`, {
      method: 'PUT',
      body: list,
      headers: { 'content-type': 'application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    check('docker list put', lput.status === 201);
    const get = await raw(endpoint, `/v2/${REPO}/manifests/docker`);
    check(
      'docker manifest exact bytes (pretty-printed JSON kept)',
      get.body.equals(manifest) && h(get, 'content-type') === dm,
    );
    const lget = await raw(endpoint, `/v2/${REPO}/manifests/docker-list`);
    check(
      'docker list media type',
      h(lget, 'content-type') === 'application/vnd.docker.distribution.manifest.list.v2+json',
    );
  });
});
