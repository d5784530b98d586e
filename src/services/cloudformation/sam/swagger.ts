// A small Swagger 2.0 / OpenAPI 3 editor for REST APIs, shaped like the translator's SwaggerEditor.
import { isObj, SamError, type Obj } from './util.js';

export const ANY = 'x-amazon-apigateway-any-method';
export const INTEGRATION = 'x-amazon-apigateway-integration';
const ALL_METHODS = ['OPTIONS', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];
const EXCLUDED = ['summary', 'description', 'parameters'];

export const normMethod = (m: string): string => {
  const l = m.toLowerCase();
  return l === 'any' ? ANY : l;
};

export const isValidSwagger = (d: unknown): d is Obj => isObj(d) && isObj(d.paths) && !!(d.swagger || d.openapi);

export const skeleton = (): Obj => ({
  swagger: '2.0',
  info: { version: '1.0', title: { Ref: 'AWS::StackName' } },
  paths: {},
});

/** Path items of a path, looking through Fn::If. */
export function conditional(v: unknown): Obj[] {
  if (isObj(v) && Array.isArray(v['Fn::If']))
    return (v['Fn::If'] as unknown[]).slice(1).filter((x) => isObj(x) && x.Ref !== 'AWS::NoValue') as Obj[];
  return isObj(v) ? [v] : [];
}

export function addPath(doc: Obj, path: string, method: string): void {
  const m = normMethod(method);
  const paths = doc.paths as Obj;
  paths[path] ??= {};
  for (const item of conditional(paths[path])) item[m] ??= {};
}

export function hasIntegration(doc: Obj, path: string, method: string): boolean {
  const m = normMethod(method);
  for (const item of conditional((doc.paths as Obj)[path]))
    for (const def of conditional(item[m])) if (isObj(def[INTEGRATION])) return true;
  return false;
}

export function* methodsOf(doc: Obj, path: string, onlyIntegrated = true): Generator<[string, Obj]> {
  for (const item of conditional((doc.paths as Obj)[path]))
    for (const [name, m] of Object.entries(item)) {
      if (EXCLUDED.includes(name)) continue;
      for (const def of conditional(m)) {
        if (onlyIntegrated && !isObj(def[INTEGRATION])) continue;
        yield [normMethod(name), def];
      }
    }
}

export function methodDefs(doc: Obj, path: string, method: string): Obj[] {
  const m = normMethod(method);
  const out: Obj[] = [];
  for (const item of conditional((doc.paths as Obj)[path])) for (const def of conditional(item[m])) out.push(def);
  return out;
}

export function addLambdaIntegration(
  doc: Obj,
  path: string,
  method: string,
  uri: unknown,
  methodAuth: Obj,
  apiAuth: Obj,
  condition?: string,
  mode?: string,
): void {
  const m = normMethod(method);
  addPath(doc, path, m);
  const cond = (v: unknown): unknown => (condition ? { 'Fn::If': [condition, v, { Ref: 'AWS::NoValue' }] } : v);
  for (const item of conditional((doc.paths as Obj)[path])) {
    const def = item[m] as Obj;
    const integ: Obj = { type: 'aws_proxy', httpMethod: 'POST', uri: cond(uri) };
    if (mode === 'RESPONSE_STREAM') integ.responseTransferMode = 'STREAM';
    if (
      methodAuth.Authorizer === 'AWS_IAM' ||
      (apiAuth.DefaultAuthorizer === 'AWS_IAM' && Object.keys(methodAuth).length === 0)
    ) {
      let mr = methodAuth.InvokeRole;
      if (!mr && 'InvokeRole' in methodAuth) mr = 'NONE';
      let ar = apiAuth.InvokeRole;
      if (!ar && 'InvokeRole' in apiAuth) ar = 'NONE';
      const role = mr || ar;
      const creds = role && role !== 'CALLER_CREDENTIALS' ? role : 'arn:aws:iam::*:user/*';
      if (creds !== 'NONE') integ.credentials = creds;
    }
    def[INTEGRATION] = integ;
    def.responses ??= {};
    if (condition) item[m] = cond(def);
  }
}

