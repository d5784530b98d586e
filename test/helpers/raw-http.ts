import { Agent, request } from 'node:http';
import { signRequest } from '../../src/core/auth/sign.js';
import { TEST_CREDENTIALS } from './server.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/** Send exactly these bytes and headers (no client-side normalisation beyond Host/Content-Length). */
export function rawSend(endpoint: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = req.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        agent,
        host: url.hostname,
        port: Number(url.port),
        method: req.method ?? 'POST',
        path: req.path ?? '/',
        headers: { ...req.headers, 'content-length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** SigV4-sign a DynamoDB JSON request with the project's own signer; returns the headers to send. */
export function signedDynamoHeaders(
  endpoint: string,
  target: string,
  body: string,
  extra: Record<string, string> = {},
  credentials: { accessKeyId: string; secretAccessKey: string } = TEST_CREDENTIALS,
): Record<string, string> {
  return signRequest({
    method: 'POST',
    url: new URL(endpoint + '/'),
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, ...extra },
    body,
    region: 'us-east-1',
    service: 'dynamodb',
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    now: Date.now(),
  });
}

/** POST a signed DynamoDB request (target like `DynamoDB_20120810.GetItem`) with a raw body string. */
export function dynamoRaw(
  endpoint: string,
  target: string,
  body: string,
  extra: Record<string, string> = {},
): Promise<RawResponse> {
  return rawSend(endpoint, { headers: signedDynamoHeaders(endpoint, target, body, extra), body });
}

export function closeRawAgent(): void {
  agent.destroy();
}
