import { pooledRandomBytes } from '../../../core/ids.js';
import type { IamIdentity } from './iam.js';

/** Everything the data plane knows about one request (event, templates, logs, authorizers). */
export interface InvokeRequest {
  apiId: string;
  account: string;
  region: string;
  stage: string;
  deploymentId: string;
  method: string;
  /** Path below the stage, decoded (`/pets/1`). */
  path: string;
  resourceId: string;
  resourcePath: string;
  /** [name, value] pairs as the client sent them (case kept). */
  rawHeaders: [string, string][];
  /** Repeated query keys in order. */
  query: [string, string][];
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string> | undefined;
  body: Buffer;
  isBinary: boolean;
  sourceIp: string;
  userAgent: string | undefined;
  requestId: string;
  extendedRequestId: string;
  requestTimeEpoch: number;
  domainName: string;
  apiKey?: string;
  apiKeyId?: string;
  authorizer?: Record<string, unknown>;
  /** The SigV4 caller of an AWS_IAM method. */
  iam?: IamIdentity;
  protocol: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `04/Mar/2020:19:15:17 +0000` */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** An extended request id in AWS's form (`JTHd9F2lIAMF_Kw=`). */
export function extendedRequestId(): string {
  return pooledRandomBytes(10).toString('base64').replace(/\//g, '_').replace(/\+/g, '-');
}

/** Single-value and multi-value maps of headers (case as sent, grouped case-insensitively; last value wins). */
export function headerMaps(
  raw: [string, string][],
): { headers: Record<string, string>; multi: Record<string, string[]> } | { headers: null; multi: null } {
  if (raw.length === 0) return { headers: null, multi: null };
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of raw) {
    const lower = name.toLowerCase();
    const key = names.get(lower) ?? name;
    names.set(lower, key);
    headers[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { headers, multi };
}

export function queryMaps(query: [string, string][]): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  if (query.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of query) {
    single[k] = v;
    (multi[k] ??= []).push(v);
  }
  return { single, multi };
}

export function identity(req: InvokeRequest): Record<string, unknown> {
  const id: Record<string, unknown> = {
    cognitoIdentityPoolId: null,
    accountId: null,
    cognitoIdentityId: null,
    caller: null,
    sourceIp: req.sourceIp,
    principalOrgId: null,
    accessKey: null,
    cognitoAuthenticationType: null,
    cognitoAuthenticationProvider: null,
    userArn: null,
    userAgent: req.userAgent ?? null,
    user: null,
  };
  if (req.iam) Object.assign(id, req.iam);
  if (req.apiKey !== undefined) {
    id['apiKey'] = req.apiKey;
    id['apiKeyId'] = req.apiKeyId;
  }
  return id;
}

/** The REST (payload 1.0) Lambda proxy event, as API Gateway builds it. */
export function proxyEvent(req: InvokeRequest): Record<string, unknown> {
  const { headers, multi } = headerMaps(req.rawHeaders);
  const q = queryMaps(req.query);
  const requestContext: Record<string, unknown> = {
    resourceId: req.resourceId,
    resourcePath: req.resourcePath,
    httpMethod: req.method,
    extendedRequestId: req.extendedRequestId,
    requestTime: requestTime(req.requestTimeEpoch),
    path: `/${req.stage}${req.path}`,
    accountId: req.account,
    protocol: req.protocol,
    stage: req.stage,
    domainPrefix: req.domainName.split('.')[0],
    requestTimeEpoch: req.requestTimeEpoch,
    requestId: req.requestId,
    identity: identity(req),
    domainName: req.domainName,
    deploymentId: req.deploymentId,
    apiId: req.apiId,
  };
  if (req.authorizer) requestContext['authorizer'] = req.authorizer;
  return {
    resource: req.resourcePath,
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders: multi,
    queryStringParameters: q.single,
    multiValueQueryStringParameters: q.multi,
    pathParameters: Object.keys(req.pathParameters).length > 0 ? req.pathParameters : null,
    stageVariables: req.stageVariables && Object.keys(req.stageVariables).length > 0 ? req.stageVariables : null,
    requestContext,
    body: req.body.length === 0 ? null : req.isBinary ? req.body.toString('base64') : req.body.toString('utf8'),
    isBase64Encoded: req.isBinary && req.body.length > 0,
  };
}

/** `$context` for mapping templates and access logs. */
export function contextVariables(req: InvokeRequest, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    accountId: req.account,
    apiId: req.apiId,
    authorizer: req.authorizer ?? {},
    deploymentId: req.deploymentId,
    domainName: req.domainName,
    domainPrefix: req.domainName.split('.')[0],
    extendedRequestId: req.extendedRequestId,
    httpMethod: req.method,
    identity: identity(req),
    path: `/${req.stage}${req.path}`,
    protocol: req.protocol,
    requestId: req.requestId,
    requestTime: requestTime(req.requestTimeEpoch),
    requestTimeEpoch: req.requestTimeEpoch,
    resourceId: req.resourceId,
    resourcePath: req.resourcePath,
    stage: req.stage,
    ...extra,
  };
}
