import type { Call } from '../context.js';
import { canonicalId } from '../context.js';
import { s3Errors } from '../errors.js';
import { sendXml } from '../respond.js';
import type { ObjectMeta, ObjectRow } from '../storage/catalog.js';
import { doc, el, isoTime } from '../xml.js';
import { isVersionId, quote, requireBucket } from './common.js';

/** Past every key that starts with a common prefix (U+10FFFF sorts after any other character). */
const SKIP = '\u{10FFFF}';
const BATCH = 1000;

/** S3's `encoding-type=url`: percent-encoding with `/` kept and spaces as `+`. */
export function urlEncodeKey(s: string): string {
  return encodeURIComponent(s).replace(/%2F/g, '/').replace(/%20/g, '+');
}

interface Listing {
  rows: ObjectRow[];
  /** Common prefixes in order, interleaved positions do not matter to clients. */
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned. */
  last: string | undefined;
  lastWasPrefix: boolean;
}

function maxKeysOf(call: Call, name = 'max-keys'): number {
  const v = call.head.query.get(name);
  if (v === null || v === '') return 1000;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range', name, v);
  }
  return Math.min(n, 1000);
}

/** Where listing resumes after a marker: a marker that is a common prefix skips all its keys. */
function resumeAfter(marker: string, prefix: string, delimiter: string): string {
  if (delimiter && marker.startsWith(prefix) && marker.endsWith(delimiter)) {
    const rest = marker.slice(prefix.length);
    if (rest.indexOf(delimiter) === rest.length - delimiter.length) return marker + SKIP;
  }
  return marker;
}

/** Collects up to maxKeys keys and common prefixes after `after` (exclusive) under `prefix`. */
async function collect(
  fetch: (after: string, inclusive: boolean, limit: number) => Promise<ObjectRow[]>,
  prefix: string,
  delimiter: string,
  start: string,
  maxKeys: number,
): Promise<Listing> {
  const out: Listing = { rows: [], prefixes: [], truncated: false, last: undefined, lastWasPrefix: false };
  let after = start;
  let inclusive = false;
  if (prefix > after) {
    after = prefix;
    inclusive = true;
  }
  let count = 0;
  let currentPrefix: string | undefined;
  for (;;) {
    const rows = await fetch(after, inclusive, BATCH);
    if (rows.length === 0) return out;
    let jumped = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) {
        if (row.key > prefix) return out;
        continue;
      }
      if (currentPrefix !== undefined && row.key.startsWith(currentPrefix)) continue;
      const idx = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
      if (count === maxKeys) {
        // max-keys=0 asks for nothing, and S3 reports such a page as complete.
        out.truncated = maxKeys > 0;
        return out;
      }
      count++;
      if (idx >= 0) {
        const cp = row.key.slice(0, idx + delimiter.length);
        currentPrefix = cp;
        out.prefixes.push(cp);
        out.last = cp;
        out.lastWasPrefix = true;
        after = cp + SKIP;
        inclusive = false;
        jumped = true;
        break;
      }
      out.rows.push(row);
      out.last = row.key;
      out.lastWasPrefix = false;
      after = row.key;
      inclusive = false;
    }
    if (!jumped && rows.length < BATCH) return out;
  }
}

function contentXml(row: ObjectRow, encode: (s: string) => string, withOwner: boolean): string {
  const meta = JSON.parse(row.meta) as ObjectMeta;
  let x = el('Key', encode(row.key)) + el('LastModified', isoTime(row.modified)) + el('ETag', quote(row.etag));
  if (meta.checksum)
    x += el('ChecksumAlgorithm', meta.checksum.algorithm.toUpperCase()) + el('ChecksumType', meta.checksum.type);
  x += el('Size', row.size);
  if (withOwner) x += `<Owner><ID>${canonicalId(meta.owner)}</ID><DisplayName>${meta.owner}</DisplayName></Owner>`;
  x += el('StorageClass', meta.storageClass ?? 'STANDARD');
  return `<Contents>${x}</Contents>`;
}

function encodingOf(call: Call): { encode: (s: string) => string; xml: string } {
  const t = call.head.query.get('encoding-type');
  if (t === null) return { encode: (s) => s, xml: '' };
  if (t !== 'url') throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', t);
  return { encode: urlEncodeKey, xml: el('EncodingType', 'url') };
}

