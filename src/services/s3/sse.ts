import { createHash, randomBytes } from 'node:crypto';
import type { RequestHead } from '../../core/http/mount.js';
import { kmsKeyArn } from '../../core/kms-keys.js';
import { S3Error, s3Errors } from './errors.js';
import type { Bucket, ObjectMeta } from './storage/catalog.js';
import { child, childText, childrenNamed, doc, el, parseXml } from './xml.js';

/**
 * Server-side encryption as S3 reports it. Overcast stores bytes as they are (there is nothing to
 * protect them from on a developer's disk) and keeps what an object was encrypted with: SSE-S3
 * (`AES256`), SSE-KMS (`aws:kms`), DSSE-KMS (`aws:kms:dsse`) with the key's ARN, or SSE-C with the
 * MD5 of the customer's key, which every read of the object must then present.
 */
export interface ObjectSse {
  /** Absent for SSE-C (S3 then answers no `x-amz-server-side-encryption`). */
  algorithm?: SseAlgorithm;
  /** SSE-KMS and DSSE-KMS: the key's ARN. */
  kmsKeyArn?: string;
  /** SSE-KMS with an S3 Bucket Key (answered only when true). */
  bucketKey?: true;
  /** The encryption context as sent (base64 JSON), answered by the write that set it. */
  context?: string;
  /** SSE-C: the base64 MD5 of the customer's key. */
  customerKeyMd5?: string;
}

export type SseAlgorithm = 'AES256' | 'aws:kms' | 'aws:kms:dsse';
const ALGORITHMS: readonly string[] = ['AES256', 'aws:kms', 'aws:kms:dsse'];

/** A bucket's default encryption (PutBucketEncryption), and whether it blocks SSE-C uploads. */
export interface BucketEncryption {
  algorithm: SseAlgorithm;
  kmsKeyId?: string;
  bucketKey: boolean;
  /** BlockedEncryptionTypes: `SSE-C` blocks uploads that name a customer key; `NONE` blocks nothing. */
  blocked: 'SSE-C' | 'NONE';
  /** Set by PutBucketEncryption (not S3's implicit default). */
  explicit: boolean;
}

/**
 * Since April 2026 a new general purpose bucket blocks SSE-C uploads until PutBucketEncryption
 * unblocks them (`BlockedEncryptionTypes` `NONE`).
 */
export const DEFAULT_ENCRYPTION: BucketEncryption = {
  algorithm: 'AES256',
  bucketKey: false,
  blocked: 'SSE-C',
  explicit: false,
};

const SSE = 'x-amz-server-side-encryption';
const KMS_KEY = 'x-amz-server-side-encryption-aws-kms-key-id';
const CONTEXT = 'x-amz-server-side-encryption-context';
const BUCKET_KEY = 'x-amz-server-side-encryption-bucket-key-enabled';
const CUSTOMER = 'x-amz-server-side-encryption-customer-';
const COPY_CUSTOMER = 'x-amz-copy-source-server-side-encryption-customer-';

/** The SSE-C headers of a request (under `prefix`), or undefined when it names none. */
interface CustomerKey {
  algorithm: string | undefined;
  key: string | undefined;
  md5: string | undefined;
}

function customerHeaders(head: RequestHead, prefix: string): CustomerKey | undefined {
  const h = head.headers;
  const algorithm = h[`${prefix}algorithm`];
  const key = h[`${prefix}key`];
  const md5 = h[`${prefix}key-md5`];
  return algorithm === undefined && key === undefined && md5 === undefined ? undefined : { algorithm, key, md5 };
}

const invalid = (message: string, value?: string): S3Error =>
  new S3Error('InvalidArgument', message, 400, {
    ArgumentName: SSE,
    ...(value !== undefined ? { ArgumentValue: value } : {}),
  });

const badAlgorithm = (value: string): S3Error =>
  new S3Error(
    'InvalidEncryptionAlgorithmError',
    'The Encryption request you specified is not valid. Supported value: AES256.',
    400,
    {
      ArgumentName: SSE,
      ArgumentValue: value,
    },
  );

