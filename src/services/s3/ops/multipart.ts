import { checkPartSse, etagFor, recordSse, sseForWrite, sseHeaders } from '../sse.js';
import { createHash } from 'node:crypto';
import { receiveBody, readSmallBody } from '../body.js';
import {
  CHECKSUM_ALGORITHMS,
  combinable,
  compositeChecksum,
  fullObjectChecksum,
  isChecksumAlgorithm,
  isChecksumValue,
} from '../checksums.js';
import type { ChecksumAlgorithm } from '../checksums.js';
import type { Call } from '../context.js';
import { canonicalId } from '../context.js';
import { s3Errors } from '../errors.js';
import { send, sendXml } from '../respond.js';
import type { Bucket, ObjectMeta, Segment, UploadRow } from '../storage/catalog.js';
import { newUploadId } from '../storage/catalog.js';
import { childText, childrenNamed, doc, el, isoTime, parseXml } from '../xml.js';
import { metaFromHeaders, objectLocation, quote, requireBucket, requireKey } from './common.js';
import { checkWriteConditions, copyBytes, copySource, notify } from './objects.js';
import { urlEncodeKey } from './list.js';

const MIN_PART = 5 * 1024 * 1024;

interface UploadMeta {
  meta: ObjectMeta;
  algorithm?: ChecksumAlgorithm;
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  initiator: string;
}

/**
 * A part's checksums (the s3_parts.checksum column, JSON): the one it declared or its upload's
 * algorithm made (algorithm, value), and, in an upload created without an algorithm, its
 * CRC-64/NVME, kept to make S3's default checksum of the whole object (never shown for the part).
 */
interface PartChecksum {
  algorithm?: ChecksumAlgorithm;
  value?: string;
  crc64nvme?: string;
}

const partChecksumJson = (c: PartChecksum): string | null =>
  c.algorithm !== undefined || c.crc64nvme !== undefined ? JSON.stringify(c) : null;

function ownerXml(tag: string, account: string): string {
  return `<${tag}><ID>${canonicalId(account)}</ID><DisplayName>${account}</DisplayName></${tag}>`;
}

export async function createMultipartUpload(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  await readSmallBody(call.head, call.req, call.caller);
  const meta = metaFromHeaders(call.head, call.caller.account);
  const sse = sseForWrite(call.head, bucket, key, 's3:PutObject');
  recordSse(meta, sse);
  const um: UploadMeta = { meta, initiator: call.caller.account };
  const alg = call.head.headers['x-amz-checksum-algorithm']?.toLowerCase();
  if (alg === undefined && call.head.headers['x-amz-checksum-type'] !== undefined)
    throw s3Errors.invalidRequest(
      'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
    );
  if (alg !== undefined) {
    if (!isChecksumAlgorithm(alg))
      throw s3Errors.invalidRequest(
        'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]',
      );
    um.algorithm = alg;
    const type = call.head.headers['x-amz-checksum-type']?.toUpperCase();
    um.checksumType =
      type === 'FULL_OBJECT' || (type === undefined && alg === 'crc64nvme') ? 'FULL_OBJECT' : 'COMPOSITE';
    if (um.checksumType === 'FULL_OBJECT' && (alg === 'sha1' || alg === 'sha256')) {
      throw s3Errors.invalidRequest(`The FULL_OBJECT checksum type cannot be used with the ${alg} checksum algorithm.`);
    }
    if (um.checksumType === 'COMPOSITE' && alg === 'crc64nvme')
      throw s3Errors.invalidRequest(
        'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.',
      );
  }
  const uploadId = newUploadId();
  await call.s3.catalog.createUpload({
    upload_id: uploadId,
    bucket: bucket.name,
    key,
    initiated: call.s3.clock.now(),
    meta: JSON.stringify(um),
  });
  const headers: Record<string, string> = sseHeaders(sse, { withContext: true });
  if (um.algorithm) {
    headers['x-amz-checksum-algorithm'] = um.algorithm.toUpperCase();
    headers['x-amz-checksum-type'] = um.checksumType!;
  }
  sendXml(
    call,
    200,
    doc('InitiateMultipartUploadResult', el('Bucket', bucket.name) + el('Key', key) + el('UploadId', uploadId)),
    headers,
  );
}

