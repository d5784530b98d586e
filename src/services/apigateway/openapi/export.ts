import { stringify as toYaml } from 'yaml';
import type { ApiSnapshot, MethodDoc, RestApiDoc } from '../types.js';

/** GetExport: the stage's deployment as OpenAPI 3.0.1 or Swagger 2.0, JSON or YAML. */
export function exportApi(
  api: RestApiDoc,
  snapshot: ApiSnapshot,
  stage: string,
  region: string,
  type: 'oas30' | 'swagger',
  extensions: string,
  yaml: boolean,
): string {
  const oas3 = type === 'oas30';
  const withIntegrations = /integrations|apigateway/.test(extensions);
  const withAuthorizers = /authorizers|apigateway/.test(extensions);
  const paths: Record<string, any> = {};
  const usedKeys = { apiKey: false };
  const resources = Object.values(snapshot.resources).sort((a, b) => a.path.localeCompare(b.path));
  for (const r of resources) {
    const methods = Object.values(r.resourceMethods ?? {});
    if (methods.length === 0) continue;
    const item: Record<string, any> = {};
    for (const m of methods) {
      item[m.httpMethod === 'ANY' ? 'x-amazon-apigateway-any-method' : m.httpMethod.toLowerCase()] = operation(
        m,
        snapshot,
        oas3,
        withIntegrations,
        usedKeys,
      );
    }
    paths[r.path] = item;
  }
  const schemes: Record<string, any> = {};
  for (const a of Object.values(snapshot.authorizers)) {
    const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? '')?.[1] ?? 'Authorization';
    const scheme: Record<string, any> = {
      type: 'apiKey',
      name: header,
      in: 'header',
      'x-amazon-apigateway-authtype': a.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : 'custom',
    };
    if (withAuthorizers) {
      scheme['x-amazon-apigateway-authorizer'] = Object.fromEntries(
        Object.entries({
          type: a.type.toLowerCase(),
          authorizerUri: a.authorizerUri,
          authorizerCredentials: a.authorizerCredentials,
          identitySource: a.type === 'TOKEN' ? undefined : a.identitySource,
          identityValidationExpression: a.identityValidationExpression,
          authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
          providerARNs: a.providerARNs,
        }).filter(([, v]) => v !== undefined),
      );
    }
    schemes[a.name] = scheme;
  }
  if (usedKeys.apiKey) schemes['api_key'] = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  const schemas = Object.fromEntries(Object.values(snapshot.models).map((m) => [m.name, safeJson(m.schema)]));
  const info = {
    version: new Date(api.createdDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    title: api.name,
    ...(api.description ? { description: api.description } : {}),
  };
  const host = `${api.id}.execute-api.${region}.amazonaws.com`;
  const doc: Record<string, any> = oas3
    ? {
        openapi: '3.0.1',
        info,
        servers: [{ url: `https://${host}/{basePath}`, variables: { basePath: { default: stage } } }],
        paths,
        components: {
          ...(Object.keys(schemas).length ? { schemas } : {}),
          ...(Object.keys(schemes).length ? { securitySchemes: schemes } : {}),
        },
      }
    : {
        swagger: '2.0',
        info,
        host,
        basePath: `/${stage}`,
        schemes: ['https'],
        paths,
        ...(Object.keys(schemes).length ? { securityDefinitions: schemes } : {}),
        ...(Object.keys(schemas).length ? { definitions: schemas } : {}),
      };
  if (oas3 && Object.keys(doc['components']).length === 0) delete doc['components'];
  if (snapshot.binaryMediaTypes?.length) doc['x-amazon-apigateway-binary-media-types'] = snapshot.binaryMediaTypes;
  if (withIntegrations && snapshot.apiKeySource !== 'HEADER')
    doc['x-amazon-apigateway-api-key-source'] = snapshot.apiKeySource;
  const gr = Object.values(snapshot.gatewayResponses);
  if (withIntegrations && gr.length) {
    doc['x-amazon-apigateway-gateway-responses'] = Object.fromEntries(
      gr.map((g) => [
        g.responseType,
        {
          ...(g.statusCode ? { statusCode: Number(g.statusCode) } : {}),
          responseParameters: g.responseParameters,
          responseTemplates: g.responseTemplates,
        },
      ]),
    );
  }
  return yaml ? toYaml(doc) : JSON.stringify(doc, null, 2);
}

