import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpMount, RequestHead } from '../../core/http/mount.js';
import { authenticate, signedForS3 } from './auth.js';
import type { S3Caller } from './auth.js';
import type { Call, S3 } from './context.js';
import { newHostId, newRequestId } from './context.js';
import { corsHeaders, preflight } from './cors.js';
import { S3Error, s3Errors } from './errors.js';
import { getObjectAttributes } from './ops/attributes.js';
import * as configs from './ops/bucket-configs.js';
import * as buckets from './ops/buckets.js';
import { listObjectVersions, listObjects, listObjectsV2 } from './ops/list.js';
import * as mp from './ops/multipart.js';
import * as lock from './ops/object-lock.js';
import { restoreObject } from './ops/restore.js';
import { isFormPost, postObject } from './ops/post-object.js';
import * as objects from './ops/objects.js';
import { sendError } from './respond.js';

/** `<bucket>.s3.localhost`, `<bucket>.s3.<region>.localhost`; `s3.localhost` is path-style. */
const VHOST = /^(?:(.+)\.)?s3(?:[.-][a-z0-9-]+)?\.localhost$/;

/** The bucket a Host names (virtual-hosted style), or undefined for path-style. */
export function bucketOfHost(hostname: string, signedForS3: boolean): string | undefined {
  const m = VHOST.exec(hostname);
  if (m) return m[1];
  // SDKs address `<bucket>.localhost` when given a localhost endpoint without path-style.
  if (signedForS3 && hostname.endsWith('.localhost')) return hostname.slice(0, -'.localhost'.length);
  return undefined;
}

/** Hosts of other services' data planes (`<id>.execute-api.…`, `<id>.lambda-url.…`). */
const INVOKE_HOST = /\.(?:execute-api|lambda-url)\./;

function decodeKey(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

/** S3 on the one port: requests signed for `s3`, `*.s3.localhost` hosts, and plain requests to existing buckets. */
export function s3Mount(s3: S3): HttpMount {
  return {
    name: 's3',
    matches(head) {
      if (VHOST.test(head.hostname)) return true;
      if (signedForS3(head)) return true;
      if (head.headers['authorization'] !== undefined || head.headers['x-amz-target'] !== undefined) return false;
      // Anonymous path-style requests (browser preflights, public GETs) for a bucket that exists.
      const p = head.rawPath;
      if (p.length < 4 || p.startsWith('/_')) return false;
      const slash = p.indexOf('/', 1);
      const name = slash < 0 ? p.slice(1) : p.slice(1, slash);
      return s3.catalog.buckets.has(name);
    },
    // Any other path-style request no service claims: S3's endpoint answers it (NoSuchBucket), except
    // on the invoke hosts of API Gateway and function URLs (an API or function that does not exist).
    claimsUnrouted: (head) => head.rawPath.length > 1 && !INVOKE_HOST.test(head.hostname),
    handle: (head, req, res) => handle(s3, head, req, res),
  };
}

async function handle(s3: S3, head: RequestHead, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const call: Call = {
    s3,
    head,
    req,
    res,
    requestId: newRequestId(),
    hostId: newHostId(),
    caller: {
      account: s3.config.account,
      region: s3.config.region,
      accessKeyId: '',
      anonymous: true,
      presigned: false,
    },
    bucketName: undefined,
    key: undefined,
    now: s3.clock.now(),
    extraHeaders: {},
  };
  try {
    const hostBucket = bucketOfHost(head.hostname, signedForS3(head));
    if (hostBucket !== undefined) {
      call.bucketName = hostBucket;
      if (head.rawPath.length > 1) call.key = decodeKey(head.rawPath.slice(1));
    } else {
      const p = head.rawPath;
      const slash = p.indexOf('/', 1);
      const name = slash < 0 ? p.slice(1) : p.slice(1, slash);
      if (name) call.bucketName = decodeKey(name);
      if (slash >= 0 && slash < p.length - 1) call.key = decodeKey(p.slice(slash + 1));
    }
    if (head.method === 'OPTIONS') return preflight(call);
    // A browser-form upload carries its credentials in the form (a signed policy), not in headers.
    if (isFormPost(call)) {
      if (head.headers['origin']) call.extraHeaders = corsHeaders(call, s3.catalog.buckets.get(call.bucketName!));
      return await postObject(call);
    }
    call.caller = authenticate(s3.config, head, req.rawHeaders, call.now) satisfies S3Caller;
    if (head.headers['origin'] && call.bucketName)
      call.extraHeaders = corsHeaders(call, s3.catalog.buckets.get(call.bucketName));
    await dispatch(call);
  } catch (err) {
    if (err instanceof S3Error) return sendError(call, err);
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
      res.destroy();
      return;
    }
    s3.log.error({ err }, 's3 request failed');
    sendError(call, s3Errors.internal());
  }
}

const BUCKET_RAW = Object.keys(buckets.RAW_SUBRESOURCES);
const ID_CONFIG_NAMES = Object.keys(configs.ID_CONFIGS);

/**
 * CreateBucket and DeleteBucket take no query parameters: a PUT or DELETE on a bucket with a
 * sub-resource Overcast does not know is refused rather than taken for one of them (a DELETE
 * ?<something> must never delete the bucket). `x-id` (SDKs add it) and presigned URLs' `X-Amz-*`
 * are not sub-resources.
 */
function refuseUnknownSubresource(call: Call, method: string): void {
  for (const k of call.head.query.keys())
    if (k !== 'x-id' && !k.toLowerCase().startsWith('x-amz-'))
      throw s3Errors.notImplemented(`${method} ?${k} on a bucket`);
}

