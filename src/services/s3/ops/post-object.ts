import { etagFor, recordSse, sseForWrite, sseHeaders } from '../sse.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { accountOfKey } from '../../../core/auth/authenticate.js';
import { signingKey } from '../../../core/auth/sigv4-verify.js';
import { MAX_PUT_BYTES } from '../body.js';
import { checksummer } from '../checksums.js';
import type { Call } from '../context.js';
import { S3Error, s3Errors } from '../errors.js';
import { CONTROL_CHARACTER, send, sendXml } from '../respond.js';
import { doc, el } from '../xml.js';
import { CONTENT_HEADERS, metaFromHeaders, objectLocation, quote, requireBucket } from './common.js';
import { notify, storeVersion } from './objects.js';

/** Form fields the policy need not name (S3's list). */
const UNCHECKED = new Set(['x-amz-signature', 'file', 'policy']);

interface Upload {
  temp: string;
  size: number;
  md5: Buffer;
  /** CRC-64/NVME, the object's checksum (S3's default; the form's checksum fields are not read). */
  crc64nvme: string;
  filename: string;
}

/** True for a browser-form upload: POST to a bucket with a multipart/form-data body. */
export function isFormPost(call: Call): boolean {
  return (
    call.head.method === 'POST' &&
    call.key === undefined &&
    (call.head.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data')
  );
}

/** The largest form field read (S3's whole form, file aside, is limited to 20 KB). */
const FIELD_LIMIT = 1024 * 1024;

const policyFailed = (message: string): S3Error => s3Errors.accessDenied(`Invalid according to Policy: ${message}`);

/** Fields that become the object's response headers as they are. */
const HEADER_FIELDS = [...CONTENT_HEADERS, 'x-amz-website-redirect-location'];

/**
 * The form's fields as the headers of a PUT would carry them. A field that GET and HEAD answer as a
 * header is kept as the bytes that were sent (as a PUT's header is: UTF-8 stays UTF-8); one with a
 * line break or another control character could not be answered at all, so it is refused.
 */
function headerFields(fields: Map<string, string>): Record<string, string> {
  const headers = Object.fromEntries(fields);
  for (const name of HEADER_FIELDS) {
    const v = headers[name];
    if (v === undefined) continue;
    if (CONTROL_CHARACTER.test(v))
      throw s3Errors.invalidArgument(`The ${name} field has a character a header cannot carry.`, name, v);
    headers[name] = Buffer.from(v, 'utf8').toString('latin1');
  }
  return headers;
}

/** Reads the form: its fields (names lower-cased) up to the file, and the file into a temporary one. */
async function readForm(call: Call): Promise<{ fields: Map<string, string>; upload: Upload | undefined }> {
  const fields = new Map<string, string>();
  let writing: Promise<Upload> | undefined;
  const parser = busboy({
    headers: call.req.headers,
    limits: { fieldSize: FIELD_LIMIT, fields: 1000, files: 1000, fileSize: MAX_PUT_BYTES + 1 },
  });
  parser.on('field', (name, value) => {
    // Fields after the file are ignored, as S3 ignores them.
    if (!writing) fields.set(name.toLowerCase(), value);
  });
  parser.on('file', (name, stream: Readable, info) => {
    if (writing) {
      stream.resume();
      return;
    }
    if (name.toLowerCase() !== 'file') {
      // A field sent as a file part (with a filename, as some HTTP clients send every field) is
      // still that field to S3.
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (b: Buffer) => {
        size += b.length;
        if (size <= FIELD_LIMIT) chunks.push(b);
      });
      stream.on('end', () => fields.set(name.toLowerCase(), Buffer.concat(chunks).toString('utf8')));
      return;
    }
    writing = (async () => {
      const temp = call.s3.files.tempPath();
      const md5 = createHash('md5');
      const crc = checksummer('crc64nvme');
      let size = 0;
      stream.on('data', (b: Buffer) => {
        md5.update(b);
        crc.update(b);
        size += b.length;
      });
      await pipeline(stream, createWriteStream(temp));
      return { temp, size, md5: md5.digest(), crc64nvme: crc.digest(), filename: info.filename ?? '' };
    })();
  });
  await pipeline(call.req, parser).catch((err: unknown) => {
    throw new S3Error(
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
      400,
      {
        Reason: (err as Error).message,
      },
    );
  });
  return { fields, upload: writing ? await writing : undefined };
}

/**
 * Checks the form's SigV4 policy: its signature (in enforce mode, against the key's secret), its
 * expiration and every condition, and that each field the form sends is one the policy names.
 * Answers the account the form is signed as.
 */
