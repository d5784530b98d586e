import type { OperationContext, OperationHandler } from '../../../core/service.js';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { v2Errors } from '../errors.js';
import type { V2Context } from './context.js';
import { apiOf, itemOf, newId } from './context.js';
import { apiView, createApi } from './apis.js';
import { checkHttpRouteKey } from './resources.js';
import { autoDeploy } from './deploy.js';
import type { ApiState, Doc } from './store.js';

type In = Record<string, any>;
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

function parseDefinition(body: string): Record<string, any> {
  let doc: unknown;
  try {
    doc = body.trimStart().startsWith('{') ? JSON.parse(body) : parseYaml(body);
  } catch {
    throw v2Errors.badRequest('Invalid OpenAPI input: the definition is neither valid JSON nor valid YAML.');
  }
  if (!doc || typeof doc !== 'object') throw v2Errors.badRequest('Invalid OpenAPI input.');
  const d = doc as Record<string, any>;
  if (typeof d['openapi'] !== 'string' || !d['openapi'].startsWith('3.')) {
    throw v2Errors.badRequest('Invalid OpenAPI input: only OpenAPI 3.0 definitions are supported.');
  }
  if (!d['paths'] || typeof d['paths'] !== 'object')
    throw v2Errors.badRequest('Invalid OpenAPI input: paths are required.');
  return d;
}

const lowerKeys = (o: Record<string, any> | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** Replaces the routes, integrations and authorizers of `state` with those of an OpenAPI 3 document. */
async function applyDefinition(
  c: V2Context,
  state: ApiState,
  d: Record<string, any>,
  basepath: string | undefined,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const kind of ['route', 'integration', 'authorizer'] as const)
    for (const id of [...state.items[kind].keys()]) await c.store.remove(state, kind, id);
  if (d['info']?.['title']) state.api['Name'] = String(d['info']['title']);
  if (d['info']?.['version'] !== undefined) state.api['Version'] = String(d['info']['version']);
  if (d['info']?.['description'] !== undefined) state.api['Description'] = String(d['info']['description']);
  const cors = d['x-amazon-apigateway-cors'];
  if (cors && typeof cors === 'object') {
    const lc = lowerKeys(cors);
    state.api['CorsConfiguration'] = {
      ...(lc['allowcredentials'] !== undefined ? { AllowCredentials: Boolean(lc['allowcredentials']) } : {}),
      ...(lc['allowheaders'] ? { AllowHeaders: lc['allowheaders'] } : {}),
      ...(lc['allowmethods'] ? { AllowMethods: lc['allowmethods'] } : {}),
      ...(lc['alloworigins'] ? { AllowOrigins: lc['alloworigins'] } : {}),
      ...(lc['exposeheaders'] ? { ExposeHeaders: lc['exposeheaders'] } : {}),
      ...(lc['maxage'] !== undefined ? { MaxAge: Number(lc['maxage']) } : {}),
    };
  }
  await c.store.saveApi(state);
  const authorizerIds = new Map<string, Doc>();
  for (const [name, scheme] of Object.entries<any>(d['components']?.['securitySchemes'] ?? {})) {
    const ext = scheme?.['x-amazon-apigateway-authorizer'];
    if (!ext) continue;
    const id = newId(6);
    const jwt = String(ext['type']).toLowerCase() === 'jwt';
    const identity = ext['identitySource'];
    const doc: Doc = {
      AuthorizerId: id,
      AuthorizerType: jwt ? 'JWT' : 'REQUEST',
      IdentitySource: Array.isArray(identity)
        ? identity
        : identity
          ? String(identity)
              .split(',')
              .map((s) => s.trim())
          : jwt
            ? ['$request.header.Authorization']
            : [],
      Name: name,
    };
    if (jwt)
      doc['JwtConfiguration'] = {
        Audience: ext['jwtConfiguration']?.['audience'] ?? [],
        Issuer: ext['jwtConfiguration']?.['issuer'],
      };
    else {
      doc['AuthorizerUri'] = ext['authorizerUri'];
      doc['AuthorizerPayloadFormatVersion'] = ext['authorizerPayloadFormatVersion'] ?? '2.0';
      doc['AuthorizerResultTtlInSeconds'] = ext['authorizerResultTtlInSeconds'] ?? 0;
      if (ext['enableSimpleResponses'] !== undefined)
        doc['EnableSimpleResponses'] = Boolean(ext['enableSimpleResponses']);
    }
    await c.store.put(state, 'authorizer', id, doc);
    authorizerIds.set(name, doc);
  }
  const integrations = new Map<string, string>();
  const prefix = basepath === 'prepend' ? '' : '';
  for (const [rawPath, item] of Object.entries<any>(d['paths'])) {
    const path = prefix + rawPath;
    const ops: [string, any][] = [];
    for (const m of HTTP_METHODS) if (item?.[m]) ops.push([m.toUpperCase(), item[m]]);
    if (item?.['x-amazon-apigateway-any-method']) ops.push(['ANY', item['x-amazon-apigateway-any-method']]);
    for (const [method, op] of ops) {
      const routeKey = path === '$default' ? '$default' : `${method} ${path}`;
      try {
        checkHttpRouteKey(routeKey);
      } catch (err) {
        warnings.push((err as Error).message);
        continue;
      }
      const route: Doc = { ApiKeyRequired: false, AuthorizationType: 'NONE', RouteId: newId(7), RouteKey: routeKey };
      const integ = op['x-amazon-apigateway-integration'];
      if (integ) {
        const type = String(integ['type'] ?? '').toUpperCase();
        const uri = String(integ['uri'] ?? '');
        const subtype = integ['integrationSubtype'] as string | undefined;
        const key = JSON.stringify([
          type,
          uri,
          integ['payloadFormatVersion'],
          integ['httpMethod'],
          subtype,
          integ['credentials'],
          integ['requestParameters'],
        ]);
        let iid = integrations.get(key);
        if (!iid) {
          iid = newId(7);
          integrations.set(key, iid);
          await c.store.put(state, 'integration', iid, {
            ConnectionType: integ['connectionType'] ?? 'INTERNET',
            IntegrationId: iid,
            IntegrationMethod: integ['httpMethod'] ?? (type === 'AWS_PROXY' ? 'POST' : method),
            IntegrationType: type,
            IntegrationUri: uri,
            PayloadFormatVersion: String(integ['payloadFormatVersion'] ?? (type === 'AWS_PROXY' ? '2.0' : '1.0')),
            TimeoutInMillis: Number(integ['timeoutInMillis'] ?? 30000),
            ...(subtype !== undefined ? { IntegrationSubtype: subtype } : {}),
            ...(integ['credentials'] !== undefined ? { CredentialsArn: String(integ['credentials']) } : {}),
            ...(integ['requestParameters'] !== undefined ? { RequestParameters: integ['requestParameters'] } : {}),
          });
        }
        route['Target'] = `integrations/${iid}`;
      } else
        warnings.push(`Route ${routeKey} has no x-amazon-apigateway-integration; it was imported without a target.`);
      const security = (op['security'] ?? d['security']) as Record<string, string[]>[] | undefined;
      for (const req of security ?? []) {
        for (const [name, scopes] of Object.entries(req)) {
          const a = authorizerIds.get(name);
          if (!a) continue;
          route['AuthorizerId'] = a['AuthorizerId'];
          route['AuthorizationType'] = a['AuthorizerType'] === 'JWT' ? 'JWT' : 'CUSTOM';
          if (Array.isArray(scopes) && scopes.length > 0) route['AuthorizationScopes'] = scopes;
        }
      }
      await c.store.put(state, 'route', route['RouteId'] as string, route);
    }
  }
  await autoDeploy(c, state);
  return warnings;
}

