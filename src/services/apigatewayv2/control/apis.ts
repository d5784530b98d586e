import type { OperationContext, OperationHandler } from '../../../core/service.js';
import { v2Errors } from '../errors.js';
import type { V2Context } from './context.js';
import { apiEndpoint, apiOf, assign, isWebSocket, newId, page, view } from './context.js';
import { autoDeploy } from './deploy.js';
import type { ApiState, Doc } from './store.js';

type In = Record<string, any>;

export function apiView(c: V2Context, state: ApiState): Doc {
  return { ...view(state.api), ApiEndpoint: apiEndpoint(c, state) };
}

function checkProtocolFields(input: In, websocket: boolean): void {
  if (websocket) {
    if (input['CorsConfiguration'] !== undefined)
      throw v2Errors.badRequest('CORS configuration is not supported for WebSocket APIs.');
    if (input['Target'] !== undefined || input['RouteKey'] !== undefined) {
      throw v2Errors.badRequest('Quick create is not supported for WebSocket APIs.');
    }
  }
}

/** A new API (with quick create's integration, route and `$default` stage when `Target` is given). */
export async function createApi(c: V2Context, ctx: OperationContext, input: In): Promise<ApiState> {
  const websocket = input['ProtocolType'] === 'WEBSOCKET';
  checkProtocolFields(input, websocket);
  if (websocket && !input['RouteSelectionExpression']) {
    throw v2Errors.badRequest('RouteSelectionExpression is required for a WEBSOCKET API.');
  }
  let id = newId(10);
  while (c.store.apis.has(id)) id = newId(10);
  const api: Doc = {
    ApiId: id,
    ApiKeySelectionExpression: input['ApiKeySelectionExpression'] ?? '$request.header.x-api-key',
    CreatedDate: c.clock.now(),
    DisableExecuteApiEndpoint: input['DisableExecuteApiEndpoint'] ?? false,
    IpAddressType: input['IpAddressType'] ?? 'ipv4',
    Name: input['Name'],
    ProtocolType: input['ProtocolType'],
    RouteSelectionExpression: input['RouteSelectionExpression'] ?? '$request.method $request.path',
    Tags: input['Tags'] ?? {},
  };
  if (websocket) api['DisableSchemaValidation'] = input['DisableSchemaValidation'];
  assign(api, input, ['Target', 'RouteKey', 'CredentialsArn', 'Tags', 'ProtocolType', 'Name']);
  if (api['DisableSchemaValidation'] === undefined) delete api['DisableSchemaValidation'];
  const state = await c.store.createApi(ctx.account, ctx.region, api);
  if (input['Target'] !== undefined)
    await quickCreate(
      c,
      state,
      String(input['Target']),
      (input['RouteKey'] as string | undefined) ?? '$default',
      input['CredentialsArn'],
    );
  return state;
}

async function quickCreate(
  c: V2Context,
  state: ApiState,
  target: string,
  routeKey: string,
  credentialsArn: unknown,
): Promise<void> {
  const lambda = target.startsWith('arn:');
  const integrationId = newId(7);
  await c.store.put(state, 'integration', integrationId, {
    ApiGatewayManaged: true,
    ConnectionType: 'INTERNET',
    ...(credentialsArn ? { CredentialsArn: credentialsArn } : {}),
    IntegrationId: integrationId,
    IntegrationMethod: lambda ? 'POST' : 'ANY',
    IntegrationType: lambda ? 'AWS_PROXY' : 'HTTP_PROXY',
    IntegrationUri: target,
    PayloadFormatVersion: lambda ? '2.0' : '1.0',
    TimeoutInMillis: 30000,
  });
  const routeId = newId(7);
  await c.store.put(state, 'route', routeId, {
    ApiGatewayManaged: true,
    ApiKeyRequired: false,
    AuthorizationType: 'NONE',
    RouteId: routeId,
    RouteKey: routeKey,
    Target: `integrations/${integrationId}`,
  });
  await c.store.put(state, 'stage', '$default', {
    ApiGatewayManaged: true,
    AutoDeploy: true,
    CreatedDate: c.clock.now(),
    DefaultRouteSettings: { DetailedMetricsEnabled: false },
    LastUpdatedDate: c.clock.now(),
    RouteSettings: {},
    StageName: '$default',
    StageVariables: {},
    Tags: {},
  });
  await autoDeploy(c, state);
}

export function apiOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateApi: async (input: In, ctx) => apiView(c, await createApi(c, ctx, input)),
    GetApi: (input: In, ctx) => apiView(c, apiOf(c, ctx, input['ApiId'])),
    GetApis: (input: In, ctx) => {
      const all = [...c.store.apis.values()].filter((s) => s.account === ctx.account && s.region === ctx.region);
      return page(
        all.map((s) => apiView(c, s)),
        input,
      );
    },
    UpdateApi: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      checkProtocolFields(input, isWebSocket(state));
      assign(state.api, input, ['ApiId', 'Target', 'RouteKey', 'CredentialsArn']);
      await c.store.saveApi(state);
      await autoDeploy(c, state);
      return apiView(c, state);
    },
    DeleteApi: async (input: In, ctx) => {
      await c.store.deleteApi(apiOf(c, ctx, input['ApiId']));
      c.onReset?.(String(input['ApiId']));
      return {};
    },
    DeleteCorsConfiguration: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      delete state.api['CorsConfiguration'];
      await c.store.saveApi(state);
      return {};
    },
  };
}

/** `arn:aws:apigateway:<region>::/apis/<id>` or `.../apis/<id>/stages/<name>`: the doc holding the tags. */
function tagged(c: V2Context, ctx: OperationContext, arn: string): { state: ApiState; doc: Doc; stage?: string } {
  const m = /^arn:aws:apigateway:([^:]*)::\/apis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  const state = m ? c.store.find(ctx.account, m[1] || ctx.region, m[2]!) : undefined;
  if (!m || !state) throw v2Errors.notFound('Resource', `Invalid resource identifier specified ${arn}`);
  if (m[3] === undefined) return { state, doc: state.api };
  const stage = state.items.stage.get(decodeURIComponent(m[3]));
  if (!stage) throw v2Errors.notFound('Resource', `Invalid resource identifier specified ${arn}`);
  return { state, doc: stage, stage: stage['StageName'] as string };
}

export function tagOperations(c: V2Context): Record<string, OperationHandler> {
  const save = async (t: { state: ApiState; doc: Doc; stage?: string }) =>
    t.stage === undefined ? c.store.saveApi(t.state) : c.store.put(t.state, 'stage', t.stage, t.doc);
  return {
    GetTags: (input: In, ctx) => ({ Tags: tagged(c, ctx, input['ResourceArn']).doc['Tags'] ?? {} }),
    TagResource: async (input: In, ctx) => {
      const t = tagged(c, ctx, input['ResourceArn']);
      t.doc['Tags'] = { ...(t.doc['Tags'] ?? {}), ...(input['Tags'] ?? {}) };
      await save(t);
      return {};
    },
    UntagResource: async (input: In, ctx) => {
      const t = tagged(c, ctx, input['ResourceArn']);
      const tags = { ...(t.doc['Tags'] ?? {}) };
      for (const k of (input['TagKeys'] as string[] | undefined) ?? []) delete tags[k];
      t.doc['Tags'] = tags;
      await save(t);
      return {};
    },
  };
}
