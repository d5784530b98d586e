import { createHash } from 'node:crypto';

/**
 * KMS key ARNs as services that encrypt with KMS report them. Overcast has no KMS: a key is named,
 * not checked. A service's AWS-managed key (`alias/aws/<service>`) and any other alias stand for a
 * key of their own, whose id stays the same for the same name in an account and region.
 */

/** A key id that stays the same for the same name in an account and region (UUID-shaped). */
function keyIdFor(account: string, region: string, name: string): string {
  const h = createHash('sha256').update(`${account}/${region}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ARN of the key `id` names (a key id, a key ARN, an alias or an alias ARN), or of the
 * AWS-managed key `managedAlias` (e.g. `alias/aws/s3`) when `id` is undefined.
 */
export function kmsKeyArn(id: string | undefined, managedAlias: string, account: string, region: string): string {
  const keyArn = (keyId: string) => `arn:aws:kms:${region}:${account}:key/${keyId}`;
  if (id === undefined) return keyArn(keyIdFor(account, region, managedAlias));
  if (/^arn:aws[\w-]*:kms:[^:]*:\d{12}:key\//.test(id)) return id;
  const alias = /^(?:arn:aws[\w-]*:kms:[^:]*:\d{12}:)?(alias\/.+)$/.exec(id);
  if (alias) return keyArn(keyIdFor(account, region, alias[1]!));
  return keyArn(id);
}
