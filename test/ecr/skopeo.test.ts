import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import type { Image } from './helpers.js';
import {
  execFileP,
  gzipLayer,
  hasSkopeo,
  imageOf,
  randomLayer,
  raw,
  sha256,
  SKOPEO,
  warnNoSkopeo,
  writeOciLayout,
} from './helpers.js';

warnNoSkopeo();

const skopeo = async (args: string[], stdin?: string): Promise<string> => {
  if (stdin === undefined) return (await execFileP(SKOPEO, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  return new Promise((resolve, reject) => {
    const child = execFile(SKOPEO, args, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin!.end(stdin);
  });
};

describe.skipIf(!hasSkopeo)('skopeo against the registry', () => {
  let server: TestServer;
  let host: string;
  const dir = tempDir('overcast-skopeo-');
  let multi: Image;
  let amd: Image;
  let arm: Image;
  let index: Buffer;

  beforeAll(async () => {
    server = await startTestServer();
    host = `127.0.0.1:${server.overcast.port}`;
    multi = imageOf(
      [
        await randomLayer(300_000, 'a.bin'),
        await randomLayer(200_000, 'b.bin'),
        await gzipLayer({ 'etc/motd': 'hello' }),
      ],
      { docker: false },
    );
    amd = imageOf([await gzipLayer({ 'arch.txt': 'amd64' })], { arch: 'amd64' });
    arm = imageOf([await gzipLayer({ 'arch.txt': 'arm64' })], { arch: 'arm64' });
    index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: amd.mediaType,
            digest: amd.digest,
            size: amd.manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
          {
            mediaType: arm.mediaType,
            digest: arm.digest,
            size: arm.manifest.length,
            platform: { os: 'linux', architecture: 'arm64' },
          },
        ],
      }),
    );
    writeOciLayout(
      join(dir.path, 'src'),
      [
        { image: multi, tag: 'multi' },
        { image: amd, tag: '' },
        { image: arm, tag: '' },
      ],
      [{ bytes: index, mediaType: 'application/vnd.oci.image.index.v1+json', tag: 'multiarch' }],
    );
  });
  afterAll(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('copies a multi-layer image in and out, byte for byte', async () => {
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(dir.path, 'src')}:multi`,
      `docker://${host}/skopeo/multi:v1`,
    ]);
    const inspect = JSON.parse(await skopeo(['inspect', '--tls-verify=false', `docker://${host}/skopeo/multi:v1`]));
    expect(inspect.Digest).toBe(multi.digest);
    expect(inspect.Layers).toEqual(multi.layers.map((l) => l.digest));
    const rawManifest = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${host}/skopeo/multi:v1`]);
    expect(sha256(rawManifest)).toBe(multi.digest);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${host}/skopeo/multi:v1`,
      `oci:${join(dir.path, 'out')}:multi`,
    ]);
    for (const l of multi.layers) {
      expect(readFileSync(join(dir.path, 'out', 'blobs', 'sha256', l.digest.slice(7))).equals(l.bytes)).toBe(true);
    }
    // registry to registry (cross-repository mounts) and Docker v2s2 conversion
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${host}/skopeo/multi:v1`,
      `docker://${host}/skopeo/copy:v1`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--format',
      'v2s2',
      `docker://${host}/skopeo/multi:v1`,
      `docker://${host}/skopeo/docker:v1`,
    ]);
    const docker = await raw(server.endpoint, '/v2/skopeo/docker/manifests/v1');
    expect(docker.headers['content-type']).toBe('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('copies an index with two platforms (--all)', async () => {
    await skopeo([
      'copy',
      '--all',
      '--dest-tls-verify=false',
      `oci:${join(dir.path, 'src')}:multiarch`,
      `docker://${host}/skopeo/multiarch:v1`,
    ]);
    const rawIndex = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${host}/skopeo/multiarch:v1`]);
    expect(Buffer.from(rawIndex).equals(index)).toBe(true);
    const armInspect = JSON.parse(
      await skopeo([
        'inspect',
        '--override-arch',
        'arm64',
        '--tls-verify=false',
        `docker://${host}/skopeo/multiarch:v1`,
      ]),
    );
    expect(armInspect.Architecture).toBe('arm64');
    expect(armInspect.Layers).toEqual(arm.layers.map((l) => l.digest));
    await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${host}/skopeo/multiarch:v1`,
      `oci:${join(dir.path, 'out2')}:multiarch`,
    ]);
    const outIndex = JSON.parse(readFileSync(join(dir.path, 'out2', 'index.json'), 'utf8'));
    expect(outIndex.manifests[0].digest).toBe(sha256(index));
  });

  it('lists tags and deletes', async () => {
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(dir.path, 'src')}:multi`,
      `docker://${host}/skopeo/tags:one`,
    ]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(dir.path, 'src')}:multi`,
      `docker://${host}/skopeo/tags:two`,
    ]);
    const tags = JSON.parse(await skopeo(['list-tags', '--tls-verify=false', `docker://${host}/skopeo/tags`]));
    expect(tags.Tags).toEqual(['one', 'two']);
    await skopeo(['delete', '--tls-verify=false', `docker://${host}/skopeo/tags:one`]);
    // skopeo deletes by digest: both tags of the image go
    const after = JSON.parse(await skopeo(['list-tags', '--tls-verify=false', `docker://${host}/skopeo/tags`]));
    expect(after.Tags).toEqual([]);
    await expect(skopeo(['inspect', '--tls-verify=false', `docker://${host}/skopeo/tags:one`])).rejects.toThrow(
      /manifest unknown|not found|Requested image not found/i,
    );
  });
});