/** The open upload `id` names, when it is one of this bucket and key. */
async function uploadAt(call: Call, id: string, bucket: string, key: string): Promise<UploadRow | undefined> {
  const row = await call.s3.catalog.upload(id);
  return row && row.bucket === bucket && row.key === key ? row : undefined;
}

/** The open upload the request's uploadId names for this bucket and key, if any. */
async function findUpload(
  call: Call,
  bucket: string,
  key: string,
): Promise<{ row: UploadRow; meta: UploadMeta } | undefined> {
  const row = await uploadAt(call, call.head.query.get('uploadId') ?? '', bucket, key);
  return row && { row, meta: JSON.parse(row.meta) as UploadMeta };
}

async function requireUpload(call: Call, bucket: string, key: string): Promise<{ row: UploadRow; meta: UploadMeta }> {
  const up = await findUpload(call, bucket, key);
  if (!up) throw s3Errors.noSuchUpload(call.head.query.get('uploadId') ?? '');
  return up;
}

function partNumberOf(call: Call): number {
  const v = call.head.query.get('partNumber') ?? '';
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 10000) {
    throw s3Errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', v);
  }
  return n;
}

export async function uploadPart(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const partNumber = partNumberOf(call);
  const up = await requireUpload(call, bucket.name, key);
  checkPartSse(call.head, up.meta.meta.sse);
  const body = await receiveBody(call.head, call.req, call.caller, call.s3.files, {
    hashes: call.s3.hashes,
    ...(up.meta.algorithm ? { defaultAlgorithm: up.meta.algorithm } : { crc64nvme: true }),
  });
  if (up.meta.algorithm && body.checksum && body.checksum.algorithm !== up.meta.algorithm) {
    await call.s3.files.remove([body.file]);
    throw s3Errors.invalidRequest(
      `Checksum Type mismatch occurred, expected checksum Type: ${up.meta.algorithm}, actual checksum Type: ${body.checksum.algorithm}`,
    );
  }
  const etag = etagFor(up.meta.meta.sse, body.md5);
  const stored = await call.s3.catalog.putPart({
    upload_id: up.row.upload_id,
    part_number: partNumber,
    size: body.size,
    etag,
    modified: call.s3.clock.now(),
    checksum: partChecksumJson({
      ...body.checksum,
      ...(up.meta.algorithm ? {} : { crc64nvme: body.crc64nvme! }),
    }),
    file: body.file,
  });
  if (!stored) {
    await call.s3.files.remove([body.file]);
    throw s3Errors.noSuchUpload(up.row.upload_id);
  }
  if (stored.replaced) void call.s3.files.remove([stored.replaced]);
  const headers: Record<string, string> = { etag: quote(etag), ...sseHeaders(up.meta.meta.sse) };
  if (body.checksum) headers[`x-amz-checksum-${body.checksum.algorithm}`] = body.checksum.value;
  send(call, 200, headers);
}

export async function uploadPartCopy(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const partNumber = partNumberOf(call);
  const up = await requireUpload(call, bucket.name, key);
  checkPartSse(call.head, up.meta.meta.sse);
  const src = await copySource(call);
  let start = 0;
  let end = src.row.size - 1;
  const range = call.head.headers['x-amz-copy-source-range'];
  if (range !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(range.trim());
    if (!m || Number(m[1]) > Number(m[2])) {
      throw s3Errors.invalidArgument(
        'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
        'x-amz-copy-source-range',
        range,
      );
    }
    if (Number(m[1]) >= src.row.size)
      throw s3Errors.invalidRequest('The specified copy range is invalid for the source object size');
    if (Number(m[2]) >= src.row.size) {
      throw s3Errors.invalidArgument(
        `Range specified is not valid for source object of size: ${src.row.size}`,
        'x-amz-copy-source-range',
        range,
      );
    }
    start = Number(m[1]);
    end = Number(m[2]);
  }
  const copied = await copyBytes(call, src.segments, start, end, up.meta.algorithm ?? 'crc64nvme');
  const etag = etagFor(up.meta.meta.sse, copied.md5);
  const modified = call.s3.clock.now();
  const checksum =
    up.meta.algorithm && copied.checksum ? { algorithm: up.meta.algorithm, value: copied.checksum } : undefined;
  const partChecksum: PartChecksum = checksum ?? { crc64nvme: copied.checksum! };
  const stored = await call.s3.catalog.putPart({
    upload_id: up.row.upload_id,
    part_number: partNumber,
    size: end - start + 1,
    etag,
    modified,
    checksum: partChecksumJson(partChecksum),
    file: copied.file,
  });
  if (!stored) {
    await call.s3.files.remove([copied.file]);
    throw s3Errors.noSuchUpload(up.row.upload_id);
  }
  if (stored.replaced) void call.s3.files.remove([stored.replaced]);
  const headers: Record<string, string> = sseHeaders(up.meta.meta.sse);
  if (src.versionId !== undefined) headers['x-amz-copy-source-version-id'] = src.versionId;
  let x = el('ETag', quote(etag)) + el('LastModified', isoTime(modified));
  if (checksum) x += el(`Checksum${checksum.algorithm.toUpperCase()}`, checksum.value);
  sendXml(call, 200, doc('CopyPartResult', x), headers);
}

