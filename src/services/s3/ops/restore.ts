import type { Call } from '../context.js';
import { readSmallBody } from '../body.js';
import { S3Error } from '../errors.js';
import { send } from '../respond.js';
import type { ObjectMeta } from '../storage/catalog.js';
import { requireBucket, requireKey } from './common.js';
import { findObject } from './objects.js';

/** Storage classes whose objects S3 must restore before they can be read. */
const ARCHIVED = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * RestoreObject (POST ?restore). Overcast keeps every object readable, so an archived one (GLACIER,
 * DEEP_ARCHIVE storage class) is accepted (202) with nothing to wait for; any other storage class
 * gets S3's InvalidObjectState.
 */
export async function restoreObject(call: Call): Promise<void> {
  const bucket = requireBucket(call);
  const key = requireKey(call);
  await readSmallBody(call.head, call.req, call.caller);
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  if (!ARCHIVED.has(meta.storageClass ?? 'STANDARD'))
    throw new S3Error('InvalidObjectState', "Restore is not allowed for the object's current storage class", 403);
  send(call, 202, {});
}
