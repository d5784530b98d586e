import type { OperationHandler } from '../../../core/service.js';
import { v2Errors } from '../errors.js';
import type { V2Context } from './context.js';
import { apiOf, assign, isWebSocket, itemOf, newId, page, view } from './context.js';
import { autoDeploy } from './deploy.js';
import { checkRequestParameters, checkResponseParameters, mergeParameters } from './mapping-checks.js';
import type { ApiState, Doc } from './store.js';

type In = Record<string, any>;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

/** HTTP API route keys: `$default` or `<METHOD> /path` with `{param}` segments and a last `{greedy+}`. */
export function checkHttpRouteKey(key: string): void {
  if (key === '$default') return;
  const bad = () =>
    v2Errors.badRequest(
      `Unable to create route ${key}. The route key must be '$default' or have the form '<HTTP method> <resource path>'.`,
    );
  const sp = key.indexOf(' ');
  if (sp < 0 || !METHODS.has(key.slice(0, sp))) throw bad();
  const path = key.slice(sp + 1);
  if (!path.startsWith('/')) throw bad();
  if (path === '/') return;
  const segs = path.slice(1).split('/');
  segs.forEach((s, i) => {
    if (s === '') throw bad();
    const greedy = /^\{[^{}+]+\+\}$/.test(s);
    if (greedy && i !== segs.length - 1)
      throw v2Errors.badRequest(`Unable to create route ${key}. A greedy path variable must be the last path part.`);
    if (!greedy && /[{}]/.test(s) && !/^\{[A-Za-z0-9._-]+\}$/.test(s)) throw bad();
  });
}

function checkTarget(state: ApiState, target: unknown): void {
  if (target === undefined) return;
  const m = /^integrations\/([a-z0-9]+)$/.exec(String(target));
  if (!m || !state.items.integration.has(m[1]!)) throw v2Errors.badRequest(`Invalid target ${String(target)}`);
}

function checkAuthorization(state: ApiState, input: In): void {
  const type = input['AuthorizationType'];
  if ((type === 'JWT' || type === 'CUSTOM') && !input['AuthorizerId'])
    throw v2Errors.badRequest(`An authorizerId is required for authorization type ${String(type)}.`);
  if (input['AuthorizerId'] !== undefined) {
    const a = itemOf(state, 'authorizer', input['AuthorizerId']);
    const want = a['AuthorizerType'] === 'JWT' ? 'JWT' : 'CUSTOM';
    if (type !== undefined && type !== want)
      throw v2Errors.badRequest(
        `Authorization type ${String(type)} does not match the authorizer type ${a['AuthorizerType'] as string}.`,
      );
  }
}

async function changed(c: V2Context, state: ApiState): Promise<void> {
  await autoDeploy(c, state);
}

