import { sseHeaders } from '../sse.js';
import type { RequestHead } from '../../../core/http/mount.js';
import type { Call } from '../context.js';
import { S3Error, s3Errors } from '../errors.js';
import type { Bucket, ObjectMeta, ObjectRow } from '../storage/catalog.js';
import { childText, childrenNamed, el, escapeXml, httpDate, parseXml } from '../xml.js';
import type { XmlNode } from '../xml.js';

export function requireBucket(call: Call): Bucket {
  const name = call.bucketName!;
  const b = call.s3.catalog.buckets.get(name);
  if (!b) throw s3Errors.noSuchBucket(name);
  checkExpectedOwner(call, b, 'x-amz-expected-bucket-owner');
  return b;
}

/** `x-amz-expected-bucket-owner` (and the copy source's): a bucket of another account is AccessDenied. */
export function checkExpectedOwner(call: Call, bucket: Bucket, header: string): void {
  const expected = call.head.headers[header];
  if (expected === undefined) return;
  if (!/^\d{12}$/.test(expected))
    throw new S3Error(
      'InvalidBucketOwnerAWSAccountID',
      `The value of the expected bucket owner parameter must be an AWS Account ID... [${expected}]`,
      400,
    );
  if (expected !== bucket.account) throw s3Errors.accessDenied();
}

export function requireKey(call: Call): string {
  const key = call.key!;
  if (Buffer.byteLength(key) > 1024) throw s3Errors.keyTooLong();
  return key;
}

export const quote = (etag: string): string => `"${etag}"`;

