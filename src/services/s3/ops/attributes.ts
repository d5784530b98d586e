import { checkSseRead } from '../sse.js';
import type { Call } from '../context.js';
import { s3Errors } from '../errors.js';
import { sendXml } from '../respond.js';
import type { ObjectMeta } from '../storage/catalog.js';
import { doc, el, httpDate } from '../xml.js';
import { requireBucket, requireKey } from './common.js';
import { findObject } from './objects.js';

/** An element around already-built XML (el escapes its value). */
const wrap = (tag: string, inner: string): string => `<${tag}>${inner}</${tag}>`;

const ATTRIBUTES = new Set(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);

/** A non-negative integer header (x-amz-max-parts, x-amz-part-number-marker), or its default. */
function intHeader(call: Call, name: string, fallback: number): number {
  const v = call.head.headers[name];
  if (v === undefined) return fallback;
  const n = Number(v.trim());
  if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1)
    throw s3Errors.invalidArgument(`Provided ${name.slice(6)} not an integer or within integer range`, name, v);
  return n;
}

/**
 * GetObjectAttributes (GET ?attributes): what HeadObject and ListParts tell of an object, chosen by
 * the x-amz-object-attributes header. ObjectParts appears for multipart objects only, and its parts
 * only when the upload had a checksum algorithm (S3 keeps per-part checksums then).
 */
export async function getObjectAttributes(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  const wanted = new Set(
    (call.head.headers['x-amz-object-attributes'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
  if (wanted.size === 0) throw s3Errors.invalidArgument('Invalid attribute name specified.');
  for (const a of wanted)
    if (!ATTRIBUTES.has(a))
      throw s3Errors.invalidArgument('Invalid attribute name specified.', 'x-amz-object-attributes', a);
  const maxParts = intHeader(call, 'x-amz-max-parts', 1000);
  const marker = intHeader(call, 'x-amz-part-number-marker', 0);
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  checkSseRead(call.head, meta.sse);
  let x = '';
  if (wanted.has('ETag')) x += el('ETag', row.etag);
  if (wanted.has('Checksum') && meta.checksum)
    x += wrap(
      'Checksum',
      el(`Checksum${meta.checksum.algorithm.toUpperCase()}`, meta.checksum.value) +
        el('ChecksumType', meta.checksum.type),
    );
  if (wanted.has('ObjectParts') && meta.parts) {
    let parts = `${el('PartsCount', meta.parts.length)}`;
    const sums = meta.partChecksums;
    if (sums && meta.checksum) {
      const tag = `Checksum${meta.checksum.algorithm.toUpperCase()}`;
      const from = Math.min(marker, meta.parts.length);
      const to = Math.min(from + maxParts, meta.parts.length);
      parts +=
        el('PartNumberMarker', marker) +
        el('NextPartNumberMarker', to) +
        el('MaxParts', maxParts) +
        el('IsTruncated', to < meta.parts.length);
      for (let i = from; i < to; i++)
        parts += wrap('Part', el(tag, sums[i]) + el('PartNumber', i + 1) + el('Size', meta.parts[i]));
    }
    x += wrap('ObjectParts', parts);
  }
  if (wanted.has('StorageClass')) x += el('StorageClass', meta.storageClass ?? 'STANDARD');
  if (wanted.has('ObjectSize')) x += el('ObjectSize', row.size);
  const headers: Record<string, string> = { 'last-modified': httpDate(row.modified) };
  if (bucket.versioning !== '') headers['x-amz-version-id'] = row.version_id;
  sendXml(call, 200, doc('GetObjectAttributesResponse', x), headers);
}