export function addCors(
  doc: Obj,
  path: string,
  origin: unknown,
  headers?: unknown,
  methods?: unknown,
  maxAge?: unknown,
  creds?: unknown,
): void {
  for (const item of conditional((doc.paths as Obj)[path])) {
    if ('options' in item) continue;
    let allowed = methods;
    if (!allowed) {
      const keys = Object.keys(item);
      const list = keys.includes(ANY) ? ALL_METHODS : [...keys, 'options'];
      allowed = `'${[...new Set(list.map((k) => k.toUpperCase()))].sort().join(',')}'`;
    }
    const params: Obj = { 'method.response.header.Access-Control-Allow-Origin': origin };
    const hdrs: Obj = { 'Access-Control-Allow-Origin': { type: 'string' } };
    if (headers) {
      params['method.response.header.Access-Control-Allow-Headers'] = headers;
      hdrs['Access-Control-Allow-Headers'] = { type: 'string' };
    }
    params['method.response.header.Access-Control-Allow-Methods'] = allowed;
    hdrs['Access-Control-Allow-Methods'] = { type: 'string' };
    if (maxAge !== undefined && maxAge !== null) {
      params['method.response.header.Access-Control-Max-Age'] = maxAge;
      hdrs['Access-Control-Max-Age'] = { type: 'integer' };
    }
    if (creds === true) {
      params['method.response.header.Access-Control-Allow-Credentials'] = "'true'";
      hdrs['Access-Control-Allow-Credentials'] = { type: 'string' };
    }
    item.options = {
      summary: 'CORS support',
      consumes: ['application/json'],
      produces: ['application/json'],
      [INTEGRATION]: {
        type: 'mock',
        requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
        responses: {
          default: { statusCode: '200', responseParameters: params, responseTemplates: { 'application/json': '{}\n' } },
        },
      },
      responses: { '200': { description: 'Default response for CORS method', headers: hdrs } },
    };
  }
}

export function securityDefs(doc: Obj): Obj {
  if (!isObj(doc.securityDefinitions)) doc.securityDefinitions = {};
  return doc.securityDefinitions as Obj;
}

export function addAwsIamDef(doc: Obj): void {
  const s = securityDefs(doc);
  s.AWS_IAM ??= { 'x-amazon-apigateway-authtype': 'awsSigv4', type: 'apiKey', name: 'Authorization', in: 'header' };
}

export function addApiKeyDef(doc: Obj): void {
  const s = securityDefs(doc);
  s.api_key ??= { type: 'apiKey', name: 'x-api-key', in: 'header' };
}

export function setPathDefaultAuthorizer(
  doc: Obj,
  path: string,
  def: string,
  authorizers: Obj,
  preflight: boolean,
): void {
  for (const [name, m] of methodsOf(doc, path)) {
    if (!preflight && name === 'options') continue;
    const names = new Set(['AWS_IAM', ...Object.keys(authorizers ?? {})]);
    const existing: Obj[] = Array.isArray(m.security) ? m.security : [];
    const nonAuth: Obj[] = [];
    const auth: Obj[] = [];
    for (const s of existing) {
      if (!isObj(s))
        throw new SamError(
          undefined,
          `${pyStr(s)} in Security for path ${path} method ${name} is not a valid dictionary.`,
          'template',
        );
      (Object.keys(s).some((k) => names.has(k)) ? auth : nonAuth).push(s);
    }
    const noneIdx = nonAuth.findIndex((s) => 'NONE' in s);
    let authSec: Obj[] = [];
    if (noneIdx > -1) nonAuth.splice(noneIdx, 1);
    else if (auth.length) authSec = auth;
    else authSec = [{ [def]: scopesOf(authorizers, def) }];
    const sec = [...nonAuth, ...authSec];
    if (sec.length) {
      m.security = sec;
      if ('AWS_IAM' in sec[0]!) addAwsIamDef(doc);
    }
  }
}

function scopesOf(authorizers: Obj, name: string): unknown[] {
  const a = authorizers?.[name];
  return isObj(a) && Array.isArray(a.AuthorizationScopes) ? a.AuthorizationScopes : [];
}

