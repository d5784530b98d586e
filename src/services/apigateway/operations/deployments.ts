import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { applyPatch, asBool, asInt, badOp } from '../patch.js';
import type { PatchOp } from '../patch.js';
import { randomId } from '../state.js';
import type { ApiSnapshot, DeploymentDoc, MethodSettingDoc, RestApiDoc, StageDoc } from '../types.js';
import { clone, compact, nowSeconds, requireApi } from './shared.js';

export function snapshotOf(api: RestApiDoc): ApiSnapshot {
  return clone({
    resources: api.resources,
    authorizers: api.authorizers,
    models: api.models,
    requestValidators: api.requestValidators,
    gatewayResponses: api.gatewayResponses,
    binaryMediaTypes: api.binaryMediaTypes,
    apiKeySource: api.apiKeySource,
    policy: api.policy,
  });
}

function deploymentView(d: DeploymentDoc, embedSummary: boolean): Record<string, unknown> {
  return compact({
    id: d.id,
    description: d.description,
    createdDate: d.createdDate,
    apiSummary: embedSummary ? d.apiSummary : undefined,
  });
}

export function stageView(s: StageDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  if (!s.variables || Object.keys(s.variables).length === 0) delete out['variables'];
  if (!s.tags || Object.keys(s.tags).length === 0) delete out['tags'];
  return out;
}

function summary(api: RestApiDoc): DeploymentDoc['apiSummary'] {
  const out: NonNullable<DeploymentDoc['apiSummary']> = {};
  for (const r of Object.values(api.resources)) {
    for (const [verb, m] of Object.entries(r.resourceMethods ?? {})) {
      (out[r.path] ??= {})[verb] = { authorizationType: m.authorizationType, apiKeyRequired: m.apiKeyRequired };
    }
  }
  return out;
}

/** Freezes the API as a new deployment (CreateDeployment; imports that deploy). */
export function deploy(api: RestApiDoc, ctx: OperationContext, description?: string): DeploymentDoc {
  const methods = Object.values(api.resources).some((r) => Object.keys(r.resourceMethods ?? {}).length > 0);
  if (!methods) throw apigwErrors.badRequest("The REST API doesn't contain any methods");
  for (const r of Object.values(api.resources)) {
    for (const m of Object.values(r.resourceMethods ?? {})) {
      if (!m.methodIntegration) throw apigwErrors.badRequest('No integration defined for method');
    }
  }
  const d: DeploymentDoc = compact({
    id: randomId(6),
    description,
    createdDate: nowSeconds(ctx),
    apiSummary: summary(api),
    snapshot: snapshotOf(api),
  });
  api.deployments[d.id] = d;
  return d;
}

export function newStage(
  ctx: OperationContext,
  input: Partial<StageDoc> & { stageName: string; deploymentId: string },
): StageDoc {
  const now = nowSeconds(ctx);
  return compact({
    stageName: input.stageName,
    deploymentId: input.deploymentId,
    description: input.description,
    cacheClusterEnabled: input.cacheClusterEnabled ?? false,
    cacheClusterSize: input.cacheClusterEnabled ? (input.cacheClusterSize ?? '0.5') : input.cacheClusterSize,
    cacheClusterStatus: input.cacheClusterEnabled ? 'AVAILABLE' : 'NOT_AVAILABLE',
    methodSettings: {},
    variables: input.variables,
    documentationVersion: input.documentationVersion,
    tracingEnabled: input.tracingEnabled ?? false,
    tags: input.tags,
    createdDate: now,
    lastUpdatedDate: now,
  }) as StageDoc;
}

const DEFAULT_SETTING: MethodSettingDoc = {
  metricsEnabled: false,
  loggingLevel: 'OFF',
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
};

const SETTINGS: Record<string, [keyof MethodSettingDoc, 'bool' | 'int' | 'number' | 'string']> = {
  'metrics/enabled': ['metricsEnabled', 'bool'],
  'logging/loglevel': ['loggingLevel', 'string'],
  'logging/dataTrace': ['dataTraceEnabled', 'bool'],
  'throttling/burstLimit': ['throttlingBurstLimit', 'int'],
  'throttling/rateLimit': ['throttlingRateLimit', 'number'],
  'caching/enabled': ['cachingEnabled', 'bool'],
  'caching/ttlInSeconds': ['cacheTtlInSeconds', 'int'],
  'caching/dataEncrypted': ['cacheDataEncrypted', 'bool'],
  'caching/requireAuthorizationForCacheControl': ['requireAuthorizationForCacheControl', 'bool'],
  'caching/unauthorizedCacheControlHeaderStrategy': ['unauthorizedCacheControlHeaderStrategy', 'string'],
};

