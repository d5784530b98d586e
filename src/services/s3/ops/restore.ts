import type { Call } from '../context.js';
import { readSmallBody } from '../body.js';
import { S3Error, s3Errors } from '../errors.js';
import { childText, parseXml } from '../xml.js';
import { send } from '../respond.js';
import type { ObjectMeta } from '../storage/catalog.js';
import { requireBucket, requireKey } from './common.js';
import { findObject, notify, versionedEvent } from './objects.js';

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
  const body = (await readSmallBody(call.head, call.req, call.caller)).toString('utf8');
  const request = body.trim() === '' ? undefined : parseXml(body);
  if (request && request.name !== 'RestoreRequest') throw s3Errors.malformedXml();
  const row = await findObject(call, bucket, key, true);
  const meta = JSON.parse(row.meta) as ObjectMeta;
  const storageClass = meta.storageClass ?? 'STANDARD';
  if (!ARCHIVED.has(storageClass))
    throw new S3Error('InvalidObjectState', "Restore is not allowed for the object's current storage class", 403);
  send(call, 202, {});
  // Initiated and, there being nothing to wait for, completed: the copy lasts `Days` days, to the
  // next midnight UTC after (as S3 rounds it); 1 day when the request names none.
  const days = Number((request ? childText(request, 'Days') : undefined) ?? 1);
  const expiry = Math.ceil((call.now + days * DAY) / DAY) * DAY;
  const ids = versionedEvent(bucket, row);
  const restore = { expiry, storageClass };
  notify(call, bucket, 'ObjectRestore:Post', key, { ...ids, restore });
  notify(call, bucket, 'ObjectRestore:Completed', key, { ...ids, size: row.size, restore });
}

const DAY = 86_400_000;
