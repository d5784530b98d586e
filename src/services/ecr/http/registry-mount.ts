import { statfs } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import type { Ecr } from '../context.js';
import { isDigest, isName, isTag, isUploadId, looksLikeDigest, registryOfHost } from '../names.js';
import { AppendError } from '../registry/blob-store.js';
import { MAX_MANIFEST_BYTES, referrerDescriptor } from '../registry/manifest.js';
import { RegistryError } from '../registry/registry.js';
import type { Scope } from '../registry/registry.js';
import { OciError, ociErrors, send, sendError, sendJson } from './respond.js';
import { sendFileRange } from './send-blob.js';

type Route =
  | { kind: 'ping' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; ref: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'referrers'; name: string; digest: string };

const ROUTES: [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/v2\/?$/, () => ({ kind: 'ping' })],
  [/^\/v2\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/v2\/(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: m[1]! })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1]!, ref: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1]!, id: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1]!, digest: m[2]! })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1]!, digest: m[2]! })],
];

function route(rawPath: string): Route | undefined {
  for (const [re, make] of ROUTES) {
    const m = re.exec(rawPath);
    if (m) return make(m);
  }
  return undefined;
}

/** The OCI Distribution API (v1.1) at /v2/, over the ECR registry state. */
export function registryMount(ecr: Ecr): HttpMount {
  return {
    name: 'ecr-registry',
    // Registry clients authenticate with Basic/Bearer; a SigV4-signed request under /v2/ is an AWS
    // API call (API Gateway v2's control plane lives at /v2/apis), not the registry.
    matches: (head) =>
      (head.rawPath === '/v2' || head.rawPath.startsWith('/v2/')) &&
      !(head.headers['authorization'] ?? '').startsWith('AWS4-HMAC-SHA256') &&
      !head.query.has('X-Amz-Credential'),
    handle: async (head, req, res) => {
      try {
        await handle(ecr, head, req, res);
      } catch (err) {
        if (err instanceof OciError) return sendError(req, res, err);
        if (err instanceof RegistryError) return sendError(req, res, fromRegistry(err));
        ecr.log.error({ err }, 'registry request failed');
        sendError(req, res, new OciError('UNSUPPORTED', 500, 'internal error'));
      }
    },
  };
}

function fromRegistry(err: RegistryError): OciError {
  switch (err.code) {
    case 'NAME_UNKNOWN':
    case 'MANIFEST_UNKNOWN':
    case 'BLOB_UNKNOWN':
    case 'BLOB_UPLOAD_UNKNOWN':
      return new OciError(err.code, 404, err.message, err.detail);
    case 'TAG_IMMUTABLE':
      return new OciError('TAG_INVALID', 400, err.message, err.detail);
    case 'UNSUPPORTED':
      return new OciError('UNSUPPORTED', 415, err.message, err.detail);
    default:
      return new OciError(err.code, 400, err.message, err.detail);
  }
}