/**
 * Checks a set of SSE-C headers as S3 does, in S3's order, and answers the key's MD5 (base64).
 * `read`: a wrong key on a read is the 403 of a key that does not match, not a malformed one.
 */
function checkCustomerKey(c: CustomerKey, read: boolean): string {
  if (c.algorithm !== undefined && c.algorithm !== 'AES256') throw badAlgorithm(c.algorithm);
  if (c.algorithm === undefined)
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.',
    );
  if (c.key === undefined || c.key === '')
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.',
    );
  if (c.md5 === undefined || c.md5 === '')
    throw invalid(
      'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.',
    );
  const key = Buffer.from(c.key, 'base64');
  const md5 = createHash('md5').update(key).digest('base64');
  if (key.length !== 32) {
    if (read) throw wrongKey();
    throw invalid('The secret key was invalid for the specified algorithm.');
  }
  if (md5 !== c.md5) throw invalid('The calculated MD5 hash of the key did not match the hash that was provided.');
  return md5;
}

const wrongKey = (): S3Error =>
  s3Errors.accessDenied(
    'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
  );

/** A KMS key id as S3 takes it (a key id, key ARN, alias or alias ARN), as the ARN it answers. */
function kmsKey(id: string | undefined, bucket: Bucket): string {
  if (id !== undefined) {
    const arn = /^arn:aws[\w-]*:kms:([^:]*):\d{12}:(?:key|alias)\/[\w/.-]+$/.exec(id);
    if (arn && arn[1] !== bucket.region) throw new S3Error('KMS.NotFoundException', `Invalid arn ${arn[1]}`, 400);
    const keyId = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
    if (!arn && !keyId.test(id) && !/^alias\/[\w/.-]+$/.test(id))
      throw new S3Error('KMS.NotFoundException', `Invalid keyId '${id}'`, 400);
  }
  return kmsKeyArn(id, 'alias/aws/s3', bucket.account, bucket.region);
}

/**
 * The encryption of an object a write creates (PutObject, CopyObject's destination,
 * CreateMultipartUpload, a form upload): what its headers ask for, else the bucket's default.
 * `action` names the write in the refusal of an SSE-C upload to a bucket that blocks them.
 */
export function sseForWrite(head: RequestHead, bucket: Bucket, key: string, action: string): ObjectSse {
  const h = head.headers;
  const defaults = bucketEncryption(bucket);
  const customer = customerHeaders(head, CUSTOMER);
  const requested = h[SSE];
  if (customer) {
    if (requested !== undefined)
      throw invalid(
        'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
        requested,
      );
    if (defaults.blocked === 'SSE-C')
      throw s3Errors.accessDenied(
        `User: arn:aws:iam::${bucket.account}:root is not authorized to perform: ${action} on resource: "arn:aws:s3:::${bucket.name}/${key}" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`,
      );
    return { customerKeyMd5: checkCustomerKey(customer, false) };
  }
  if (requested !== undefined && !ALGORITHMS.includes(requested))
    throw s3Errors.invalidArgument('The encryption method specified is not supported', SSE, requested);
  const algorithm = (requested ?? defaults.algorithm) as SseAlgorithm;
  const keyId = h[KMS_KEY];
  if (algorithm === 'AES256') {
    if (keyId !== undefined)
      throw s3Errors.invalidArgument(
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
        KMS_KEY,
        keyId,
      );
    return { algorithm };
  }
  const sse: ObjectSse = {
    algorithm,
    kmsKeyArn: kmsKey(keyId ?? (requested === undefined ? defaults.kmsKeyId : undefined), bucket),
  };
  // An S3 Bucket Key: as asked, else as the bucket's default rule has it (DSSE-KMS has none).
  const bucketKey = h[BUCKET_KEY] !== undefined ? h[BUCKET_KEY].toLowerCase() === 'true' : defaults.bucketKey;
  if (bucketKey && algorithm === 'aws:kms') sse.bucketKey = true;
  if (h[CONTEXT] !== undefined) sse.context = checkContext(h[CONTEXT]);
  return sse;
}

