import { jsonPath } from '../../apigateway/invoke/vtl.js';
import { REFERENCE } from '../control/mapping-checks.js';
import type { Incoming } from './events.js';
import { clf, headerValues, queryValues } from './events.js';
import type { Answer } from './responses.js';

/** The request an HTTP API integration sends once `RequestParameters` have been applied. */
export interface MappedRequest {
  inc: Incoming;
  /** `overwrite:path`, when mapped. */
  path?: string;
}

/** The request path without the stage (`$request.path`). */
function pathWithoutStage(inc: Incoming): string {
  if (inc.stage === '$default') return inc.path;
  const prefix = '/' + inc.stage;
  return inc.path.startsWith(prefix) ? inc.path.slice(prefix.length) || '/' : inc.path;
}

/** `$context.<name>` for parameter mappings. */
function contextValue(inc: Incoming, name: string): string | undefined {
  const hostEnd = inc.host.lastIndexOf(':');
  const domainName = hostEnd > 0 && !inc.host.endsWith(']') ? inc.host.slice(0, hostEnd) : inc.host;
  switch (name) {
    case 'accountId':
      return inc.account;
    case 'apiId':
      return inc.apiId;
    case 'requestId':
    case 'extendedRequestId':
    case 'awsEndpointRequestId':
      return inc.requestId;
    case 'domainName':
      return domainName;
    case 'domainPrefix':
      return domainName.split('.')[0];
    case 'httpMethod':
      return inc.method;
    case 'identity.sourceIp':
      return inc.sourceIp;
    case 'identity.userAgent':
      return headerValues(inc.rawHeaders).get('user-agent')?.values[0];
    case 'path':
      return inc.path;
    case 'protocol':
      return 'HTTP/1.1';
    case 'requestTime':
      return clf(inc.now);
    case 'requestTimeEpoch':
      return String(inc.now);
    case 'routeKey':
      return inc.routeKey;
    case 'stage':
      return inc.stage;
  }
  const a = inc.authorizer as Record<string, any> | undefined;
  if (name.startsWith('authorizer.claims.')) return str(a?.['jwt']?.['claims']?.[name.slice(18)]);
  if (name === 'authorizer.principalId')
    return str(a?.['lambda']?.['principalId'] ?? inc.authorizerV1?.['principalId']);
  if (name.startsWith('authorizer.')) return str(a?.['lambda']?.[name.slice(11)]);
  return undefined;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function bodyValue(body: Buffer, path: string | undefined): string | undefined {
  if (path === undefined) return body.toString('utf8');
  let root: unknown;
  try {
    // AWS truncates the body at 100 KB before applying a JSON path.
    root = JSON.parse(body.subarray(0, 100 * 1024).toString('utf8'));
  } catch {
    return undefined;
  }
  return str(jsonPath(root, path.startsWith('[') ? `$${path}` : `$.${path}`));
}

/** Evaluates a mapping value: a static string, one `$source` or a mix of `${source}`s. */
function evaluate(value: string, lookup: (ref: string) => string | undefined): string | undefined {
  let missing = 0;
  let refs = 0;
  const out = value.replace(REFERENCE, (_m, braced: string | undefined, bare: string | undefined) => {
    refs++;
    const v = lookup((braced ?? bare)!);
    if (v === undefined) missing++;
    return v ?? '';
  });
  return refs > 0 && missing === refs ? undefined : out;
}

function requestLookup(inc: Incoming): (ref: string) => string | undefined {
  let hv: ReturnType<typeof headerValues> | undefined;
  let qv: ReturnType<typeof queryValues> | undefined;
  return (ref) => {
    if (ref.startsWith('request.header.')) {
      hv ??= headerValues(inc.rawHeaders);
      return hv.get(ref.slice(15).toLowerCase())?.values.join(',');
    }
    if (ref.startsWith('request.querystring.')) {
      qv ??= queryValues(inc.rawQuery);
      return qv.get(ref.slice(20))?.join(',');
    }
    if (ref === 'request.body') return bodyValue(inc.body, undefined);
    if (ref.startsWith('request.body')) return bodyValue(inc.body, ref.slice(12).replace(/^\./, ''));
    if (ref === 'request.path') return pathWithoutStage(inc);
    if (ref.startsWith('request.path.')) return inc.pathParameters[ref.slice(13)];
    if (ref.startsWith('context.')) return contextValue(inc, ref.slice(8));
    if (ref.startsWith('stageVariables.')) return inc.stageVariables[ref.slice(15)];
    return undefined;
  };
}

/** The values of an AWS service integration's `RequestParameters` (each evaluated against the request). */
export function serviceParameters(params: Record<string, string>, inc: Incoming): Record<string, string> {
  const lookup = requestLookup(inc);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(params)) {
    const v = evaluate(String(raw), lookup);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');

/**
 * Applies an integration's `RequestParameters`: values are read from the original request, then
 * removes, overwrites and appends are applied (in that order) to headers, query string and path.
 */
export function mapRequest(params: Record<string, string>, inc: Incoming): MappedRequest {
  const lookup = requestLookup(inc);
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < inc.rawHeaders.length; i += 2) headers.push([inc.rawHeaders[i]!, inc.rawHeaders[i + 1]!]);
  const query: [string, string][] = [];
  for (const [k, vs] of queryValues(inc.rawQuery)) for (const v of vs) query.push([k, v]);
  let path: string | undefined;
  const ops: { action: string; where: string; name: string; value: string | undefined }[] = [];
  for (const [key, raw] of Object.entries(params)) {
    if (key === 'overwrite:path') {
      path = evaluate(raw, lookup) ?? path;
      continue;
    }
    const m = /^(append|overwrite|remove):(header|querystring)\.(.+)$/.exec(key);
    if (!m) continue;
    ops.push({ action: m[1]!, where: m[2]!, name: m[3]!, value: m[1] === 'remove' ? '' : evaluate(raw, lookup) });
  }
  const order = { remove: 0, overwrite: 1, append: 2 } as Record<string, number>;
  ops.sort((a, b) => order[a.action]! - order[b.action]!);
  for (const op of ops) {
    const list = op.where === 'header' ? headers : query;
    const same =
      op.where === 'header' ? (n: string) => n.toLowerCase() === op.name.toLowerCase() : (n: string) => n === op.name;
    if (op.action === 'remove' || (op.action === 'overwrite' && op.value !== undefined)) {
      for (let i = list.length - 1; i >= 0; i--) if (same(list[i]![0])) list.splice(i, 1);
    }
    if (op.action !== 'remove' && op.value !== undefined) list.push([op.name, op.value]);
  }
  const mapped: Incoming = {
    ...inc,
    rawHeaders: headers.flat(),
    rawQuery: query.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'),
  };
  if (path !== undefined) {
    if (!path.startsWith('/')) path = '/' + path;
    mapped.rawPath = path;
    mapped.path = path;
  }
  return path !== undefined ? { inc: mapped, path } : { inc: mapped };
}

/** Applies the `ResponseParameters` of the integration's status code to its answer. */
export function mapResponse(all: Record<string, Record<string, string>>, answer: Answer, inc: Incoming): Answer {
  const params = all[String(answer.status)];
  if (!params) return answer;
  let rh: Map<string, { name: string; values: string[] }> | undefined;
  const lookup = (ref: string): string | undefined => {
    if (ref.startsWith('response.header.')) {
      rh ??= headerValues(answer.headers.flat());
      return rh.get(ref.slice(16).toLowerCase())?.values.join(',');
    }
    if (ref === 'response.body') return answer.body.toString('utf8');
    if (ref.startsWith('response.body')) return bodyValue(answer.body, ref.slice(13).replace(/^\./, ''));
    if (ref.startsWith('context.')) return contextValue(inc, ref.slice(8));
    if (ref.startsWith('stageVariables.')) return inc.stageVariables[ref.slice(15)];
    return undefined;
  };
  const values = Object.entries(params).map(([key, raw]) => ({
    key,
    value: key.startsWith('remove:') ? '' : evaluate(raw, lookup),
  }));
  const headers = [...answer.headers];
  let status = answer.status;
  const order = (k: string) => (k.startsWith('remove:') ? 0 : k.startsWith('overwrite:') ? 1 : 2);
  values.sort((a, b) => order(a.key) - order(b.key));
  for (const { key, value } of values) {
    if (key === 'overwrite:statuscode') {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 100 && n <= 599) status = n;
      continue;
    }
    const m = /^(append|overwrite|remove):header\.(.+)$/.exec(key);
    if (!m) continue;
    const name = m[2]!.toLowerCase();
    if (m[1] === 'remove' || (m[1] === 'overwrite' && value !== undefined)) {
      for (let i = headers.length - 1; i >= 0; i--) if (headers[i]![0].toLowerCase() === name) headers.splice(i, 1);
    }
    if (m[1] !== 'remove' && value !== undefined) headers.push([m[2]!, value]);
  }
  return { ...answer, status, headers };
}