export function routeOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateRoute: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const key = String(input['RouteKey']);
      if (!isWebSocket(state)) checkHttpRouteKey(key);
      if ([...state.items.route.values()].some((r) => r['RouteKey'] === key)) {
        throw v2Errors.conflict(`Route with key ${key} already exists for this API`);
      }
      checkTarget(state, input['Target']);
      checkAuthorization(state, input);
      const id = newId(7);
      const route: Doc = assign(
        { ApiKeyRequired: false, AuthorizationType: input['AuthorizerId'] ? undefined : 'NONE', RouteId: id },
        input,
        ['ApiId'],
      );
      if (route['AuthorizationType'] === undefined) {
        const a = state.items.authorizer.get(String(input['AuthorizerId']));
        route['AuthorizationType'] = a?.['AuthorizerType'] === 'JWT' ? 'JWT' : 'CUSTOM';
      }
      await c.store.put(state, 'route', id, route);
      await changed(c, state);
      return route;
    },
    GetRoute: (input: In, ctx) => view(itemOf(apiOf(c, ctx, input['ApiId']), 'route', input['RouteId'])),
    GetRoutes: (input: In, ctx) => page([...apiOf(c, ctx, input['ApiId']).items.route.values()].map(view), input),
    UpdateRoute: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const route = itemOf(state, 'route', input['RouteId']);
      if (input['RouteKey'] !== undefined && input['RouteKey'] !== route['RouteKey']) {
        if (!isWebSocket(state)) checkHttpRouteKey(String(input['RouteKey']));
        if ([...state.items.route.values()].some((r) => r['RouteKey'] === input['RouteKey'])) {
          throw v2Errors.conflict(`Route with key ${String(input['RouteKey'])} already exists for this API`);
        }
      }
      checkTarget(state, input['Target']);
      checkAuthorization(state, { ...route, ...input });
      assign(route, input, ['ApiId', 'RouteId']);
      if (input['AuthorizationType'] === 'NONE' || input['AuthorizationType'] === 'AWS_IAM')
        delete route['AuthorizerId'];
      await c.store.put(state, 'route', route['RouteId'] as string, route);
      await changed(c, state);
      return route;
    },
    DeleteRoute: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'route', input['RouteId']);
      await c.store.remove(state, 'route', String(input['RouteId']));
      for (const [id, rr] of state.items.routeresponse)
        if (rr['_parent'] === input['RouteId']) await c.store.remove(state, 'routeresponse', id);
      await changed(c, state);
      return {};
    },
    DeleteRouteRequestParameter: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const route = itemOf(state, 'route', input['RouteId']);
      const params = { ...(route['RequestParameters'] ?? {}) };
      delete params[String(input['RequestParameterKey'])];
      route['RequestParameters'] = params;
      await c.store.put(state, 'route', route['RouteId'] as string, route);
      await changed(c, state);
      return {};
    },
    ...childOperations(c, 'RouteResponse', 'routeresponse', 'route', 'RouteId', 'RouteResponseId', 'RouteResponseKey'),
    ...childOperations(
      c,
      'IntegrationResponse',
      'integrationresponse',
      'integration',
      'IntegrationId',
      'IntegrationResponseId',
      'IntegrationResponseKey',
    ),
  };
}

/** Route responses and integration responses: children of a route / an integration. */
function childOperations(
  c: V2Context,
  name: 'RouteResponse' | 'IntegrationResponse',
  kind: 'routeresponse' | 'integrationresponse',
  parentKind: 'route' | 'integration',
  parentIdMember: string,
  idMember: string,
  keyMember: string,
): Record<string, OperationHandler> {
  const children = (state: ApiState, parentId: string) =>
    [...state.items[kind].values()].filter((d) => d['_parent'] === parentId);
  const child = (state: ApiState, input: In) => {
    const doc = itemOf(state, kind, input[idMember]);
    if (doc['_parent'] !== input[parentIdMember])
      throw v2Errors.notFound(name, `Invalid ${name} identifier specified ${String(input[idMember])}`);
    return doc;
  };
  return {
    [`Create${name}`]: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      if (!isWebSocket(state)) throw v2Errors.badRequest(`${name}s are supported only for WebSocket APIs.`);
      const parentId = String(input[parentIdMember]);
      itemOf(state, parentKind, parentId);
      if (children(state, parentId).some((d) => d[keyMember] === input[keyMember])) {
        throw v2Errors.conflict(`${name} with key ${String(input[keyMember])} already exists`);
      }
      const id = newId(6);
      const doc = assign({ [idMember]: id, _parent: parentId }, input, ['ApiId', parentIdMember]);
      await c.store.put(state, kind, id, doc);
      await changed(c, state);
      return view(doc);
    },
    [`Get${name}`]: (input: In, ctx) => view(child(apiOf(c, ctx, input['ApiId']), input)),
    [`Get${name}s`]: (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, parentKind, input[parentIdMember]);
      return page(children(state, String(input[parentIdMember])).map(view), input);
    },
    [`Update${name}`]: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = child(state, input);
      assign(doc, input, ['ApiId', parentIdMember, idMember]);
      await c.store.put(state, kind, doc[idMember] as string, doc);
      await changed(c, state);
      return view(doc);
    },
    [`Delete${name}`]: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      child(state, input);
      await c.store.remove(state, kind, String(input[idMember]));
      await changed(c, state);
      return {};
    },
  };
}

const LAMBDA_URI =
  /^arn:aws[a-z-]*:(lambda:[^:]+:\d{12}:function:.+|apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/.+\/invocations)$/;