export function setPathDefaultApiKey(doc: Obj, path: string, preflight: boolean): void {
  for (const [name, m] of methodsOf(doc, path)) {
    const existing: Obj[] = Array.isArray(m.security) ? m.security : [];
    const nonKey: Obj[] = [];
    const key: Obj[] = [];
    for (const s of existing) ('api_key' in s || 'api_key_false' in s ? key : nonKey).push(s);
    let keySec: Obj[] = [];
    const fi = key.findIndex((s) => 'api_key_false' in s);
    if (fi > -1) key.splice(fi, 1);
    else keySec = [{ api_key: [] }];
    let sec = [...nonKey, ...keySec];
    if (name === 'options' && !preflight) sec = nonKey;
    if (JSON.stringify(sec) !== JSON.stringify(existing)) m.security = sec;
  }
}

export function addAuthToMethod(doc: Obj, path: string, method: string, auth: Obj, api: Obj): void {
  const authorizer = auth.Authorizer;
  const scopes = auth.AuthorizationScopes;
  const authorizers = isObj(api.Auth) ? api.Auth.Authorizers : undefined;
  if (authorizer) {
    for (const m of methodDefs(doc, path, method)) {
      const entry: Obj = { [authorizer]: [] };
      const existing: Obj[] = Array.isArray(m.security) ? m.security : [];
      if (authorizer !== 'NONE' && isObj(authorizers)) {
        const a = authorizers[authorizer];
        let s = isObj(a) ? a.AuthorizationScopes : undefined;
        if (scopes !== undefined) s = scopes;
        if (a !== undefined && s !== undefined) entry[authorizer] = s;
      }
      m.security = [...existing, entry];
      if ('AWS_IAM' in m.security[0]) addAwsIamDef(doc);
    }
  }
  if (auth.ApiKeyRequired !== undefined) {
    for (const m of methodDefs(doc, path, method)) {
      const existing: Obj[] = Array.isArray(m.security) ? m.security : [];
      if (auth.ApiKeyRequired) {
        addApiKeyDef(doc);
        m.security = [...existing, { api_key: [] }];
      } else m.security = [...existing, { api_key_false: [] }];
    }
  }
}

/** The translator's get_path_without_trailing_slash: `{param}`, `{param+}` and `{proxy+}` become `*`. */
export const pathNoTrailingSlash = (p: string): string =>
  p.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, '*');

const docError = (m: string): SamError => new SamError(undefined, m, 'template');