/** An object's URL as S3 answers it in `Location` (path-style, on the Host the request used). */
export const objectLocation = (call: Call, bucket: string, key: string): string =>
  `http://${call.head.headers['host'] ?? 'localhost'}/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;

/** Content headers S3 stores with an object and returns on GET/HEAD. */
export const CONTENT_HEADERS = [
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'cache-control',
  'expires',
] as const;

/** Metadata a PUT, CopyObject (REPLACE) or CreateMultipartUpload sets. */
export function metaFromHeaders(head: RequestHead, owner: string): ObjectMeta {
  const h = head.headers;
  const headers: Record<string, string> = {};
  for (const name of CONTENT_HEADERS) {
    let v = h[name];
    if (v === undefined) continue;
    if (name === 'content-encoding') {
      // S3 keeps the value as sent, less the aws-chunked of a streamed upload.
      const parts = v.split(',');
      const kept = parts.filter((s) => s.trim() !== 'aws-chunked');
      if (kept.length !== parts.length) v = kept.join(',').trim();
      if (!v.trim()) continue;
    }
    headers[name] = v;
  }
  if (!headers['content-type']) headers['content-type'] = 'binary/octet-stream';
  const user: Record<string, string> = {};
  let metaBytes = 0;
  for (const name in h) {
    if (name.startsWith('x-amz-meta-')) {
      const k = name.slice(11);
      user[k] = h[name]!;
      metaBytes += Buffer.byteLength(k) + Buffer.byteLength(h[name]!);
    }
  }
  if (metaBytes > 2048) {
    throw new S3Error('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', 400, {
      Size: String(metaBytes),
      MaxSizeAllowed: '2048',
    });
  }
  const meta: ObjectMeta = { headers, user, owner };
  const sc = h['x-amz-storage-class'];
  if (sc !== undefined) {
    const classes = [
      'STANDARD',
      'REDUCED_REDUNDANCY',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER',
      'DEEP_ARCHIVE',
      'OUTPOSTS',
      'GLACIER_IR',
      'SNOW',
      'EXPRESS_ONEZONE',
    ];
    if (!classes.includes(sc))
      throw new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', 400, {
        StorageClassRequested: sc,
      });
    if (sc !== 'STANDARD') meta.storageClass = sc;
  }
  const tagging = h['x-amz-tagging'];
  if (tagging !== undefined) meta.tags = parseTaggingHeader(tagging);
  const redirect = h['x-amz-website-redirect-location'];
  if (redirect !== undefined) meta.redirect = redirect;
  return meta;
}

/** The characters S3 allows in tag keys and values: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_CHARS = /^[\p{L}\p{N}\p{M}_\s.:/=+\-@]*$/u;

export function parseTaggingHeader(value: string): [string, string][] {
  const tags: [string, string][] = [];
  const seen = new Set<string>();
  for (const [k, v] of new URLSearchParams(value)) {
    if (seen.has(k) || !TAG_CHARS.test(k) || !TAG_CHARS.test(v))
      throw s3Errors.invalidArgument(
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
        'x-amz-tagging',
        value,
      );
    seen.add(k);
    tags.push([k, v]);
  }
  checkTags(tags, 10);
  return tags;
}

/** Object (up to 10) or bucket (up to 50) tags, checked as S3 does, in its order. */
export function checkTags(tags: [string, string][], max: number): void {
  const bucket = max !== 10;
  if (tags.length > max) {
    throw bucket
      ? s3Errors.invalidTag('Bucket tag count cannot be greater than 50')
      : new S3Error('BadRequest', 'Object tags cannot be greater than 10', 400);
  }
  const seen = new Set<string>();
  for (const [k, v] of tags) {
    if (seen.has(k)) throw s3Errors.invalidTag('Cannot provide multiple Tags with the same key', { TagKey: k });
    seen.add(k);
    if (k.startsWith('aws:'))
      throw s3Errors.invalidTag(
        bucket ? 'System tags cannot be added/updated by requester' : 'Your TagKey cannot be prefixed with aws:',
        { TagKey: k },
      );
    if (k.length === 0 || k.length > 128 || !TAG_CHARS.test(k))
      throw s3Errors.invalidTag('The TagKey you have provided is invalid', { TagKey: k });
    if (v.length > 256 || !TAG_CHARS.test(v))
      throw s3Errors.invalidTag('The TagValue you have provided is invalid', { TagKey: k, TagValue: v });
  }
}

export function parseTagging(body: Buffer, max: number): [string, string][] {
  const root = parseXml(body.toString('utf8'));
  if (root.name !== 'Tagging') throw s3Errors.malformedXml();
  const set = root.children.find((c) => c.name === 'TagSet');
  if (!set) throw s3Errors.malformedXml();
  const tags: [string, string][] = childrenNamed(set, 'Tag').map((t: XmlNode) => {
    const k = childText(t, 'Key');
    const v = childText(t, 'Value');
    if (k === undefined || v === undefined) throw s3Errors.malformedXml();
    return [k, v];
  });
  checkTags(tags, max);
  return tags;
}

export function tagSetXml(tags: [string, string][]): string {
  return `<TagSet>${tags.map(([k, v]) => `<Tag>${el('Key', k)}${el('Value', v)}</Tag>`).join('')}</TagSet>`;
}

/** Headers of a stored object version for GET and HEAD. */
export function objectHeaders(
  bucket: Bucket,
  row: ObjectRow,
  meta: ObjectMeta,
  checksumMode: boolean,
): Record<string, string> {
  const h: Record<string, string> = {
    'last-modified': httpDate(row.modified),
    etag: quote(row.etag),
    'accept-ranges': 'bytes',
    ...sseHeaders(meta.sse),
  };
  for (const k in meta.headers) h[k] = meta.headers[k]!;
  for (const k in meta.user) h[`x-amz-meta-${k}`] = encodeHeader(meta.user[k]!);
  if (bucket.versioning !== '') h['x-amz-version-id'] = row.version_id;
  if (meta.storageClass) h['x-amz-storage-class'] = meta.storageClass;
  if (meta.tags && meta.tags.length > 0) h['x-amz-tagging-count'] = String(meta.tags.length);
  if (meta.redirect) h['x-amz-website-redirect-location'] = meta.redirect;
  if (meta.retention) {
    h['x-amz-object-lock-mode'] = meta.retention.mode;
    h['x-amz-object-lock-retain-until-date'] = meta.retention.until;
  }
  if (meta.legalHold) h['x-amz-object-lock-legal-hold'] = meta.legalHold;
  if (checksumMode && meta.checksum) {
    h[`x-amz-checksum-${meta.checksum.algorithm}`] = meta.checksum.value;
    h['x-amz-checksum-type'] = meta.checksum.type;
  }
  return h;
}

/** Header values must be latin1; S3 returns non-ASCII metadata RFC 2047-encoded. */
function encodeHeader(v: string): string {
  return /^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v).toString('base64')}?=`;
}

