/** Names, references and digests of the registry, with the OCI distribution-spec grammar. */

/** Repository name (OCI grammar; ECR's `RepositoryName` uses the same pattern, 2–256 characters). */
export const NAME_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
export const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const UPLOAD_ID_RE = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

export type DigestAlgorithm = 'sha256' | 'sha512';

export function isName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && NAME_RE.test(name);
}

export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** A digest the registry can verify (sha256 or sha512, lower-case hex). */
export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

/** Anything shaped like `<algorithm>:<encoded>` (a reference that is meant as a digest). */
export function looksLikeDigest(value: string): boolean {
  return value.includes(':');
}

export function isUploadId(id: string): boolean {
  return UPLOAD_ID_RE.test(id);
}

export function algorithmOf(digest: string): DigestAlgorithm {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** Where a request addresses: `<account>.dkr.ecr.<region>.localhost` or the defaults. */
export function registryOfHost(hostname: string): { account: string; region: string } | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.(?:localhost|localhost\.localstack\.cloud|amazonaws\.com)$/.exec(
    hostname,
  );
  return m ? { account: m[1]!, region: m[2]! } : undefined;
}

/** `<account>.dkr.ecr.<region>.localhost:<port>`, the registry host of an account and region. */
export function registryHost(account: string, region: string, port: number): string {
  return `${account}.dkr.ecr.${region}.localhost:${port}`;
}
