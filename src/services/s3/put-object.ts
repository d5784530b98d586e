import { signRequest } from '../../core/auth/sign.js';
import { S3ObjectError } from './get-object.js';
import type { S3Caller } from './get-object.js';

/**
 * PutObject through S3's public API on Overcast's own endpoint, signed as the caller (payload hash
 * included): how DynamoDB's table exports write their files, as they do on AWS. S3's answer
 * (NoSuchBucket, AccessDenied, …) comes back as an S3ObjectError.
 */
export async function putObject(caller: S3Caller, bucket: string, key: string, body: Buffer | string): Promise<void> {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  const url = new URL(`/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`, caller.endpoint);
  const headers = signRequest({
    method: 'PUT',
    url,
    headers: {},
    body: data,
    region: caller.region,
    service: 's3',
    accessKeyId: caller.accessKeyId,
    secretAccessKey: caller.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, {
    method: 'PUT',
    headers,
    body: Uint8Array.from(data),
  });
  if (!res.ok) {
    const raw = await res.text();
    throw new S3ObjectError(
      /<Code>([^<]+)<\/Code>/.exec(raw)?.[1] ?? 'Error',
      /<Message>([^<]*)<\/Message>/.exec(raw)?.[1] ?? raw,
      res.status,
    );
  }
  await res.arrayBuffer();
}
