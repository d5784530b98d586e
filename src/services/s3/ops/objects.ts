import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { receiveBody, readSmallBody } from '../body.js';
import { checksummer, isChecksumAlgorithm } from '../checksums.js';
import type { Call } from '../context.js';
import { canonicalId } from '../context.js';
import { S3Error, s3Errors } from '../errors.js';
import { headerList, send, sendXml } from '../respond.js';
import {
  asksForEncryption,
  bucketEncryption,
  checkSseRead,
  etagFor,
  recordSse,
  sameSse,
  sseForWrite,
  sseHeaders,
} from '../sse.js';
import type { Bucket, ObjectMeta, ObjectRow, Segment } from '../storage/catalog.js';
import { childText, childrenNamed, doc, el, isoTime, parseXml } from '../xml.js';
import { lockFromHeaders } from './lock-headers.js';
import {
  checkCopyConditions,
  checkExpectedOwner,
  checkReadConditions,
  isVersionId,
  metaFromHeaders,
  objectHeaders,
  parseCopySource,
  parseRange,
  parseTagging,
  quote,
  requireBucket,
  requireKey,
  tagSetXml,
} from './common.js';

/** Objects up to this size are read whole and sent in one write. */
const SMALL_OBJECT = 256 * 1024;

function principal(call: Call): string {
  return call.caller.anonymous ? 'anonymous' : `AWS:${call.caller.accessKeyId}`;
}

function sourceIp(call: Call): string {
  return (call.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
}

/** Emits an ObjectCreated / ObjectRemoved event for a committed change. */
export function notify(
  call: Call,
  bucket: Bucket,
  eventName: string,
  key: string,
  extra: {
    size?: number;
    eTag?: string;
    versionId?: string | undefined;
    seq?: number;
    restore?: { expiry: number; storageClass: string };
  },
): void {
  if (!bucket.config.notifications?.length && !bucket.config.eventBridge) return;
  call.s3.notifier.emit(bucket, {
    eventName,
    key,
    ...(extra.size !== undefined ? { size: extra.size } : {}),
    ...(extra.eTag !== undefined ? { eTag: extra.eTag } : {}),
    ...(extra.versionId !== undefined ? { versionId: extra.versionId } : {}),
    ...(extra.restore ? { restore: extra.restore } : {}),
    sequencer: extra.seq ?? call.s3.catalog.nextSeq(),
    requestId: call.requestId,
    hostId: call.hostId,
    principal: principal(call),
    requester: call.caller.account,
    sourceIp: sourceIp(call),
    time: call.now,
  });
}

/**
 * If-None-Match: * and If-Match of a write (PutObject, CopyObject's destination,
 * CompleteMultipartUpload): the key must not exist, or its current version must have the ETag.
 */
export async function checkWriteConditions(call: Call, bucket: Bucket, key: string): Promise<void> {
  const ifNoneMatch = call.head.headers['if-none-match'];
  const ifMatch = call.head.headers['if-match'];
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const row = await call.s3.catalog.latest(bucket.name, key);
  const exists = row !== undefined && row.marker === 0;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw s3Errors.notImplemented('If-None-Match');
    if (exists) throw s3Errors.preconditionFailed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (!exists) throw s3Errors.noSuchKey(key);
    const want = ifMatch.trim().replace(/^"|"$/g, '');
    if (want !== '*' && want !== row.etag) throw s3Errors.preconditionFailed('If-Match');
  }
}

/**
 * Stores a new version whose bytes are the committed file `file`: if the catalog refuses it, the
 * file is removed; once it commits, the files of the version it replaced are. Answers its version id.
 */
export async function storeVersion(
  call: Call,
  bucket: Bucket,
  v: { key: string; size: number; etag: string; modified: number; meta: ObjectMeta; file: string },
): Promise<string> {
  let stored: { versionId: string; removed: Segment[] };
  try {
    stored = await call.s3.catalog.putObject(bucket, {
      key: v.key,
      size: v.size,
      etag: v.etag,
      modified: v.modified,
      meta: v.meta,
      data: [{ f: v.file, s: v.size }],
    });
  } catch (err) {
    await call.s3.files.remove([v.file]);
    throw err;
  }
  void call.s3.files.removeSegments(stored.removed);
  return stored.versionId;
}

