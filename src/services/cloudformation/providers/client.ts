import { S3ObjectError, getObject } from '../../s3/object-client.js';
import { signRequest } from '../../../core/auth/sign.js';

/** An error a service answered; its code and message go into the resource's failure reason. */
export class ServiceCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The signed HTTP clients resource providers call services with, exactly as CloudFormation calls
 * AWS: over the public API of Overcast's own endpoint, SigV4-signed as the stack's account (in the
 * default `accept` auth mode a 12-digit access key id names the account).
 */
export class AwsClient {
  constructor(
    private readonly endpoint: () => string,
    readonly account: string,
    readonly region: string,
    /** The key to sign with: the caller's own under `--auth enforce`; the account id otherwise. */
    private readonly credentials: { accessKeyId: string; secretAccessKey: string } = {
      accessKeyId: account,
      secretAccessKey: 'overcast-cloudformation',
    },
  ) {}

  private async send(service: string, method: string, path: string, body: string, headers: Record<string, string>) {
    const url = new URL(path, this.endpoint());
    const signed = signRequest({
      method,
      url,
      headers,
      body,
      region: this.region,
      service,
      accessKeyId: this.credentials.accessKeyId,
      secretAccessKey: this.credentials.secretAccessKey,
      now: Date.now(),
    });
    const res = await fetch(url, {
      method,
      headers: signed,
      ...(method === 'GET' || method === 'HEAD' || (method === 'DELETE' && !body) ? {} : { body }),
    });
    const raw = await res.text();
    let json: any = {};
    try {
      json = raw ? JSON.parse(raw) : {};
    } catch {
      json = { message: raw };
    }
    return { res, json, raw };
  }

  /** awsJson 1.0/1.1 (DynamoDB, Logs, ECR, ECS). */
  async json(service: string, target: string, input: unknown, version: '1.0' | '1.1' = '1.0'): Promise<any> {
    const { res, json } = await this.send(service, 'POST', '/', JSON.stringify(input ?? {}), {
      'content-type': `application/x-amz-json-${version}`,
      'x-amz-target': target,
    });
    if (!res.ok) {
      const type = String(json.__type ?? res.headers.get('x-amzn-errortype') ?? 'Error');
      throw new ServiceCallError(
        type.slice(type.indexOf('#') + 1).split(':')[0]!,
        json.message ?? json.Message ?? '',
        res.status,
      );
    }
    return json;
  }

  /** The endpoint providers (and functions called back) reach Overcast at. */
  get base(): string {
    return this.endpoint();
  }

  /** Lambda Invoke (RequestResponse): the payload and the function error, if any. */
  async invoke(functionName: string, payload: unknown): Promise<{ functionError?: string; payload: string }> {
    const { res, raw, json } = await this.send(
      'lambda',
      'POST',
      `/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
      JSON.stringify(payload),
      {
        'content-type': 'application/json',
      },
    );
    if (!res.ok) {
      const code = (res.headers.get('x-amzn-errortype') ?? 'Error').split(':')[0]!;
      throw new ServiceCallError(code, json.Message ?? json.message ?? raw, res.status);
    }
    const fe = res.headers.get('x-amz-function-error');
    return { ...(fe ? { functionError: fe } : {}), payload: raw };
  }

  /** A raw signed request (S3's REST-XML): status and body text; throws on an error status. */
  async raw(
    service: string,
    method: string,
    path: string,
    body = '',
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    const { res, raw } = await this.send(service, method, path, body, headers);
    if (!res.ok) {
      const code = /<Code>([^<]+)<\/Code>/.exec(raw)?.[1] ?? 'Error';
      const message = /<Message>([^<]*)<\/Message>/.exec(raw)?.[1] ?? raw;
      throw new ServiceCallError(code, message, res.status);
    }
    return { status: res.status, body: raw };
  }

  /** S3 GetObject: the object's bytes (Lambda code and layers in S3, TemplateURL). */
  async s3Object(bucket: string, key: string, versionId?: string): Promise<Buffer> {
    try {
      return await getObject(
        { endpoint: this.endpoint(), region: this.region, ...this.credentials },
        bucket,
        key,
        versionId,
      );
    } catch (err) {
      if (err instanceof S3ObjectError) throw new ServiceCallError(err.code, err.message, err.status);
      throw err;
    }
  }

  /** The query protocol (CloudFormation itself, for nested stacks): the XML answer. */
  async query(service: string, action: string, version: string, params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: version, ...params }).toString();
    const { res, raw } = await this.send(service, 'POST', '/', body, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    if (!res.ok) {
      const code = /<Code>([^<]+)<\/Code>/.exec(raw)?.[1] ?? 'Error';
      const message = /<Message>([^<]*)<\/Message>/.exec(raw)?.[1] ?? raw;
      throw new ServiceCallError(code, unescapeXml(message), res.status);
    }
    return raw;
  }

  /** restJson (Lambda, API Gateway v1 and v2). */
  async rest(
    service: string,
    method: string,
    path: string,
    input?: unknown,
    query?: Record<string, string | undefined>,
  ): Promise<any> {
    let p = path;
    const q = Object.entries(query ?? {}).filter(([, v]) => v !== undefined) as [string, string][];
    if (q.length) p += `?${new URLSearchParams(q).toString()}`;
    const body = input === undefined ? '' : JSON.stringify(input);
    const { res, json, raw } = await this.send(service, method, p, body, { 'content-type': 'application/json' });
    if (!res.ok) {
      const code = (res.headers.get('x-amzn-errortype') ?? json.__type ?? json.code ?? 'Error')
        .split(':')[0]
        .split('#')
        .pop();
      throw new ServiceCallError(code, json.Message ?? json.message ?? raw, res.status);
    }
    return json;
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ServiceCallError && (e.status === 404 || /NotFound/.test(e.code));
}

/** Run a delete call, treating "already gone" as success (CloudFormation does). */
export async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export function unescapeXml(s: string): string {
  return s.replace(
    /&(lt|gt|quot|apos|amp);/g,
    (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!,
  );
}