function checkIntegration(state: ApiState, i: Doc): void {
  const type = i['IntegrationType'];
  const ws = isWebSocket(state);
  if (!ws && (type === 'AWS' || type === 'HTTP' || type === 'MOCK')) {
    throw v2Errors.badRequest(`Integration type ${String(type)} is not supported for HTTP APIs.`);
  }
  if (type === 'AWS_PROXY') {
    if (i['IntegrationSubtype'] === undefined && !LAMBDA_URI.test(String(i['IntegrationUri'] ?? ''))) {
      throw v2Errors.badRequest(
        'Invalid integration URI specified. A Lambda function ARN or its invocation URI is required.',
      );
    }
    if (!ws && i['PayloadFormatVersion'] === undefined) {
      throw v2Errors.badRequest('PayloadFormatVersion is required for AWS_PROXY integrations of HTTP APIs.');
    }
  }
  if (type === 'HTTP_PROXY' || type === 'HTTP') {
    if (!/^https?:\/\//.test(String(i['IntegrationUri'] ?? '')) && i['ConnectionType'] !== 'VPC_LINK') {
      throw v2Errors.badRequest('Invalid HTTP endpoint specified for URI');
    }
    if (!i['IntegrationMethod']) throw v2Errors.badRequest('IntegrationMethod is required for HTTP integrations.');
  }
  const v = i['PayloadFormatVersion'];
  if (v !== undefined && v !== '1.0' && v !== '2.0')
    throw v2Errors.badRequest(`Invalid payload format version ${String(v)}. Supported versions: 1.0, 2.0.`);
  if (v === '2.0' && type !== 'AWS_PROXY')
    throw v2Errors.badRequest('Payload format version 2.0 is supported only for AWS_PROXY integrations.');
  if (ws && v === '2.0') throw v2Errors.badRequest('Payload format version 2.0 is not supported for WebSocket APIs.');
  if (!ws && i['IntegrationSubtype'] === undefined) {
    checkRequestParameters(i['RequestParameters']);
    checkResponseParameters(i['ResponseParameters']);
  }
}

export function integrationOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateIntegration: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const ws = isWebSocket(state);
      const id = newId(7);
      const doc: Doc = assign(
        {
          ConnectionType: 'INTERNET',
          IntegrationId: id,
          TimeoutInMillis: ws ? 29000 : 30000,
          ...(ws
            ? {
                IntegrationResponseSelectionExpression: '${integration.response.statuscode}',
                PayloadFormatVersion: '1.0',
              }
            : {}),
          ...(ws &&
          (input['IntegrationType'] === 'AWS' ||
            input['IntegrationType'] === 'HTTP' ||
            input['IntegrationType'] === 'MOCK')
            ? { PassthroughBehavior: 'WHEN_NO_MATCH' }
            : {}),
        },
        input,
        ['ApiId'],
      );
      if (!ws && doc['PayloadFormatVersion'] === undefined && doc['IntegrationType'] === 'HTTP_PROXY')
        doc['PayloadFormatVersion'] = '1.0';
      checkIntegration(state, doc);
      await c.store.put(state, 'integration', id, doc);
      await changed(c, state);
      return view(doc);
    },
    GetIntegration: (input: In, ctx) =>
      view(itemOf(apiOf(c, ctx, input['ApiId']), 'integration', input['IntegrationId'])),
    GetIntegrations: (input: In, ctx) =>
      page([...apiOf(c, ctx, input['ApiId']).items.integration.values()].map(view), input),
    UpdateIntegration: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'integration', input['IntegrationId']);
      const ws = isWebSocket(state);
      const next = assign(
        structuredClone(doc),
        input,
        ws ? ['ApiId', 'IntegrationId'] : ['ApiId', 'IntegrationId', 'RequestParameters', 'ResponseParameters'],
      );
      if (!ws) mergeParameters(next, input);
      checkIntegration(state, next);
      await c.store.put(state, 'integration', doc['IntegrationId'] as string, next);
      await changed(c, state);
      return view(next);
    },
    DeleteIntegration: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'integration', input['IntegrationId']);
      const target = `integrations/${String(input['IntegrationId'])}`;
      if ([...state.items.route.values()].some((r) => r['Target'] === target)) {
        throw v2Errors.conflict(
          `Cannot delete integration ${String(input['IntegrationId'])}: it is the target of a route.`,
        );
      }
      await c.store.remove(state, 'integration', String(input['IntegrationId']));
      await changed(c, state);
      return {};
    },
  };
}

