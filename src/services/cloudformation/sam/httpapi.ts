// AWS::Serverless::HttpApi → ApiGatewayV2 Api (OpenAPI body), $default stage, authorizers; HttpApi events.
import { httpApiDomain } from './domain.js';
import type { Ctx } from './context.js';
import type { FnTarget } from './events.js';
import { s3Location } from './function.js';
import { conditional, normMethod } from './swagger.js';
import { clone, getAtt, hashedId, invalid, isIntrinsic, isObj, ref, refId, type Obj } from './util.js';

const INTEGRATION = 'x-amazon-apigateway-integration';
const ANY = 'x-amazon-apigateway-any-method';
export const httpSkeleton = (): Obj => ({
  openapi: '3.0.1',
  info: { version: '1.0', title: { Ref: 'AWS::StackName' } },
  paths: {},
});
const isValid = (d: unknown): d is Obj => isObj(d) && isObj(d.paths) && typeof d.openapi === 'string';

export function implicitHttpApi(resources: Obj): void {
  const api: Obj = {
    Type: 'AWS::Serverless::HttpApi',
    Properties: { DefinitionBody: httpSkeleton(), __MANAGE_SWAGGER: true },
  };
  let used = false;
  const conds: (string | undefined)[] = [];
  for (const res of Object.values(resources)) {
    if (
      !isObj(res) ||
      res.Type !== 'AWS::Serverless::Function' ||
      !isObj(res.Properties) ||
      !isObj(res.Properties.Events)
    )
      continue;
    for (const ev of Object.values(res.Properties.Events)) {
      if (!isObj(ev) || ev.Type !== 'HttpApi') continue;
      const p = (ev.Properties ??= {}) as Obj;
      if (p.ApiId === undefined) {
        p.ApiId = { Ref: 'ServerlessHttpApi' };
        used = true;
        conds.push(res.Condition);
      }
      const apiId = refId(p.ApiId);
      const target =
        apiId === 'ServerlessHttpApi' && !resources.ServerlessHttpApi ? api : apiId ? resources[apiId] : undefined;
      // The event's RouteSettings join the API's (before Globals apply), under `METHOD /path` or the path for ANY.
      if (p.RouteSettings !== undefined && isObj(target)) {
        const path = p.Path ?? (p.Method === undefined ? '$default' : undefined);
        const method = p.Method ?? (p.Path === undefined ? 'x-amazon-apigateway-any-method' : undefined);
        if (typeof path === 'string' && typeof method === 'string') {
          const route = method === 'x-amazon-apigateway-any-method' ? path : `${method.toUpperCase()} ${path}`;
          const tp: Obj = (target.Properties ??= {});
          const all: Obj = isObj(tp.RouteSettings) ? tp.RouteSettings : {};
          const settings =
            typeof res.Condition === 'string'
              ? { 'Fn::If': [res.Condition, p.RouteSettings, { Ref: 'AWS::NoValue' }] }
              : p.RouteSettings;
          all[route] = { ...(isObj(all[route]) ? all[route] : {}), ...(isObj(settings) ? settings : {}) };
          tp.RouteSettings = all;
        }
      }
      if (
        !isObj(target) ||
        !isObj(target.Properties) ||
        !target.Properties.__MANAGE_SWAGGER ||
        !isValid(target.Properties.DefinitionBody)
      )
        continue;
      const path = p.Path ?? '$default';
      const method = p.Method ?? 'x-amazon-apigateway-any-method';
      const paths = target.Properties.DefinitionBody.paths as Obj;
      paths[path] ??= {};
      for (const item of conditional(paths[path])) item[normMethod(method)] ??= {};
    }
  }
  if (used && !resources.ServerlessHttpApi) {
    const cs = [...new Set(conds)];
    if (cs.length === 1 && cs[0]) api.Condition = cs[0];
    resources.ServerlessHttpApi = api;
  }
}

/** The translator's is_integration_function_logical_id_match for `$default` / any method. */
function defaultRouteIs(doc: Obj, fnId: string): boolean {
  const paths = isObj(doc.paths) ? doc.paths : {};
  const item = paths['$default'];
  if (!isObj(item)) return false;
  const defs = conditional(item)
    .map((i) => i[ANY])
    .flatMap((d) => conditional(d));
  if (!defs.some((d) => isObj(d[INTEGRATION]))) return false;
  for (const d of defs) {
    const uri = isObj(d[INTEGRATION]) ? d[INTEGRATION].uri : undefined;
    if (!isObj(uri)) return false;
    for (const u of conditional(uri)) {
      const arn = typeof u['Fn::Sub'] === 'string' ? u['Fn::Sub'] : '';
      const m = /([A-Za-z0-9]+\.Arn)/.exec(arn);
      if (!m || m[1]!.split('.Arn')[0] !== fnId) return false;
    }
  }
  return true;
}

