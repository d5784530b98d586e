import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn } from '../functions/names.js';
import type { AliasConfiguration } from '../functions/types.js';
import type { Handlers } from './shared.js';
import { checkRevision, newRevision, paginate, refOf, requireFunction } from './shared.js';

interface AliasInput {
  FunctionName: string;
  Name: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId?: string;
}

export function aliasOperations(lc: LambdaContext): Handlers {
  async function checkVersions(
    account: string,
    region: string,
    fn: string,
    primary: string,
    routing: AliasInput['RoutingConfig'],
  ): Promise<void> {
    const ref = { account, region, name: fn };
    if (primary !== '$LATEST' && !(await lc.catalog.version(account, region, fn, primary))) {
      throw lambdaErrors.functionNotFound(functionArn(ref, primary));
    }
    const weights = routing?.AdditionalVersionWeights ?? {};
    const extra = Object.entries(weights);
    if (extra.length > 1)
      throw lambdaErrors.invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
    for (const [version, weight] of extra) {
      if (primary === '$LATEST')
        throw lambdaErrors.invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
      if (version === primary)
        throw lambdaErrors.invalidParameter(
          `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
        );
      if (!(await lc.catalog.version(account, region, fn, version)))
        throw lambdaErrors.functionNotFound(functionArn(ref, version));
      if (!(weight >= 0 && weight <= 1))
        throw lambdaErrors.invalidParameter('Version weight must be between 0.0 and 1.0');
    }
  }

  return {
    async CreateAlias(input: AliasInput, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input.FunctionName }, ctx);
      await requireFunction(lc, ref);
      if (/^\d+$/.test(input.Name) || input.Name === '$LATEST')
        throw lambdaErrors.invalidParameter(`Alias name cannot be a version number or $LATEST: ${input.Name}`);
      if (await lc.catalog.alias(ref.account, ref.region, ref.name, input.Name)) {
        throw lambdaErrors.conflict(`Alias already exists: ${functionArn(ref, input.Name)}`);
      }
      await checkVersions(ref.account, ref.region, ref.name, input.FunctionVersion!, input.RoutingConfig);
      const alias: AliasConfiguration = {
        AliasArn: functionArn(ref, input.Name),
        Name: input.Name,
        FunctionVersion: input.FunctionVersion!,
        Description: input.Description ?? '',
        RevisionId: newRevision(),
        ...(input.RoutingConfig?.AdditionalVersionWeights &&
        Object.keys(input.RoutingConfig.AdditionalVersionWeights).length > 0
          ? { RoutingConfig: { AdditionalVersionWeights: input.RoutingConfig.AdditionalVersionWeights } }
          : {}),
      };
      await lc.catalog.putAlias(ref.account, ref.region, ref.name, alias);
      return alias;
    },

    async GetAlias(input: AliasInput, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input.FunctionName }, ctx);
      await requireFunction(lc, ref);
      const alias = await lc.catalog.alias(ref.account, ref.region, ref.name, input.Name);
      if (!alias) throw lambdaErrors.notFound(`Cannot find alias arn: ${functionArn(ref, input.Name)}`);
      return alias;
    },

    async UpdateAlias(input: AliasInput, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input.FunctionName }, ctx);
      await requireFunction(lc, ref);
      const alias = await lc.catalog.alias(ref.account, ref.region, ref.name, input.Name);
      if (!alias) throw lambdaErrors.notFound(`Cannot find alias arn: ${functionArn(ref, input.Name)}`);
      checkRevision(input.RevisionId, alias.RevisionId);
      const next: AliasConfiguration = { ...alias, RevisionId: newRevision() };
      if (input.FunctionVersion !== undefined) next.FunctionVersion = input.FunctionVersion;
      if (input.Description !== undefined) next.Description = input.Description;
      if (input.RoutingConfig !== undefined) {
        const w = input.RoutingConfig.AdditionalVersionWeights ?? {};
        if (Object.keys(w).length > 0) next.RoutingConfig = { AdditionalVersionWeights: w };
        else delete next.RoutingConfig;
      }
      await checkVersions(ref.account, ref.region, ref.name, next.FunctionVersion, next.RoutingConfig);
      await lc.catalog.putAlias(ref.account, ref.region, ref.name, next);
      return next;
    },

    async DeleteAlias(input: AliasInput, ctx: OperationContext) {
      const ref = refOf({ FunctionName: input.FunctionName }, ctx);
      await requireFunction(lc, ref);
      await lc.catalog.deleteAlias(ref.account, ref.region, ref.name, input.Name);
      return {};
    },

    async ListAliases(
      input: { FunctionName: string; FunctionVersion?: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const ref = refOf({ FunctionName: input.FunctionName }, ctx);
      await requireFunction(lc, ref);
      let aliases = await lc.catalog.listAliases(ref.account, ref.region, ref.name);
      if (input.FunctionVersion !== undefined)
        aliases = aliases.filter((a) => a.FunctionVersion === input.FunctionVersion);
      const { page, next } = paginate(aliases, input.Marker, input.MaxItems);
      return { Aliases: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