function etagList(value: string): string[] {
  return value.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

function etagMatches(value: string, etag: string): boolean {
  return etagList(value).some((e) => e === '*' || e === etag);
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** If-Match / If-None-Match / If-(Un)Modified-Since on GET and HEAD: 412 or 304 (undefined: go on). */
export function checkReadConditions(head: RequestHead, row: ObjectRow): 304 | undefined {
  const h = head.headers;
  const ifMatch = h['if-match'];
  const ifNoneMatch = h['if-none-match'];
  const ifModifiedSince = h['if-modified-since'];
  const ifUnmodifiedSince = h['if-unmodified-since'];
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, row.etag)) throw s3Errors.preconditionFailed('If-Match');
  } else if (ifUnmodifiedSince !== undefined) {
    const t = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(t) && seconds(row.modified) > seconds(t))
      throw s3Errors.preconditionFailed('If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, row.etag)) return 304;
  } else if (ifModifiedSince !== undefined) {
    const t = Date.parse(ifModifiedSince);
    if (!Number.isNaN(t) && seconds(row.modified) <= seconds(t)) return 304;
  }
  return undefined;
}

/** x-amz-copy-source-if-* conditions of CopyObject and UploadPartCopy. */
export function checkCopyConditions(head: RequestHead, row: ObjectRow): void {
  const h = head.headers;
  const ifMatch = h['x-amz-copy-source-if-match'];
  const ifNoneMatch = h['x-amz-copy-source-if-none-match'];
  const ifModifiedSince = h['x-amz-copy-source-if-modified-since'];
  const ifUnmodifiedSince = h['x-amz-copy-source-if-unmodified-since'];
  if (ifMatch !== undefined && !etagMatches(ifMatch, row.etag))
    throw s3Errors.preconditionFailed('x-amz-copy-source-If-Match');
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, row.etag)) {
    throw s3Errors.preconditionFailed('x-amz-copy-source-If-None-Match');
  }
  if (ifUnmodifiedSince !== undefined && ifMatch === undefined) {
    const t = Date.parse(ifUnmodifiedSince);
    if (!Number.isNaN(t) && seconds(row.modified) > seconds(t)) {
      throw s3Errors.preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
    }
  }
  if (ifModifiedSince !== undefined && ifNoneMatch === undefined) {
    const t = Date.parse(ifModifiedSince);
    if (!Number.isNaN(t) && seconds(row.modified) <= seconds(t)) {
      throw s3Errors.preconditionFailed('x-amz-copy-source-If-Modified-Since');
    }
  }
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive [start, end]; undefined to serve the whole object. */
export function parseRange(value: string | undefined, size: number): [number, number] | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) throw s3Errors.invalidRange(size, value);
    return [Math.max(0, size - n), size - 1];
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw s3Errors.invalidRange(size, value);
  return [start, end];
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  let v = value;
  let versionId: string | undefined;
  const q = v.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(v.slice(q + 1));
    versionId = params.get('versionId') ?? undefined;
    v = v.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(v);
  } catch {
    throw s3Errors.invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', value);
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Errors.invalidArgument('Invalid copy source object key', 'x-amz-copy-source', value);
  }
  const out: { bucket: string; key: string; versionId?: string } = {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
  };
  if (versionId !== undefined) out.versionId = versionId;
  return out;
}

/** The XML `<Owner>` element of an account. */
export function ownerXml(id: string, account: string): string {
  return `<Owner><ID>${id}</ID><DisplayName>${escapeXml(account)}</DisplayName></Owner>`;
}

/** Version ids we issue (or `null`); anything else cannot name a version. */
export function isVersionId(v: string): boolean {
  return v === 'null' || /^[A-Za-z0-9._]{32}$/.test(v);
}