/** Python's `str()` of a parsed YAML value, as the translator's messages print them. */
function pyStr(v: unknown, nested = false): string {
  if (typeof v === 'string') return nested ? `'${v}'` : v;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => pyStr(x, true)).join(', ')}]`;
  if (isObj(v))
    return `{${Object.entries(v)
      .map(([k, x]) => `'${k}': ${pyStr(x, true)}`)
      .join(', ')}}`;
  return String(v);
}
const POLICY = 'x-amazon-apigateway-policy';

/** Deep equality of JSON values (key order ignored), as Python's `==` on dicts and lists. */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && same(a[k], b[k]));
  }
  return a === b;
}

function policyOf(doc: Obj): Obj {
  const cur = doc[POLICY];
  return isObj(cur) && Object.keys(cur).length ? cur : {};
}

/** Append statements to the policy's Statement (a single statement stays a map, as the translator leaves it). */
function appendStatements(policy: Obj, statements: Obj[], dedupe: boolean): void {
  policy.Version = '2012-10-17';
  if (policy.Statement === undefined || policy.Statement === null) {
    policy.Statement = statements.length === 1 && !dedupe ? statements[0] : statements;
    return;
  }
  const list: unknown[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  for (const s of statements) if (!dedupe || !list.some((x) => same(x, s))) list.push(s);
  policy.Statement = list;
}

/** `execute-api:/${__Stage__}/METHOD/path` for every method of a path (the resource list of a statement). */
function methodResources(doc: Obj, path: string, stage: unknown): Obj[] {
  const methods: string[] = [];
  for (const item of conditional((doc.paths as Obj)[path])) methods.push(...Object.keys(item));
  const p = path.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, '*');
  return methods.map((m) => {
    const method = m.toLowerCase() === ANY || m.toLowerCase() === 'any' ? '*' : m.toUpperCase();
    return { 'Fn::Sub': [`execute-api:/\${__Stage__}/${method}${p}`, { __Stage__: stage }] };
  });
}

/** The translator's SwaggerEditor.add_resource_policy: account, IP and VPC allow/deny lists for one path. */
export function addResourcePolicy(doc: Obj, rp: Obj, path: string, stage: unknown): void {
  const policy = policyOf(doc);
  const resources = (): Obj[] => methodResources(doc, path, stage);
  const iam = (list: unknown, effect: string): void => {
    if (!list || (Array.isArray(list) && !list.length) || (isObj(list) && !Object.keys(list).length)) return;
    if (!isObj(list) && !Array.isArray(list)) throw docError(`Type of '${String(list)}' must be a list or dictionary`);
    const principals = Array.isArray(list) ? list : [list];
    const st = { Effect: effect, Action: 'execute-api:Invoke', Resource: resources(), Principal: { AWS: principals } };
    if (policy.Statement === undefined || policy.Statement === null) {
      policy.Version = '2012-10-17';
      policy.Statement = st;
    } else appendStatements(policy, [st], false);
  };
  const allowDeny = (resource: Obj[], condition: Obj): void => {
    const allow = { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: resource, Principal: '*' };
    const deny = { ...allow, Effect: 'Deny', Condition: condition };
    if (policy.Statement === undefined || policy.Statement === null) {
      policy.Version = '2012-10-17';
      policy.Statement = [allow, deny];
    } else appendStatements(policy, [allow, deny], true);
  };
  const ip = (list: unknown, conditional: string): void => {
    if (!list || (Array.isArray(list) && !list.length)) return;
    allowDeny(resources(), { [conditional]: { 'aws:SourceIp': Array.isArray(list) ? list : [list] } });
  };
  const vpc = (strings: unknown, vpcs: unknown, vpces: unknown, conditional: string, resource: Obj[]): void => {
    const cond: Obj = {};
    if (Array.isArray(strings)) {
      const v = strings.filter((e) => typeof e === 'string' && e.startsWith('vpc-'));
      const ve = strings.filter((e) => typeof e === 'string' && e.startsWith('vpce-'));
      if (v.length) (cond['aws:SourceVpc'] ??= []).push(...v);
      if (ve.length) (cond['aws:SourceVpce'] ??= []).push(...ve);
    }
    if (vpcs !== undefined && vpcs !== null) (cond['aws:SourceVpc'] ??= []).push(...(vpcs as unknown[]));
    if (vpces !== undefined && vpces !== null) (cond['aws:SourceVpce'] ??= []).push(...(vpces as unknown[]));
    if (!cond['aws:SourceVpc']?.length && !cond['aws:SourceVpce']?.length) return;
    allowDeny(resource, { [conditional]: cond });
  };
  const resolved = (l: unknown): boolean => !Array.isArray(l) || l.every((x) => typeof x === 'string');
  iam(rp.AwsAccountWhitelist, 'Allow');
  iam(rp.AwsAccountBlacklist, 'Deny');
  ip(rp.IpRangeWhitelist, 'NotIpAddress');
  ip(rp.IpRangeBlacklist, 'IpAddress');
  if (!resolved(rp.SourceVpcBlacklist))
    throw docError(
      'SourceVpcBlacklist must be a list of strings. Use IntrinsicVpcBlacklist instead for values that use Intrinsic Functions',
    );
  const list = resources();
  vpc(rp.SourceVpcBlacklist, rp.IntrinsicVpcBlacklist, rp.IntrinsicVpceBlacklist, 'StringEquals', list);
  if (!resolved(rp.SourceVpcWhitelist))
    throw docError(
      'SourceVpcWhitelist must be a list of strings. Use IntrinsicVpcWhitelist instead for values that use Intrinsic Functions',
    );
  vpc(rp.SourceVpcWhitelist, rp.IntrinsicVpcWhitelist, rp.IntrinsicVpceWhitelist, 'StringNotEquals', list);
  doc[POLICY] = policy;
}

/** `ResourcePolicy.CustomStatements`, appended without duplicates. */
export function addCustomStatements(doc: Obj, statements: unknown): void {
  if (statements === undefined || statements === null) return;
  const policy = policyOf(doc);
  policy.Version = '2012-10-17';
  if (policy.Statement === undefined || policy.Statement === null) policy.Statement = statements;
  else {
    const list: unknown[] = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const s of Array.isArray(statements) ? statements : [statements])
      if (!list.some((x) => same(x, s))) list.push(s);
    policy.Statement = list;
  }
  doc[POLICY] = policy;
}