function checkPolicy(call: Call, bucket: string, fields: Map<string, string>, size: number): string {
  const config = call.s3.config;
  const policy = fields.get('policy');
  if (policy === undefined) {
    if (config.auth === 'enforce') throw s3Errors.accessDenied();
    return config.account;
  }
  const credential = fields.get('x-amz-credential') ?? '';
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = credential.split('/');
  if (
    fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256' ||
    !accessKeyId ||
    service !== 's3' ||
    terminator !== 'aws4_request'
  )
    throw s3Errors.invalidArgument(
      'Invalid according to Policy: Policy Credentials are not valid.',
      'x-amz-credential',
      credential,
    );
  const known = config.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (config.auth === 'enforce') {
    if (!known) throw s3Errors.invalidAccessKeyId(accessKeyId);
    const expected = createHmac('sha256', signingKey(known.secretAccessKey, date, region, 's3'))
      .update(policy)
      .digest();
    const given = Buffer.from(fields.get('x-amz-signature') ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new S3Error(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
        403,
      );
  }
  let doc: { expiration?: unknown; conditions?: unknown };
  try {
    doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8')) as typeof doc;
  } catch {
    throw new S3Error('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.', 400);
  }
  if (typeof doc.expiration !== 'string')
    throw new S3Error('InvalidPolicyDocument', 'Invalid Policy: Policy missing expiration.', 400);
  const expires = Date.parse(doc.expiration);
  if (Number.isNaN(expires))
    throw new S3Error('InvalidPolicyDocument', "Invalid Policy: Invalid 'expiration' value.", 400);
  if (expires <= call.now) throw policyFailed('Policy expired.');
  if (!Array.isArray(doc.conditions))
    throw new S3Error('InvalidPolicyDocument', 'Invalid Policy: Policy missing conditions.', 400);
  const value = (name: string): string => (name === 'bucket' ? bucket : (fields.get(name) ?? ''));
  const named = new Set<string>();
  for (const c of doc.conditions as unknown[]) {
    if (Array.isArray(c)) {
      const [op, a, b] = c as [unknown, unknown, unknown];
      const kind = String(op).toLowerCase();
      if (kind === 'content-length-range') {
        const [min, max] = [Number(a), Number(b)];
        if (size > max)
          throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
            ProposedSize: String(size),
            MaxSizeAllowed: String(max),
          });
        if (size < min)
          throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, {
            ProposedSize: String(size),
            MinSizeAllowed: String(min),
          });
        continue;
      }
      const name = String(a).replace(/^\$/, '').toLowerCase();
      named.add(name);
      const ok =
        kind === 'eq' ? value(name) === String(b) : kind === 'starts-with' ? value(name).startsWith(String(b)) : false;
      if (!ok)
        throw policyFailed(`Policy Condition failed: [${(c as unknown[]).map((x) => JSON.stringify(x)).join(', ')}]`);
    } else if (c && typeof c === 'object') {
      for (const [k, v] of Object.entries(c as Record<string, unknown>)) {
        const name = k.toLowerCase();
        named.add(name);
        if (value(name) !== String(v))
          throw policyFailed(`Policy Condition failed: ["eq", "$${k}", ${JSON.stringify(v)}]`);
      }
    }
  }
  for (const name of fields.keys())
    if (!UNCHECKED.has(name) && !name.startsWith('x-ignore-') && !named.has(name))
      throw policyFailed(`Extra input fields: ${name}`);
  return known?.account ?? accountOfKey(accessKeyId, config.account);
}

/**
 * PostObject: a browser-form upload (multipart/form-data, the fields before a `file` part) with a
 * SigV4 policy, as `@aws-sdk/s3-presigned-post` makes it. The object gets the form's metadata fields;
 * the answer follows `success_action_redirect` / `success_action_status` (204 by default).
 */
export async function postObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const { fields, upload } = await readForm(call);
  try {
    if (!upload) throw s3Errors.invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
    const rawKey = fields.get('key');
    if (rawKey === undefined)
      throw s3Errors.invalidArgument(
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
        'key',
        '',
      );
    const account = checkPolicy(call, bucket.name, fields, upload.size);
    if (upload.size > MAX_PUT_BYTES) throw s3Errors.entityTooLarge(upload.size, MAX_PUT_BYTES);
    const key = rawKey.replaceAll('${filename}', upload.filename);
    if (key === '') throw s3Errors.invalidArgument('User key must have a length greater than 0.', 'key', '');
    const formHead = { ...call.head, headers: headerFields(fields) };
    const meta = metaFromHeaders(formHead, account);
    const sse = sseForWrite(formHead, bucket, key, 's3:PutObject');
    recordSse(meta, sse);
    meta.checksum = { algorithm: 'crc64nvme', value: upload.crc64nvme, type: 'FULL_OBJECT' };
    const etag = etagFor(sse, upload.md5);
    const versionId = await storeVersion(call, bucket, {
      key,
      size: upload.size,
      etag,
      modified: call.s3.clock.now(),
      meta,
      file: await call.s3.files.commit(upload.temp),
    });
    const location = objectLocation(call, bucket.name, key);
    const headers: Record<string, string> = { etag: quote(etag), location, ...sseHeaders(sse, { withContext: true }) };
    if (bucket.versioning === 'Enabled') headers['x-amz-version-id'] = versionId;
    const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
    const status = fields.get('success_action_status');
    if (redirect) {
      const url = new URL(redirect);
      url.searchParams.set('bucket', bucket.name);
      url.searchParams.set('key', key);
      url.searchParams.set('etag', quote(etag));
      send(call, 303, { ...headers, location: url.toString() });
    } else if (status === '201') {
      sendXml(
        call,
        201,
        doc(
          'PostResponse',
          el('Location', location) + el('Bucket', bucket.name) + el('Key', key) + el('ETag', quote(etag)),
        ),
        headers,
      );
    } else send(call, status === '200' ? 200 : 204, headers);
    notify(call, bucket, 'ObjectCreated:Post', key, {
      size: upload.size,
      eTag: etag,
      versionId: bucket.versioning === '' ? undefined : versionId,
    });
  } catch (err) {
    if (upload) await call.s3.files.removeTemp(upload.temp).catch(() => undefined);
    throw err;
  }
}
