import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { AwsCallError, callJson, clientOptions } from './aws-client.js';
import type { ClientOptions } from './aws-client.js';

/** Where the `overcast images` commands find the server and which credentials they sign with. */
export interface ImagesOptions {
  endpoint?: string;
  region?: string;
  json?: boolean;
}

export { clientOptions };

/** `name[:tag]`, optionally prefixed by a registry host (dropped: the image goes to the server's registry). */
export function parseImageRef(ref: string): { name: string; tag: string } {
  let rest = ref;
  const slash = rest.indexOf('/');
  if (slash > 0 && /[.:]|^localhost$/.test(rest.slice(0, slash))) rest = rest.slice(slash + 1);
  const at = rest.indexOf('@');
  if (at >= 0) return { name: rest.slice(0, at), tag: rest.slice(at + 1) };
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  return { name: rest, tag: 'latest' };
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The OCI registry at <endpoint>/v2/, authenticated with the ECR token (Basic AWS:<password>). */
export class RegistryClient {
  private authorization: string | undefined;

  constructor(readonly options: ClientOptions) {}

  /** Create the repository if needed and get a registry token (through the ECR API). */
  async prepare(repository: string): Promise<void> {
    const call = (op: string, input: unknown) =>
      callJson(this.options, 'ecr', `AmazonEC2ContainerRegistry_V20150921.${op}`, input, '1.1');
    try {
      await call('CreateRepository', { repositoryName: repository });
    } catch (err) {
      if (!(err instanceof AwsCallError && err.code === 'RepositoryAlreadyExistsException')) throw err;
    }
    const out = await call('GetAuthorizationToken', {});
    this.authorization = `Basic ${out.authorizationData[0].authorizationToken as string}`;
  }

  async token(): Promise<void> {
    const out = await callJson(
      this.options,
      'ecr',
      'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      {},
      '1.1',
    );
    this.authorization = `Basic ${out.authorizationData[0].authorizationToken as string}`;
  }

  private send(
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: Buffer | Readable,
  ): Promise<Response> {
    const url = new URL(path, this.options.endpoint);
    const h: Record<string, string> = { ...headers };
    if (this.authorization) h['authorization'] = this.authorization;
    if (Buffer.isBuffer(body)) h['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers: h }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      if (body === undefined || Buffer.isBuffer(body)) req.end(body);
      else body.pipe(req);
    });
  }

  private fail(what: string, r: Response): never {
    let detail = r.body.toString('utf8').slice(0, 500);
    try {
      const e = (JSON.parse(detail) as { errors?: { code: string; message: string }[] }).errors?.[0];
      if (e) detail = `${e.code}: ${e.message}`;
    } catch {
      // not JSON
    }
    throw new Error(`${what} failed (HTTP ${r.status}): ${detail}`);
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    return (await this.send('HEAD', `/v2/${repo}/blobs/${digest}`)).status === 200;
  }

  /** Upload a blob (from memory or a file), streaming; skipped when the repository already has it. */
  async pushBlob(repo: string, digest: string, source: Buffer | { file: string; size: number }): Promise<boolean> {
    if (await this.hasBlob(repo, digest)) return false;
    const post = await this.send('POST', `/v2/${repo}/blobs/uploads/`);
    if (post.status !== 202) this.fail(`upload of ${digest}`, post);
    const loc = String(post.headers['location']);
    const url = `${loc}${loc.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
    const put = Buffer.isBuffer(source)
      ? await this.send('PUT', url, { 'content-type': 'application/octet-stream' }, source)
      : await this.send(
          'PUT',
          url,
          { 'content-type': 'application/octet-stream', 'content-length': String(source.size) },
          createReadStream(source.file),
        );
    if (put.status !== 201) this.fail(`upload of ${digest}`, put);
    return true;
  }

  /** Make a blob of another repository visible in `repo` (cross-repository mount; uploads nothing). */
  async mountBlob(repo: string, digest: string, from: string): Promise<void> {
    if (repo === from || (await this.hasBlob(repo, digest))) return;
    const r = await this.send(
      'POST',
      `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
    );
    if (r.status !== 201) this.fail(`mount of ${digest} from ${from}`, r);
  }

  /** Stream a blob of unknown digest: POST, one streaming PATCH (hashed on the way), PUT with the digest. */
  async pushStream(repo: string, stream: Readable): Promise<{ digest: string; size: number; gzip: boolean }> {
    const hash = createHash('sha256');
    let size = 0;
    let first: Buffer | undefined;
    const tee = new PassThrough({ highWaterMark: 1 << 20 });
    stream.on('data', (c: Buffer) => {
      first ??= c;
      hash.update(c);
      size += c.length;
    });
    stream.pipe(tee);
    const post = await this.send('POST', `/v2/${repo}/blobs/uploads/`);
    if (post.status !== 202) this.fail('upload', post);
    const patch = await this.send(
      'PATCH',
      String(post.headers['location']),
      { 'content-type': 'application/octet-stream' },
      tee,
    );
    if (patch.status !== 202) this.fail('upload', patch);
    const digest = `sha256:${hash.digest('hex')}`;
    const loc = String(patch.headers['location']);
    const put = await this.send('PUT', `${loc}${loc.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`);
    if (put.status !== 201) this.fail(`upload of ${digest}`, put);
    return { digest, size, gzip: first !== undefined && first[0] === 0x1f && first[1] === 0x8b };
  }

  async putManifest(repo: string, ref: string, mediaType: string, bytes: Buffer): Promise<string> {
    const r = await this.send('PUT', `/v2/${repo}/manifests/${ref}`, { 'content-type': mediaType }, bytes);
    if (r.status !== 201) this.fail(`manifest ${repo}:${ref}`, r);
    return String(r.headers['docker-content-digest']);
  }

  async getManifest(repo: string, ref: string): Promise<{ mediaType: string; bytes: Buffer; digest: string }> {
    const accept = [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ].join(', ');
    const r = await this.send('GET', `/v2/${repo}/manifests/${ref}`, { accept });
    if (r.status !== 200) this.fail(`image ${repo}:${ref}`, r);
    return {
      mediaType: String(r.headers['content-type']),
      bytes: r.body,
      digest: String(r.headers['docker-content-digest']),
    };
  }

  async getBlob(repo: string, digest: string): Promise<Buffer> {
    const r = await this.send('GET', `/v2/${repo}/blobs/${digest}`);
    if (r.status !== 200) this.fail(`blob ${digest}`, r);
    return r.body;
  }
}

/** Progress on stderr (silent with --json, whose single result goes to stdout). */
export function progress(flags: ImagesOptions): (line: string) => void {
  return flags.json ? () => undefined : (line) => process.stderr.write(`${line}\n`);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