export async function putObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const meta = { ...metaFromHeaders(call.head, call.caller.account), ...lockFromHeaders(call, bucket) };
  const sse = sseForWrite(call.head, bucket, key, 's3:PutObject');
  recordSse(meta, sse);
  await checkWriteConditions(call, bucket, key);
  // An upload that declares no checksum gets S3's default, CRC-64/NVME (and answers it).
  const body = await receiveBody(call.head, call.req, call.caller, call.s3.files, {
    hashes: call.s3.hashes,
    defaultAlgorithm: 'crc64nvme',
  });
  const etag = etagFor(sse, body.md5);
  if (body.checksum) meta.checksum = { ...body.checksum, type: 'FULL_OBJECT' };
  const versionId = await storeVersion(call, bucket, {
    key,
    size: body.size,
    etag,
    modified: call.s3.clock.now(),
    meta,
    file: body.file,
  });
  const headers: Record<string, string> = { etag: quote(etag), ...sseHeaders(sse, { withContext: true }) };
  // A versioning-suspended bucket's new object is its null version, which the PUT does not name.
  if (bucket.versioning === 'Enabled') headers['x-amz-version-id'] = versionId;
  if (body.checksum) {
    headers[`x-amz-checksum-${body.checksum.algorithm}`] = body.checksum.value;
    headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  }
  send(call, 200, headers);
  notify(call, bucket, 'ObjectCreated:Put', key, {
    size: body.size,
    eTag: etag,
    versionId: bucket.versioning === '' ? undefined : versionId,
  });
}

/** The version a GET/HEAD/tagging request names (`versionId`), or the current one. */
export async function findObject(call: Call, bucket: Bucket, key: string, forRead: boolean): Promise<ObjectRow> {
  const versionId = call.head.query.get('versionId');
  if (versionId !== null) {
    if (!isVersionId(versionId)) throw s3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
    const row = await call.s3.catalog.version(bucket.name, key, versionId);
    if (!row) throw s3Errors.noSuchVersion(key, versionId);
    if (row.marker && forRead) {
      throw s3Errors.methodNotAllowed(call.head.method, 'DeleteMarker', {
        'x-amz-delete-marker': 'true',
        'x-amz-version-id': row.version_id,
        'last-modified': new Date(row.modified).toUTCString(),
        allow: 'DELETE',
      });
    }
    return row;
  }
  const row = await call.s3.catalog.latest(bucket.name, key);
  if (!row) throw s3Errors.noSuchKey(key);
  if (row.marker) {
    const headers: Record<string, string> = { 'x-amz-delete-marker': 'true' };
    if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
    throw s3Errors.noSuchKey(key, headers);
  }
  return row;
}

const OVERRIDES: [string, string][] = [
  ['response-content-type', 'content-type'],
  ['response-content-language', 'content-language'],
  ['response-expires', 'expires'],
  ['response-cache-control', 'cache-control'],
  ['response-content-disposition', 'content-disposition'],
  ['response-content-encoding', 'content-encoding'],
];

