import { signRequest } from '../../core/auth/sign.js';

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
 * GetObject through S3's public API on Overcast's own endpoint, signed as the caller: how Lambda
 * (Code.S3Bucket) and CloudFormation (code, layers, TemplateURL) read objects, as they do on AWS.
 */
export async function getObject(caller: S3Caller, bucket: string, key: string, versionId?: string): Promise<Buffer> {
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}${versionId ? `?versionId=${encodeURIComponent(versionId)}` : ''}`;
  const url = new URL(path, caller.endpoint);
  const headers = signRequest({
    method: 'GET',
    url,
    headers: {},
    body: '',
    region: caller.region,
    service: 's3',
    accessKeyId: caller.accessKeyId,
    secretAccessKey: caller.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    const raw = body.toString('utf8');
    throw new S3ObjectError(
      /<Code>([^<]+)<\/Code>/.exec(raw)?.[1] ?? 'Error',
      /<Message>([^<]*)<\/Message>/.exec(raw)?.[1] ?? raw,
      res.status,
    );
  }
  return body;
}