describe.skipIf(!hasSkopeo || !hasAwsCli)('aws ecr get-login-password | skopeo login, against --auth enforce', () => {
  it('logs in with the ECR token and pushes with it', async () => {
    const server = await startTestServer({
      auth: 'enforce',
      credentials: [{ ...TEST_CREDENTIALS, account: '111122223333' }],
    });
    const dir = tempDir('overcast-login-');
    try {
      const host = `127.0.0.1:${server.overcast.port}`;
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: dir.path,
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
      };
      await execFileP(
        AWS_CLI,
        ['ecr', 'create-repository', '--repository-name', 'login/app', '--endpoint-url', server.endpoint],
        { env },
      );
      const { stdout: password } = await execFileP(
        AWS_CLI,
        ['ecr', 'get-login-password', '--endpoint-url', server.endpoint],
        { env },
      );
      const authfile = join(dir.path, 'auth.json');
      await skopeo(
        ['login', '--tls-verify=false', '--authfile', authfile, '--username', 'AWS', '--password-stdin', host],
        password.trim(),
      );
      const img = imageOf([await gzipLayer({ 'login.txt': 'pushed with the ECR token' })]);
      writeOciLayout(join(dir.path, 'layout'), [{ image: img, tag: 'v1' }]);
      await expect(
        skopeo([
          'copy',
          '--dest-tls-verify=false',
          `oci:${join(dir.path, 'layout')}:v1`,
          `docker://${host}/login/app:v1`,
        ]),
      ).rejects.toThrow(/unauthorized|authentication required/i);
      await skopeo([
        'copy',
        '--authfile',
        authfile,
        '--dest-tls-verify=false',
        `oci:${join(dir.path, 'layout')}:v1`,
        `docker://${host}/login/app:v1`,
      ]);
      const { stdout } = await execFileP(
        AWS_CLI,
        [
          'ecr',
          'describe-images',
          '--repository-name',
          'login/app',
          '--endpoint-url',
          server.endpoint,
          '--output',
          'json',
        ],
        { env },
      );
      const images = JSON.parse(stdout).imageDetails;
      expect(images[0].imageDigest).toBe(img.digest);
      expect(images[0].imageTags).toEqual(['v1']);
    } finally {
      await server.stop();
      dir.cleanup();
    }
  });
});
