import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export const SKOPEO = '/usr/bin/skopeo';
export const hasSkopeo = existsSync(SKOPEO);
export const execFileP = promisify(execFile);

export function warnNoSkopeo(): void {
  if (!hasSkopeo) {
    console.warn(
      `\n*** SKIPPING skopeo interop tests: ${SKOPEO} not found. Install it with: apt-get install -y skopeo (CI's .ci/run does) ***\n`,
    );
  }
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  host?: string;
}

/** One HTTP request to the server (any Host header, exact bytes back). */
export function raw(endpoint: string, path: string, opts: RawRequest = {}): Promise<RawResponse> {
  const base = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.host) headers['host'] = opts.host;
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
    if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
    // The path goes out verbatim (no client-side normalisation of `..`).
    const req = request(
      { host: base.hostname, port: base.port, path, method: opts.method ?? 'GET', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const sha256 = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
export const sha512 = (b: Buffer | string): string => `sha512:${createHash('sha512').update(b).digest('hex')}`;

/** A tar of the given files (uncompressed), built in memory with tar-stream. */
export async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    p.entry({ name, size: buf.length, mode: 0o644, mtime: new Date(0) }, buf);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface Layer {
  bytes: Buffer;
  digest: string;
  diffId: string;
  mediaType: string;
}

export async function gzipLayer(files: Record<string, string | Buffer>, oci = true): Promise<Layer> {
  const tar = await tarOf(files);
  const bytes = gzipSync(tar);
  return {
    bytes,
    digest: sha256(bytes),
    diffId: sha256(tar),
    mediaType: oci
      ? 'application/vnd.oci.image.layer.v1.tar+gzip'
      : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  };
}

/** A random incompressible layer of about `size` bytes (a single file in a gzip tar). */
export async function randomLayer(size: number, name = 'data.bin'): Promise<Layer> {
  return gzipLayer({ [name]: randomBytes(size) });
}

export interface Image {
  config: Buffer;
  configDigest: string;
  layers: Layer[];
  manifest: Buffer;
  digest: string;
  mediaType: string;
}

export function imageOf(layers: Layer[], opts: { docker?: boolean; arch?: string; cmd?: string[] } = {}): Image {
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.arch ?? 'amd64',
      os: 'linux',
      config: { Cmd: opts.cmd ?? ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const docker = opts.docker === true;
  const mediaType = docker
    ? 'application/vnd.docker.distribution.manifest.v2+json'
    : 'application/vnd.oci.image.manifest.v1+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: docker
          ? 'application/vnd.docker.container.image.v1+json'
          : 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: layers.map((l) => ({
        mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : l.mediaType,
        digest: l.digest,
        size: l.bytes.length,
      })),
    }),
  );
  return { config, configDigest: sha256(config), layers, manifest, digest: sha256(manifest), mediaType };
}

/** Write images as an OCI image layout directory (what `skopeo copy oci:` reads). */
export function writeOciLayout(
  dir: string,
  images: { image: Image; tag: string }[],
  extra: { bytes: Buffer; mediaType: string; tag: string }[] = [],
): void {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const put = (b: Buffer) => writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  const manifests: unknown[] = [];
  for (const { image, tag } of images) {
    for (const l of image.layers) put(l.bytes);
    put(image.config);
    put(image.manifest);
    if (tag) {
      manifests.push({
        mediaType: image.mediaType,
        digest: image.digest,
        size: image.manifest.length,
        annotations: { 'org.opencontainers.image.ref.name': tag },
      });
    }
  }
  for (const e of extra) {
    put(e.bytes);
    manifests.push({
      mediaType: e.mediaType,
      digest: sha256(e.bytes),
      size: e.bytes.length,
      annotations: { 'org.opencontainers.image.ref.name': e.tag },
    });
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
}

/** Total size of the regular files under a directory. */
export function duBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += duBytes(p);
    else if (e.isFile()) total += statSync(p).size;
  }
  return total;
}

/** Push a blob monolithically (POST then PUT). */
export async function pushBlob(
  endpoint: string,
  repo: string,
  bytes: Buffer,
  digest = sha256(bytes),
): Promise<RawResponse> {
  const post = await raw(endpoint, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (post.status !== 202) return post;
  const loc = String(post.headers['location']);
  return raw(endpoint, `${loc}${loc.includes('?') ? '&' : '?'}digest=${digest}`, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
}

export async function pushImage(endpoint: string, repo: string, image: Image, tag: string): Promise<RawResponse> {
  for (const l of image.layers) await pushBlob(endpoint, repo, l.bytes);
  await pushBlob(endpoint, repo, image.config);
  return raw(endpoint, `/v2/${repo}/manifests/${tag}`, {
    method: 'PUT',
    body: image.manifest,
    headers: { 'content-type': image.mediaType },
  });
}