export async function listParts(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const up = await requireUpload(call, bucket.name, key);
  const q = call.head.query;
  const marker = Number(q.get('part-number-marker') ?? '0') || 0;
  const maxParam = q.get('max-parts');
  const max = maxParam === null ? 1000 : Math.min(1000, Number(maxParam));
  if (!Number.isInteger(max) || max < 0)
    throw s3Errors.invalidArgument(
      'Argument max-parts must be an integer between 0 and 2147483647',
      'max-parts',
      maxParam ?? '',
    );
  const parts = await call.s3.catalog.parts(up.row.upload_id, marker, max + 1);
  const page = parts.slice(0, max);
  const truncated = parts.length > max;
  let x =
    el('Bucket', bucket.name) +
    el('Key', key) +
    el('UploadId', up.row.upload_id) +
    el('PartNumberMarker', marker) +
    (page.length > 0 ? el('NextPartNumberMarker', page[page.length - 1]!.part_number) : '') +
    el('MaxParts', max) +
    el('IsTruncated', truncated);
  for (const p of page) {
    let px =
      el('PartNumber', p.part_number) +
      el('LastModified', isoTime(p.modified)) +
      el('ETag', quote(p.etag)) +
      el('Size', p.size);
    if (p.checksum) {
      const c = JSON.parse(p.checksum) as PartChecksum;
      if (c.algorithm) px += el(`Checksum${c.algorithm.toUpperCase()}`, c.value);
    }
    x += `<Part>${px}</Part>`;
  }
  x += ownerXml('Initiator', up.meta.initiator) + ownerXml('Owner', up.meta.initiator);
  x += el('StorageClass', up.meta.meta.storageClass ?? 'STANDARD');
  if (up.meta.algorithm)
    x += el('ChecksumAlgorithm', up.meta.algorithm.toUpperCase()) + el('ChecksumType', up.meta.checksumType);
  sendXml(call, 200, doc('ListPartsResult', x));
}

