import { signRequest } from '../../core/auth/sign.js';

/** What another service needs to read an object the way any AWS client would. */
export interface S3Caller {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
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
