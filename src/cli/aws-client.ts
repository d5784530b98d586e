import { signRequest } from '../core/auth/sign.js';

export interface ClientOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export class AwsCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A minimal signed awsJson client: the CLI talks to Overcast only through the AWS APIs. */
export async function callJson(
  options: ClientOptions,
  service: string,
  target: string,
  input: unknown,
  version: '1.0' | '1.1' = '1.0',
): Promise<any> {
  const url = new URL('/', options.endpoint);
  const body = JSON.stringify(input);
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    body,
    region: options.region,
    service,
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const json = text ? JSON.parse(text) : {};
  if (!res.ok) {
    const type = String(json.__type ?? 'Error');
    throw new AwsCallError(type.slice(type.indexOf('#') + 1), json.message ?? json.Message ?? text);
  }
  return json;
}
