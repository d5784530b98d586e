// AWS::Serverless::WebSocketApi → AWS::ApiGatewayV2::Api (WEBSOCKET), and per route a Route, an
// AWS_PROXY Integration and a Lambda Permission; the `$connect` route's authorizer (and its
// permission), an auto-deployed Stage, and a custom Domain — as the translator's
// WebSocketApiGenerator emits them, with its validation messages.
import type { Ctx } from './context.js';
import { httpApiDomain } from './domain.js';
import { invalid, isIntrinsic, isObj, ref, type Obj } from './util.js';

const CREATED_BY = 'websocketapi:createdBy';
const DEFAULT_STAGE = 'default';
const AUTH_TYPES = ['NONE', 'AWS_IAM', 'CUSTOM'];
const SPECIAL_ROUTES = ['$connect', '$disconnect', '$default'];
const LAMBDA_URI = 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${%s}/invocations';

/** The resource's properties in the translator's order, with the type each must have ('' = string or map). */
const PROPERTY_TYPES: [string, 'string' | 'map' | 'boolean' | '', boolean][] = [
  ['ApiKeySelectionExpression', 'string', false],
  ['AccessLogSettings', 'map', false],
  ['Auth', 'map', false],
  ['DefaultRouteSettings', 'map', false],
  ['Description', 'string', false],
  ['DisableExecuteApiEndpoint', 'boolean', false],
  ['Domain', 'map', false],
  ['DisableSchemaValidation', 'boolean', false],
  ['FailOnWarnings', 'boolean', false],
  ['IpAddressType', 'string', false],
  ['Name', 'string', false],
  ['PropagateTags', 'boolean', false],
  ['Routes', 'map', true],
  ['RouteSettings', 'map', false],
  ['RouteSelectionExpression', 'string', true],
  ['StageName', '', false],
  ['StageVariables', 'map', false],
  ['Tags', 'map', false],
];

function validateProperties(id: string, p: Obj): void {
  for (const [name, type, required] of PROPERTY_TYPES) {
    const v = p[name];
    if (isIntrinsic(v)) continue;
    if (v === undefined || v === null) {
      if (required) throw invalid(id, `Missing required property '${name}'.`);
      continue;
    }
    const ok =
      type === 'string'
        ? typeof v === 'string'
        : type === 'map'
          ? isObj(v)
          : type === 'boolean'
            ? typeof v === 'boolean'
            : typeof v === 'string' || isObj(v);
    if (ok) continue;
    if (type === 'string' || type === 'map') throw invalid(id, `Property '${name}' should be a ${type}.`);
    throw invalid(id, `Type of property '${name}' is invalid.`);
  }
}

/** Python's `str.isalnum`: non-empty, every character a Unicode letter or digit. */
const isPyAlnum = (s: string): boolean => /^[\p{L}\p{N}]+$/u.test(s);
/** Python's `str.capitalize`: first character upper case, the rest lower case. */
const pyCapitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

function routeIdPart(id: string, routeKey: string): string {
  if (SPECIAL_ROUTES.includes(routeKey)) return pyCapitalize(routeKey.replace('$', ''));
  if (isPyAlnum(routeKey)) return pyCapitalize(routeKey);
  throw invalid(
    id,
    `Route key '${routeKey}' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.`,
  );
}

function validateAuth(id: string, auth: Obj): void {
  const type = auth.AuthType;
  if (!type) throw invalid(id, 'AuthType must be specified for additional auth configurations.');
  const upper = String(type).toUpperCase();
  if (!AUTH_TYPES.includes(upper)) throw invalid(id, 'AuthType is not one of AWS_IAM, CUSTOM or NONE.');
  if (upper === 'CUSTOM' && !auth.AuthArn) throw invalid(id, 'AuthArn must be specified if AuthType is CUSTOM.');
  if ((upper === 'AWS_IAM' || upper === 'NONE') && Object.keys(auth).length > 1)
    throw invalid(id, `No additional configurations supported for AuthType ${upper}.`);
}

const lambdaUri = (key: string, arn: unknown): Obj => ({ 'Fn::Sub': [LAMBDA_URI.replace('%s', key), { [key]: arn }] });

