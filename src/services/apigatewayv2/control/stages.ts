import type { OperationHandler } from '../../../core/service.js';
import { v2Errors } from '../errors.js';
import type { V2Context } from './context.js';
import { apiOf, assign, isWebSocket, itemOf, page, view } from './context.js';
import { autoDeploy, deploy } from './deploy.js';
import type { ApiState, Doc } from './store.js';

type In = Record<string, any>;

function checkStage(state: ApiState, s: Doc): void {
  const arn = s['AccessLogSettings']?.['DestinationArn'];
  if (arn !== undefined && !/^arn:aws[a-z-]*:logs:[^:]+:\d{12}:log-group:[^:]+(:\*)?$/.test(String(arn))) {
    throw v2Errors.badRequest('Invalid destination ARN: it must be a CloudWatch Logs log group ARN.');
  }
  if (s['AccessLogSettings'] && arn === undefined)
    throw v2Errors.badRequest('Access log destination must be specified.');
  if (s['AccessLogSettings'] && !s['AccessLogSettings']['Format'])
    throw v2Errors.badRequest('Access log format must be specified.');
  if (s['DeploymentId'] !== undefined) itemOf(state, 'deployment', s['DeploymentId']);
  if (s['StageName'] === '$default' && isWebSocket(state))
    throw v2Errors.badRequest('Stage name $default is not supported for WebSocket APIs.');
  if (s['StageName'] !== '$default' && !/^[A-Za-z0-9_-]+$/.test(String(s['StageName']))) {
    throw v2Errors.badRequest('Stage name only allows a-zA-Z0-9_-');
  }
}

export function stageOperations(c: V2Context): Record<string, OperationHandler> {
  return {
    CreateStage: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const name = String(input['StageName']);
      if (state.items.stage.has(name)) throw v2Errors.conflict(`Stage ${name} already exists`);
      const ws = isWebSocket(state);
      const doc = assign(
        {
          CreatedDate: c.clock.now(),
          DefaultRouteSettings: ws
            ? { DataTraceEnabled: false, DetailedMetricsEnabled: false, LoggingLevel: 'OFF' }
            : { DetailedMetricsEnabled: false },
          LastUpdatedDate: c.clock.now(),
          RouteSettings: {},
          StageVariables: {},
          Tags: {},
        },
        input,
        ['ApiId'],
      );
      if (input['DefaultRouteSettings'])
        doc['DefaultRouteSettings'] = { DetailedMetricsEnabled: false, ...input['DefaultRouteSettings'] };
      checkStage(state, doc);
      await c.store.put(state, 'stage', name, doc);
      if (doc['AutoDeploy'] && doc['DeploymentId'] === undefined) await autoDeploy(c, state);
      return view(state.items.stage.get(name)!);
    },
    GetStage: (input: In, ctx) => view(itemOf(apiOf(c, ctx, input['ApiId']), 'stage', input['StageName'])),
    GetStages: (input: In, ctx) => page([...apiOf(c, ctx, input['ApiId']).items.stage.values()].map(view), input),
    UpdateStage: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'stage', input['StageName']);
      const next = assign(structuredClone(doc), input, [
        'ApiId',
        'StageName',
        'RouteSettings',
        'DefaultRouteSettings',
        'StageVariables',
      ]);
      if (input['DefaultRouteSettings'])
        next['DefaultRouteSettings'] = { ...(doc['DefaultRouteSettings'] ?? {}), ...input['DefaultRouteSettings'] };
      if (input['RouteSettings']) {
        const merged = { ...(doc['RouteSettings'] ?? {}) };
        for (const [k, v] of Object.entries(input['RouteSettings'] as Record<string, Doc>))
          merged[k] = { ...(merged[k] ?? {}), ...v };
        next['RouteSettings'] = merged;
      }
      if (input['StageVariables'])
        next['StageVariables'] = { ...(doc['StageVariables'] ?? {}), ...input['StageVariables'] };
      next['LastUpdatedDate'] = c.clock.now();
      checkStage(state, next);
      await c.store.put(state, 'stage', doc['StageName'] as string, next);
      if (next['AutoDeploy'] && !doc['AutoDeploy']) await autoDeploy(c, state);
      return view(state.items.stage.get(doc['StageName'] as string)!);
    },
    DeleteStage: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'stage', input['StageName']);
      await c.store.remove(state, 'stage', String(input['StageName']));
      c.onReset?.(state.api['ApiId'] as string, String(input['StageName']));
      return {};
    },
    DeleteRouteSettings: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'stage', input['StageName']);
      const key = String(input['RouteKey']);
      if (!doc['RouteSettings']?.[key])
        throw v2Errors.notFound('RouteSettings', `Unable to find route settings for route key ${key}`);
      delete doc['RouteSettings'][key];
      await c.store.put(state, 'stage', doc['StageName'] as string, doc);
      return {};
    },
    DeleteAccessLogSettings: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'stage', input['StageName']);
      delete doc['AccessLogSettings'];
      await c.store.put(state, 'stage', doc['StageName'] as string, doc);
      return {};
    },
    ResetAuthorizersCache: (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'stage', input['StageName']);
      c.onReset?.(state.api['ApiId'] as string, String(input['StageName']));
      return {};
    },
    CreateDeployment: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const stage = input['StageName'] !== undefined ? itemOf(state, 'stage', input['StageName']) : undefined;
      if (stage?.['AutoDeploy'])
        throw v2Errors.badRequest(
          `Stage ${String(input['StageName'])} is configured for auto-deploy; it cannot be deployed manually.`,
        );
      if (state.items.route.size === 0)
        throw v2Errors.badRequest('At least one route is required before deploying the Api.');
      const d = await deploy(c, state, input['Description'] as string | undefined, false);
      if (stage) {
        stage['DeploymentId'] = d['DeploymentId'];
        stage['LastUpdatedDate'] = c.clock.now();
        await c.store.put(state, 'stage', stage['StageName'] as string, stage);
      }
      return view(d);
    },
    GetDeployment: (input: In, ctx) => view(itemOf(apiOf(c, ctx, input['ApiId']), 'deployment', input['DeploymentId'])),
    GetDeployments: (input: In, ctx) =>
      page([...apiOf(c, ctx, input['ApiId']).items.deployment.values()].map(view), input),
    UpdateDeployment: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      const doc = itemOf(state, 'deployment', input['DeploymentId']);
      if (input['Description'] !== undefined) doc['Description'] = input['Description'];
      await c.store.put(state, 'deployment', doc['DeploymentId'] as string, doc);
      return view(doc);
    },
    DeleteDeployment: async (input: In, ctx) => {
      const state = apiOf(c, ctx, input['ApiId']);
      itemOf(state, 'deployment', input['DeploymentId']);
      if ([...state.items.stage.values()].some((s) => s['DeploymentId'] === input['DeploymentId'])) {
        throw v2Errors.badRequest(`Active stages pointing to this deployment must be moved or deleted`);
      }
      await c.store.remove(state, 'deployment', String(input['DeploymentId']));
      return {};
    },
  };
}
