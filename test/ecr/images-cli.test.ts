import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage } from '../../src/cli/images-build.js';
import { importImage } from '../../src/cli/images-import.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { gzipLayer, imageOf, raw, sha256, tarOf, writeOciLayout } from './helpers.js';

let server: TestServer;
const dir = tempDir('overcast-images-');

beforeAll(async () => {
  server = await startTestServer();
  process.env['AWS_ACCESS_KEY_ID'] = 'test';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
});
afterAll(async () => {
  await server.stop();
  dir.cleanup();
});

async function entries(tar: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      out.set(header.name, Buffer.concat(chunks));
      next();
    });
  });
  ex.end(tar);
  await done;
  return out;
}

describe('overcast images import', () => {
  it('imports an OCI image layout', async () => {
    const img = imageOf([
      await gzipLayer({ 'bin/tool': '#!/bin/sh\necho hi\n' }),
      await gzipLayer({ 'etc/os-release': 'ID=overcast\n' }),
    ]);
    writeOciLayout(join(dir.path, 'layout'), [{ image: img, tag: 'v1' }]);
    const result = await importImage(join(dir.path, 'layout'), 'base/os:v1', {
      endpoint: server.endpoint,
      json: false,
    });
    expect(result.digest).toBe(img.digest);
    expect(result.uploaded).toBe(3);
    const m = await raw(server.endpoint, '/v2/base/os/manifests/v1');
    expect(m.body.equals(img.manifest)).toBe(true);
    // again: nothing to upload
    const again = await importImage(join(dir.path, 'layout'), 'base/os:v1', { endpoint: server.endpoint });
    expect(again.uploaded).toBe(0);
  });

  it('imports a docker-archive tar (docker save format)', async () => {
    const layerTar = await tarOf({ 'app/hello.txt': 'from a docker archive' });
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: { Cmd: ['cat', '/app/hello.txt'] },
        rootfs: { type: 'layers', diff_ids: [sha256(layerTar)] },
      }),
    );
    const p = pack();
    const cfgName = `${sha256(config).slice(7)}.json`;
    p.entry({ name: cfgName }, config);
    p.entry({ name: 'abc123/layer.tar' }, layerTar);
    p.entry(
      { name: 'manifest.json' },
      JSON.stringify([{ Config: cfgName, RepoTags: ['hello:latest'], Layers: ['abc123/layer.tar'] }]),
    );
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const c of p) chunks.push(c as Buffer);
    const file = join(dir.path, 'archive.tar');
    writeFileSync(file, Buffer.concat(chunks));
    const result = await importImage(file, 'docker/hello:latest', { endpoint: server.endpoint });
    const manifest = JSON.parse((await raw(server.endpoint, '/v2/docker/hello/manifests/latest')).body.toString());
    expect(result.digest).toMatch(/^sha256:/);
    expect(manifest.layers[0]).toEqual({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: sha256(layerTar),
      size: layerTar.length,
    });
    const blob = await raw(server.endpoint, `/v2/docker/hello/blobs/${manifest.config.digest}`);
    expect(blob.body.equals(config)).toBe(true);
  });
});

describe('overcast images build', () => {
  it('builds FROM an imported image with COPY, ENV, WORKDIR, CMD, ENTRYPOINT, EXPOSE, USER', async () => {
    const ctx = join(dir.path, 'ctx');
    mkdirSync(join(ctx, 'src', 'lib'), { recursive: true });
    writeFileSync(join(ctx, 'package.json'), '{"name":"svc"}');
    writeFileSync(join(ctx, 'src', 'index.js'), 'console.log("hi")');
    writeFileSync(join(ctx, 'src', 'lib', 'util.js'), 'module.exports = 1');
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        '# a Node service on the imported base',
        'FROM base/os:v1',
        'ARG VERSION=1.2.3',
        'ENV NODE_ENV=production APP_VERSION=${VERSION}',
        'WORKDIR /srv/app',
        'COPY package.json ./',
        'COPY --chown=1000:1000 src/ ./src/',
        'EXPOSE 3000 9229/udp',
        'USER 1000',
        'ENTRYPOINT ["node"]',
        'CMD ["src/index.js"]',
      ].join('\n'),
    );
    const result = await buildImage(ctx, { endpoint: server.endpoint, tag: 'svc/api:1' });
    expect(result.layers).toBe(4);
    const manifest = JSON.parse((await raw(server.endpoint, '/v2/svc/api/manifests/1')).body.toString());
    const config = JSON.parse(
      (await raw(server.endpoint, `/v2/svc/api/blobs/${manifest.config.digest}`)).body.toString(),
    );
    expect(config.config).toMatchObject({
      Env: ['NODE_ENV=production', 'APP_VERSION=1.2.3'],
      WorkingDir: '/srv/app',
      Entrypoint: ['node'],
      Cmd: ['src/index.js'],
      ExposedPorts: { '3000/tcp': {}, '9229/udp': {} },
      User: '1000',
    });
    expect(config.rootfs.diff_ids).toHaveLength(4);
    // the base layers were mounted, not copied; the new layers hold the files
    const last = await raw(server.endpoint, `/v2/svc/api/blobs/${manifest.layers[3].digest}`);
    const files = await entries(gunzipSync(last.body));
    expect([...files.keys()]).toEqual(expect.arrayContaining(['srv/app/src/index.js', 'srv/app/src/lib/util.js']));
    expect(files.get('srv/app/src/index.js')!.toString()).toBe('console.log("hi")');
    const first = await entries(
      gunzipSync((await raw(server.endpoint, `/v2/svc/api/blobs/${manifest.layers[2].digest}`)).body),
    );
    expect(first.get('srv/app/package.json')!.toString()).toBe('{"name":"svc"}');
  });

  it('refuses RUN with a hint', async () => {
    const ctx = join(dir.path, 'ctx-run');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM base/os:v1\nRUN apt-get install -y curl\n');
    await expect(buildImage(ctx, { endpoint: server.endpoint, tag: 'svc/run:1' })).rejects.toThrow(
      /line 2: RUN is not supported/,
    );
  });
});