/** An encryption context: base64 of a JSON object of strings, as KMS takes it. */
function checkContext(value: string): string {
  let ok = /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0;
  if (ok) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
      ok =
        parsed !== null &&
        typeof parsed === 'object' &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every((v) => typeof v === 'string');
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw s3Errors.invalidArgument(
      `The header '${CONTEXT}' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map`,
      CONTEXT,
      value,
    );
  return value;
}

/** Records a new version's encryption in its metadata (SSE-S3, the default, is recorded as none). */
export function recordSse(meta: ObjectMeta, sse: ObjectSse): void {
  if (sse.algorithm === 'AES256') delete meta.sse;
  else meta.sse = sse;
}

/** Whether a write's own headers ask for an encryption (an in-place copy that does is a change). */
export function asksForEncryption(head: RequestHead): boolean {
  return head.headers[SSE] !== undefined || customerHeaders(head, CUSTOMER) !== undefined;
}

/** Whether two objects are encrypted alike (an object stored before Overcast kept this is SSE-S3). */
export function sameSse(a: ObjectSse | undefined, b: ObjectSse | undefined): boolean {
  const x = a ?? { algorithm: 'AES256' };
  const y = b ?? { algorithm: 'AES256' };
  return (
    x.algorithm === y.algorithm &&
    x.kmsKeyArn === y.kmsKeyArn &&
    x.bucketKey === y.bucketKey &&
    x.customerKeyMd5 === y.customerKeyMd5
  );
}

/**
 * The encryption headers of an answer about an object. `withContext`: the write that set the
 * context answers it (PutObject, CopyObject, CreateMultipartUpload); `withCustomer` false:
 * CompleteMultipartUpload, which answers nothing of SSE-C.
 */
export function sseHeaders(
  sse: ObjectSse | undefined,
  opts: { withContext?: boolean; withCustomer?: boolean } = {},
): Record<string, string> {
  if (sse?.customerKeyMd5 !== undefined) {
    if (opts.withCustomer === false) return {};
    return { [`${CUSTOMER}algorithm`]: 'AES256', [`${CUSTOMER}key-md5`]: sse.customerKeyMd5 };
  }
  const out: Record<string, string> = { [SSE]: sse?.algorithm ?? 'AES256' };
  if (sse?.kmsKeyArn !== undefined) out[KMS_KEY] = sse.kmsKeyArn;
  if (sse?.bucketKey) out[BUCKET_KEY] = 'true';
  if (opts.withContext && sse?.context !== undefined) out[CONTEXT] = sse.context;
  return out;
}

/**
 * A read of an object (GET, HEAD, GetObjectAttributes) or of a copy's source (`copySource`):
 * an SSE-C object needs its key, and SSE-C headers for any other object are refused.
 */