export function httpApiEvent(ctx: Ctx, fnId: string, name: string, p: Obj, t: FnTarget, fnRes: Obj): void {
  const apiId = refId(p.ApiId);
  const api = apiId ? ctx.resources[apiId] : undefined;
  if (!apiId || !isObj(api) || api.Type !== 'AWS::Serverless::HttpApi')
    throw invalid(
      fnId,
      `Event with id [${name}] is invalid. ApiId must be a valid reference to an 'AWS::Serverless::HttpApi' resource in same template.`,
    );
  const method = p.Method === undefined ? ANY : normMethod(p.Method);
  const path = p.Path ?? '$default';
  const m = method === ANY ? 'ANY' : method.toUpperCase();
  // As the translator: `$default` gives `/*`; ANY on an explicit `/$default` path keeps that path.
  let pth = path.replace(/^(.+)\/$/, '$1');
  if (pth === '$default') pth = '';
  pth = pth.replace(/\{([a-zA-Z0-9._-]+|[a-zA-Z0-9._-]+\+|proxy\+)\}/g, '*');
  const rawAny = typeof p.Method === 'string' && p.Method.toLowerCase() === 'any';
  const resource =
    rawAny && pth === '/$default'
      ? `\${__ApiId__}/\${__Stage__}${pth}`
      : `\${__ApiId__}/\${__Stage__}/${m === 'ANY' ? '*' : m}${pth}`;
  // A `$default` route already integrated with this function covers every path: no extra permission.
  const covered =
    path !== '$default' && isObj(api.Properties?.DefinitionBody) && defaultRouteIs(api.Properties.DefinitionBody, fnId);
  if (!covered)
    ctx.add(`${fnId}${name}Permission`, {
      Type: 'AWS::Lambda::Permission',
      ...t.pass,
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: t.target,
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Sub': [
            `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:${resource}`,
            { __ApiId__: p.ApiId, __Stage__: '*' },
          ],
        },
      },
    });
  const props = api.Properties as Obj;
  if (props.DefinitionBody === undefined || props.DefinitionBody === null || !isValid(props.DefinitionBody)) return;
  const doc = clone(props.DefinitionBody) as Obj;
  const arn = t.aliasId ? `\${${t.aliasId}}` : `\${${fnId}.Arn}`;
  const uri = {
    'Fn::Sub': `arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
  };
  const cond = fnRes.Condition as string | undefined;
  const paths = doc.paths as Obj;
  const integrated = (): boolean => {
    if (!(path in paths)) return false;
    const items = conditional(paths[path]);
    return items.every((item) => isObj(item[method]) && conditional(item[method]).some((d) => !!d[INTEGRATION]));
  };
  if (props.__MANAGE_SWAGGER && integrated())
    throw invalid(
      fnId,
      `Event with id [${name}] is invalid. API method '${p.Method ?? method}' defined multiple times for path '${path}'.`,
    );
  // The translator's OpenApiEditor.add_lambda_integration: only where there is no integration yet.
  if (!integrated()) {
    paths[path] ??= {};
    for (const item of conditional(paths[path])) {
      const def: Obj = isObj(item[method]) ? item[method] : {};
      def[INTEGRATION] = {
        type: 'aws_proxy',
        httpMethod: 'POST',
        payloadFormatVersion: '2.0',
        uri: cond ? { 'Fn::If': [cond, uri, ref('AWS::NoValue')] } : uri,
      };
      if (path === '$default' && method === ANY) def.isDefaultRoute = true;
      def.responses ??= {};
      item[method] = cond ? { 'Fn::If': [cond, def, ref('AWS::NoValue')] } : def;
    }
  }
  /** Method definitions at path+method that have an integration (through Fn::If). */
  const defs = (): Obj[] =>
    conditional(paths[path])
      .flatMap((item) => conditional(item[method]))
      .filter((d) => !!d[INTEGRATION]);
  if (isObj(p.Auth) && Object.keys(p.Auth).length) {
    const apiAuth: Obj = isObj(props.Auth) ? props.Auth : {};
    let a = p.Auth.Authorizer;
    if (!a) {
      if (apiAuth.DefaultAuthorizer) a = apiAuth.DefaultAuthorizer;
      else
        throw invalid(
          fnId,
          `Event with id [${name}] is invalid. 'Auth' section requires either an explicit 'Authorizer' set or a 'DefaultAuthorizer' configured on the HttpApi.`,
        );
    }
    const authorizers = apiAuth.Authorizers;
    const iam = apiAuth.EnableIamAuthorizer === true;
    const where = `on API method [${p.Method ?? method}] for path [${path}]`;
    if (a === 'NONE') {
      if (!apiAuth.DefaultAuthorizer)
        throw invalid(
          fnId,
          `Event with id [${name}] is invalid. Unable to set Authorizer ${where} because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
        );
    } else if (!(a === 'AWS_IAM' && iam)) {
      if (typeof a !== 'string' || !isObj(authorizers))
        throw invalid(
          fnId,
          `Event with id [${name}] is invalid. Unable to set Authorizer [${a}] ${where}${typeof a === 'string' ? ' because the related API does not define any Authorizers.' : '. The method authorizer must be a string with a corresponding dict entry in the api authorizer.'}`,
        );
      if (!authorizers[a])
        throw invalid(
          fnId,
          `Event with id [${name}] is invalid. Unable to set Authorizer [${a}] ${where} because it wasn't defined in the API's Authorizers.`,
        );
    }
    const scopes = p.Auth.AuthorizationScopes;
    if (scopes && !Array.isArray(scopes))
      throw invalid(
        fnId,
        `Event with id [${name}] is invalid. Unable to set Authorizer ${where} because 'AuthorizationScopes' must be a list of strings.`,
      );
    for (const d of defs()) {
      const entry: Obj = { [a]: [] };
      if (a !== 'NONE' && a !== 'AWS_IAM') {
        const def = isObj(authorizers) ? authorizers[a] : undefined;
        let s2 = isObj(def) ? def.AuthorizationScopes : undefined;
        if (Array.isArray(scopes) && scopes.length) s2 = scopes;
        if (def && s2 && (!Array.isArray(s2) || s2.length)) entry[a] = s2;
      }
      const existing: unknown[] = Array.isArray(d.security) ? d.security : [];
      d.security = [...existing, entry];
    }
  }
  if (p.TimeoutInMillis) for (const d of defs()) d[INTEGRATION].timeoutInMillis = p.TimeoutInMillis;
  const params = [...path.matchAll(/\{(.*?)\}/g)].map((x) => x[1]!);
  if (params.length)
    for (const d of defs()) {
      const list: Obj[] = (d.parameters ??= []);
      for (const prm of params) {
        const ex = list.find((x) => x.name === prm);
        if (ex) Object.assign(ex, { in: 'path', required: true });
        else list.push({ name: prm, in: 'path', required: true });
      }
    }
  if (p.PayloadFormatVersion) for (const d of defs()) d[INTEGRATION].payloadFormatVersion = p.PayloadFormatVersion;
  props.DefinitionBody = doc;
}

