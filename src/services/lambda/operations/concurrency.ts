import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn, lambdaTimestamp } from '../functions/names.js';
import type { Handlers } from './shared.js';
import { paginate, refOf, requireFunction } from './shared.js';

/** Concurrency that must stay unreserved in an account (AWS: 100). */
const MIN_UNRESERVED = 100;

interface ProvisionedConfig {
  RequestedProvisionedConcurrentExecutions: number;
  LastModified: string;
  readyAt: number;
}

export function concurrencyOperations(lc: LambdaContext): Handlers {
  const limit = () => lc.config.lambda.accountConcurrency;

  async function reservedElsewhere(account: string, region: string, except: string): Promise<number> {
    return (await lc.catalog.listMetas(account, region))
      .filter((m) => m.name !== except)
      .reduce((n, m) => n + (m.reserved ?? 0), 0);
  }

  /**
   * The version or alias a provisioned-concurrency call names, as AWS checks it: $LATEST is refused,
   * a missing version is "Function not found", a missing alias "Cannot find alias arn".
   */
  async function provisionedTarget(
    input: { FunctionName: string; Qualifier: string },
    ctx: OperationContext,
    latestMessage: string,
  ) {
    const ref = refOf(input, ctx);
    const qualifier = ref.qualifier ?? input.Qualifier;
    if (qualifier === '$LATEST') throw lambdaErrors.invalidParameter(latestMessage);
    const arn = functionArn(ref, qualifier);
    const isVersion = /^\d+$/.test(qualifier);
    const missing = () =>
      isVersion ? lambdaErrors.functionNotFound(arn) : lambdaErrors.notFound(`Cannot find alias arn: ${arn}`);
    if (!(await lc.catalog.meta(ref.account, ref.region, ref.name))) throw missing();
    const alias = isVersion ? undefined : await lc.catalog.alias(ref.account, ref.region, ref.name, qualifier);
    if (!isVersion && !alias) throw missing();
    if (isVersion && !(await lc.catalog.version(ref.account, ref.region, ref.name, qualifier))) throw missing();
    return { ref, qualifier, alias };
  }

  const NOT_PUBLISHED = 'The function resource provided must be an alias or a published version.';

  function provisionedView(c: ProvisionedConfig) {
    const ready = lc.clock.now() >= c.readyAt;
    const n = c.RequestedProvisionedConcurrentExecutions;
    return {
      RequestedProvisionedConcurrentExecutions: n,
      AvailableProvisionedConcurrentExecutions: ready ? n : 0,
      AllocatedProvisionedConcurrentExecutions: ready ? n : 0,
      Status: ready ? 'READY' : 'IN_PROGRESS',
      LastModified: c.LastModified,
    };
  }

  return {
    async PutFunctionConcurrency(
      input: { FunctionName: string; ReservedConcurrentExecutions: number },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      const meta = await requireFunction(lc, ref);
      const others = await reservedElsewhere(ref.account, ref.region, ref.name);
      if (limit() - others - input.ReservedConcurrentExecutions < MIN_UNRESERVED) {
        throw lambdaErrors.invalidParameter(
          `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
        );
      }
      await lc.catalog.putMeta({ ...meta, reserved: input.ReservedConcurrentExecutions });
      return { ReservedConcurrentExecutions: input.ReservedConcurrentExecutions };
    },

    async GetFunctionConcurrency(input: { FunctionName: string }, ctx: OperationContext) {
      const meta = await requireFunction(lc, refOf(input, ctx));
      return meta.reserved !== undefined ? { ReservedConcurrentExecutions: meta.reserved } : {};
    },

    async DeleteFunctionConcurrency(input: { FunctionName: string }, ctx: OperationContext) {
      const meta = await requireFunction(lc, refOf(input, ctx));
      await lc.catalog.putMeta({ ...meta, reserved: undefined });
      return {};
    },

    async PutProvisionedConcurrencyConfig(
      input: { FunctionName: string; Qualifier: string; ProvisionedConcurrentExecutions: number },
      ctx: OperationContext,
    ) {
      const { ref, qualifier, alias } = await provisionedTarget(
        input,
        ctx,
        'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
      );
      // A version is provisioned either directly or through one alias, not both.
      const existing = await lc.settings.list<ProvisionedConfig>(ref.account, ref.region, ref.name, 'provisioned');
      if (alias && existing.some((s) => s.qualifier === alias.FunctionVersion)) {
        throw lambdaErrors.conflict(
          "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
        );
      }
      if (!alias) {
        const aliases = await lc.catalog.listAliases(ref.account, ref.region, ref.name);
        if (aliases.some((a) => a.FunctionVersion === qualifier && existing.some((s) => s.qualifier === a.Name))) {
          throw lambdaErrors.conflict('Version is pointed by a Provisioned Concurrency alias');
        }
      }
      const target = await lc.invoker.resolve(ref.account, ref.region, ref.name, qualifier);
      const t = lc.clock.now();
      const config: ProvisionedConfig = {
        RequestedProvisionedConcurrentExecutions: input.ProvisionedConcurrentExecutions,
        LastModified: lambdaTimestamp(t),
        readyAt: t + lc.config.lambda.stateDelayMs,
      };
      await lc.settings.put(ref.account, ref.region, ref.name, 'provisioned', qualifier, config);
      // Keep that many environments initialised and warm.
      void lc.invoker
        .prewarm(target, input.ProvisionedConcurrentExecutions)
        .catch((err: unknown) => lc.log.warn({ err }, 'provisioned concurrency failed to start environments'));
      // AWS accepts the request (202) with the allocation still to come; Get shows READY once it is.
      return {
        ...provisionedView(config),
        AvailableProvisionedConcurrentExecutions: 0,
        AllocatedProvisionedConcurrentExecutions: 0,
        Status: 'IN_PROGRESS',
      };
    },

    async GetProvisionedConcurrencyConfig(input: { FunctionName: string; Qualifier: string }, ctx: OperationContext) {
      const { ref, qualifier } = await provisionedTarget(input, ctx, NOT_PUBLISHED);
      const c = await lc.settings.get<ProvisionedConfig>(ref.account, ref.region, ref.name, 'provisioned', qualifier);
      if (!c) throw lambdaErrors.provisionedNotFound('No Provisioned Concurrency Config found for this function');
      return provisionedView(c);
    },

    async DeleteProvisionedConcurrencyConfig(
      input: { FunctionName: string; Qualifier: string },
      ctx: OperationContext,
    ) {
      const { ref, qualifier } = await provisionedTarget(input, ctx, NOT_PUBLISHED);
      await lc.settings.delete(ref.account, ref.region, ref.name, 'provisioned', qualifier);
      return {};
    },

    async ListProvisionedConcurrencyConfigs(
      input: { FunctionName: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      const all = await lc.settings.list<ProvisionedConfig>(ref.account, ref.region, ref.name, 'provisioned');
      const items = all.map((s) => ({ FunctionArn: functionArn(ref, s.qualifier), ...provisionedView(s.config) }));
      const { page, next } = paginate(items, input.Marker, input.MaxItems);
      return { ProvisionedConcurrencyConfigs: page, ...(next ? { NextMarker: next } : {}) };
    },

    async GetAccountSettings(_input: unknown, ctx: OperationContext) {
      const metas = await lc.catalog.listMetas(ctx.account, ctx.region);
      let total = 0;
      for (const m of metas)
        for (const v of await lc.catalog.listVersions(m.account, m.region, m.name)) total += v.config.CodeSize;
      const reserved = metas.reduce((n, m) => n + (m.reserved ?? 0), 0);
      return {
        AccountLimit: {
          TotalCodeSize: 80_530_636_800,
          CodeSizeUnzipped: 262_144_000,
          CodeSizeZipped: 52_428_800,
          ConcurrentExecutions: limit(),
          UnreservedConcurrentExecutions: limit() - reserved,
        },
        AccountUsage: { TotalCodeSize: total, FunctionCount: metas.length },
      };
    },
  };
}
