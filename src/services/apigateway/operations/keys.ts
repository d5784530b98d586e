import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { applyPatch, asInt, badOp } from '../patch.js';
import type { PatchOp } from '../patch.js';
import { randomId, randomKeyValue } from '../state.js';
import type { ApiKeyDoc, UsagePlanDoc } from '../types.js';
import { dayKey, periodStart } from '../invoke/limits.js';
import { clone, compact, nowSeconds, page, region } from './shared.js';

function keyView(k: ApiKeyDoc, includeValue: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...k };
  if (!includeValue) delete out['value'];
  if (!k.tags || Object.keys(k.tags).length === 0) delete out['tags'];
  return out;
}

function planView(p: UsagePlanDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { ...p };
  delete out['keys'];
  if (!p.tags || Object.keys(p.tags).length === 0) delete out['tags'];
  return out;
}

export function keyOperations(gw: ApigwContext): Record<string, OperationHandler> {
  const requireKey = (ctx: OperationContext, id: string): ApiKeyDoc => {
    const k = region(gw, ctx).apiKeys.get(id);
    if (!k) throw apigwErrors.notFound('Invalid API Key identifier specified');
    return k;
  };
  const requirePlan = (ctx: OperationContext, id: string): UsagePlanDoc => {
    const p = region(gw, ctx).usagePlans.get(id);
    if (!p) throw apigwErrors.notFound('Invalid Usage Plan ID specified');
    return p;
  };
  const checkStages = (ctx: OperationContext, stages: { apiId: string; stage: string }[]): void => {
    for (const s of stages) {
      const api = region(gw, ctx).apis.get(s.apiId);
      if (!api) throw apigwErrors.notFound(`Invalid API identifier specified ${ctx.account}:${s.apiId}`);
      if (!api.stages[s.stage]) throw apigwErrors.notFound(`Invalid stage identifier specified`);
    }
  };
  /** Days of usage of a key under a plan, between two dates (inclusive), as GetUsage lists them. */
  const usageOf = (
    ctx: OperationContext,
    plan: UsagePlanDoc,
    keyId: string,
    start: string,
    end: string,
  ): [number, number][] => {
    const r = region(gw, ctx);
    const out: [number, number][] = [];
    const limit = plan.quota?.limit ?? 0;
    for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86_400_000) {
      const used = r.usage.get(`${plan.id}/${keyId}/${dayKey(t)}`) ?? 0;
      out.push([used, Math.max(limit - used, 0)]);
    }
    return out;
  };

  return {
    async CreateApiKey(
      input: {
        name?: string;
        description?: string;
        enabled?: boolean;
        value?: string;
        stageKeys?: { restApiId: string; stageName: string }[];
        customerId?: string;
        tags?: Record<string, string>;
      },
      ctx,
    ) {
      const r = region(gw, ctx);
      if (input.value !== undefined && input.value.length < 20)
        throw apigwErrors.badRequest('API Key value should be at least 20 characters');
      if (input.value !== undefined && [...r.apiKeys.values()].some((k) => k.value === input.value))
        throw apigwErrors.conflict('API Key already exists');
      const now = nowSeconds(ctx);
      const key: ApiKeyDoc = compact({
        id: randomId(10),
        value: input.value ?? randomKeyValue(),
        name: input.name,
        customerId: input.customerId,
        description: input.description,
        enabled: input.enabled ?? false,
        createdDate: now,
        lastUpdatedDate: now,
        stageKeys: (input.stageKeys ?? []).map((s) => `${s.restApiId}/${s.stageName}`),
        tags: input.tags,
      });
      await gw.state.saveApiKey(ctx.account, ctx.region, key);
      return keyView(key, true);
    },
    GetApiKey(input: { apiKey: string; includeValue?: boolean }, ctx) {
      return keyView(requireKey(ctx, input.apiKey), input.includeValue ?? false);
    },
    GetApiKeys(
      input: { limit?: number; position?: string; nameQuery?: string; customerId?: string; includeValues?: boolean },
      ctx,
    ) {
      const keys = [...region(gw, ctx).apiKeys.values()]
        .filter((k) => !input.nameQuery || (k.name ?? '').startsWith(input.nameQuery))
        .filter((k) => !input.customerId || k.customerId === input.customerId)
        .sort((a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id));
      return page(
        keys.map((k) => keyView(k, input.includeValues ?? false)),
        input,
      );
    },
    async UpdateApiKey(input: { apiKey: string; patchOperations?: PatchOp[] }, ctx) {
      const key = clone(requireKey(ctx, input.apiKey));
      applyPatch(
        key as unknown as Record<string, unknown>,
        input.patchOperations,
        {
          name: { type: 'string' },
          description: { type: 'string', ops: ['replace', 'remove'] },
          enabled: { type: 'bool' },
          customerId: { type: 'string', ops: ['replace', 'remove'] },
        },
        (op, segs, value) => {
          if (segs[0] !== 'stages') return false;
          if (op === 'add' && value) key.stageKeys = [...new Set([...key.stageKeys, value])];
          else if (op === 'remove' && value) key.stageKeys = key.stageKeys.filter((s) => s !== value);
          else badOp(['add', 'remove']);
          return true;
        },
      );
      key.lastUpdatedDate = nowSeconds(ctx);
      await gw.state.saveApiKey(ctx.account, ctx.region, key);
      return keyView(key, false);
    },
    async DeleteApiKey(input: { apiKey: string }, ctx) {
      requireKey(ctx, input.apiKey);
      await gw.state.deleteApiKey(ctx.account, ctx.region, input.apiKey);
      for (const plan of region(gw, ctx).usagePlans.values()) {
        if (plan.keys.includes(input.apiKey))
          await gw.state.saveUsagePlan(ctx.account, ctx.region, {
            ...plan,
            keys: plan.keys.filter((k) => k !== input.apiKey),
          });
      }
      return {};
    },

    async CreateUsagePlan(
      input: {
        name: string;
        description?: string;
        apiStages?: UsagePlanDoc['apiStages'];
        throttle?: UsagePlanDoc['throttle'];
        quota?: UsagePlanDoc['quota'];
        tags?: Record<string, string>;
      },
      ctx,
    ) {
      checkStages(ctx, input.apiStages ?? []);
      if (input.quota && !['DAY', 'WEEK', 'MONTH'].includes(input.quota.period))
        throw apigwErrors.badRequest('Invalid quota period');
      const plan: UsagePlanDoc = compact({
        id: randomId(6),
        name: input.name,
        description: input.description,
        apiStages: input.apiStages ?? [],
        throttle: input.throttle,
        quota: input.quota
          ? compact({ limit: input.quota.limit, offset: input.quota.offset ?? 0, period: input.quota.period })
          : undefined,
        tags: input.tags,
        keys: [],
      });
      await gw.state.saveUsagePlan(ctx.account, ctx.region, plan);
      return planView(plan);
    },
    GetUsagePlan(input: { usagePlanId: string }, ctx) {
      return planView(requirePlan(ctx, input.usagePlanId));
    },
    GetUsagePlans(input: { keyId?: string; limit?: number; position?: string }, ctx) {
      const plans = [...region(gw, ctx).usagePlans.values()].filter(
        (p) => !input.keyId || p.keys.includes(input.keyId),
      );
      return page(plans.map(planView), input);
    },
    async UpdateUsagePlan(input: { usagePlanId: string; patchOperations?: PatchOp[] }, ctx) {
      const plan = clone(requirePlan(ctx, input.usagePlanId));
      applyPatch(
        plan as unknown as Record<string, unknown>,
        input.patchOperations,
        {
          name: { type: 'string' },
          description: { type: 'string', ops: ['replace', 'remove'] },
          productCode: { type: 'string', ops: ['replace', 'remove'] },
        },
        (op, segs, value, path) => {
          if (segs[0] === 'throttle' || segs[0] === 'quota') {
            if (segs.length === 1 && op === 'remove') {
              delete plan[segs[0]];
              return true;
            }
            const field = segs[1];
            if (segs[0] === 'throttle' && (field === 'burstLimit' || field === 'rateLimit')) {
              const n = Number(value);
              if (value === undefined || Number.isNaN(n)) throw apigwErrors.badRequest(`Invalid value for ${path}`);
              (plan.throttle ??= {})[field] = field === 'burstLimit' ? Math.trunc(n) : n;
              return true;
            }
            if (segs[0] === 'quota' && (field === 'limit' || field === 'offset' || field === 'period')) {
              const q = (plan.quota ??= { limit: 0, offset: 0, period: 'DAY' });
              if (field === 'period') {
                if (value !== 'DAY' && value !== 'WEEK' && value !== 'MONTH')
                  throw apigwErrors.badRequest('Invalid quota period');
                q.period = value;
              } else q[field] = asInt(value, path);
              return true;
            }
            throw apigwErrors.patchPath(path);
          }
          if (segs[0] === 'apiStages') {
            if (segs.length === 1) {
              const [apiId, stage] = (value ?? '').split(':');
              if (!apiId || !stage) throw apigwErrors.badRequest('Invalid API Stage specified');
              if (op === 'add') {
                checkStages(ctx, [{ apiId, stage }]);
                if (!plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage))
                  plan.apiStages.push({ apiId, stage });
              } else if (op === 'remove') {
                if (!plan.apiStages.some((s) => s.apiId === apiId && s.stage === stage))
                  throw apigwErrors.notFound('Invalid API Stage specified');
                plan.apiStages = plan.apiStages.filter((s) => !(s.apiId === apiId && s.stage === stage));
              } else badOp(['add', 'remove']);
              return true;
            }
            // /apiStages/{apiId}:{stage}/throttle/{resourcePath}/{method}/{rateLimit|burstLimit}
            const raw = path.split('/');
            const [apiId, stage] = (raw[2] ?? '').split(':');
            const entry = plan.apiStages.find((s) => s.apiId === apiId && s.stage === stage);
            if (!entry || raw[3] !== 'throttle') throw apigwErrors.patchPath(path);
            if (raw.length === 4 && op === 'remove') {
              delete entry.throttle;
              return true;
            }
            const key = `${raw[4]}/${raw[5]}`;
            const field = raw[6];
            if (op === 'remove' && raw.length === 6) {
              delete entry.throttle?.[key];
              return true;
            }
            if (field !== 'rateLimit' && field !== 'burstLimit') throw apigwErrors.patchPath(path);
            const t = ((entry.throttle ??= {})[key] ??= {});
            t[field] = Number(value);
            return true;
          }
          return false;
        },
      );
      await gw.state.saveUsagePlan(ctx.account, ctx.region, plan);
      return planView(plan);
    },
    async DeleteUsagePlan(input: { usagePlanId: string }, ctx) {
      requirePlan(ctx, input.usagePlanId);
      await gw.state.deleteUsagePlan(ctx.account, ctx.region, input.usagePlanId);
      return {};
    },

    async CreateUsagePlanKey(input: { usagePlanId: string; keyId: string; keyType: string }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      if (input.keyType !== 'API_KEY') throw apigwErrors.badRequest('Invalid key type specified');
      const key = requireKey(ctx, input.keyId);
      if (plan.keys.includes(key.id)) throw apigwErrors.conflict('Usage Plan Key already exists');
      await gw.state.saveUsagePlan(ctx.account, ctx.region, { ...plan, keys: [...plan.keys, key.id] });
      return compact({ id: key.id, type: 'API_KEY', value: key.value, name: key.name });
    },
    GetUsagePlanKey(input: { usagePlanId: string; keyId: string }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      if (!plan.keys.includes(input.keyId)) throw apigwErrors.notFound('Invalid Usage Plan Key identifier specified');
      const key = requireKey(ctx, input.keyId);
      return compact({ id: key.id, type: 'API_KEY', value: key.value, name: key.name });
    },
    GetUsagePlanKeys(input: { usagePlanId: string; nameQuery?: string; limit?: number; position?: string }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      const r = region(gw, ctx);
      const items = plan.keys
        .map((id) => r.apiKeys.get(id))
        .filter(
          (k): k is ApiKeyDoc => k !== undefined && (!input.nameQuery || (k.name ?? '').startsWith(input.nameQuery)),
        )
        .map((k) => compact({ id: k.id, type: 'API_KEY', value: k.value, name: k.name }));
      return page(items, input);
    },
    async DeleteUsagePlanKey(input: { usagePlanId: string; keyId: string }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      if (!plan.keys.includes(input.keyId)) throw apigwErrors.notFound('Invalid Usage Plan Key identifier specified');
      await gw.state.saveUsagePlan(ctx.account, ctx.region, {
        ...plan,
        keys: plan.keys.filter((k) => k !== input.keyId),
      });
      return {};
    },

    GetUsage(input: { usagePlanId: string; keyId?: string; startDate: string; endDate: string }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      const keys = input.keyId ? [input.keyId] : plan.keys;
      const values: Record<string, [number, number][]> = {};
      for (const k of keys) values[k] = usageOf(ctx, plan, k, input.startDate, input.endDate);
      return { usagePlanId: plan.id, startDate: input.startDate, endDate: input.endDate, values };
    },
    async UpdateUsage(input: { usagePlanId: string; keyId: string; patchOperations?: PatchOp[] }, ctx) {
      const plan = requirePlan(ctx, input.usagePlanId);
      requireKey(ctx, input.keyId);
      const r = region(gw, ctx);
      for (const p of input.patchOperations ?? []) {
        if (p.path !== '/remaining' || (p.op ?? 'replace') !== 'replace') throw apigwErrors.patchPath(p.path);
        const remaining = asInt(p.value, p.path);
        const now = ctx.clock.now();
        const start = plan.quota ? periodStart(plan.quota, now) : now;
        let usedBefore = 0;
        for (let t = start; dayKey(t) !== dayKey(now); t += 86_400_000)
          usedBefore += r.usage.get(`${plan.id}/${input.keyId}/${dayKey(t)}`) ?? 0;
        const today = Math.max((plan.quota?.limit ?? 0) - remaining - usedBefore, 0);
        await gw.state.saveUsage(ctx.account, ctx.region, `${plan.id}/${input.keyId}/${dayKey(now)}`, today);
      }
      const day = dayKey(ctx.clock.now());
      return {
        usagePlanId: plan.id,
        startDate: day,
        endDate: day,
        values: { [input.keyId]: usageOf(ctx, plan, input.keyId, day, day) },
      };
    },
  };
}