function patchStage(stage: StageDoc, api: RestApiDoc, ops: PatchOp[] | undefined): void {
  applyPatch(
    stage as unknown as Record<string, unknown>,
    ops,
    {
      description: { type: 'string', ops: ['replace', 'remove'] },
      deploymentId: { type: 'string' },
      clientCertificateId: { type: 'string', ops: ['replace', 'remove'] },
      cacheClusterSize: { type: 'string' },
      documentationVersion: { type: 'string', ops: ['replace', 'remove'] },
      webAclArn: { type: 'string', ops: ['replace', 'remove'] },
      variables: { map: 'string' },
    },
    (op, segs, value, path) => {
      if (segs[0] === 'deploymentId' && segs.length === 1) {
        if (!value || !api.deployments[value]) throw apigwErrors.badRequest('Deployment id does not exist');
        stage.deploymentId = value;
        return true;
      }
      if (segs[0] === 'tracingEnabled' || segs[0] === 'cacheClusterEnabled') {
        if (op !== 'replace') badOp(['replace']);
        const on = asBool(value, path);
        if (segs[0] === 'tracingEnabled') stage.tracingEnabled = on;
        else {
          stage.cacheClusterEnabled = on;
          stage.cacheClusterStatus = on ? 'AVAILABLE' : 'NOT_AVAILABLE';
          if (on) stage.cacheClusterSize ??= '0.5';
        }
        return true;
      }
      if (segs[0] === 'accessLogSettings') {
        const field = segs[1];
        if (op === 'remove') {
          if (segs.length === 1) {
            delete stage.accessLogSettings;
            return true;
          }
          if (
            (field === 'destinationArn' || field === 'format') &&
            segs.length === 2 &&
            stage.accessLogSettings?.[field] !== undefined
          ) {
            delete stage.accessLogSettings[field];
            if (Object.keys(stage.accessLogSettings).length === 0) delete stage.accessLogSettings;
            return true;
          }
          throw apigwErrors.badRequest(
            `Cannot remove method setting ${segs.join('/')} because there is no method setting for this method `,
          );
        }
        if (segs.length !== 2 || (field !== 'destinationArn' && field !== 'format')) {
          throw apigwErrors.badRequest(
            'Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, /accessLogSettings/format]',
          );
        }
        if (!value) throw apigwErrors.badRequest('Access Log value must not be empty');
        (stage.accessLogSettings ??= {})[field] = value;
        return true;
      }
      // Method settings: /{resourcePath}/{httpMethod}/{group}/{setting}, `~1` escapes in the resource path.
      const parts = path.split('/').slice(1);
      if (parts.length === 4 || (parts.length === 2 && op === 'remove')) {
        const key = `${parts[0]}/${parts[1]}`;
        if (parts.length === 2) {
          if (!stage.methodSettings[key])
            throw apigwErrors.badRequest(
              `Cannot remove method setting ${key} because there is no method setting for this method `,
            );
          delete stage.methodSettings[key];
          return true;
        }
        const setting = SETTINGS[`${parts[2]}/${parts[3]}`];
        if (!setting) throw apigwErrors.badRequest(`Invalid method setting path: ${path}`);
        const entry = (stage.methodSettings[key] ??= { ...(stage.methodSettings['*/*'] ?? DEFAULT_SETTING) });
        const [name, type] = setting;
        if (op === 'remove') return true;
        let v: unknown = value;
        if (type === 'bool') v = asBool(value, path);
        else if (type === 'int') v = asInt(value, path);
        else if (type === 'number') {
          v = Number(value);
          if (value === undefined || Number.isNaN(v))
            throw apigwErrors.badRequest(`Invalid value specified for ${path.slice(1)}: ${value ?? 'null'}`);
        }
        (entry as unknown as Record<string, unknown>)[name] = v;
        return true;
      }
      return false;
    },
  );
}

