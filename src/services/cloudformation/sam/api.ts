// AWS::Serverless::Api → RestApi (+ swagger body), Deployment (hashed id), Stage, authorizer permissions,
// usage plans; and the Api event source's permission and swagger integration.
import { restApiDomain } from './domain.js';
import type { Ctx } from './context.js';
import * as sw from './swagger.js';
import {
  clone,
  getAtt,
  hashedId,
  invalid,
  isIntrinsic,
  isObj,
  pyJson,
  ref,
  refId,
  SamError,
  sha1,
  tagList,
  type Obj,
} from './util.js';
import { s3Location } from './function.js';

const OPENAPI3 = /^3\.\d+(\.\d+)?$/;
const AUTH_KEYS = ['Authorizers', 'DefaultAuthorizer', 'InvokeRole', 'AddDefaultAuthorizerToCorsPreflight', 'ApiKeyRequired', 'ResourcePolicy', 'UsagePlan', 'AddApiKeyRequiredToCorsPreflight']; // prettier-ignore
const CORS_KEYS = ['AllowMethods', 'AllowHeaders', 'AllowOrigin', 'MaxAge', 'AllowCredentials'];

export interface EventTarget {
  target: Obj;
  functionId: string;
  pass: Obj;
}

export function lambdaUri(id: string, isAlias: boolean, mode?: string, partition = 'aws'): Obj {
  const arn = !isAlias ? `\${${id}.Arn}` : `\${${id}}`;
  const path = mode === 'RESPONSE_STREAM' ? '2021-11-15/functions' : '2015-03-31/functions';
  const suffix = mode === 'RESPONSE_STREAM' ? 'response-streaming-invocations' : 'invocations';
  return { 'Fn::Sub': `arn:${partition}:apigateway:\${AWS::Region}:lambda:path/${path}/${arn}/${suffix}` };
}

/** Implicit REST API plugin: create ServerlessRestApi and add the paths of events without RestApiId. */
export function implicitRestApi(resources: Obj): void {
  const api: Obj = {
    Type: 'AWS::Serverless::Api',
    Properties: { StageName: 'Prod', DefinitionBody: sw.skeleton(), __MANAGE_SWAGGER: true },
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
      if (!isObj(ev) || ev.Type !== 'Api') continue;
      const p = (ev.Properties ??= {}) as Obj;
      if (p.RestApiId === undefined) p.RestApiId = { Ref: 'ServerlessRestApi' };
      const apiId = refId(p.RestApiId);
      const target = apiId === 'ServerlessRestApi' ? api : apiId ? resources[apiId] : undefined;
      if (apiId === 'ServerlessRestApi') {
        used = true;
        conds.push(res.Condition);
      }
      if (!isObj(target) || !isObj(target.Properties) || !target.Properties.__MANAGE_SWAGGER) continue;
      if (!sw.isValidSwagger(target.Properties.DefinitionBody)) continue;
      if (typeof p.Path === 'string' && typeof p.Method === 'string')
        sw.addPath(target.Properties.DefinitionBody, p.Path, p.Method);
    }
  }
  // As the translator: once events use the implicit API, it replaces a resource of the same name.
  if (used) {
    const cs = [...new Set(conds)];
    if (cs.length === 1 && cs[0]) api.Condition = cs[0];
    resources.ServerlessRestApi = api;
  }
}

/** Default definition body plugin: an Api without DefinitionBody/DefinitionUri gets a managed skeleton. */
export function defaultDefinitionBody(resources: Obj): void {
  for (const res of Object.values(resources)) {
    if (!isObj(res)) continue;
    if (res.Type === 'AWS::Serverless::Api' || res.Type === 'AWS::Serverless::HttpApi') {
      if (!isObj(res.Properties)) res.Properties = {};
      const p = res.Properties;
      if (p.DefinitionBody === undefined && p.DefinitionUri === undefined) {
        p.DefinitionBody =
          res.Type === 'AWS::Serverless::Api'
            ? sw.skeleton()
            : { openapi: '3.0.1', info: { version: '1.0', title: { Ref: 'AWS::StackName' } }, paths: {} };
        p.__MANAGE_SWAGGER = true;
      }
    }
  }
}

/** OpenApiVersion from Globals: fix managed bodies to openapi. */
export function fixOpenApi(resources: Obj): void {
  for (const res of Object.values(resources)) {
    if (!isObj(res) || res.Type !== 'AWS::Serverless::Api' || !isObj(res.Properties)) continue;
    const p = res.Properties;
    if (p.OpenApiVersion !== undefined && p.__MANAGE_SWAGGER && OPENAPI3.test(String(p.OpenApiVersion))) {
      p.OpenApiVersion = String(p.OpenApiVersion);
      if (isObj(p.DefinitionBody)) {
        p.DefinitionBody.openapi = p.OpenApiVersion;
        delete p.DefinitionBody.swagger;
      }
    }
  }
}