/** Who is calling: the registry addressed by Host, checked against the Basic credential. */
function authenticate(ecr: Ecr, head: RequestHead): Scope {
  const hostScope = registryOfHost(head.hostname);
  const defaults = { account: ecr.config.account, region: ecr.config.region };
  const authz = head.headers['authorization'];
  let password: string | undefined;
  let user: string | undefined;
  if (authz && /^basic /i.test(authz)) {
    const decoded = Buffer.from(authz.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    user = colon < 0 ? decoded : decoded.slice(0, colon);
    password = colon < 0 ? '' : decoded.slice(colon + 1);
  } else if (head.query.get('X-Overcast-Token')) {
    user = 'AWS';
    password = head.query.get('X-Overcast-Token')!;
  }
  const enforce = ecr.config.auth === 'enforce';
  const challenge = () =>
    new OciError('UNAUTHORIZED', 401, 'Not Authorized', null, {
      'www-authenticate': `Basic realm="http://${head.headers['host'] ?? 'localhost'}/",service="ecr.amazonaws.com"`,
    });
  if (user === 'AWS' && password !== undefined) {
    const tokenScope = ecr.tokens.verify(password);
    if (!tokenScope) throw challenge();
    if (hostScope && hostScope.account !== tokenScope.account) {
      throw new OciError(
        'DENIED',
        403,
        `Your authorization token does not grant access to the registry ${hostScope.account}`,
      );
    }
    return hostScope ?? tokenScope;
  }
  if (enforce) throw challenge();
  return hostScope ?? defaults;
}

function checkName(name: string): void {
  if (!isName(name)) throw ociErrors.nameInvalid(name);
}

function checkDigest(digest: string): void {
  if (!isDigest(digest)) throw ociErrors.digestInvalid({ digest });
}

function intParam(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new OciError('UNSUPPORTED', 400, `invalid pagination parameter n=${value}`);
  return n;
}

async function handle(ecr: Ecr, head: RequestHead, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const r = route(head.rawPath);
  const scope = authenticate(ecr, head);
  if (!r) throw new OciError('UNSUPPORTED', 404, `no registry route for ${head.rawPath}`);
  const method = head.method;
  if (r.kind !== 'ping' && r.kind !== 'catalog') checkName(r.name);
  switch (r.kind) {
    case 'ping':
      if (method !== 'GET' && method !== 'HEAD') throw ociErrors.unsupported();
      return sendJson(req, res, 200, {});
    case 'catalog':
      return catalog(ecr, scope, head, req, res);
    case 'tags':
      return tagsList(ecr, scope, r.name, head, req, res);
    case 'manifest':
      if (method === 'GET' || method === 'HEAD') return getManifest(ecr, scope, r.name, r.ref, req, res);
      if (method === 'PUT') return putManifest(ecr, scope, r.name, r.ref, head, req, res);
      if (method === 'DELETE') return deleteManifest(ecr, scope, r.name, r.ref, req, res);
      throw ociErrors.unsupported();
    case 'blob':
      checkDigest(r.digest);
      if (method === 'GET' || method === 'HEAD') return getBlob(ecr, scope, r.name, r.digest, head, req, res);
      if (method === 'DELETE') {
        if (!(await ecr.registry.unlink(scope, r.name, r.digest))) throw ociErrors.blobUnknown(r.digest);
        return send(req, res, 202, {});
      }
      throw ociErrors.unsupported();
    case 'uploads':
      if (method !== 'POST') throw ociErrors.unsupported();
      return startUpload(ecr, scope, r.name, head, req, res);
    case 'upload':
      return upload(ecr, scope, r.name, r.id, head, req, res);
    case 'referrers':
      if (method !== 'GET' && method !== 'HEAD') throw ociErrors.unsupported();
      return referrers(ecr, scope, r.name, r.digest, head, req, res);
  }
}

// ---- listing

async function catalog(
  ecr: Ecr,
  scope: Scope,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const n = intParam(head.query.get('n'));
  const last = head.query.get('last') ?? '';
  const limit = n ?? 10_000;
  const names = limit === 0 ? [] : await ecr.registry.listRepos(scope, last, limit + 1);
  const page = names.slice(0, limit);
  const headers: Record<string, string> = {};
  if (names.length > limit && page.length > 0) {
    headers['link'] = `</v2/_catalog?n=${limit}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
  }
  sendJson(req, res, 200, { repositories: page }, headers);
}

async function tagsList(
  ecr: Ecr,
  scope: Scope,
  name: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  await ecr.registry.requireRepo(scope, name);
  const n = intParam(head.query.get('n'));
  const last = head.query.get('last') ?? '';
  const limit = n ?? 100_000;
  const tags = limit === 0 ? [] : await ecr.registry.listTags(scope, name, last, limit + 1);
  const page = tags.slice(0, limit);
  const headers: Record<string, string> = {};
  if (tags.length > limit && page.length > 0) {
    headers['link'] =
      `</v2/${name}/tags/list?n=${limit}&last=${encodeURIComponent(page[page.length - 1]!)}>; rel="next"`;
  }
  sendJson(req, res, 200, { name, tags: page }, headers);
}

async function referrers(
  ecr: Ecr,
  scope: Scope,
  name: string,
  digest: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  checkDigest(digest);
  await ecr.registry.requireRepo(scope, name);
  const artifactType = head.query.get('artifactType');
  let manifests = (await ecr.registry.referrers(scope, name, digest)).map(referrerDescriptor);
  const headers: Record<string, string> = { 'content-type': 'application/vnd.oci.image.index.v1+json' };
  if (artifactType) {
    manifests = manifests.filter((m) => m.artifactType === artifactType);
    headers['oci-filters-applied'] = 'artifactType';
  }
  send(
    req,
    res,
    200,
    headers,
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
  );
}

// ---- manifests

function checkReference(ref: string): void {
  if (looksLikeDigest(ref)) checkDigest(ref);
  else if (!isTag(ref)) throw new OciError('TAG_INVALID', 400, 'manifest tag did not match URI', { tag: ref });
}

async function getManifest(
  ecr: Ecr,
  scope: Scope,
  name: string,
  ref: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (looksLikeDigest(ref)) checkDigest(ref);
  const row = await ecr.registry.manifest(scope, name, ref);
  if (!row) {
    await ecr.registry.requireRepo(scope, name);
    throw ociErrors.manifestUnknown(ref);
  }
  send(
    req,
    res,
    200,
    {
      'content-type': row.media_type,
      'content-length': String(row.body.length),
      'docker-content-digest': row.digest,
      etag: `"${row.digest}"`,
    },
    row.body,
  );
}

async function readLimited(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw ociErrors.tooLarge(what, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function putManifest(
  ecr: Ecr,
  scope: Scope,
  name: string,
  ref: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  checkReference(ref);
  const declared = Number(head.headers['content-length'] ?? NaN);
  if (declared > MAX_MANIFEST_BYTES) throw ociErrors.tooLarge('manifest', MAX_MANIFEST_BYTES);
  const extraTags = head.query.getAll('tag');
  for (const t of extraTags) if (!isTag(t)) throw new OciError('TAG_INVALID', 400, 'invalid tag', { tag: t });
  const body = await readLimited(req, MAX_MANIFEST_BYTES, 'manifest');
  const isDig = looksLikeDigest(ref);
  const tags = isDig ? extraTags : [ref, ...extraTags];
  const { digest, parsed } = await ecr.registry.putManifest(scope, name, body, head.headers['content-type'], {
    tags,
    ...(isDig ? { digest: ref } : {}),
  });
  const headers: Record<string, string> = {
    location: `/v2/${name}/manifests/${digest}`,
    'docker-content-digest': digest,
  };
  if (parsed.subject) headers['oci-subject'] = parsed.subject;
  if (extraTags.length > 0) headers['oci-tag'] = tags.join(', ');
  send(req, res, 201, headers);
}

async function deleteManifest(
  ecr: Ecr,
  scope: Scope,
  name: string,
  ref: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  checkReference(ref);
  const deleted = looksLikeDigest(ref)
    ? await ecr.registry.deleteManifest(scope, name, ref)
    : await ecr.registry.deleteTag(scope, name, ref);
  if (!deleted) {
    await ecr.registry.requireRepo(scope, name);
    throw ociErrors.manifestUnknown(ref);
  }
  send(req, res, 202, {});
}

// ---- blobs

async function getBlob(
  ecr: Ecr,
  scope: Scope,
  name: string,
  digest: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const size = await ecr.registry.blobSize(scope, name, digest);
  if (size === undefined) {
    await ecr.registry.requireRepo(scope, name);
    throw ociErrors.blobUnknown(digest);
  }
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'docker-content-digest': digest,
    etag: `"${digest}"`,
    'accept-ranges': 'bytes',
  };
  let status = 200;
  let start = 0;
  let end = size - 1;
  const range = head.headers['range'];
  if (range !== undefined) {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    let ok = m !== null && (m[1] !== '' || m[2] !== '');
    if (m && ok) {
      if (m[1] === '') {
        const suffix = Number(m[2]);
        start = Math.max(0, size - suffix);
        ok = suffix > 0;
      } else {
        start = Number(m[1]);
        end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
        ok = start < size && Number(m[2] === '' ? start : m[2]) >= start;
      }
    }
    if (!ok) {
      send(req, res, 416, { 'content-range': `bytes */${size}`, 'docker-content-digest': digest });
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
  if (req.method === 'HEAD' || size === 0) {
    send(req, res, status, headers);
    return;
  }
  const fh = await ecr.registry.files.openBlob(digest);
  if (!fh) throw ociErrors.blobUnknown(digest);
  const flat: string[] = ['docker-distribution-api-version', 'registry/2.0'];
  for (const k in headers) flat.push(k, headers[k]!);
  res.writeHead(status, flat);
  await sendFileRange(fh, start, end, res);
}

// ---- uploads

function uploadHeaders(name: string, id: string, size: number): Record<string, string> {
  return {
    location: `/v2/${name}/blobs/uploads/${id}`,
    range: `0-${size > 0 ? size - 1 : 0}`,
    'docker-upload-uuid': id,
  };
}

/** Refuse, before reading a byte, a body larger than the limit or the free disk space. */
async function checkDeclaredSize(ecr: Ecr, head: RequestHead): Promise<number | undefined> {
  const raw = head.headers['content-length'];
  if (raw === undefined) return undefined;
  const declared = Number(raw);
  if (!Number.isSafeInteger(declared) || declared < 0) throw ociErrors.uploadInvalid('invalid Content-Length');
  if (declared > ecr.limits.maxBlobBytes) throw ociErrors.tooLarge('blob', ecr.limits.maxBlobBytes);
  if (declared > 64 * 1024 * 1024) {
    const fs = await statfs(ecr.registry.files.root);
    const free = fs.bavail * fs.bsize - ecr.limits.reserveBytes;
    if (declared > free) throw ociErrors.tooLarge('blob (free disk space)', Math.max(0, free));
  }
  return declared;
}

function hasBody(head: RequestHead): boolean {
  const len = head.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return head.headers['transfer-encoding'] !== undefined;
}

async function appendBody(ecr: Ecr, id: string, req: IncomingMessage, declared: number | undefined): Promise<void> {
  try {
    const written = await ecr.registry.files.append(id, req, declared);
    if (declared !== undefined && written !== declared)
      throw ociErrors.uploadInvalid('body shorter than Content-Length');
  } catch (err) {
    if (err instanceof AppendError) {
      if (err.reason === 'busy') throw new OciError('BLOB_UPLOAD_INVALID', 416, err.message);
      throw ociErrors.uploadInvalid(err.message);
    }
    throw err;
  }
  await ecr.registry.touchUpload(id);
}

async function startUpload(
  ecr: Ecr,
  scope: Scope,
  name: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const mount = head.query.get('mount');
  if (mount && isDigest(mount)) {
    const from = head.query.get('from') ?? undefined;
    if (from === undefined || isName(from)) {
      const size = await ecr.registry.mount(scope, name, mount, from);
      if (size !== undefined) {
        send(req, res, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
        return;
      }
    }
  }
  const digest = head.query.get('digest');
  if (digest !== null) checkDigest(digest);
  const algParam = head.query.get('digest-algorithm');
  if (algParam !== null && algParam !== 'sha256' && algParam !== 'sha512') {
    throw new OciError('UNSUPPORTED', 400, `unsupported digest algorithm '${algParam}'`);
  }
  const declared = await checkDeclaredSize(ecr, head);
  const algorithm = digest?.startsWith('sha512:') || algParam === 'sha512' ? 'sha512' : 'sha256';
  const id = await ecr.registry.startUpload(scope, name, algorithm);
  if (digest !== null) {
    // Monolithic single-POST upload.
    await appendBody(ecr, id, req, declared);
    try {
      await ecr.registry.finishUpload(scope, name, id, digest);
    } catch (err) {
      await ecr.registry.cancelUpload(id);
      throw err;
    }
    send(req, res, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
    return;
  }
  if (hasBody(head)) req.resume();
  send(req, res, 202, uploadHeaders(name, id, 0));
}

async function upload(
  ecr: Ecr,
  scope: Scope,
  name: string,
  id: string,
  head: RequestHead,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!isUploadId(id)) throw ociErrors.uploadUnknown(id);
  const session = await ecr.registry.upload(scope, name, id);
  if (!session) throw ociErrors.uploadUnknown(id);
  const files = ecr.registry.files;
  const method = head.method;
  if (method === 'GET') {
    send(req, res, 204, uploadHeaders(name, id, await files.uploadSize(id, session.algorithm)));
    return;
  }
  if (method === 'DELETE') {
    if (files.isBusy(id)) throw new OciError('BLOB_UPLOAD_INVALID', 400, 'upload in progress');
    await ecr.registry.cancelUpload(id);
    send(req, res, 204, {});
    return;
  }
  if (method !== 'PATCH' && method !== 'PUT') throw ociErrors.unsupported();
  let digest: string | null = null;
  if (method === 'PUT') {
    digest = head.query.get('digest');
    if (digest === null) throw ociErrors.digestInvalid({ reason: 'digest query parameter missing' });
    checkDigest(digest);
  }
  const declared = await checkDeclaredSize(ecr, head);
  const current = await files.uploadSize(id, session.algorithm);
  const contentRange = head.headers['content-range'];
  if (contentRange !== undefined && (method === 'PATCH' || hasBody(head))) {
    const m = /^(?:bytes[= ])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(contentRange.trim());
    if (!m)
      throw new OciError('BLOB_UPLOAD_INVALID', 416, 'invalid Content-Range', null, uploadHeaders(name, id, current));
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start !== current || end < start) {
      throw new OciError(
        'BLOB_UPLOAD_INVALID',
        416,
        `range ${start}-${end} does not continue the upload at ${current}`,
        null,
        uploadHeaders(name, id, current),
      );
    }
    if (declared !== undefined && declared !== end - start + 1) {
      throw ociErrors.uploadInvalid('Content-Length does not match Content-Range');
    }
  }
  if (files.isBusy(id))
    throw new OciError(
      'BLOB_UPLOAD_INVALID',
      416,
      'another request is writing to this upload',
      null,
      uploadHeaders(name, id, current),
    );
  if (method === 'PATCH' || hasBody(head)) await appendBody(ecr, id, req, declared);
  if (method === 'PATCH') {
    send(req, res, 202, uploadHeaders(name, id, await files.uploadSize(id)));
    return;
  }
  await ecr.registry.finishUpload(scope, name, id, digest!);
  send(req, res, 201, { location: `/v2/${name}/blobs/${digest!}`, 'docker-content-digest': digest! });
}