export function deploymentOperations(gw: ApigwContext): Record<string, OperationHandler> {
  const requireStage = (api: RestApiDoc, name: string): StageDoc => {
    const s = api.stages[name];
    if (!s) throw apigwErrors.notFound('Invalid Stage identifier specified');
    return s;
  };
  return {
    async CreateDeployment(
      input: {
        restApiId: string;
        stageName?: string;
        stageDescription?: string;
        description?: string;
        variables?: Record<string, string>;
        cacheClusterEnabled?: boolean;
        cacheClusterSize?: string;
        tracingEnabled?: boolean;
      },
      ctx,
    ) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      const d = deploy(api, ctx, input.description);
      if (input.stageName) {
        const existing = api.stages[input.stageName];
        if (existing) {
          existing.deploymentId = d.id;
          if (input.variables) existing.variables = { ...existing.variables, ...input.variables };
          existing.lastUpdatedDate = nowSeconds(ctx);
        } else {
          api.stages[input.stageName] = newStage(ctx, {
            stageName: input.stageName,
            deploymentId: d.id,
            description: input.stageDescription,
            variables: input.variables,
            cacheClusterEnabled: input.cacheClusterEnabled,
            cacheClusterSize: input.cacheClusterSize,
            tracingEnabled: input.tracingEnabled,
          });
        }
        gw.flushAuthorizers(api.id, input.stageName);
      }
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return deploymentView(d, false);
    },

    GetDeployment(input: { restApiId: string; deploymentId: string; embed?: string[] }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId);
      const d = api.deployments[input.deploymentId];
      if (!d) throw apigwErrors.notFound('Invalid Deployment identifier specified');
      return deploymentView(d, (input.embed ?? []).includes('apisummary'));
    },

    GetDeployments(input: { restApiId: string }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId);
      return {
        item: Object.values(api.deployments)
          .sort((a, b) => a.createdDate - b.createdDate)
          .map((d) => deploymentView(d, false)),
      };
    },

    async UpdateDeployment(input: { restApiId: string; deploymentId: string; patchOperations?: PatchOp[] }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      const d = api.deployments[input.deploymentId];
      if (!d) throw apigwErrors.notFound('Invalid Deployment identifier specified');
      applyPatch(d as unknown as Record<string, unknown>, input.patchOperations, {
        description: { type: 'string', ops: ['replace', 'remove'] },
      });
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return deploymentView(d, false);
    },

    async DeleteDeployment(input: { restApiId: string; deploymentId: string }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      if (!api.deployments[input.deploymentId]) throw apigwErrors.notFound('Invalid Deployment identifier specified');
      if (Object.values(api.stages).some((s) => s.deploymentId === input.deploymentId)) {
        throw apigwErrors.badRequest('Active stages pointing to this deployment must be moved or deleted');
      }
      delete api.deployments[input.deploymentId];
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return {};
    },

    async CreateStage(input: Partial<StageDoc> & { restApiId: string; stageName: string; deploymentId: string }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      if (!api.deployments[input.deploymentId]) throw apigwErrors.notFound('Invalid Deployment identifier specified');
      if (api.stages[input.stageName]) throw apigwErrors.conflict('Stage already exists');
      if (!/^[a-zA-Z0-9_-]+$/.test(input.stageName)) {
        throw apigwErrors.badRequest('Stage name only allows a-zA-Z0-9_');
      }
      const s = newStage(ctx, input);
      api.stages[s.stageName] = s;
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return stageView(s);
    },

    GetStage(input: { restApiId: string; stageName: string }, ctx) {
      return stageView(requireStage(requireApi(gw, ctx, input.restApiId), input.stageName));
    },

    GetStages(input: { restApiId: string; deploymentId?: string }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId);
      const items = Object.values(api.stages).filter(
        (s) => !input.deploymentId || s.deploymentId === input.deploymentId,
      );
      return { item: items.map(stageView) };
    },

    async UpdateStage(input: { restApiId: string; stageName: string; patchOperations?: PatchOp[] }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      const s = requireStage(api, input.stageName);
      patchStage(s, api, input.patchOperations);
      s.lastUpdatedDate = nowSeconds(ctx);
      await gw.state.saveApi(ctx.account, ctx.region, api);
      gw.flushAuthorizers(api.id, s.stageName);
      return stageView(s);
    },

    async DeleteStage(input: { restApiId: string; stageName: string }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      requireStage(api, input.stageName);
      delete api.stages[input.stageName];
      await gw.state.saveApi(ctx.account, ctx.region, api);
      gw.flushAuthorizers(api.id, input.stageName);
      return {};
    },

    FlushStageAuthorizersCache(input: { restApiId: string; stageName: string }, ctx) {
      requireStage(requireApi(gw, ctx, input.restApiId), input.stageName);
      gw.flushAuthorizers(input.restApiId, input.stageName);
      return {};
    },

    FlushStageCache(input: { restApiId: string; stageName: string }, ctx) {
      requireStage(requireApi(gw, ctx, input.restApiId), input.stageName);
      return {};
    },
  };
}