export function translateWebSocketApi(ctx: Ctx, id: string, res: Obj): void {
  const p: Obj = isObj(res.Properties) ? res.Properties : {};
  validateProperties(id, p);
  const auth: Obj | undefined = p.Auth ? ctx.params.resolve(p.Auth) : undefined;
  const domain: unknown = p.Domain !== undefined && p.Domain !== null ? ctx.params.resolve(p.Domain) : undefined;
  const routes: Obj = ctx.params.resolve(p.Routes);
  const stageName: unknown = p.StageName ?? DEFAULT_STAGE;

  if (!Object.keys(routes).length) throw invalid(id, 'WebSocket API must have at least one route.');
  const ip = p.IpAddressType;
  if (ip !== undefined && ip !== null && !isIntrinsic(ip) && ip !== 'ipv4' && ip !== 'dualstack')
    throw invalid(id, "IpAddressType must be 'ipv4' or 'dualstack'.");
  if (isObj(domain) && domain.MutualTlsAuthentication)
    throw invalid(id, 'Mutual TLS domain name association is not supported for Websocket APIs.');

  // The API. The translator adds its tag to the template's own Tags map, which PropagateTags then copies.
  if (auth && !('$connect' in routes))
    throw invalid(id, 'Authorization is only available if there is a $connect route.');
  const tags: Obj = { ...(isObj(p.Tags) ? p.Tags : {}), [CREATED_BY]: 'SAM' };
  const api: Obj = {};
  for (const k of ['ApiKeySelectionExpression', 'Description', 'DisableExecuteApiEndpoint', 'DisableSchemaValidation'])
    if (p[k] !== undefined && p[k] !== null) api[k] = p[k];
  if (ip !== undefined && ip !== null) api.IpAddressType = ip;
  Object.assign(api, { Name: p.Name ?? id, RouteSelectionExpression: p.RouteSelectionExpression, Tags: tags });
  api.ProtocolType = 'WEBSOCKET';
  ctx.add(id, {
    Type: 'AWS::ApiGatewayV2::Api',
    ...(res.DependsOn !== undefined ? { DependsOn: res.DependsOn } : {}),
    Properties: api,
  });

  if (domain !== undefined) httpApiDomain(ctx, id, domain, {}, true);

  if (stageName === '$default') throw invalid(id, 'Stages cannot be named $default for WebSocket APIs.');
  const prefix = typeof stageName === 'string' ? stageName : '';
  const stageId = prefix === DEFAULT_STAGE ? `${id}DefaultStage` : `${id}${prefix}Stage`;

  const routeIds: string[] = [];
  let authorizerId: string | undefined;
  for (const [key, spec] of Object.entries(routes)) {
    const part = routeIdPart(id, key);
    const [routeId, integrationId, permissionId] = ['Route', 'Integration', 'Permission'].map((s) => id + part + s);
    const cfg: Obj = isObj(spec) ? spec : {};
    const route: Obj = { RouteKey: key, ApiId: ref(id) };
    for (const k of ['ApiKeyRequired', 'ModelSelectionExpression', 'OperationName', 'RequestModels'])
      if (cfg[k] !== undefined && cfg[k] !== null) route[k] = cfg[k];
    if (cfg.RequestParameters) {
      if (key !== '$connect')
        throw invalid(id, 'Request parameters are only supported for the $connect route in WebSocket APIs.');
      route.RequestParameters = cfg.RequestParameters;
    }
    if (cfg.RouteResponseSelectionExpression !== undefined && cfg.RouteResponseSelectionExpression !== null)
      route.RouteResponseSelectionExpression = cfg.RouteResponseSelectionExpression;
    route.Target = { 'Fn::Join': ['/', ['integrations', ref(integrationId!)]] };
    if (auth) {
      validateAuth(id, auth);
      if (key === '$connect') {
        if (auth.AuthType === 'CUSTOM') {
          authorizerId = `${id}ConnectAuthorizer`;
          route.AuthorizationType = 'CUSTOM';
          route.AuthorizerId = ref(authorizerId);
        } else route.AuthorizationType = auth.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE';
      }
    }
    if (!('FunctionArn' in cfg)) throw invalid(id, 'Route must have associated function.');
    const integration: Obj = { ApiId: ref(id), IntegrationType: 'AWS_PROXY' };
    integration.IntegrationUri = lambdaUri('FunctionArn', cfg.FunctionArn);
    if (cfg.IntegrationTimeout !== undefined && cfg.IntegrationTimeout !== null)
      integration.TimeoutInMillis = cfg.IntegrationTimeout;
    const arn = 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${' + id + '.ApiId}/';
    const sourceArn =
      typeof stageName === 'string'
        ? { 'Fn::Sub': `${arn}${stageName}/${key}` }
        : { 'Fn::Sub': [`${arn}\${__StageName__}/${key}`, { __StageName__: stageName }] };
    ctx.add(routeId!, { Type: 'AWS::ApiGatewayV2::Route', Properties: route });
    ctx.add(integrationId!, { Type: 'AWS::ApiGatewayV2::Integration', Properties: integration });
    ctx.add(permissionId!, {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: cfg.FunctionArn,
        Principal: 'apigateway.amazonaws.com',
        SourceArn: sourceArn,
      },
    });
    routeIds.push(routeId!);
  }

  const stage: Obj = { ApiId: ref(id), StageName: stageName };
  for (const k of ['StageVariables', 'AccessLogSettings', 'DefaultRouteSettings'])
    if (p[k] !== undefined && p[k] !== null) stage[k] = p[k];
  stage.Tags = { [CREATED_BY]: 'SAM' };
  stage.AutoDeploy = true;
  if (p.RouteSettings !== undefined && p.RouteSettings !== null) stage.RouteSettings = p.RouteSettings;
  const dependsOn = p.RouteSettings && routeIds.length ? { DependsOn: routeIds } : {};
  ctx.add(stageId, { Type: 'AWS::ApiGatewayV2::Stage', ...dependsOn, Properties: stage });

  if (auth && authorizerId) {
    const authorizer: Obj = {};
    if ('InvokeRole' in auth) authorizer.AuthorizerCredentialsArn = auth.InvokeRole;
    authorizer.AuthorizerType = 'REQUEST';
    if ('AuthArn' in auth) authorizer.AuthorizerUri = lambdaUri('AuthArn', auth.AuthArn);
    if (auth.IdentitySource !== undefined && auth.IdentitySource !== null)
      authorizer.IdentitySource = auth.IdentitySource;
    authorizer.Name = auth.Name || authorizerId;
    ctx.add(authorizerId, { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: { ApiId: ref(id), ...authorizer } });
    if (!auth.InvokeRole && auth.AuthArn)
      ctx.add(`${id}AuthorizerPermission`, {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: auth.AuthArn,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Sub': [
              'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*',
              { __ApiId__: ref(id) },
            ],
          },
        },
      });
  }

  // PropagateTags replaces the Tags of the API, its stage and its domain with the template's (plus SAM's own).
  if (p.PropagateTags === true && isObj(p.Tags) && Object.keys(p.Tags).length)
    for (const rid of ctx.generatedBy(id)) {
      const r = ctx.out[rid];
      if (isObj(r?.Properties) && isObj(r.Properties.Tags)) r.Properties.Tags = { ...tags };
    }
}