export function translateHttpApi(ctx: Ctx, id: string, res: Obj): void {
  const p: Obj = res.Properties ?? {};
  const pass = ctx.passthrough(res);
  if (p.DefinitionUri !== undefined && p.DefinitionBody !== undefined)
    throw invalid(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
  const body: Obj | undefined = p.DefinitionBody === undefined ? undefined : clone(p.DefinitionBody);
  const cors = ctx.params.resolve(p.CorsConfiguration);
  if (cors !== undefined && cors !== false) {
    if (!body) throw invalid(id, "Cors works only with inline OpenApi specified in 'DefinitionBody' property.");
    let c: Obj;
    if (cors === true) c = { AllowOrigins: ['*'] };
    else if (isIntrinsic(cors)) c = { AllowOrigins: cors };
    else if (isObj(cors)) c = cors;
    else throw invalid(id, "Invalid value for 'Cors' property.");
    const cc: Obj = isObj(body['x-amazon-apigateway-cors']) ? body['x-amazon-apigateway-cors'] : {};
    const map: [string, string][] = [
      ['AllowOrigins', 'allowOrigins'],
      ['AllowHeaders', 'allowHeaders'],
      ['AllowMethods', 'allowMethods'],
      ['ExposeHeaders', 'exposeHeaders'],
    ];
    if (c.AllowOrigins && isIntrinsic(c.AllowOrigins)) {
      // As the translator does: the intrinsic's JSON with the property names camel-cased, merged in.
      let text = JSON.stringify(c.AllowOrigins);
      for (const k of ['allowOrigins', 'allowHeaders', 'allowMethods', 'exposeHeaders', 'maxAge', 'allowCredentials'])
        text = text.split(k[0]!.toUpperCase() + k.slice(1)).join(k);
      Object.assign(cc, JSON.parse(text));
    } else {
      for (const [k, v] of map) if (c[k]) cc[v] = c[k];
      if (c.MaxAge !== undefined) cc.maxAge = c.MaxAge;
      if (c.AllowCredentials === true) cc.allowCredentials = true;
    }
    body['x-amazon-apigateway-cors'] = cc;
  }
  const auth = p.Auth as Obj | undefined;
  const permissions: [string, Obj][] = [];
  const region = String(ctx.params.resolve({ Ref: 'AWS::Region' }) ?? '');
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  if (auth) {
    if (!body) throw invalid(id, "Auth works only with inline OpenApi specified in the 'DefinitionBody' property.");
    const authorizers: Obj = {};
    if (auth.EnableIamAuthorizer === true)
      authorizers.AWS_IAM = {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'awsSigv4',
      };
    for (const [name, a] of Object.entries(isObj(auth.Authorizers) ? auth.Authorizers : {})) {
      if (!isObj(a)) continue;
      if (a.JwtConfiguration !== undefined || (a.IdentitySource !== undefined && !a.FunctionArn)) {
        authorizers[name] = {
          type: 'oauth2',
          'x-amazon-apigateway-authorizer': {
            // The OpenAPI extension wants lower-case keys; the translator lower-cases them.
            jwtConfiguration: isObj(a.JwtConfiguration)
              ? Object.fromEntries(Object.entries(a.JwtConfiguration).map(([k, v]) => [k.toLowerCase(), v]))
              : a.JwtConfiguration,
            identitySource: a.IdentitySource,
            type: 'jwt',
          },
        };
      } else if (a.FunctionArn) {
        const az: Obj = {
          type: 'request',
          authorizerUri: {
            'Fn::Sub': [
              `arn:${partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${__FunctionArn__}/invocations`,
              { __FunctionArn__: a.FunctionArn },
            ],
          },
        };
        if (a.FunctionInvokeRole && a.FunctionInvokeRole !== 'NONE') az.authorizerCredentials = a.FunctionInvokeRole;
        if (isObj(a.Identity)) {
          if (a.Identity.ReauthorizeEvery !== undefined) az.authorizerResultTtlInSeconds = a.Identity.ReauthorizeEvery;
          const src: string[] = [];
          for (const [pre, k] of [
            ['$request.header.', 'Headers'],
            ['$request.querystring.', 'QueryStrings'],
            ['$stageVariables.', 'StageVariables'],
            ['$context.', 'Context'],
          ] as const)
            if (Array.isArray(a.Identity[k])) src.push(...a.Identity[k].map((v: string) => pre + v));
          az.identitySource = src;
        }
        az.authorizerPayloadFormatVersion = a.AuthorizerPayloadFormatVersion;
        if (a.EnableSimpleResponses) az.enableSimpleResponses = a.EnableSimpleResponses;
        authorizers[name] = { type: 'apiKey', name: 'Unused', in: 'header', 'x-amazon-apigateway-authorizer': az };
        if (a.EnableFunctionDefaultPermissions)
          permissions.push([
            `${id}${name}AuthorizerPermission`,
            {
              Type: 'AWS::Lambda::Permission',
              ...pass,
              Properties: {
                Action: 'lambda:InvokeFunction',
                FunctionName: a.FunctionArn,
                Principal: 'apigateway.amazonaws.com',
                SourceArn: {
                  'Fn::Sub': [
                    'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*',
                    { __ApiId__: ref(id) },
                  ],
                },
              },
            },
          ]);
      } else
        throw invalid(
          id,
          `${name} Authorizer must specify Identity with at least one of Headers, QueryStrings, StageVariables, or Context.`,
        );
    }
    if (Object.keys(authorizers).length) {
      const comp: Obj = (body.components ??= {});
      comp.securitySchemes = { ...(isObj(comp.securitySchemes) ? comp.securitySchemes : {}), ...authorizers };
    }
    const def = auth.DefaultAuthorizer;
    if (def && !(isObj(def) && def.Ref === 'AWS::NoValue')) {
      if (!authorizers[def])
        throw invalid(id, `Unable to set DefaultAuthorizer because '${def}' was not defined in 'Authorizers'.`);
      const a = isObj(auth.Authorizers) ? auth.Authorizers[def] : undefined;
      const scopes = isObj(a) && Array.isArray(a.AuthorizationScopes) ? a.AuthorizationScopes : [];
      for (const item of Object.values(body.paths as Obj))
        for (const it of conditional(item))
          for (const [mn, m] of Object.entries(it)) {
            if (mn === 'parameters' || mn === 'options') continue;
            for (const d of conditional(m)) if (isObj(d[INTEGRATION]) && !d.security) d.security = [{ [def]: scopes }];
          }
    }
  }
  let tags: Obj | undefined = p.Tags;
  if (body && isValid(body)) {
    tags = { ...(isObj(p.Tags) ? p.Tags : {}), 'httpapi:createdBy': 'SAM' };
    const list: Obj[] = Array.isArray(body.tags) ? body.tags : [];
    for (const [k, v] of Object.entries(tags)) {
      const ex = list.find((x) => x.name === k);
      if (ex) ex['x-amazon-apigateway-tag-value'] = v;
      else list.push({ name: k, 'x-amazon-apigateway-tag-value': v });
    }
    body.tags = list;
  }
  const out: Obj = {};
  if (p.FailOnWarnings) out.FailOnWarnings = p.FailOnWarnings;
  if (p.DisableExecuteApiEndpoint !== undefined) {
    if (!body) throw invalid(id, "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.");
    const servers: Obj[] = Array.isArray(body.servers) ? body.servers : [{}];
    for (const s of servers)
      (s['x-amazon-apigateway-endpoint-configuration'] ??= {}).disableExecuteApiEndpoint = p.DisableExecuteApiEndpoint;
    body.servers = servers;
  }
  if (
    body &&
    p.Name !== undefined &&
    isObj(body.info) &&
    JSON.stringify(body.info.title) === JSON.stringify({ Ref: 'AWS::StackName' })
  )
    body.info.title = p.Name;
  if (p.Description !== undefined) {
    if (!body)
      throw invalid(id, "Description works only with inline OpenApi specified in the 'DefinitionBody' property.");
    if (body.info?.description)
      throw invalid(
        id,
        "Unable to set Description because it is already defined within inline OpenAPI specified in the 'DefinitionBody' property.",
      );
    (body.info ??= {}).description = p.Description;
  }
  if (p.FailOnWarnings && body && isObj(body.paths) && '$default' in body.paths) {
    body.paths['/$default'] = body.paths.$default;
    delete body.paths.$default;
  }
  if (p.DefinitionUri !== undefined)
    out.BodyS3Location = s3Location(id, 'DefinitionUri', p.DefinitionUri, ['Bucket', 'Key', 'Version']);
  else if (body) out.Body = body;
  else
    throw invalid(
      id,
      "'DefinitionUri' or 'DefinitionBody' are required properties of an 'AWS::Serverless::HttpApi'. Add a value for one of these properties or add a 'HttpApi' event to an 'AWS::Serverless::Function'.",
    );
  ctx.add(id, { Type: 'AWS::ApiGatewayV2::Api', ...ctx.attributes(res), Properties: out });
  if (p.Domain !== undefined && p.Domain !== null) httpApiDomain(ctx, id, ctx.params.resolve(p.Domain), pass);
  for (const [pid, perm] of permissions) ctx.add(pid, perm);
  const stageName = p.StageName ?? (id === 'ServerlessHttpApi' || !p.StageName ? '$default' : p.StageName);
  const prefix = typeof stageName === 'string' ? stageName : '';
  const stageId = /^[A-Za-z0-9]+$/.test(prefix)
    ? `${id}${prefix}Stage`
    : prefix === '$default'
      ? `${id}ApiGatewayDefaultStage`
      : hashedId(`${id}Stage`, prefix);
  const st: Obj = { ApiId: ref(id), StageName: stageName };
  for (const k of ['StageVariables', 'AccessLogSettings', 'DefaultRouteSettings']) if (p[k] !== undefined) st[k] = p[k];
  if (tags !== undefined) st.Tags = tags;
  st.AutoDeploy = true;
  if (p.RouteSettings !== undefined) st.RouteSettings = p.RouteSettings;
  ctx.add(stageId, { Type: 'AWS::ApiGatewayV2::Stage', ...pass, Properties: st });
  // The translator propagates the HttpApi's Tags to its DomainName whenever DefinitionBody is used.
  if (tags !== undefined && p.DefinitionBody !== undefined)
    for (const g of ctx.generatedBy(id)) {
      const r = ctx.out[g] as Obj;
      if (r?.Type === 'AWS::ApiGatewayV2::DomainName') r.Properties.Tags = tags;
    }
  void getAtt;
}