/** The Api event: permission on the function and integration in the referenced API's swagger. */
export function apiEvent(ctx: Ctx, fnId: string, evName: string, ev: Obj, t: EventTarget, fnRes: Obj): void {
  const p = ev;
  const rel = evName;
  // Path and Method are strings here: transformSam's eventShapeErrors refused the event otherwise.
  const apiId = refId(p.RestApiId);
  if (apiId === undefined || typeof apiId !== 'string')
    throw invalid(
      fnId,
      `Event with id [${rel}] is invalid. RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template.`,
    );
  const api = ctx.resources[apiId];
  if (!isObj(api))
    throw invalid(
      fnId,
      `Event with id [${rel}] is invalid. RestApiId property of Api event must reference a valid resource in the same template.`,
    );
  if (api.Type === 'AWS::Serverless::HttpApi')
    throw invalid(
      fnId,
      `Event with id [${rel}] is invalid. RestApiId must be a valid reference to an 'AWS::Serverless::Api' resource in same template.`,
    );
  const props: Obj = (api.Properties ??= {});
  let suffix = 'AllStages';
  if (typeof props.StageName === 'string') {
    if (!props.StageName) throw invalid(apiId, 'StageName cannot be empty.');
    suffix = props.StageName;
  } else suffix = 'Stage';
  if (apiId === 'ServerlessRestApi' && !ctx.template.Resources.ServerlessRestApi?.__userDefined) suffix = 'Prod';
  const method = p.Method.toLowerCase();
  // permission
  const perm = `${fnId}${evName}Permission`;
  const path = sw.pathNoTrailingSlash(p.Path.replace(/^(.+)\/$/, '$1'));
  const m = method === 'any' ? '*' : method.toUpperCase();
  const permId = /^[A-Za-z0-9]+$/.test(suffix) ? perm + suffix : hashedId(perm, suffix);
  ctx.add(permId, {
    Type: 'AWS::Lambda::Permission',
    ...t.pass,
    Properties: {
      Action: 'lambda:InvokeFunction',
      FunctionName: t.target,
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Sub': [
          `arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/\${__Stage__}/${m}${path}`,
          { __ApiId__: p.RestApiId, __Stage__: '*' },
        ],
      },
    },
  });
  if (!(props.__MANAGE_SWAGGER || props.MergeDefinitions)) {
    if (props.DefinitionBody && isObj(p.Auth) && p.Auth.OverrideApiAuth) {
      const doc = clone(props.DefinitionBody);
      addEventAuth(ctx, fnId, rel, p, props, apiId, method, doc, suffix);
      props.DefinitionBody = doc;
    }
    return;
  }
  let doc = props.DefinitionBody;
  if (doc === undefined) return;
  if (props.MergeDefinitions) doc = sw.skeleton();
  doc = clone(doc) as Obj;
  if (sw.hasIntegration(doc, p.Path, method))
    throw invalid(
      fnId,
      `Event with id [${rel}] is invalid. API method "${method}" defined multiple times for path "${p.Path}".`,
    );
  const methodAuth = isObj(p.Auth) ? p.Auth : {};
  const apiAuth = isObj(props.Auth) ? props.Auth : {};
  sw.addLambdaIntegration(
    doc,
    p.Path,
    method,
    lambdaUri(refId(t.target)!, !!(t as Obj).isAlias, p.ResponseTransferMode),
    methodAuth,
    apiAuth,
    fnRes.Condition,
    p.ResponseTransferMode,
  );
  if (p.Auth) addEventAuth(ctx, fnId, rel, p, props, apiId, method, doc, suffix);
  if (p.TimeoutInMillis !== undefined)
    for (const d of sw.methodDefs(doc, p.Path, method)) (d[sw.INTEGRATION] as Obj).timeoutInMillis = p.TimeoutInMillis;
  if (isObj(p.RequestModel) && p.RequestModel.Model) {
    const model = p.RequestModel.Model;
    const models = props.Models;
    if (!models)
      throw invalid(
        fnId,
        `Event with id [${rel}] is invalid. Unable to set RequestModel [${model}] on API method [${method}] for path [${p.Path}] because the related API does not define any Models.`,
      );
    if (!isIntrinsic(models) && !models[model])
      throw invalid(
        fnId,
        `Event with id [${rel}] is invalid. Unable to set RequestModel [${model}] on API method [${method}] for path [${p.Path}] because it wasn't defined in the API's Models.`,
      );
    const name = String(model).toLowerCase();
    for (const d of sw.methodDefs(doc, p.Path, method)) {
      if (doc.swagger !== undefined) {
        const param: Obj = { in: 'body', name, schema: { $ref: `#/definitions/${name}` } };
        if (p.RequestModel.Required !== undefined) param.required = p.RequestModel.Required;
        d.parameters = [...(Array.isArray(d.parameters) ? d.parameters : []), param];
      } else {
        d.requestBody = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } };
        if (p.RequestModel.Required !== undefined) d.requestBody.required = p.RequestModel.Required;
      }
    }
    const vb = p.RequestModel.ValidateBody;
    const vp = p.RequestModel.ValidateParameters;
    if (vb !== undefined || vp !== undefined) {
      const b = vb ?? false;
      const pa = vp ?? false;
      const vname = b && pa ? 'body-and-params' : b ? 'body-only' : pa ? 'params-only' : 'no-validation';
      const vals = ((doc['x-amazon-apigateway-request-validators'] as Obj) ??= {});
      vals[vname] ??= { validateRequestBody: b, validateRequestParameters: pa };
      for (const d of sw.methodDefs(doc, p.Path, method)) d['x-amazon-apigateway-request-validator'] = vname;
    }
  }
  if (Array.isArray(p.RequestParameters)) {
    const params: Obj[] = [];
    for (const rp of p.RequestParameters) {
      if (typeof rp === 'string') params.push({ Required: false, Caching: false, Name: rp });
      else if (isObj(rp)) {
        const [name, v] = Object.entries(rp)[0]!;
        params.push({ Required: false, Caching: false, ...(v as Obj), Name: name });
      }
    }
    for (const d of sw.methodDefs(doc, p.Path, method)) {
      const existing: Obj[] = Array.isArray(d.parameters) ? d.parameters : [];
      const cacheKeys: string[] = [];
      for (const prm of params) {
        const name = String(prm.Name);
        const loc = name.replace('method.request.', '');
        const [where, ...rest] = loc.split('.');
        const swWhere = where === 'querystring' ? 'query' : where;
        if (doc.swagger !== undefined)
          existing.push({ in: swWhere, required: prm.Required, name: rest.join('.'), type: 'string' });
        else existing.push({ in: swWhere, required: prm.Required, name: rest.join('.'), schema: { type: 'string' } });
        if (prm.Caching) cacheKeys.push(name);
      }
      d.parameters = existing;
      if (cacheKeys.length) (d[sw.INTEGRATION] as Obj).cacheKeyParameters = cacheKeys;
    }
  }
  if (props.MergeDefinitions) {
    const src = clone(props.DefinitionBody) as Obj;
    src.paths ??= {};
    const gen = (doc.paths as Obj)[p.Path][sw.normMethod(method)];
    const cur = isObj(src.paths[p.Path]?.[method]) ? src.paths[p.Path][method] : {};
    src.paths[p.Path] ??= {};
    src.paths[p.Path][method] = { ...cur, ...gen };
    props.DefinitionBody = src;
  } else props.DefinitionBody = doc;
}

