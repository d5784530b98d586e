import { signRequest } from '../../core/auth/sign.js';
import { childText, childrenNamed, parseXml } from './xml.js';

/** What another service needs to read an object the way any AWS client would. */
export interface S3Caller {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * How another service calls S3 as an account: with the account's configured access key when there
 * is one (`--auth enforce` checks it), else with the account id as the key (the default mode
 * derives the account from it).
 */
export function s3CallerFor(
  credentials: readonly { account: string; accessKeyId: string; secretAccessKey: string }[],
  endpoint: string,
  scope: { account: string; region: string },
): S3Caller {
  const cred = credentials.find((c) => c.account === scope.account);
  return {
    endpoint,
    region: scope.region,
    accessKeyId: cred?.accessKeyId ?? scope.account,
    secretAccessKey: cred?.secretAccessKey ?? 'overcast',
  };
}

export class S3ObjectError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * One object request through S3's public API on Overcast's own endpoint, signed as the caller
 * (payload hash included); S3's error answers come back as S3ObjectErrors.
 */
export async function requestObject(
  caller: S3Caller,
  method: 'GET' | 'PUT',
  bucket: string,
  key: string,
  options: { versionId?: string; body?: Buffer; query?: Record<string, string> } = {},
): Promise<Buffer> {
  const params = new URLSearchParams(options.query);
  if (options.versionId) params.set('versionId', options.versionId);
  const query = params.size > 0 ? `?${params.toString().replace(/\+/g, '%20')}` : '';
  const path = key === '' ? `/${bucket}` : `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const url = new URL(`${path}${query}`, caller.endpoint);
  const headers = signRequest({
    method,
    url,
    headers: {},
    body: options.body ?? '',
    region: caller.region,
    service: 's3',
    accessKeyId: caller.accessKeyId,
    secretAccessKey: caller.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, {
    method,
    headers,
    ...(options.body ? { body: Uint8Array.from(options.body) } : {}),
  });
  const answer = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    const raw = answer.toString('utf8');
    throw new S3ObjectError(
      /<Code>([^<]+)<\/Code>/.exec(raw)?.[1] ?? 'Error',
      /<Message>([^<]*)<\/Message>/.exec(raw)?.[1] ?? raw,
      res.status,
    );
  }
  return answer;
}

/**
 * GetObject through S3's public API, signed as the caller: how Lambda (Code.S3Bucket),
 * CloudFormation (code, layers, TemplateURL) and ECS (environment files) read objects, as on AWS.
 */
export function getObject(caller: S3Caller, bucket: string, key: string, versionId?: string): Promise<Buffer> {
  return requestObject(caller, 'GET', bucket, key, versionId ? { versionId } : {});
}

/** PutObject through S3's public API, signed as the caller: how DynamoDB's table exports write their files. */
export async function putObject(caller: S3Caller, bucket: string, key: string, body: Buffer | string): Promise<void> {
  await requestObject(caller, 'PUT', bucket, key, { body: typeof body === 'string' ? Buffer.from(body) : body });
}

/** One object of a listing: its key and size. */
export interface ListedObject {
  key: string;
  size: number;
}

/**
 * Every object under a prefix, in key order: ListObjectsV2 through S3's public API, signed as the
 * caller, page after page. How DynamoDB's ImportTable finds its source objects.
 */
export async function listObjects(caller: S3Caller, bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const query: Record<string, string> = { 'list-type': '2', prefix, 'encoding-type': 'url' };
    if (token) query['continuation-token'] = token;
    const result = parseXml((await requestObject(caller, 'GET', bucket, '', { query })).toString('utf8'));
    for (const c of childrenNamed(result, 'Contents')) {
      const key = childText(c, 'Key') ?? '';
      out.push({ key: decodeURIComponent(key.replace(/\+/g, '%20')), size: Number(childText(c, 'Size') ?? 0) });
    }
    token = childText(result, 'IsTruncated') === 'true' ? childText(result, 'NextContinuationToken') : undefined;
  } while (token);
  return out;
}
