import { createHash } from 'node:crypto';
import { expectedSignature } from './sigv4-verify.js';

export interface SignInput {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | Buffer;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  now: number;
}

/** Sign a request with SigV4 (header form); returns the headers to send. Used by our CLI and tests. */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = new Date(input.now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v])),
    host: input.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': createHash('sha256').update(input.body).digest('hex'),
  };
  const signedHeaders = Object.keys(headers).sort();
  const parts = {
    accessKeyId: input.accessKeyId,
    date: amzDate.slice(0, 8),
    region: input.region,
    service: input.service,
    signedHeaders,
    signature: '',
    amzDate,
    presigned: false,
  };
  const signature = expectedSignature(
    {
      method: input.method,
      rawPath: input.url.pathname,
      rawQuery: input.url.search.slice(1),
      headers,
      rawHeaders: [],
      body: typeof input.body === 'string' ? Buffer.from(input.body) : input.body,
    },
    parts,
    input.secretAccessKey,
  );
  headers['authorization'] =
    `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${parts.date}/${input.region}/${input.service}/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}
