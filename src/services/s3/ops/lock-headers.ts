import type { Call } from '../context.js';
import { s3Errors } from '../errors.js';
import type { Bucket, ObjectMeta } from '../storage/catalog.js';

/** S3's InvalidRequest unless the bucket was created with (or given) Object Lock. */
export function requireLockEnabled(bucket: Bucket): void {
  if (!bucket.config.raw?.['object-lock']?.includes('<ObjectLockEnabled>Enabled</ObjectLockEnabled>'))
    throw s3Errors.invalidRequest('Bucket is missing Object Lock Configuration');
}

/**
 * The retention and legal hold a PutObject asks for with its `x-amz-object-lock-*` headers, checked
 * as S3 checks them (stored with the object; not enforced).
 */
export function lockFromHeaders(call: Call, bucket: Bucket): Pick<ObjectMeta, 'retention' | 'legalHold'> {
  const h = call.head.headers;
  const mode = h['x-amz-object-lock-mode'];
  const until = h['x-amz-object-lock-retain-until-date'];
  const hold = h['x-amz-object-lock-legal-hold'];
  if (mode === undefined && until === undefined && hold === undefined) return {};
  requireLockEnabled(bucket);
  const out: Pick<ObjectMeta, 'retention' | 'legalHold'> = {};
  if (mode !== undefined || until !== undefined) {
    if (mode === undefined || until === undefined)
      throw s3Errors.invalidArgument(
        'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
      );
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
      throw s3Errors.invalidArgument('Unknown wormMode directive.', 'x-amz-object-lock-mode', mode);
    const at = Date.parse(until);
    if (Number.isNaN(at))
      throw s3Errors.invalidArgument(
        'The retain until date must be provided in ISO 8601 format',
        'x-amz-object-lock-retain-until-date',
        until,
      );
    if (at <= call.now) throw s3Errors.invalidArgument('The retain until date must be in the future!');
    out.retention = { mode, until: new Date(at).toISOString() };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF')
      throw s3Errors.invalidArgument(
        "Legal Hold must be either of 'ON' or 'OFF'",
        'x-amz-object-lock-legal-hold',
        hold,
      );
    out.legalHold = hold;
  }
  return out;
}