/** S3's object sub-resources that reach PutObject / DeleteObject here only when Overcast lacks them. */
const OBJECT_SUBRESOURCES = new Set(['renameObject', 'torrent', 'restore', 'select', 'attributes', 'uploads']);

/** A PUT or DELETE of an object with such a sub-resource must never overwrite or delete it. */
function refuseObjectSubresource(call: Call, method: string): void {
  for (const k of call.head.query.keys())
    if (OBJECT_SUBRESOURCES.has(k)) throw s3Errors.notImplemented(`${method} ?${k} on an object`);
}

async function dispatch(call: Call): Promise<void> {
  const { head } = call;
  const q = head.query;
  const m = head.method;
  if (call.bucketName === undefined) {
    if (m === 'GET') return buckets.listBuckets(call);
    throw s3Errors.methodNotAllowed(m, 'SERVICE');
  }
  if (call.key === undefined) {
    switch (m) {
      case 'GET':
        if (q.has('location')) return buckets.getBucketLocation(call);
        if (q.has('versioning')) return buckets.getBucketVersioning(call);
        if (q.has('tagging')) return buckets.getBucketTagging(call);
        if (q.has('cors')) return buckets.getBucketCors(call);
        if (q.has('policy')) return buckets.getBucketPolicy(call);
        if (q.has('notification')) return buckets.getBucketNotification(call);
        if (q.has('acl')) return buckets.getBucketAcl(call);
        if (q.has('uploads')) return mp.listMultipartUploads(call);
        if (q.has('versions')) return listObjectVersions(call);
        if (q.has('policyStatus')) return configs.getBucketPolicyStatus(call);
        for (const r of ID_CONFIG_NAMES) if (q.has(r)) return configs.getIdConfig(call, r);
        if (q.has('encryption')) return buckets.getBucketEncryption(call);
        for (const r of BUCKET_RAW) if (q.has(r)) return buckets.getRaw(call, r);
        if (q.get('list-type') === '2') return listObjectsV2(call);
        return listObjects(call);
      case 'HEAD':
        return buckets.headBucket(call);
      case 'PUT':
        if (q.has('versioning')) return buckets.putBucketVersioning(call);
        if (q.has('tagging')) return buckets.putBucketTagging(call);
        if (q.has('cors')) return buckets.putBucketCors(call);
        if (q.has('policy')) return buckets.putBucketPolicy(call);
        if (q.has('notification')) return buckets.putBucketNotification(call);
        if (q.has('acl')) return buckets.putAcl(call);
        for (const r of ID_CONFIG_NAMES) if (q.has(r)) return configs.putIdConfig(call, r);
        if (q.has('encryption')) return buckets.putBucketEncryption(call);
        for (const r of BUCKET_RAW) if (q.has(r)) return buckets.putRaw(call, r);
        refuseUnknownSubresource(call, 'PUT');
        return buckets.createBucket(call);
      case 'DELETE':
        if (q.has('tagging')) return buckets.deleteBucketTagging(call);
        if (q.has('cors')) return buckets.deleteBucketCors(call);
        if (q.has('policy')) return buckets.deleteBucketPolicy(call);
        for (const r of ID_CONFIG_NAMES) if (q.has(r)) return configs.deleteIdConfig(call, r);
        if (q.has('encryption')) return buckets.deleteBucketEncryption(call);
        for (const r of BUCKET_RAW) if (q.has(r)) return buckets.deleteRaw(call, r);
        refuseUnknownSubresource(call, 'DELETE');
        return buckets.deleteBucket(call);
      case 'POST':
        if (q.has('delete')) return objects.deleteObjects(call);
        throw s3Errors.notImplemented('POST on a bucket without a multipart/form-data body');
    }
    throw s3Errors.methodNotAllowed(m, 'BUCKET');
  }
  switch (m) {
    case 'GET':
    case 'HEAD':
      if (m === 'GET' && q.has('uploadId')) return mp.listParts(call);
      if (m === 'GET' && q.has('tagging')) return objects.getObjectTagging(call);
      if (m === 'GET' && q.has('acl')) return objects.getObjectAcl(call);
      if (m === 'GET' && q.has('attributes')) return getObjectAttributes(call);
      if (m === 'GET' && q.has('retention')) return lock.getObjectRetention(call);
      if (m === 'GET' && q.has('legal-hold')) return lock.getObjectLegalHold(call);
      if (m === 'GET' && q.has('torrent')) throw s3Errors.notImplemented('GetObjectTorrent');
      return objects.getObject(call);
    case 'PUT':
      if (q.has('uploadId') || q.has('partNumber')) {
        return head.headers['x-amz-copy-source'] !== undefined ? mp.uploadPartCopy(call) : mp.uploadPart(call);
      }
      if (q.has('tagging')) return objects.putObjectTagging(call);
      if (q.has('acl')) return objects.putObjectAcl(call);
      if (q.has('retention')) return lock.putObjectRetention(call);
      if (q.has('legal-hold')) return lock.putObjectLegalHold(call);
      refuseObjectSubresource(call, 'PUT');
      if (head.headers['x-amz-copy-source'] !== undefined) return objects.copyObject(call);
      return objects.putObject(call);
    case 'DELETE':
      if (q.has('uploadId')) return mp.abortMultipartUpload(call);
      if (q.has('tagging')) return objects.deleteObjectTagging(call);
      refuseObjectSubresource(call, 'DELETE');
      return objects.deleteObject(call);
    case 'POST':
      if (q.has('uploads')) return mp.createMultipartUpload(call);
      if (q.has('uploadId')) return mp.completeMultipartUpload(call);
      if (q.has('restore')) return restoreObject(call);
      throw s3Errors.notImplemented('POST on an object');
  }
  throw s3Errors.methodNotAllowed(m, 'OBJECT');
}