function checkAuthorizer(state: ApiState, a: Doc): void {
  const ws = isWebSocket(state);
  if (a['AuthorizerType'] === 'JWT') {
    if (ws) throw v2Errors.badRequest('JWT authorizers are not supported for WebSocket APIs.');
    const issuer = a['JwtConfiguration']?.['Issuer'];
    if (!issuer) throw v2Errors.badRequest('JwtConfiguration with an Issuer is required for JWT authorizers.');
    if (!/^https?:\/\//.test(String(issuer)))
      throw v2Errors.badRequest('Invalid issuer: the issuer must be an http(s) URL.');
  } else {
    if (!a['AuthorizerUri']) throw v2Errors.badRequest('AuthorizerUri is required for REQUEST authorizers.');
    if (!ws) {
      const v = a['AuthorizerPayloadFormatVersion'];
      if (v === undefined)
        throw v2Errors.badRequest('AuthorizerPayloadFormatVersion is required for REQUEST authorizers of HTTP APIs.');
      if (v !== '1.0' && v !== '2.0')
        throw v2Errors.badRequest(`Invalid authorizer payload format version ${String(v)}.`);
      if (a['EnableSimpleResponses'] && v !== '2.0')
        throw v2Errors.badRequest('Simple responses are supported only with payload format version 2.0.');
    }
    const ttl = Number(a['AuthorizerResultTtlInSeconds'] ?? 0);
    if (ttl > 0 && (a['IdentitySource'] ?? []).length === 0)
      throw v2Errors.badRequest('IdentitySource is required when authorizer caching is enabled.');
  }
}

export function authorizerOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateAuthorizer: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const id = newId(6);
      const doc = assign({ AuthorizerId: id }, input, ['ApiId']);
      if (doc['AuthorizerType'] === 'REQUEST' && doc['AuthorizerResultTtlInSeconds'] === undefined)
        doc['AuthorizerResultTtlInSeconds'] = 0;
      checkAuthorizer(state, doc);
      await c.store.put(state, 'authorizer', id, doc);
      await changed(c, state);
      return view(doc);
    },
    GetAuthorizer: (input: In, ctx) => view(itemOf(apiOf(c, ctx, input['ApiId']), 'authorizer', input['AuthorizerId'])),
    GetAuthorizers: (input: In, ctx) =>
      page([...apiOf(c, ctx, input['ApiId']).items.authorizer.values()].map(view), input),
    UpdateAuthorizer: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'authorizer', input['AuthorizerId']);
      const next = assign(structuredClone(doc), input, ['ApiId', 'AuthorizerId']);
      checkAuthorizer(state, next);
      await c.store.put(state, 'authorizer', doc['AuthorizerId'] as string, next);
      c.onReset?.(state.api['ApiId'] as string);
      await changed(c, state);
      return view(next);
    },
    DeleteAuthorizer: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'authorizer', input['AuthorizerId']);
      if ([...state.items.route.values()].some((r) => r['AuthorizerId'] === input['AuthorizerId'])) {
        throw v2Errors.conflict(`Cannot delete authorizer ${String(input['AuthorizerId'])}: it is used by a route.`);
      }
      await c.store.remove(state, 'authorizer', String(input['AuthorizerId']));
      await changed(c, state);
      return {};
    },
  };
}

export function modelOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateModel: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      if ([...state.items.model.values()].some((m) => m['Name'] === input['Name']))
        throw v2Errors.conflict(`Model name already exists for this API`);
      const id = newId(6);
      const doc = assign({ ModelId: id }, input, ['ApiId']);
      await c.store.put(state, 'model', id, doc);
      return view(doc);
    },
    GetModel: (input: In, ctx) => view(itemOf(apiOf(c, ctx, input['ApiId']), 'model', input['ModelId'])),
    GetModels: (input: In, ctx) => page([...apiOf(c, ctx, input['ApiId']).items.model.values()].map(view), input),
    GetModelTemplate: (input: In, ctx) => {
      itemOf(apiOf(c, ctx, input['ApiId']), 'model', input['ModelId']);
      return { Value: "#set($inputRoot = $input.path('$'))\n{ }" };
    },
    UpdateModel: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'model', input['ModelId']);
      assign(doc, input, ['ApiId', 'ModelId']);
      await c.store.put(state, 'model', doc['ModelId'] as string, doc);
      return view(doc);
    },
    DeleteModel: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'model', input['ModelId']);
      await c.store.remove(state, 'model', String(input['ModelId']));
      return {};
    },
  };
}