function addEventAuth(
  ctx: Ctx,
  fnId: string,
  rel: string,
  ev: Obj,
  api: Obj,
  _apiId: string,
  method: string,
  doc: Obj,
  stage: string,
): void {
  const auth = ev.Auth as Obj;
  const apiAuth = ctx.params.resolve(api.Auth) as Obj | undefined;
  const authorizer = auth.Authorizer;
  const err = (m: string): never => {
    throw invalid(fnId, `Event with id [${rel}] is invalid. ${m}`);
  };
  if (authorizer && authorizer !== 'AWS_IAM') {
    const authorizers = apiAuth?.Authorizers;
    if (authorizer !== 'NONE') {
      if (!authorizers)
        err(
          `Unable to set Authorizer [${authorizer}] on API method [${method}] for path [${ev.Path}] because the related API does not define any Authorizers.`,
        );
      if (!authorizers[authorizer])
        err(
          `Unable to set Authorizer [${authorizer}] on API method [${method}] for path [${ev.Path}] because it wasn't defined in the API's Authorizers.`,
        );
    } else if (!apiAuth?.DefaultAuthorizer)
      err(
        `Unable to set Authorizer on API method [${method}] for path [${ev.Path}] because 'NONE' is only a valid value when a DefaultAuthorizer on the API is specified.`,
      );
  }
  if (auth.AuthorizationScopes && !authorizer) err('AuthorizationScopes works only when Authorizer is set');
  if (auth.ApiKeyRequired !== undefined && !auth.ApiKeyRequired && !apiAuth?.ApiKeyRequired)
    err(
      `Unable to set ApiKeyRequired [False] on API method [${method}] for path [${ev.Path}] because the related API does not specify any ApiKeyRequired.`,
    );
  if (authorizer || auth.ApiKeyRequired !== undefined) sw.addAuthToMethod(doc, ev.Path, method, auth, api);
  const rp = auth.ResourcePolicy;
  if (rp) {
    if (!isObj(rp)) err("Property 'Auth.ResourcePolicy' should be a map.");
    sw.addResourcePolicy(doc, rp, ev.Path, stage);
    if (rp.CustomStatements) sw.addCustomStatements(doc, rp.CustomStatements);
  }
}