export async function listObjects(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const q = call.head.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const maxKeys = maxKeysOf(call);
  const { encode, xml: encXml } = encodingOf(call);
  const cat = call.s3.catalog;
  const l = await collect(
    (a, i, n) => cat.listLatest(bucket.name, a, i, n),
    prefix,
    delimiter,
    resumeAfter(marker, prefix, delimiter),
    maxKeys,
  );
  let x =
    el('Name', bucket.name) +
    el('Prefix', encode(prefix)) +
    el('Marker', encode(marker)) +
    el('MaxKeys', maxKeys) +
    (delimiter ? el('Delimiter', encode(delimiter)) : '') +
    el('IsTruncated', l.truncated) +
    encXml;
  if (l.truncated && delimiter && l.last !== undefined) x += el('NextMarker', encode(l.last));
  for (const r of l.rows) x += contentXml(r, encode, true);
  for (const p of l.prefixes) x += `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`;
  sendXml(call, 200, doc('ListBucketResult', x));
}

function token(after: string): string {
  return Buffer.from(after, 'utf8').toString('base64url');
}

export async function listObjectsV2(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const q = call.head.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const startAfter = q.get('start-after');
  const continuation = q.get('continuation-token');
  const maxKeys = maxKeysOf(call);
  const fetchOwner = q.get('fetch-owner') === 'true';
  const { encode, xml: encXml } = encodingOf(call);
  let after = startAfter ? resumeAfter(startAfter, prefix, delimiter) : '';
  if (continuation !== null) {
    if (!/^[A-Za-z0-9_-]+$/.test(continuation)) {
      throw s3Errors.invalidArgument(
        'The continuation token provided is incorrect',
        'continuation-token',
        continuation,
      );
    }
    after = Buffer.from(continuation, 'base64url').toString('utf8');
  }
  const cat = call.s3.catalog;
  const l = await collect((a, i, n) => cat.listLatest(bucket.name, a, i, n), prefix, delimiter, after, maxKeys);
  let x =
    el('Name', bucket.name) +
    el('Prefix', encode(prefix)) +
    el('MaxKeys', maxKeys) +
    (delimiter ? el('Delimiter', encode(delimiter)) : '') +
    el('KeyCount', l.rows.length + l.prefixes.length) +
    el('IsTruncated', l.truncated) +
    encXml;
  if (continuation !== null) x += el('ContinuationToken', continuation);
  if (startAfter !== null) x += el('StartAfter', encode(startAfter));
  if (l.truncated && l.last !== undefined)
    x += el('NextContinuationToken', token(l.lastWasPrefix ? l.last + SKIP : l.last));
  for (const r of l.rows) x += contentXml(r, encode, fetchOwner);
  for (const p of l.prefixes) x += `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`;
  sendXml(call, 200, doc('ListBucketResult', x));
}

