import type { Call } from '../context.js';
import { readSmallBody } from '../body.js';
import { S3Error, s3Errors } from '../errors.js';
import { send, sendXml } from '../respond.js';
import type { Bucket, ObjectMeta } from '../storage/catalog.js';
import { childText, doc, el, parseXml } from '../xml.js';
import { requireBucket, requireKey } from './common.js';
import { findObject } from './objects.js';
import { requireLockEnabled } from './lock-headers.js';

/**
 * Object Lock retention and legal hold of one object version (GET/PUT ?retention, ?legal-hold):
 * stored with the object and answered, not enforced (a locked version can still be deleted). On a
 * bucket without Object Lock, S3's InvalidRequest.
 */
function requireLockBucket(call: Call): Bucket {
  const bucket = requireBucket(call);
  requireLockEnabled(bucket);
  return bucket;
}

const noLock = (): S3Error =>
  new S3Error('NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', 404);

async function lockedObject(call: Call) {
  const bucket = requireLockBucket(call);
  const key = requireKey(call);
  const row = await findObject(call, bucket, key, true);
  return { bucket, key, row, meta: JSON.parse(row.meta) as ObjectMeta };
}

async function save(call: Call, target: Awaited<ReturnType<typeof lockedObject>>): Promise<void> {
  await call.s3.catalog.setObjectMeta(target.bucket.name, target.key, target.row.version_id, target.meta);
  const headers: Record<string, string> = {};
  if (target.bucket.versioning !== '') headers['x-amz-version-id'] = target.row.version_id;
  send(call, 200, headers);
}

export async function getObjectRetention(call: Call): Promise<void> {
  const { meta } = await lockedObject(call);
  if (!meta.retention) throw noLock();
  sendXml(call, 200, doc('Retention', el('Mode', meta.retention.mode) + el('RetainUntilDate', meta.retention.until)));
}

export async function putObjectRetention(call: Call): Promise<void> {
  requireLockBucket(call);
  const root = parseXml((await readSmallBody(call.head, call.req, call.caller)).toString('utf8'));
  const target = await lockedObject(call);
  if (root.name !== 'Retention') throw s3Errors.malformedXml();
  const mode = childText(root, 'Mode')?.trim();
  const until = childText(root, 'RetainUntilDate')?.trim();
  if ((mode === undefined) !== (until === undefined)) throw s3Errors.malformedXml();
  if (mode === undefined || until === undefined) {
    delete target.meta.retention;
    return save(call, target);
  }
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw s3Errors.malformedXml();
  const at = Date.parse(until);
  if (Number.isNaN(at)) throw s3Errors.malformedXml();
  if (at <= call.now) throw s3Errors.invalidArgument('The retain until date must be in the future!');
  target.meta.retention = { mode, until: new Date(at).toISOString() };
  return save(call, target);
}

export async function getObjectLegalHold(call: Call): Promise<void> {
  const { meta } = await lockedObject(call);
  if (!meta.legalHold) throw noLock();
  sendXml(call, 200, doc('LegalHold', el('Status', meta.legalHold)));
}

export async function putObjectLegalHold(call: Call): Promise<void> {
  requireLockBucket(call);
  const root = parseXml((await readSmallBody(call.head, call.req, call.caller)).toString('utf8'));
  const target = await lockedObject(call);
  const status = root.name === 'LegalHold' ? childText(root, 'Status')?.trim() : undefined;
  if (status !== 'ON' && status !== 'OFF') throw s3Errors.malformedXml();
  target.meta.legalHold = status;
  return save(call, target);
}