/** GetObject and HeadObject: conditions, ranges, part numbers, response header overrides. */
export async function getObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  checkSseRead(call.head, meta.sse);
  const segments = JSON.parse(row.data) as Segment[];
  const checksumMode = call.head.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';
  const headers = objectHeaders(bucket, row, meta, checksumMode);
  if (checkReadConditions(call.head, row) === 304) {
    const h: Record<string, string> = { etag: headers['etag']!, 'last-modified': headers['last-modified']! };
    if (headers['x-amz-version-id']) h['x-amz-version-id'] = headers['x-amz-version-id'];
    send(call, 304, h);
    return;
  }
  for (const [param, header] of OVERRIDES) {
    const v = call.head.query.get(param);
    if (v === null) continue;
    // What S3 answers for a value a header cannot carry as ISO-8859-1 (a UTF-8 file name, say).
    if (/[^\t\x20-\x7e\xa0-\xff]/.test(v))
      throw s3Errors.invalidArgument(
        /[^\x00-\xff]/.test(v)
          ? 'Header value cannot be represented using ISO-8859-1.'
          : 'Header value cannot contain control characters.',
        param,
        v,
      );
    headers[header] = v;
  }
  let range: [number, number] | undefined;
  let partChecksum: Record<string, string> | undefined;
  const partNumber = call.head.query.get('partNumber');
  if (partNumber !== null && call.head.headers['range'] !== undefined)
    throw s3Errors.invalidRequest('Cannot specify both Range header and partNumber query parameter');
  if (partNumber !== null) {
    const n = Number(partNumber);
    const parts = meta.parts ?? [row.size];
    if (!Number.isInteger(n) || n < 1 || n > 10000)
      throw s3Errors.invalidArgument(
        'Part number must be an integer between 1 and 10000, inclusive',
        'partNumber',
        partNumber,
      );
    if (n > parts.length) {
      throw new S3Error('InvalidPartNumber', 'The requested partnumber is not satisfiable', 416, {
        PartNumberRequested: String(n),
        ActualPartCount: String(parts.length),
      });
    }
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += parts[i]!;
    if (meta.parts) {
      range = [start, start + parts[n - 1]! - 1];
      headers['x-amz-mp-parts-count'] = String(parts.length);
    }
    delete headers[`x-amz-checksum-${meta.checksum?.algorithm ?? ''}`];
    delete headers['x-amz-checksum-type'];
    // A part of an upload made with a checksum algorithm answers that part's checksum.
    const partSum = meta.partChecksums?.[n - 1];
    if (partSum !== undefined && meta.checksum && checksumMode)
      partChecksum = {
        [`x-amz-checksum-${meta.checksum.algorithm}`]: partSum,
        'x-amz-checksum-type': meta.checksum.type,
      };
  } else {
    range = parseRange(call.head.headers['range'], row.size);
  }
  let status = 200;
  let start = 0;
  let end = row.size - 1;
  if (range) {
    [start, end] = range;
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${row.size}`;
    if (meta.checksum) {
      delete headers[`x-amz-checksum-${meta.checksum.algorithm}`];
      delete headers['x-amz-checksum-type'];
    }
  }
  Object.assign(headers, partChecksum);
  const length = Math.max(0, end - start + 1);
  headers['content-length'] = String(length);
  if (call.head.method === 'HEAD' || length === 0) {
    send(call, status, headers);
    return;
  }
  if (length <= SMALL_OBJECT) {
    const all = call.s3.files.readAll(segments);
    send(call, status, headers, range ? all.subarray(start, end + 1) : all);
    return;
  }
  sendHead(call, status, headers);
  try {
    await call.s3.files.sendTo(segments, start, end, call.res);
    call.res.end();
  } catch (err) {
    // The head is already sent: all that is left is to cut the response. A client that went away
    // is not an error; a file that could not be read is (logged by the caller).
    const clientGone = call.res.destroyed;
    call.res.destroy();
    if (!clientGone) throw err;
  }
}

function sendHead(call: Call, status: number, headers: Record<string, string>): void {
  call.res.writeHead(status, headerList(call, headers));
}

export async function deleteObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const versionId = call.head.query.get('versionId') ?? undefined;
  if (versionId !== undefined && !isVersionId(versionId)) {
    throw s3Errors.invalidArgument('Invalid version id specified', 'versionId', versionId);
  }
  const ifMatch = call.head.headers['if-match'];
  if (ifMatch !== undefined) {
    const row = await call.s3.catalog.latest(bucket.name, key);
    if (!row || row.marker) throw s3Errors.noSuchKey(key);
    if (ifMatch.trim().replace(/^"|"$/g, '') !== row.etag && ifMatch.trim() !== '*')
      throw s3Errors.preconditionFailed('If-Match');
  }
  const r = await call.s3.catalog.deleteObject(bucket, key, versionId, call.s3.clock.now(), call.caller.account);
  void call.s3.files.removeSegments(r.removed);
  const headers: Record<string, string> = {};
  if (r.deleteMarker) headers['x-amz-delete-marker'] = 'true';
  if (r.versionId !== undefined && (bucket.versioning !== '' || versionId !== undefined))
    headers['x-amz-version-id'] = r.versionId;
  send(call, 204, headers);
  if (r.existed) {
    const created = r.deleteMarker && versionId === undefined;
    notify(call, bucket, created ? 'ObjectRemoved:DeleteMarkerCreated' : 'ObjectRemoved:Delete', key, {
      versionId: r.versionId,
    });
  }
}

export async function deleteObjects(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const body = await readSmallBody(call.head, call.req, call.caller, 2 * 1024 * 1024);
  const root = parseXml(body.toString('utf8'));
  if (root.name !== 'Delete') throw s3Errors.malformedXml();
  const quiet = childText(root, 'Quiet')?.trim() === 'true';
  const objects = childrenNamed(root, 'Object');
  if (objects.length === 0 || objects.length > 1000) throw s3Errors.malformedXml();
  let out = '';
  for (const o of objects) {
    const key = childText(o, 'Key');
    if (key === undefined) throw s3Errors.malformedXml();
    const versionId = childText(o, 'VersionId');
    const errorXml = (code: string, message: string) =>
      `<Error>${el('Key', key)}${versionId !== undefined ? el('VersionId', versionId) : ''}${el('Code', code)}${el('Message', message)}</Error>`;
    if (Buffer.byteLength(key) > 1024) {
      out += errorXml('KeyTooLongError', 'Your key is too long');
      continue;
    }
    if (versionId !== undefined && !isVersionId(versionId)) {
      out += errorXml('NoSuchVersion', 'The specified version does not exist.');
      continue;
    }
    try {
      const r = await call.s3.catalog.deleteObject(bucket, key, versionId, call.s3.clock.now(), call.caller.account);
      void call.s3.files.removeSegments(r.removed);
      if (r.existed) {
        const created = r.deleteMarker && versionId === undefined;
        notify(call, bucket, created ? 'ObjectRemoved:DeleteMarkerCreated' : 'ObjectRemoved:Delete', key, {
          versionId: r.versionId,
        });
      }
      if (quiet) continue;
      let inner = el('Key', key);
      if (versionId !== undefined) inner += el('VersionId', versionId);
      if (r.deleteMarker) {
        inner += el('DeleteMarker', 'true');
        if (r.versionId !== undefined) inner += el('DeleteMarkerVersionId', r.versionId);
      }
      out += `<Deleted>${inner}</Deleted>`;
    } catch (err) {
      call.s3.log.error({ err }, 's3 delete failed');
      out += errorXml('InternalError', 'We encountered an internal error. Please try again.');
    }
  }
  sendXml(call, 200, doc('DeleteResult', out));
}

/** Copies `[start, end]` of an object's bytes into a new data file; returns it with its MD5. */
export async function copyBytes(
  call: Call,
  segments: Segment[],
  start: number,
  end: number,
  algorithm?: string,
): Promise<{ file: string; md5: Buffer; checksum?: string }> {
  const tmp = call.s3.files.tempPath();
  const md5 = createHash('md5');
  const sum = algorithm && isChecksumAlgorithm(algorithm) ? checksummer(algorithm) : undefined;
  const fh = await open(tmp, 'w');
  let ok = false;
  try {
    if (end >= start) {
      for await (const chunk of call.s3.files.stream(segments, start, end)) {
        const b = chunk as Buffer;
        md5.update(b);
        sum?.update(b);
        let off = 0;
        while (off < b.length) off += (await fh.write(b, off, b.length - off)).bytesWritten;
      }
    }
    await fh.close();
    const file = await call.s3.files.commit(tmp);
    ok = true;
    const out: { file: string; md5: Buffer; checksum?: string } = { file, md5: md5.digest() };
    if (sum) out.checksum = sum.digest();
    return out;
  } finally {
    if (!ok) {
      await fh.close().catch(() => undefined);
      await call.s3.files.removeTemp(tmp);
    }
  }
}

/** The object a copy request names (x-amz-copy-source), with its conditions checked. */
export async function copySource(
  call: Call,
): Promise<{ bucket: Bucket; row: ObjectRow; meta: ObjectMeta; segments: Segment[]; versionId?: string }> {
  const src = parseCopySource(call.head.headers['x-amz-copy-source']!);
  const bucket = call.s3.catalog.buckets.get(src.bucket);
  if (!bucket) throw s3Errors.noSuchBucket(src.bucket);
  checkExpectedOwner(call, bucket, 'x-amz-source-expected-bucket-owner');
  let row: ObjectRow | undefined;
  if (src.versionId !== undefined) {
    if (!isVersionId(src.versionId))
      throw s3Errors.invalidArgument(
        'Invalid version id specified',
        'x-amz-copy-source',
        call.head.headers['x-amz-copy-source'],
      );
    row = await call.s3.catalog.version(bucket.name, src.key, src.versionId);
    if (!row) throw s3Errors.noSuchVersion(src.key, src.versionId);
    if (row.marker)
      throw s3Errors.invalidRequest(
        'The source of a copy request may not specifically refer to a delete marker by version id.',
      );
  } else {
    row = await call.s3.catalog.latest(bucket.name, src.key);
    if (!row || row.marker) throw s3Errors.noSuchKey(src.key);
  }
  checkCopyConditions(call.head, row);
  const out: { bucket: Bucket; row: ObjectRow; meta: ObjectMeta; segments: Segment[]; versionId?: string } = {
    bucket,
    row,
    meta: JSON.parse(row.meta) as ObjectMeta,
    segments: JSON.parse(row.data) as Segment[],
  };
  checkSseRead(call.head, out.meta.sse, true);
  if (bucket.versioning !== '') out.versionId = row.version_id;
  return out;
}

export async function copyObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const src = await copySource(call);
  const h = call.head.headers;
  const directive = (h['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
  const tagDirective = (h['x-amz-tagging-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw s3Errors.invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  if (tagDirective !== 'COPY' && tagDirective !== 'REPLACE')
    throw s3Errors.invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', tagDirective);
  // The copy's encryption: as its headers ask, else the destination bucket's default (never the source's).
  const sse = sseForWrite(call.head, bucket, key, 's3:CopyObject');
  // If-None-Match / If-Match name the destination (the source's are x-amz-copy-source-if-*).
  await checkWriteConditions(call, bucket, key);
  const sameObject = src.bucket.name === bucket.name && src.row.key === key;
  // An in-place copy must change something; a change of encryption counts, and so does any
  // encryption asked for, or a bucket default set by PutBucketEncryption.
  const encryptionChange =
    asksForEncryption(call.head) || !sameSse(src.meta.sse, sse) || bucketEncryption(bucket).explicit;
  if (
    sameObject &&
    directive === 'COPY' &&
    !h['x-amz-storage-class'] &&
    !h['x-amz-website-redirect-location'] &&
    !encryptionChange &&
    bucket.versioning === ''
  ) {
    throw s3Errors.invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  let meta: ObjectMeta;
  if (directive === 'REPLACE') {
    meta = metaFromHeaders(call.head, call.caller.account);
  } else {
    meta = { headers: { ...src.meta.headers }, user: { ...src.meta.user }, owner: call.caller.account };
    if (src.meta.storageClass) meta.storageClass = src.meta.storageClass;
    const sc = h['x-amz-storage-class'];
    if (sc) {
      if (sc === 'STANDARD') delete meta.storageClass;
      else meta.storageClass = sc;
    }
  }
  if (tagDirective === 'REPLACE') {
    const t = metaFromHeaders(call.head, call.caller.account).tags;
    if (t) meta.tags = t;
    else delete meta.tags;
  } else if (src.meta.tags) meta.tags = src.meta.tags;
  else delete meta.tags;
  // The algorithm asked for, else the source's (a multipart source's too: the copy is one part, so
  // its checksum is the whole object's), else S3's default.
  const wanted = h['x-amz-checksum-algorithm']?.toLowerCase() ?? src.meta.checksum?.algorithm ?? 'crc64nvme';
  if (!isChecksumAlgorithm(wanted)) throw s3Errors.invalidRequest('Checksum algorithm provided is unsupported.');
  const copied = await copyBytes(call, src.segments, 0, src.row.size - 1, wanted);
  meta.checksum = { algorithm: wanted, value: copied.checksum!, type: 'FULL_OBJECT' };
  recordSse(meta, sse);
  const etag = etagFor(sse, copied.md5);
  const modified = call.s3.clock.now();
  const versionId = await storeVersion(call, bucket, {
    key,
    size: src.row.size,
    etag,
    modified,
    meta,
    file: copied.file,
  });
  const headers: Record<string, string> = sseHeaders(sse, { withContext: true });
  if (bucket.versioning !== '') headers['x-amz-version-id'] = versionId;
  if (src.versionId !== undefined) headers['x-amz-copy-source-version-id'] = src.versionId;
  let inner = el('ETag', quote(etag)) + el('LastModified', isoTime(modified));
  inner +=
    el('ChecksumType', meta.checksum.type) +
    el(`Checksum${meta.checksum.algorithm.toUpperCase()}`, meta.checksum.value);
  sendXml(call, 200, doc('CopyObjectResult', inner), headers);
  notify(call, bucket, 'ObjectCreated:Copy', key, {
    size: src.row.size,
    eTag: etag,
    versionId: bucket.versioning === '' ? undefined : versionId,
  });
}

// ---- object tagging

export async function getObjectTagging(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const row = await findObject(call, bucket, requireKey(call), true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  const headers: Record<string, string> = {};
  if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
  sendXml(call, 200, doc('Tagging', tagSetXml(meta.tags ?? [])), headers);
}

export async function putObjectTagging(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const body = await readSmallBody(call.head, call.req, call.caller);
  const tags = parseTagging(body, 10);
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  meta.tags = tags;
  await call.s3.catalog.setObjectMeta(bucket.name, key, row.version_id, meta);
  const headers: Record<string, string> = {};
  if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
  send(call, 200, headers);
  notify(call, bucket, 'ObjectTagging:Put', key, versionedEvent(bucket, row));
}

/** The object fields of an event about an existing version (tagging, ACL, restore). */
export function versionedEvent(bucket: Bucket, row: ObjectRow): { eTag: string; versionId: string | undefined } {
  return { eTag: row.etag, versionId: bucket.versioning === '' ? undefined : row.version_id };
}

export async function deleteObjectTagging(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  delete meta.tags;
  await call.s3.catalog.setObjectMeta(bucket.name, key, row.version_id, meta);
  const headers: Record<string, string> = {};
  if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
  send(call, 204, headers);
  notify(call, bucket, 'ObjectTagging:Delete', key, versionedEvent(bucket, row));
}

/** PutObjectAcl: the object must exist; ACLs are accepted and not enforced. */
export async function putObjectAcl(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  await readSmallBody(call.head, call.req, call.caller);
  const row = await findObject(call, bucket, key, true);
  const headers: Record<string, string> = {};
  if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
  send(call, 200, headers);
  notify(call, bucket, 'ObjectAcl:Put', key, versionedEvent(bucket, row));
}

/** GetObjectAcl: the owner has FULL_CONTROL (ACLs are accepted and not enforced). */
export async function getObjectAcl(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const row = await findObject(call, bucket, requireKey(call), true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  sendXml(call, 200, aclXml(meta.owner));
}

export function aclXml(account: string): string {
  const id = canonicalId(account);
  return doc(
    'AccessControlPolicy',
    `<Owner><ID>${id}</ID><DisplayName>${account}</DisplayName></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${id}</ID><DisplayName>${account}</DisplayName></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList>`,
  );
}