export function checkSseRead(head: RequestHead, sse: ObjectSse | undefined, copySource = false): void {
  const customer = customerHeaders(head, copySource ? COPY_CUSTOMER : CUSTOMER);
  if (!copySource && head.headers[SSE] !== undefined)
    throw s3Errors.invalidArgument(`${SSE} header is not supported for this operation.`, SSE, head.headers[SSE]);
  if (sse?.customerKeyMd5 === undefined) {
    if (customer) throw s3Errors.invalidRequest('The encryption parameters are not applicable to this object.');
    return;
  }
  if (!customer)
    throw s3Errors.invalidRequest(
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
  if (checkCustomerKey(customer, true) !== sse.customerKeyMd5) throw wrongKey();
}

/**
 * UploadPart (and UploadPartCopy's destination) of an upload: SSE-C parts carry the upload's key,
 * and parts of any other upload carry none.
 */
export function checkPartSse(head: RequestHead, upload: ObjectSse | undefined): void {
  const customer = customerHeaders(head, CUSTOMER);
  const mismatch = () =>
    s3Errors.invalidRequest(
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
    );
  if (upload?.customerKeyMd5 === undefined) {
    if (customer) throw mismatch();
    return;
  }
  if (!customer) throw mismatch();
  if (checkCustomerKey(customer, false) !== upload.customerKeyMd5)
    throw s3Errors.invalidRequest('The provided encryption parameters did not match the ones used originally.');
}

/**
 * The ETag of a single-part write: the MD5 of the bytes for SSE-S3; for SSE-KMS, DSSE-KMS and
 * SSE-C, S3's ETag is not an MD5 of the data, so a digest of that MD5 and a random salt stands for it.
 */
export function etagFor(sse: ObjectSse | undefined, md5: Buffer): string {
  if (sse === undefined || sse.algorithm === 'AES256') return md5.toString('hex');
  return createHash('md5').update(md5).update(randomBytes(16)).digest('hex');
}

// ---- bucket default encryption

/** A bucket's default encryption: set by PutBucketEncryption, else S3's implicit default. */
export function bucketEncryption(bucket: Bucket): BucketEncryption {
  const c = bucket.config;
  if (c.encryption === undefined && c.raw?.['encryption'] !== undefined) {
    // Stored as sent by an Overcast before this was read: taken as S3 takes it, when it can be.
    try {
      c.encryption = parseBucketEncryption(c.raw['encryption'], DEFAULT_ENCRYPTION);
    } catch {
      c.encryption = DEFAULT_ENCRYPTION;
    }
  }
  return c.encryption ?? DEFAULT_ENCRYPTION;
}

/**
 * A PutBucketEncryption body, checked as S3 checks it: one rule; a known algorithm; a KMS key only
 * for a KMS algorithm. A rule without BlockedEncryptionTypes keeps the bucket's current setting.
 */
export function parseBucketEncryption(xml: string, current: BucketEncryption): BucketEncryption {
  const root = parseXml(xml);
  if (root.name !== 'ServerSideEncryptionConfiguration') throw s3Errors.malformedXml();
  const rules = childrenNamed(root, 'Rule');
  if (rules.length !== 1) throw s3Errors.malformedXml();
  const rule = rules[0]!;
  const byDefault = child(rule, 'ApplyServerSideEncryptionByDefault');
  const algorithm = byDefault ? childText(byDefault, 'SSEAlgorithm')?.trim() : 'AES256';
  if (algorithm === undefined || !ALGORITHMS.includes(algorithm)) throw s3Errors.malformedXml();
  const kmsKeyId = byDefault ? childText(byDefault, 'KMSMasterKeyID')?.trim() : undefined;
  if (kmsKeyId !== undefined && algorithm === 'AES256')
    throw new S3Error(
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
      400,
      { ArgumentName: 'ApplyServerSideEncryptionByDefault' },
    );
  const bucketKey = childText(rule, 'BucketKeyEnabled')?.trim();
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw s3Errors.malformedXml();
  let blocked = current.blocked;
  const types = child(rule, 'BlockedEncryptionTypes');
  if (types) {
    const names = childrenNamed(types, 'EncryptionType').map((t) => t.text.trim());
    if (names.length === 0 || names.some((n) => n !== 'NONE' && n !== 'SSE-C')) throw s3Errors.malformedXml();
    blocked = names.includes('SSE-C') ? 'SSE-C' : 'NONE';
  }
  return {
    algorithm: algorithm as SseAlgorithm,
    ...(kmsKeyId ? { kmsKeyId } : {}),
    bucketKey: bucketKey === 'true',
    blocked,
    explicit: true,
  };
}

/** GetBucketEncryption's answer. */
export function bucketEncryptionXml(e: BucketEncryption): string {
  return doc(
    'ServerSideEncryptionConfiguration',
    '<Rule><ApplyServerSideEncryptionByDefault>' +
      el('SSEAlgorithm', e.algorithm) +
      (e.kmsKeyId !== undefined ? el('KMSMasterKeyID', e.kmsKeyId) : '') +
      '</ApplyServerSideEncryptionByDefault>' +
      `<BlockedEncryptionTypes>${el('EncryptionType', e.blocked)}</BlockedEncryptionTypes>` +
      el('BucketKeyEnabled', e.bucketKey) +
      '</Rule>',
  );
}

/** DeleteBucketEncryption: back to SSE-S3; whether SSE-C is blocked stays as it was. */
export function resetBucketEncryption(current: BucketEncryption): BucketEncryption {
  return { ...DEFAULT_ENCRYPTION, blocked: current.blocked };
}