/** Translate one AWS::Serverless::Api. */
export function translateApi(ctx: Ctx, id: string, res: Obj, functionNames?: string): void {
  const p: Obj = res.Properties ?? {};
  const pass = ctx.passthrough(res);
  if (p.DefinitionUri !== undefined && p.DefinitionBody !== undefined)
    throw invalid(id, "Specify either 'DefinitionUri' or 'DefinitionBody' property and not both.");
  if (p.OpenApiVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(String(p.OpenApiVersion)))
    throw invalid(id, "The OpenApiVersion value must be of the format '3.0.0'.");
  if (p.StageName === undefined && id !== 'ServerlessRestApi')
    throw invalid(id, "Missing required property 'StageName'.");
  const binary = ctx.params.resolve(p.BinaryMediaTypes);
  const auth = ctx.params.resolve(p.Auth) as Obj | undefined;
  const body: Obj | undefined = p.DefinitionBody === undefined ? undefined : clone(p.DefinitionBody);
  const openapi = p.OpenApiVersion;
  const rest: Obj = {};

  if (p.EndpointConfiguration !== undefined) {
    const ec = p.EndpointConfiguration;
    if (isObj(ec) && !isIntrinsic(ec)) {
      const o: Obj = { Types: [ec.Type] };
      if (ec.VPCEndpointIds !== undefined && ec.VpcEndpointIds !== undefined)
        throw invalid(id, "'VPCEndpointIds' and 'VpcEndpointIds' cannot be used together in EndpointConfiguration.");
      if (ec.VPCEndpointIds !== undefined || ec.VpcEndpointIds !== undefined)
        o.VpcEndpointIds = ec.VPCEndpointIds || ec.VpcEndpointIds;
      if (ec.IpAddressType !== undefined) o.IpAddressType = ec.IpAddressType;
      rest.EndpointConfiguration = o;
      rest.Parameters = { endpointConfigurationTypes: ec.Type };
    } else {
      rest.EndpointConfiguration = { Types: [ec] };
      rest.Parameters = { endpointConfigurationTypes: ec };
    }
  }
  if (binary !== undefined) rest.BinaryMediaTypes = binary;
  if (p.MinimumCompressionSize !== undefined) rest.MinimumCompressionSize = p.MinimumCompressionSize;

  // CORS
  if (p.Cors) {
    if (!body) throw invalid(id, "Cors works only with inline Swagger specified in 'DefinitionBody' property.");
    let c: Obj;
    if (typeof p.Cors === 'string' || isIntrinsic(p.Cors)) c = { AllowOrigin: p.Cors };
    else if (isObj(p.Cors)) {
      for (const k of Object.keys(p.Cors))
        if (!CORS_KEYS.includes(k)) throw invalid(id, `Invalid key '${k}' for 'Cors' property.`);
      c = p.Cors;
    } else throw invalid(id, "Invalid value for 'Cors' property");
    if (!sw.isValidSwagger(body))
      throw invalid(
        id,
        "Unable to add Cors configuration because 'DefinitionBody' does not contain a valid Swagger definition.",
      );
    if (c.AllowCredentials === true && (c.AllowOrigin === undefined || c.AllowOrigin === "'*'"))
      throw invalid(
        id,
        "Unable to add Cors configuration because 'AllowCredentials' can not be true when 'AllowOrigin' is \"'*'\" or not set",
      );
    if (c.AllowOrigin === undefined) c = { ...c, AllowOrigin: "'*'" };
    const seen = new Set<string>();
    for (const path of Object.keys(body.paths)) {
      const n = path !== '/' ? path.replace(/\/+$/, '') : path;
      if (seen.has(n)) continue;
      seen.add(n);
      sw.addCors(body, path, c.AllowOrigin, c.AllowHeaders, c.AllowMethods, c.MaxAge, c.AllowCredentials);
    }
  }
  // Auth
  let authorizers: Obj | undefined;
  if (auth) {
    if (!body) throw invalid(id, "Auth works only with inline Swagger specified in 'DefinitionBody' property.");
    if (!Object.keys(auth).every((k) => AUTH_KEYS.includes(k))) throw invalid(id, "Invalid value for 'Auth' property");
    if (!sw.isValidSwagger(body))
      throw invalid(
        id,
        "Unable to add Auth configuration because 'DefinitionBody' does not contain a valid Swagger definition.",
      );
    authorizers = {};
    if (auth.DefaultAuthorizer === 'AWS_IAM') authorizers.AWS_IAM = { __iam: true };
    if (isObj(auth.Authorizers)) Object.assign(authorizers, auth.Authorizers);
    if (Object.keys(authorizers).length) {
      const defs = sw.securityDefs(body);
      for (const [name, a] of Object.entries(authorizers)) defs[name] = authorizerSwagger(ctx, id, name, a as Obj);
      const def = auth.DefaultAuthorizer;
      if (def) {
        if (typeof def !== 'string') throw invalid(id, 'DefaultAuthorizer is not a string.');
        if (!authorizers[def] && def !== 'AWS_IAM')
          throw invalid(id, `Unable to set DefaultAuthorizer because '${def}' was not defined in 'Authorizers'.`);
        for (const path of Object.keys(body.paths))
          sw.setPathDefaultAuthorizer(body, path, def, authorizers, auth.AddDefaultAuthorizerToCorsPreflight ?? true);
      }
    } else if (isObj(body.securityDefinitions) && !Object.keys(body.securityDefinitions).length)
      delete body.securityDefinitions;
    if (auth.ApiKeyRequired) {
      sw.addApiKeyDef(body);
      for (const path of Object.keys(body.paths))
        sw.setPathDefaultApiKey(body, path, auth.AddApiKeyRequiredToCorsPreflight ?? true);
    }
    if (auth.ResourcePolicy) {
      if (!isObj(auth.ResourcePolicy))
        throw new SamError(id, 'ResourcePolicy must be a map (ResourcePolicyStatement).', 'template');
      for (const path of Object.keys(body.paths))
        sw.addResourcePolicy(body, auth.ResourcePolicy, path, p.StageName ?? 'Prod');
      if (auth.ResourcePolicy.CustomStatements) sw.addCustomStatements(body, auth.ResourcePolicy.CustomStatements);
    }
    // The translator post-processes OpenAPI 3 bodies here and again at the end (CORS header schemas nest twice).
    if (Object.keys(auth).length) openapiPostprocess(body, openapi);
  }
  if (body && isObj(body.securityDefinitions) && !Object.keys(body.securityDefinitions).length)
    delete body.securityDefinitions;
  // Gateway responses
  if (p.GatewayResponses) {
    if (!body)
      throw invalid(id, "GatewayResponses works only with inline OpenApi specified in 'DefinitionBody' property.");
    const gr: Obj = (body['x-amazon-apigateway-gateway-responses'] ??= {});
    for (const [type, r] of Object.entries(p.GatewayResponses as Obj)) gr[type] = gatewayResponse(id, r as Obj);
  }
  if (binary !== undefined && body) {
    const fix = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replace(/~1/g, '/')
        : Array.isArray(v)
          ? v.map(fix)
          : isObj(v)
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/~1/g, '/'), fix(x)]))
            : v;
    if (p.__MANAGE_SWAGGER || true) body['x-amazon-apigateway-binary-media-types'] = fix(binary);
  }
  if (p.Models) {
    if (!body) throw invalid(id, "Models works only with inline OpenApi specified in 'DefinitionBody' property.");
    if (!isObj(p.Models)) throw invalid(id, "Invalid value for 'Models' property");
    const defs: Obj = (body.definitions ??= {});
    for (const [name, schema] of Object.entries(p.Models)) {
      if (!isObj(schema) || !schema.type) throw invalid(id, "'Models' schema is missing 'type'.");
      defs[name.toLowerCase()] = schema;
    }
  }
  if (p.FailOnWarnings !== undefined) rest.FailOnWarnings = p.FailOnWarnings;
  if (p.DisableExecuteApiEndpoint !== undefined) {
    if (!body) throw invalid(id, "DisableExecuteApiEndpoint works only within 'DefinitionBody' property.");
    if (typeof body.openapi === 'string' && OPENAPI3.test(body.openapi)) {
      const servers: Obj[] = Array.isArray(body.servers) ? body.servers : [{}];
      servers.forEach((s, i) => {
        const c = (s['x-amazon-apigateway-endpoint-configuration'] ??= {});
        if (!isObj(c))
          throw new SamError(
            undefined,
            `Invalid OpenAPI definition of 'servers[${i}]': The value of 'x-amazon-apigateway-endpoint-configuration' should be a map.`,
            'template',
          );
        c.disableExecuteApiEndpoint = p.DisableExecuteApiEndpoint;
      });
      body.servers = servers;
    } else {
      const c = (body['x-amazon-apigateway-endpoint-configuration'] ??= {});
      if (!isObj(c))
        throw new SamError(
          undefined,
          "Invalid OpenAPI definition: The value of 'x-amazon-apigateway-endpoint-configuration' should be a map.",
          'template',
        );
      c.disableExecuteApiEndpoint = p.DisableExecuteApiEndpoint;
    }
  }
  if (p.DefinitionUri !== undefined) {
    const loc = s3Location(id, 'DefinitionUri', p.DefinitionUri, ['Bucket', 'Key', 'Version']);
    rest.BodyS3Location = loc;
  } else if (body) {
    rest.Body = openapiPostprocess(body, openapi);
  }
  if (p.Name !== undefined) rest.Name = p.Name;
  if (p.Description !== undefined) rest.Description = p.Description;
  if (p.Mode !== undefined) rest.Mode = p.Mode;
  if (p.ApiKeySourceType !== undefined) rest.ApiKeySourceType = p.ApiKeySourceType;
  if (p.Policy !== undefined) rest.Policy = p.Policy;
  if (p.SecurityPolicy !== undefined) rest.SecurityPolicy = p.SecurityPolicy;
  if (p.EndpointAccessMode !== undefined) rest.EndpointAccessMode = p.EndpointAccessMode;
  ctx.add(id, { Type: 'AWS::ApiGateway::RestApi', ...ctx.attributes(res), Properties: rest });

  // Deployment + Stage
  const stageName = p.StageName ?? 'Prod';
  const prefix = typeof stageName === 'string' ? stageName : '';
  const stageId = /^[A-Za-z0-9]+$/.test(prefix) ? `${id}${prefix}Stage` : hashedId(`${id}Stage`, prefix);
  const deployProps: Obj = { RestApiId: ref(id) };
  if (!openapi) deployProps.StageName = 'Stage';
  const swaggerForHash = rest.Body ?? rest.BodyS3Location;
  // Domain (mutated with the translator's defaults before it enters the deployment hash)
  if (p.Domain !== undefined && p.Domain !== null) {
    p.Domain = ctx.params.resolve(p.Domain);
    restApiDomain(ctx, id, p.Domain, pass);
  }
  let deployId = `${id}Deployment`;
  if (swaggerForHash) {
    const parts = [pyJson(swaggerForHash)];
    if (openapi) parts.push(String(openapi));
    if (p.Domain) parts.push(JSON.stringify(p.Domain));
    if (functionNames) parts.push(functionNames);
    if (p.AlwaysDeploy) parts.splice(0, parts.length, String(Math.floor(Date.now() / 1000)));
    const digest = sha1(parts.join('||'));
    deployId += digest.slice(0, 10);
    deployProps.Description = `RestApi deployment id: ${digest}`;
  }
  ctx.add(deployId, { Type: 'AWS::ApiGateway::Deployment', ...pass, Properties: deployProps });
  const st: Obj = { RestApiId: ref(id), DeploymentId: ref(deployId), StageName: stageName };
  const copy = (from: string, to = from): void => {
    if (p[from] !== undefined) st[to] = p[from];
  };
  copy('CacheClusterEnabled');
  copy('CacheClusterSize');
  copy('Variables');
  copy('MethodSettings');
  copy('AccessLogSetting');
  copy('CanarySetting');
  copy('TracingEnabled');
  if (p.Tags !== undefined) st.Tags = tagList(p.Tags);
  ctx.add(stageId, { Type: 'AWS::ApiGateway::Stage', ...pass, Properties: st });

  // Authorizer permissions
  if (auth && isObj(auth.Authorizers)) {
    for (const [name, a] of Object.entries(auth.Authorizers as Obj)) {
      if (!isObj(a) || !a.FunctionArn || a.DisableFunctionDefaultPermissions) continue;
      ctx.add(`${id}${name}AuthorizerPermission`, {
        Type: 'AWS::Lambda::Permission',
        ...pass,
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: a.FunctionArn,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Sub': [
              'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*',
              { __ApiId__: ref(id) },
            ],
          },
        },
      });
    }
  }
  // Usage plan
  if (auth && auth.UsagePlan !== undefined) usagePlan(ctx, id, auth.UsagePlan, stageId, pass);
  // PropagateTags: the API's Tags replace the tags of every taggable resource it generated.
  if (p.PropagateTags && isObj(p.Tags) && Object.keys(p.Tags).length)
    for (const g of ctx.generatedBy(id)) {
      const r = ctx.out[g] as Obj;
      if (isObj(r) && TAGGABLE.has(r.Type as string)) (r.Properties ??= {}).Tags = tagList(p.Tags);
    }
}