function exportDefinition(
  c: V2Context,
  state: ApiState,
  stageName: string | undefined,
  extensions: boolean,
): Record<string, any> {
  const stage = stageName !== undefined ? itemOf(state, 'stage', stageName) : undefined;
  let routes = [...state.items.route.values()];
  let integrations = Object.fromEntries(state.items.integration);
  let authorizers = Object.fromEntries(state.items.authorizer);
  if (stage) {
    const snap = stage['DeploymentId']
      ? state.items.deployment.get(stage['DeploymentId'] as string)?.['_snapshot']
      : undefined;
    if (snap) ({ routes, integrations, authorizers } = snap);
  }
  const paths: Record<string, any> = {};
  for (const r of routes) {
    const key = r['RouteKey'] as string;
    const [method, path] =
      key === '$default' ? ['ANY', '$default'] : [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
    const op: Record<string, any> = { responses: { default: { description: 'Default response for ' + key } } };
    const params = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (params.length > 0) op['parameters'] = params;
    const iid = /^integrations\/(.+)$/.exec(String(r['Target'] ?? ''))?.[1];
    const integ = iid ? integrations[iid] : undefined;
    if (integ && extensions) {
      op['x-amazon-apigateway-integration'] = {
        payloadFormatVersion: integ['PayloadFormatVersion'],
        type: String(integ['IntegrationType']).toLowerCase(),
        httpMethod: integ['IntegrationMethod'],
        uri: integ['IntegrationUri'],
        connectionType: integ['ConnectionType'],
        timeoutInMillis: integ['TimeoutInMillis'],
      };
    }
    const auth = r['AuthorizerId'] ? authorizers[r['AuthorizerId'] as string] : undefined;
    if (auth) op['security'] = [{ [auth['Name'] as string]: r['AuthorizationScopes'] ?? [] }];
    paths[path] ??= {};
    paths[path][method === 'ANY' ? 'x-amazon-apigateway-any-method' : method.toLowerCase()] = op;
  }
  const out: Record<string, any> = {
    openapi: '3.0.1',
    info: {
      title: state.api['Name'],
      ...(state.api['Description'] ? { description: state.api['Description'] } : {}),
      version:
        state.api['Version'] ?? new Date(state.api['CreatedDate'] as number).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    servers: [
      {
        url: `http://${state.api['ApiId'] as string}.execute-api.localhost:${c.server.port}/{basePath}`,
        variables: { basePath: { default: stage && stageName !== '$default' ? stageName : '' } },
      },
    ],
    paths,
  };
  const schemes = Object.values(authorizers);
  if (schemes.length > 0) {
    out['components'] = {
      securitySchemes: Object.fromEntries(
        schemes.map((a: Doc) => [
          a['Name'],
          {
            type: a['AuthorizerType'] === 'JWT' ? 'oauth2' : 'apiKey',
            ...(a['AuthorizerType'] === 'JWT' ? { flows: {} } : { name: 'Unused', in: 'header' }),
            ...(extensions
              ? {
                  'x-amazon-apigateway-authorizer':
                    a['AuthorizerType'] === 'JWT'
                      ? {
                          identitySource: (a['IdentitySource'] ?? []).join(','),
                          jwtConfiguration: {
                            audience: a['JwtConfiguration']?.['Audience'] ?? [],
                            issuer: a['JwtConfiguration']?.['Issuer'],
                          },
                          type: 'jwt',
                        }
                      : {
                          identitySource: (a['IdentitySource'] ?? []).join(','),
                          authorizerUri: a['AuthorizerUri'],
                          authorizerPayloadFormatVersion: a['AuthorizerPayloadFormatVersion'],
                          authorizerResultTtlInSeconds: a['AuthorizerResultTtlInSeconds'],
                          type: 'request',
                          enableSimpleResponses: a['EnableSimpleResponses'] ?? false,
                        },
                }
              : {}),
          },
        ]),
      ),
    };
  }
  const cors = state.api['CorsConfiguration'];
  if (cors && extensions) {
    out['x-amazon-apigateway-cors'] = {
      ...(cors['AllowCredentials'] !== undefined ? { allowCredentials: cors['AllowCredentials'] } : {}),
      ...(cors['AllowHeaders'] ? { allowHeaders: cors['AllowHeaders'] } : {}),
      ...(cors['AllowMethods'] ? { allowMethods: cors['AllowMethods'] } : {}),
      ...(cors['AllowOrigins'] ? { allowOrigins: cors['AllowOrigins'] } : {}),
      ...(cors['ExposeHeaders'] ? { exposeHeaders: cors['ExposeHeaders'] } : {}),
      ...(cors['MaxAge'] !== undefined ? { maxAge: cors['MaxAge'] } : {}),
    };
  }
  if (extensions) out['x-amazon-apigateway-importexport-version'] = '1.0';
  return out;
}

export function openApiOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    ImportApi: async (input: In, ctx: OperationContext) => {
      const d = parseDefinition(String(input['Body']));
      const state = await createApi(c, ctx, { Name: String(d['info']?.['title'] ?? 'imported'), ProtocolType: 'HTTP' });
      const warnings = await applyDefinition(c, state, d, input['Basepath'] as string | undefined);
      if (warnings.length > 0 && input['FailOnWarnings']) {
        await c.store.deleteApi(state);
        throw v2Errors.badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
      }
      return { ...apiView(c, state), ...(warnings.length > 0 ? { Warnings: warnings } : {}) };
    },
    ReimportApi: async (input: In, ctx: OperationContext) => {
      const state = apiOf(c, ctx, input['ApiId']);
      if (state.api['ProtocolType'] !== 'HTTP') throw v2Errors.badRequest('Reimport is supported only for HTTP APIs.');
      const d = parseDefinition(String(input['Body']));
      const warnings = await applyDefinition(c, state, d, input['Basepath'] as string | undefined);
      if (warnings.length > 0 && input['FailOnWarnings'])
        throw v2Errors.badRequest(`Warnings found during import:\n\t${warnings.join('\n\t')}`);
      return { ...apiView(c, state), ...(warnings.length > 0 ? { Warnings: warnings } : {}) };
    },
    ExportApi: (input: In, ctx: OperationContext) => {
      const state = apiOf(c, ctx, input['ApiId']);
      if (state.api['ProtocolType'] !== 'HTTP') throw v2Errors.badRequest('Export is supported only for HTTP APIs.');
      if (String(input['Specification']).toUpperCase() !== 'OAS30')
        throw v2Errors.badRequest(
          `Unsupported specification ${String(input['Specification'])}; only OAS30 is supported.`,
        );
      const type = String(input['OutputType']).toUpperCase();
      if (type !== 'JSON' && type !== 'YAML') throw v2Errors.badRequest('OutputType must be JSON or YAML.');
      const doc = exportDefinition(
        c,
        state,
        input['StageName'] as string | undefined,
        input['IncludeExtensions'] !== false,
      );
      return { body: Buffer.from(type === 'JSON' ? JSON.stringify(doc, null, 2) : toYaml(doc)) };
    },
  };
}
