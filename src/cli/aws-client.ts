import { signRequest } from '../core/auth/sign.js';

export interface ClientOptions {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Where a CLI command finds Overcast, with one precedence for every command. */
export interface EndpointFlags {
  endpoint?: string | undefined;
  region?: string | undefined;
}

/**
 * The endpoint and signing identity of a CLI command: `--endpoint`, else OVERCAST_ENDPOINT, else
 * AWS_ENDPOINT_URL, else `http://127.0.0.1:<OVERCAST_PORT or 4566>`; `--region`, else AWS_REGION,
 * else AWS_DEFAULT_REGION, else us-east-1; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
 */
export function clientOptions(flags: EndpointFlags, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  return {
    endpoint:
      flags.endpoint ??
      env['OVERCAST_ENDPOINT'] ??
      env['AWS_ENDPOINT_URL'] ??
      `http://127.0.0.1:${env['OVERCAST_PORT'] ?? '4566'}`,
    region: flags.region ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1',
    accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? 'overcast',
    secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? 'overcast',
  };
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

/** A minimal signed restJson client (Lambda, Logs' JSON): method, path, JSON body; answers JSON and headers. */
export async function callRest(
  options: ClientOptions,
  service: string,
  method: string,
  path: string,
  input?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any; raw: string }> {
  const url = new URL(path, options.endpoint);
  const body = input === undefined ? '' : typeof input === 'string' ? input : JSON.stringify(input);
  const headers = signRequest({
    method,
    url,
    headers: { 'content-type': 'application/json', ...extraHeaders },
    body,
    region: options.region,
    service,
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    now: Date.now(),
  });
  const res = await fetch(url, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
  const raw = await res.text();
  let json: any = {};
  try {
    json = raw ? JSON.parse(raw) : {};
  } catch {
    json = raw;
  }
  if (!res.ok) {
    const code = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? 'Error';
    throw new AwsCallError(code, json?.Message ?? json?.message ?? raw);
  }
  return { status: res.status, headers: res.headers, body: json, raw };
}