const TAGGABLE = new Set([
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::DomainName', 'AWS::ApiGateway::DomainNameV2',
  'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::DomainNameAccessAssociation',
]); // prettier-ignore

export function openapiPostprocess(body: Obj, openapi: unknown): Obj {
  if (body.swagger !== undefined) return body;
  const v = body.openapi !== undefined && openapi === undefined ? body.openapi : openapi;
  if (!(typeof v === 'string' && OPENAPI3.test(v))) return body;
  if (body.securityDefinitions) {
    body.components = { ...(isObj(body.components) ? body.components : {}), securitySchemes: body.securityDefinitions };
    delete body.securityDefinitions;
  }
  if (body.definitions && Object.keys(body.definitions).length) {
    body.components = { ...(isObj(body.components) ? body.components : {}), schemas: body.definitions };
    delete body.definitions;
  }
  if (isObj(body.paths))
    for (const item of Object.values(body.paths)) {
      if (!isObj(item) || !isObj(item.options)) continue;
      delete item.options.produces;
      delete item.options.consumes;
      const h = item.options.responses?.['200']?.headers;
      if (isObj(h)) for (const [k, v2] of Object.entries(h)) h[k] = { schema: v2 };
    }
  return body;
}

function authorizerSwagger(_ctx: Ctx, apiId: string, name: string, a: Obj): Obj {
  if (!isObj(a)) throw invalid(apiId, `Authorizer ${name} must be a dict.`);
  if (a.__iam)
    return { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
  if (!isObj(a)) throw invalid(apiId, `Authorizer ${name} must be a dict.`);
  const identity = a.Identity as Obj | undefined;
  if (identity !== undefined && !isObj(identity))
    throw invalid(
      apiId,
      'Auth.Authorizers.<Authorizer>.Identity must be a dict (LambdaTokenAuthorizationIdentity, LambdaRequestAuthorizationIdentity or CognitoAuthorizationIdentity).',
    );
  const type = a.UserPoolArn ? 'COGNITO' : 'LAMBDA';
  if (type === 'LAMBDA' && !a.FunctionArn)
    throw invalid(apiId, `Authorizer ${name} must have either 'UserPoolArn' or 'FunctionArn'.`);
  const payload = a.FunctionPayloadType ?? 'TOKEN';
  const header = type === 'LAMBDA' && payload === 'REQUEST' ? 'Unused' : identity?.Header || 'Authorization';
  const out: Obj = {
    type: 'apiKey',
    name: header,
    in: 'header',
    'x-amazon-apigateway-authtype': type === 'COGNITO' ? 'cognito_user_pools' : 'custom',
  };
  const az: Obj = {};
  if (type === 'COGNITO') {
    az.type = 'cognito_user_pools';
    az.providerARNs = Array.isArray(a.UserPoolArn) ? a.UserPoolArn : [a.UserPoolArn];
  } else {
    az.type = payload === 'REQUEST' ? 'request' : 'token';
    az.authorizerUri = {
      'Fn::Sub': [
        'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations',
        { __FunctionArn__: a.FunctionArn },
      ],
    };
    if (identity?.ReauthorizeEvery !== undefined) az.authorizerResultTtlInSeconds = identity.ReauthorizeEvery;
    if (a.FunctionInvokeRole && a.FunctionInvokeRole !== 'NONE') az.authorizerCredentials = a.FunctionInvokeRole;
    if (payload === 'REQUEST') {
      const parts: string[] = [];
      for (const [k, pre] of [
        ['Headers', 'method.request.header.'],
        ['QueryStrings', 'method.request.querystring.'],
        ['StageVariables', 'stageVariables.'],
        ['Context', 'context.'],
      ] as const)
        if (Array.isArray(identity?.[k])) for (const x of identity![k]) parts.push(pre + x);
      if (parts.length) az.identitySource = parts.join(', ');
    }
  }
  if ((type === 'COGNITO' || payload === 'TOKEN') && identity?.ValidationExpression)
    az.identityValidationExpression = identity.ValidationExpression;
  out['x-amazon-apigateway-authorizer'] = az;
  return out;
}

function gatewayResponse(id: string, r: Obj): Obj {
  const out: Obj = {};
  const rp = r.ResponseParameters;
  if (isObj(rp)) {
    const params: Obj = {};
    for (const [kind, prefix] of [
      ['Headers', 'header'],
      ['Paths', 'path'],
      ['QueryStrings', 'querystring'],
    ] as const)
      if (isObj(rp[kind])) for (const [k, v] of Object.entries(rp[kind])) params[`gatewayresponse.${prefix}.${k}`] = v;
    for (const k of Object.keys(rp))
      if (!['Headers', 'Paths', 'QueryStrings'].includes(k))
        throw invalid(id, `Invalid gateway response parameter '${k}'`);
    out.responseParameters = params;
  } else out.responseParameters = {};
  out.responseTemplates = r.ResponseTemplates ?? {};
  if (r.StatusCode !== undefined) out.statusCode = String(r.StatusCode);
  return out;
}

interface SharedPlan {
  deletion?: string;
  replace?: string;
  conditions: Set<string>;
  anyWithout: boolean;
}

/** The translator's SharedApiUsagePlan.get_combined_resource_attributes over the APIs seen so far. */
function sharedAttributes(ctx: Ctx, pass: Obj): Obj {
  const c = ctx as Ctx & { sharedPlan?: SharedPlan };
  const st = (c.sharedPlan ??= { conditions: new Set(), anyWithout: false });
  const dp = pass.DeletionPolicy as string | undefined;
  if (dp && (!st.deletion || dp === 'Retain')) st.deletion = dp;
  const rp = pass.UpdateReplacePolicy as string | undefined;
  if (rp && (!st.replace || rp === 'Retain' || (rp === 'Snapshot' && st.replace === 'Delete'))) st.replace = rp;
  const cond = pass.Condition as string | undefined;
  const NAME = 'SharedUsagePlanCondition';
  if (!st.anyWithout) {
    if (cond && !st.conditions.has(cond)) {
      st.conditions.add(cond);
      ctx.conditions[NAME] =
        st.conditions.size > 1 ? { 'Fn::Or': [...st.conditions].map((x) => ({ Condition: x })) } : cond;
    } else if (!cond) {
      st.anyWithout = true;
      delete ctx.conditions[NAME];
    }
  }
  const out: Obj = {};
  if (st.deletion) out.DeletionPolicy = st.deletion;
  if (st.replace) out.UpdateReplacePolicy = st.replace;
  if (st.conditions.size && !st.anyWithout) out.Condition = NAME;
  return out;
}

function usagePlan(ctx: Ctx, id: string, up: unknown, stageId: string, pass: Obj): void {
  if (!isObj(up)) throw invalid(id, "'UsagePlan' must be a dictionary");
  const keys = ['CreateUsagePlan', 'Description', 'Quota', 'Tags', 'Throttle', 'UsagePlanName'];
  if (!Object.keys(up).every((k) => keys.includes(k))) throw invalid(id, "Invalid property for 'UsagePlan'");
  const create = up.CreateUsagePlan;
  if (create === undefined) throw invalid(id, "'CreateUsagePlan' is a required field for UsagePlan.");
  if (!['SHARED', 'PER_API', 'NONE'].includes(create))
    throw invalid(id, "'CreateUsagePlan' accepts one of ['SHARED', 'PER_API', 'NONE'].");
  if (create === 'NONE') return;
  const shared = create === 'SHARED';
  const planId = shared ? 'ServerlessUsagePlan' : `${id}UsagePlan`;
  const keyId = shared ? 'ServerlessApiKey' : `${id}ApiKey`;
  const planKeyId = shared ? 'ServerlessUsagePlanKey' : `${id}UsagePlanKey`;
  const stage = { ApiId: ref(id), Stage: ref(stageId) };
  const stageKey = { RestApiId: ref(id), StageName: ref(stageId) };
  const plan = ctx.out[planId] as Obj | undefined;
  if (shared && plan) {
    plan.DependsOn.push(id);
    plan.Properties.ApiStages.push(stage);
    (ctx.out[keyId] as Obj).Properties.StageKeys.push(stageKey);
    const combined = sharedAttributes(ctx, pass);
    for (const rid of [planId, keyId, planKeyId]) {
      const r = ctx.out[rid] as Obj;
      for (const k of ['Condition', 'DeletionPolicy', 'UpdateReplacePolicy']) delete r[k];
      Object.assign(r, combined);
    }
    for (const k of ['UsagePlanName', 'Description', 'Quota', 'Tags', 'Throttle'])
      if (up[k]) plan.Properties[k] = up[k];
    return;
  }
  const pprops: Obj = { ApiStages: [stage] };
  for (const k of ['UsagePlanName', 'Description', 'Quota', 'Tags', 'Throttle']) if (up[k]) pprops[k] = up[k];
  const attrs = shared ? sharedAttributes(ctx, pass) : pass;
  ctx.add(planId, { Type: 'AWS::ApiGateway::UsagePlan', ...attrs, DependsOn: [id], Properties: pprops });
  ctx.add(keyId, {
    Type: 'AWS::ApiGateway::ApiKey',
    ...attrs,
    DependsOn: [planId],
    Properties: { Enabled: true, StageKeys: [stageKey] },
  });
  ctx.add(planKeyId, {
    Type: 'AWS::ApiGateway::UsagePlanKey',
    ...attrs,
    DependsOn: [keyId],
    Properties: { KeyId: ref(keyId), KeyType: 'API_KEY', UsagePlanId: ref(planId) },
  });
}

export { getAtt };
