// AWS::Serverless::WebSocketApi → ApiGatewayV2 Api (WEBSOCKET), routes, integrations, permissions, stage.
import type { Ctx } from './context.js';
import { invalid, isObj, ref, type Obj } from './util.js';

const routeId = (route: string): string => {
  const clean = route.replace(/^\$/, '').replace(/[^A-Za-z0-9]/g, '');
  return clean.charAt(0).toUpperCase() + clean.slice(1);
};

export function translateWebSocketApi(ctx: Ctx, id: string, res: Obj): void {
  const p: Obj = res.Properties ?? {};
  const pass = ctx.passthrough(res);
  if (!isObj(p.Routes) || !Object.keys(p.Routes).length) throw invalid(id, "Property 'Routes' is required.");
  const api: Obj = {
    Name: p.Name ?? { 'Fn::Sub': '${AWS::StackName}-' + id },
    ProtocolType: 'WEBSOCKET',
    RouteSelectionExpression: p.RouteSelectionExpression ?? '$request.body.action',
  };
  for (const k of [
    'ApiKeySelectionExpression',
    'Description',
    'DisableExecuteApiEndpoint',
    'DisableSchemaValidation',
    'IpAddressType',
    'FailOnWarnings',
  ])
    if (p[k] !== undefined) api[k] = p[k];
  if (p.Tags !== undefined) api.Tags = p.Tags;
  ctx.add(id, { Type: 'AWS::ApiGatewayV2::Api', ...ctx.attributes(res), Properties: api });
  const routeIds: string[] = [];
  for (const [route, cfg] of Object.entries(p.Routes as Obj)) {
    if (!isObj(cfg) || cfg.FunctionArn === undefined) throw invalid(id, `Route '${route}' must have a FunctionArn.`);
    const rid = routeId(route);
    const integ = `${id}${rid}Integration`;
    const iprops: Obj = {
      ApiId: ref(id),
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: {
        'Fn::Sub': [
          'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations',
          { FunctionArn: cfg.FunctionArn },
        ],
      },
    };
    if (cfg.IntegrationTimeout !== undefined) iprops.TimeoutInMillis = cfg.IntegrationTimeout;
    ctx.add(integ, { Type: 'AWS::ApiGatewayV2::Integration', ...pass, Properties: iprops });
    const rprops: Obj = {
      ApiId: ref(id),
      RouteKey: route,
      Target: { 'Fn::Sub': ['integrations/${Integration}', { Integration: ref(integ) }] },
    };
    for (const k of [
      'ApiKeyRequired',
      'ModelSelectionExpression',
      'OperationName',
      'RequestModels',
      'RequestParameters',
      'RouteResponseSelectionExpression',
    ])
      if (cfg[k] !== undefined) rprops[k] = cfg[k];
    const auth = isObj(p.Auth) ? p.Auth : undefined;
    if (route === '$connect' && auth?.AuthType) {
      rprops.AuthorizationType = auth.AuthType;
      if (auth.AuthType === 'CUSTOM') rprops.AuthorizerId = ref(`${id}Authorizer`);
    }
    ctx.add(`${id}${rid}Route`, { Type: 'AWS::ApiGatewayV2::Route', ...pass, Properties: rprops });
    routeIds.push(`${id}${rid}Route`);
    ctx.add(`${id}${rid}Permission`, {
      Type: 'AWS::Lambda::Permission',
      ...pass,
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: cfg.FunctionArn,
        Principal: 'apigateway.amazonaws.com',
        SourceArn: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/*',
            { __ApiId__: ref(id) },
          ],
        },
      },
    });
  }
  if (isObj(p.Auth) && p.Auth.AuthType === 'CUSTOM' && p.Auth.AuthArn) {
    ctx.add(`${id}Authorizer`, {
      Type: 'AWS::ApiGatewayV2::Authorizer',
      ...pass,
      Properties: {
        ApiId: ref(id),
        AuthorizerType: 'REQUEST',
        Name: p.Auth.Name ?? `${id}Authorizer`,
        AuthorizerUri: {
          'Fn::Sub': [
            'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${FunctionArn}/invocations',
            { FunctionArn: p.Auth.AuthArn },
          ],
        },
        ...(p.Auth.IdentitySource ? { IdentitySource: p.Auth.IdentitySource } : {}),
      },
    });
  }
  const stageName = p.StageName ?? 'default';
  const st: Obj = { ApiId: ref(id), StageName: stageName, AutoDeploy: true };
  for (const k of ['AccessLogSettings', 'DefaultRouteSettings', 'RouteSettings', 'StageVariables'])
    if (p[k] !== undefined) st[k] = p[k];
  if (p.Tags !== undefined) st.Tags = p.Tags;
  const stageId = /^[A-Za-z0-9]+$/.test(String(stageName)) ? `${id}${stageName}Stage` : `${id}Stage`;
  ctx.add(stageId, { Type: 'AWS::ApiGatewayV2::Stage', ...pass, Properties: st });
}