export async function listObjectVersions(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const q = call.head.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  const maxKeys = maxKeysOf(call);
  const { encode, xml: encXml } = encodingOf(call);
  if (versionIdMarker && !keyMarker) {
    throw s3Errors.invalidArgument(
      'A version-id marker cannot be specified without a key marker.',
      'version-id-marker',
      versionIdMarker,
    );
  }
  const cat = call.s3.catalog;
  let startRows: ObjectRow[] = [];
  if (keyMarker && versionIdMarker) {
    if (!isVersionId(versionIdMarker))
      throw s3Errors.invalidArgument('Invalid version id specified', 'version-id-marker', versionIdMarker);
    // A marker version deleted since the last page (a client deleting what each page lists): the
    // key's versions that remain are the ones after it, so the page starts at the key's newest.
    const at = await cat.version(bucket.name, keyMarker, versionIdMarker);
    startRows = await cat.versionsOfKeyAfter(bucket.name, keyMarker, at?.seq ?? Number.MAX_SAFE_INTEGER, BATCH);
  }
  // Versions of one key come newest first; a key's versions are never split across common prefixes.
  const l = await collectVersions(
    (a, i, n) => cat.listVersions(bucket.name, a, i, n),
    prefix,
    delimiter,
    resumeAfter(keyMarker, prefix, delimiter),
    maxKeys,
    startRows,
  );
  let x =
    el('Name', bucket.name) +
    el('Prefix', encode(prefix)) +
    el('KeyMarker', encode(keyMarker)) +
    el('VersionIdMarker', versionIdMarker) +
    el('MaxKeys', maxKeys) +
    (delimiter ? el('Delimiter', encode(delimiter)) : '') +
    el('IsTruncated', l.truncated) +
    encXml;
  if (l.truncated) {
    if (l.lastWasPrefix) x += el('NextKeyMarker', encode(l.last!));
    else {
      const last = l.rows[l.rows.length - 1]!;
      x += el('NextKeyMarker', encode(last.key)) + el('NextVersionIdMarker', last.version_id);
    }
  }
  for (const r of l.rows) {
    const meta = JSON.parse(r.meta) as ObjectMeta;
    const owner = `<Owner><ID>${canonicalId(meta.owner)}</ID><DisplayName>${meta.owner}</DisplayName></Owner>`;
    const common =
      el('Key', encode(r.key)) +
      el('VersionId', r.version_id) +
      el('IsLatest', r.latest === 1) +
      el('LastModified', isoTime(r.modified));
    if (r.marker) x += `<DeleteMarker>${common}${owner}</DeleteMarker>`;
    else {
      let v = common + el('ETag', quote(r.etag));
      if (meta.checksum)
        v += el('ChecksumAlgorithm', meta.checksum.algorithm.toUpperCase()) + el('ChecksumType', meta.checksum.type);
      v += el('Size', r.size) + el('StorageClass', meta.storageClass ?? 'STANDARD') + owner;
      x += `<Version>${v}</Version>`;
    }
  }
  for (const p of l.prefixes) x += `<CommonPrefixes>${el('Prefix', encode(p))}</CommonPrefixes>`;
  sendXml(call, 200, doc('ListVersionsResult', x));
}

/** Like collect, over versions: every version counts toward max-keys. */
async function collectVersions(
  fetch: (after: string, inclusive: boolean, limit: number) => Promise<ObjectRow[]>,
  prefix: string,
  delimiter: string,
  start: string,
  maxKeys: number,
  startRows: ObjectRow[],
): Promise<Listing> {
  const out: Listing = { rows: [], prefixes: [], truncated: false, last: undefined, lastWasPrefix: false };
  let count = 0;
  let currentPrefix: string | undefined;
  const take = (row: ObjectRow): 'stop' | 'jump' | 'ok' => {
    if (!row.key.startsWith(prefix)) return 'ok';
    if (currentPrefix !== undefined && row.key.startsWith(currentPrefix)) return 'ok';
    const idx = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
    if (count === maxKeys) {
      out.truncated = maxKeys > 0;
      return 'stop';
    }
    count++;
    if (idx >= 0) {
      currentPrefix = row.key.slice(0, idx + delimiter.length);
      out.prefixes.push(currentPrefix);
      out.last = currentPrefix;
      out.lastWasPrefix = true;
      return 'jump';
    }
    out.rows.push(row);
    out.last = row.key;
    out.lastWasPrefix = false;
    return 'ok';
  };
  for (const row of startRows) if (take(row) === 'stop') return out;
  let after = start;
  let inclusive = false;
  if (prefix > after) {
    after = prefix;
    inclusive = true;
  }
  // Rows of a key must not be split between two batches' offsets: page by (key) and re-read the
  // last key's versions whole when a batch ends inside it.
  let skipKey: string | undefined;
  let skipCount = 0;
  for (;;) {
    const rows = await fetch(after, inclusive, BATCH + skipCount);
    if (rows.length === 0) return out;
    let jumped = false;
    let seenOfKey = 0;
    let lastKey: string | undefined;
    for (const row of rows) {
      if (row.key !== lastKey) {
        lastKey = row.key;
        seenOfKey = 0;
      }
      seenOfKey++;
      if (skipKey !== undefined && row.key === skipKey && seenOfKey <= skipCount) continue;
      if (!row.key.startsWith(prefix) && row.key > prefix) return out;
      const r = take(row);
      if (r === 'stop') return out;
      if (r === 'jump') {
        after = currentPrefix! + SKIP;
        inclusive = false;
        jumped = true;
        skipKey = undefined;
        skipCount = 0;
        break;
      }
    }
    if (jumped) continue;
    if (rows.length < BATCH + skipCount) return out;
    // Resume at the last key (inclusive), skipping the versions of it already taken.
    const last = rows[rows.length - 1]!.key;
    skipCount = rows.filter((r) => r.key === last).length;
    skipKey = last;
    after = last;
    inclusive = true;
  }
}