export async function listMultipartUploads(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const q = call.head.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = q.get('upload-id-marker') ?? '';
  const maxParam = q.get('max-uploads');
  const max = maxParam === null ? 1000 : Math.min(1000, Number(maxParam));
  if (!Number.isInteger(max) || max < 0)
    throw s3Errors.invalidArgument(
      'Argument max-uploads must be an integer between 0 and 2147483647',
      'max-uploads',
      maxParam ?? '',
    );
  const encode = q.get('encoding-type') === 'url' ? urlEncodeKey : (s: string) => s;
  // Where the listing starts: after the marker's upload within its key (uploads of a key are listed
  // by initiation time), or after every upload of the key marker when no upload id is given.
  const after = { key: keyMarker, initiated: -1, id: '' };
  if (keyMarker && idMarker) {
    const marker = await uploadAt(call, idMarker, bucket.name, keyMarker);
    if (!marker) throw s3Errors.invalidArgument('Invalid uploadId marker', 'upload-id-marker', idMarker);
    after.initiated = marker.initiated;
    after.id = marker.upload_id;
  } else if (keyMarker) after.initiated = Number.MAX_SAFE_INTEGER;
  const uploads: UploadRow[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let last: { key: string; id: string } | undefined;
  outer: for (;;) {
    const rows = await call.s3.catalog.listUploads(bucket.name, after, 1000);
    if (rows.length === 0) break;
    for (const r of rows) {
      after.key = r.key;
      after.initiated = r.initiated;
      after.id = r.upload_id;
      if (!r.key.startsWith(prefix)) continue;
      const idx = delimiter ? r.key.indexOf(delimiter, prefix.length) : -1;
      const cp = idx >= 0 ? r.key.slice(0, idx + delimiter.length) : undefined;
      if (cp !== undefined && prefixes[prefixes.length - 1] === cp) continue;
      if (uploads.length + prefixes.length >= max) {
        truncated = true;
        break outer;
      }
      if (cp !== undefined) prefixes.push(cp);
      else uploads.push(r);
      last = { key: r.key, id: r.upload_id };
    }
    if (rows.length < 1000) break;
  }
  let x =
    el('Bucket', bucket.name) +
    el('KeyMarker', encode(keyMarker)) +
    el('UploadIdMarker', idMarker) +
    (truncated && last ? el('NextKeyMarker', encode(last.key)) + el('NextUploadIdMarker', last.id) : '') +
    (prefix ? el('Prefix', encode(prefix)) : '') +
    (delimiter ? el('Delimiter', encode(delimiter)) : '') +
    el('MaxUploads', max) +
    el('IsTruncated', truncated);
  for (const u of uploads) {
    const m = JSON.parse(u.meta) as UploadMeta;
    let ux =
      el('Key', encode(u.key)) +
      el('UploadId', u.upload_id) +
      ownerXml('Initiator', m.initiator) +
      ownerXml('Owner', m.initiator);
    ux += el('StorageClass', m.meta.storageClass ?? 'STANDARD') + el('Initiated', isoTime(u.initiated));
    if (m.algorithm) ux += el('ChecksumAlgorithm', m.algorithm.toUpperCase()) + el('ChecksumType', m.checksumType);
    x += `<Upload>${ux}</Upload>`;
  }
  for (const p of prefixes) x += `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`;
  sendXml(call, 200, doc('ListMultipartUploadsResult', x));
}

/**
 * The checksum a CompleteMultipartUpload states for the whole object (x-amz-checksum-<algorithm>),
 * checked against the one made from the parts: a COMPOSITE one may carry its "-<parts>" suffix.
 */
function checkStatedChecksum(call: Call, algorithm: ChecksumAlgorithm | undefined, made: ObjectMeta['checksum']): void {
  for (const a of CHECKSUM_ALGORITHMS) {
    const v = call.head.headers[`x-amz-checksum-${a}`]?.trim();
    if (v === undefined) continue;
    const digest = /^([A-Za-z0-9+/=]+)(?:-\d+)?$/.exec(v)?.[1];
    if (digest === undefined || !isChecksumValue(a, digest))
      throw s3Errors.invalidRequest(`Value for x-amz-checksum-${a} header is invalid.`);
    // Without an algorithm S3 keeps only its default CRC-64/NVME, and checks no other one.
    if (algorithm === undefined && a !== 'crc64nvme') continue;
    const expected = made?.algorithm === a ? made.value : undefined;
    if (expected === undefined || (v !== expected && v !== expected.replace(/-\d+$/, '')))
      throw s3Errors.badDigest(`The ${algorithm ?? a} you specified did not match the calculated checksum.`);
  }
}

/** CompleteMultipartUpload's answer (also to a retried completion of the same upload). */
function sendCompleted(
  call: Call,
  bucket: Bucket,
  key: string,
  etag: string,
  meta: ObjectMeta,
  versionId: string,
): void {
  const headers: Record<string, string> = sseHeaders(meta.sse, { withCustomer: false });
  if (bucket.versioning === 'Enabled') headers['x-amz-version-id'] = versionId;
  let x =
    el('Location', objectLocation(call, bucket.name, key)) +
    el('Bucket', bucket.name) +
    el('Key', key) +
    el('ETag', quote(etag));
  if (meta.checksum)
    x +=
      el(`Checksum${meta.checksum.algorithm.toUpperCase()}`, meta.checksum.value) +
      el('ChecksumType', meta.checksum.type);
  sendXml(call, 200, doc('CompleteMultipartUploadResult', x), headers);
}

/** The parts a CompleteMultipartUpload body lists, in its order. */
function requestedParts(body: Buffer): { n: number; etag: string; checksums: Record<string, string> }[] {
  const text = body.toString('utf8');
  if (text.trim() === '') throw s3Errors.invalidRequest('You must specify at least one part');
  const root = parseXml(text);
  if (root.name !== 'CompleteMultipartUpload') throw s3Errors.malformedXml();
  const requested = childrenNamed(root, 'Part').map((p) => {
    const n = Number(childText(p, 'PartNumber'));
    const etag = (childText(p, 'ETag') ?? '').trim().replace(/^"|"$/g, '');
    if (!Number.isInteger(n)) throw s3Errors.malformedXml();
    const checksums: Record<string, string> = {};
    for (const c of p.children)
      if (c.name.startsWith('Checksum')) checksums[c.name.slice(8).toLowerCase()] = c.text.trim();
    return { n, etag, checksums };
  });
  if (requested.length === 0) throw s3Errors.malformedXml();
  return requested;
}

/** A multipart object's ETag: the MD5 of its parts' MD5s, and their count. */
function multipartEtag(partEtags: string[]): string {
  const md5s = createHash('md5');
  for (const e of partEtags) md5s.update(Buffer.from(e, 'hex'));
  return `${md5s.digest('hex')}-${partEtags.length}`;
}

/**
 * S3 answers a repeated CompleteMultipartUpload of an upload it has completed (a client retrying
 * after a lost answer) with the same result, while the object that upload made is the key's
 * current version and the request lists the same parts; otherwise the upload is gone (NoSuchUpload).
 */
async function replayCompletion(call: Call, bucket: Bucket, key: string, uploadId: string): Promise<void> {
  const row = await call.s3.catalog.latest(bucket.name, key);
  const meta = row && !row.marker ? (JSON.parse(row.meta) as ObjectMeta) : undefined;
  if (!row || meta?.uploadId !== uploadId) throw s3Errors.noSuchUpload(uploadId);
  const body = await readSmallBody(call.head, call.req, call.caller, 4 * 1024 * 1024, true);
  if (multipartEtag(requestedParts(body).map((p) => p.etag)) !== row.etag) throw s3Errors.noSuchUpload(uploadId);
  sendCompleted(call, bucket, key, row.etag, meta, row.version_id);
}

export async function completeMultipartUpload(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const up = await findUpload(call, bucket.name, key);
  if (!up) return replayCompletion(call, bucket, key, call.head.query.get('uploadId') ?? '');
  const uploadId = up.row.upload_id;
  const requested = requestedParts(await readSmallBody(call.head, call.req, call.caller, 4 * 1024 * 1024, true));
  for (let i = 1; i < requested.length; i++) {
    if (requested[i]!.n <= requested[i - 1]!.n) throw s3Errors.invalidPartOrder(uploadId);
  }
  const statedType = call.head.headers['x-amz-checksum-type']?.toUpperCase();
  if (statedType !== undefined && statedType !== (up.meta.checksumType ?? 'null'))
    throw s3Errors.invalidRequest(
      `The upload was created using the ${up.meta.checksumType ?? 'null'} checksum mode. The complete request must use the same checksum mode.`,
    );
  await checkWriteConditions(call, bucket, key);
  const stored = new Map((await call.s3.catalog.parts(uploadId, 0, 10001)).map((p) => [p.part_number, p]));
  const segments: Segment[] = [];
  const partChecksums: { value: string; size: number }[] = [];
  // Each part's CRC-64/NVME (an upload without an algorithm): S3's default checksum of the object.
  const partCrc64s: { value: string; size: number }[] = [];
  const compositeAlg = up.meta.checksumType === 'COMPOSITE' ? up.meta.algorithm : undefined;
  let size = 0;
  for (let i = 0; i < requested.length; i++) {
    const r = requested[i]!;
    const p = stored.get(r.n);
    if (!p || p.etag !== r.etag) throw s3Errors.invalidPart(r.n, r.etag, uploadId);
    const pc = p.checksum ? (JSON.parse(p.checksum) as PartChecksum) : undefined;
    for (const [alg, value] of Object.entries(r.checksums)) {
      if (pc && pc.algorithm === alg && pc.value !== value) throw s3Errors.invalidPart(r.n, r.etag, uploadId);
    }
    // A COMPOSITE upload's object checksum is made of the parts' ones, so each part must name its own.
    if (compositeAlg && r.checksums[compositeAlg] === undefined) {
      const other = Object.keys(r.checksums)[0];
      if (other !== undefined)
        throw s3Errors.badDigest(`The ${other} you specified for part ${r.n} did not match what we received.`);
      throw s3Errors.invalidRequest(
        `The upload was created using a ${compositeAlg} checksum. The complete request must include the checksum for each part. It was missing for part ${r.n} in the request.`,
      );
    }
    if (i < requested.length - 1 && p.size < MIN_PART) throw s3Errors.entityTooSmall(p.size, r.n, r.etag);
    segments.push({ f: p.file, s: p.size });
    if (pc?.algorithm && pc.value) partChecksums.push({ value: pc.value, size: p.size });
    const crc64 = pc?.crc64nvme ?? (pc?.algorithm === 'crc64nvme' ? pc.value : undefined);
    if (crc64) partCrc64s.push({ value: crc64, size: p.size });
    size += p.size;
  }
  const statedSize = call.head.headers['x-amz-mp-object-size'];
  if (statedSize !== undefined && statedSize.trim() !== String(size))
    throw s3Errors.invalidRequest(
      `The provided 'x-amz-mp-object-size' header value ${statedSize} does not match what was computed: ${size}`,
    );
  const etag = multipartEtag(requested.map((r) => r.etag));
  const meta: ObjectMeta = { ...up.meta.meta, parts: segments.map((s) => s.s), uploadId };
  const alg = up.meta.algorithm;
  if (alg && partChecksums.length === requested.length) {
    meta.partChecksums = partChecksums.map((c) => c.value);
    if (up.meta.checksumType === 'COMPOSITE') {
      meta.checksum = {
        algorithm: alg,
        value: compositeChecksum(
          alg,
          partChecksums.map((c) => c.value),
        ),
        type: 'COMPOSITE',
      };
    } else if (combinable(alg)) {
      // FULL_OBJECT: the checksum of the whole object, made from the parts' CRCs and sizes; the
      // client may state it (x-amz-checksum-<algorithm>), and S3 refuses the upload if it differs.
      meta.checksum = { algorithm: alg, value: fullObjectChecksum(alg, partChecksums), type: 'FULL_OBJECT' };
    }
  } else if (!alg && partCrc64s.length === requested.length) {
    // Created without an algorithm: the object gets S3's default, a full-object CRC-64/NVME.
    // (Parts uploaded by an earlier Overcast, which kept no CRC, leave the object without one.)
    meta.checksum = { algorithm: 'crc64nvme', value: fullObjectChecksum('crc64nvme', partCrc64s), type: 'FULL_OBJECT' };
  }
  // The client may state the whole object's checksum, and S3 refuses the upload if it differs.
  checkStatedChecksum(call, alg, meta.checksum);
  const modified = call.s3.clock.now();
  const done = await call.s3.catalog.completeUpload(bucket, uploadId, {
    key,
    size,
    etag,
    modified,
    meta,
    data: segments,
  });
  if (!done) throw s3Errors.noSuchUpload(uploadId);
  void call.s3.files.removeSegments(done.removed);
  void call.s3.files.remove(done.unusedParts);
  sendCompleted(call, bucket, key, etag, meta, done.versionId);
  notify(call, bucket, 'ObjectCreated:CompleteMultipartUpload', key, {
    size,
    eTag: etag,
    versionId: bucket.versioning === '' ? undefined : done.versionId,
  });
}

export async function abortMultipartUpload(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const up = await requireUpload(call, bucket.name, key);
  const files = await call.s3.catalog.removeUpload(up.row.upload_id);
  if (!files) throw s3Errors.noSuchUpload(up.row.upload_id);
  void call.s3.files.remove(files);
  send(call, 204, {});
}