function safeJson(s: string | undefined): unknown {
  try {
    return s ? JSON.parse(s) : {};
  } catch {
    return {};
  }
}

function operation(
  m: MethodDoc,
  snapshot: ApiSnapshot,
  oas3: boolean,
  withIntegrations: boolean,
  used: { apiKey: boolean },
): Record<string, any> {
  const op: Record<string, any> = {};
  if (m.operationName) op['operationId'] = m.operationName;
  const params: any[] = [];
  for (const [name, required] of Object.entries(m.requestParameters ?? {})) {
    const match = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(name);
    if (!match) continue;
    const where = match[1] === 'querystring' ? 'query' : match[1];
    params.push(
      oas3
        ? { name: match[2], in: where, required: where === 'path' ? true : required, schema: { type: 'string' } }
        : { name: match[2], in: where, required: where === 'path' ? true : required, type: 'string' },
    );
  }
  if (params.length) op['parameters'] = params;
  const responses: Record<string, any> = {};
  for (const [code, mr] of Object.entries(m.methodResponses ?? {})) {
    const r: Record<string, any> = { description: `${code} response` };
    const headers = Object.keys(mr.responseParameters ?? {}).map((h) => h.replace(/^method\.response\.header\./, ''));
    if (headers.length)
      r['headers'] = Object.fromEntries(
        headers.map((h) => [h, oas3 ? { schema: { type: 'string' } } : { type: 'string' }]),
      );
    const model = mr.responseModels?.['application/json'];
    if (model && snapshot.models[model]) {
      const ref = oas3 ? `#/components/schemas/${model}` : `#/definitions/${model}`;
      if (oas3) r['content'] = { 'application/json': { schema: { $ref: ref } } };
      else r['schema'] = { $ref: ref };
    }
    responses[code] = r;
  }
  op['responses'] = responses;
  const security: Record<string, string[]>[] = [];
  if (m.authorizerId && snapshot.authorizers[m.authorizerId])
    security.push({ [snapshot.authorizers[m.authorizerId]!.name]: m.authorizationScopes ?? [] });
  if (m.apiKeyRequired) {
    security.push({ api_key: [] });
    used.apiKey = true;
  }
  if (security.length) op['security'] = security;
  const i = m.methodIntegration;
  if (withIntegrations && i) {
    const x: Record<string, any> = { type: i.type.toLowerCase() };
    if (i.httpMethod) x['httpMethod'] = i.httpMethod;
    if (i.uri) x['uri'] = i.uri;
    if (i.credentials) x['credentials'] = i.credentials;
    if (i.requestParameters) x['requestParameters'] = i.requestParameters;
    if (i.requestTemplates) x['requestTemplates'] = i.requestTemplates;
    x['passthroughBehavior'] = (i.passthroughBehavior ?? 'WHEN_NO_MATCH').toLowerCase();
    if (i.contentHandling) x['contentHandling'] = i.contentHandling;
    x['timeoutInMillis'] = i.timeoutInMillis;
    const irs = Object.values(i.integrationResponses ?? {});
    if (irs.length) {
      x['responses'] = Object.fromEntries(
        irs.map((r) => [
          r.selectionPattern ? r.selectionPattern : 'default',
          Object.fromEntries(
            Object.entries({
              statusCode: r.statusCode,
              responseParameters: r.responseParameters,
              responseTemplates: r.responseTemplates,
              contentHandling: r.contentHandling,
            }).filter(([, v]) => v !== undefined),
          ),
        ]),
      );
    }
    op['x-amazon-apigateway-integration'] = x;
  }
  return op;
}
