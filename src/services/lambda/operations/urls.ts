import { randomBytes } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn } from '../functions/names.js';
import type { Handlers } from './shared.js';
import { paginate, refOf, requireFunction, requireVersion } from './shared.js';

export interface UrlConfig {
  UrlId: string;
  FunctionArn: string;
  AuthType: string;
  Cors?: Record<string, unknown>;
  InvokeMode: string;
  CreationTime: string;
  LastModifiedTime: string;
}

export function functionUrl(lc: LambdaContext, id: string, region: string): string {
  return `http://${id}.lambda-url.${region}.localhost:${lc.server.port}/`;
}

export function urlOperations(lc: LambdaContext): Handlers {
  const view = (c: UrlConfig, region: string) => {
    const { UrlId, ...rest } = c;
    return { FunctionUrl: functionUrl(lc, UrlId, region), ...rest };
  };

  async function target(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
    const ref = refOf(input, ctx);
    await requireFunction(lc, ref);
    if (ref.qualifier !== undefined && /^\d+$/.test(ref.qualifier)) {
      throw lambdaErrors.invalidParameter('1 validation error detected: Value \'' + ref.qualifier + '\' at \'qualifier\' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)');
    }
    await requireVersion(lc, ref);
    return { ref, qualifier: ref.qualifier ?? '$LATEST' };
  }

  return {
    async CreateFunctionUrlConfig(input: { FunctionName: string; Qualifier?: string; AuthType: string; Cors?: Record<string, unknown>; InvokeMode?: string }, ctx: OperationContext) {
      const { ref, qualifier } = await target(input, ctx);
      const arn = functionArn(ref, ref.qualifier);
      if (await lc.settings.get(ref.account, ref.region, ref.name, 'url', qualifier)) {
        throw lambdaErrors.conflict(`Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
      }
      const now = new Date(lc.clock.now()).toISOString();
      const config: UrlConfig = {
        UrlId: randomBytes(16).toString('hex'),
        FunctionArn: arn,
        AuthType: input.AuthType,
        ...(input.Cors ? { Cors: input.Cors } : {}),
        InvokeMode: input.InvokeMode ?? 'BUFFERED',
        CreationTime: now,
        LastModifiedTime: now,
      };
      await lc.settings.put(ref.account, ref.region, ref.name, 'url', qualifier, config);
      const { LastModifiedTime: _l, ...out } = view(config, ref.region);
      return out;
    },

    async GetFunctionUrlConfig(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const { ref, qualifier } = await target(input, ctx);
      const config = await lc.settings.get<UrlConfig>(ref.account, ref.region, ref.name, 'url', qualifier);
      if (!config) throw lambdaErrors.notFound();
      return view(config, ref.region);
    },

    async UpdateFunctionUrlConfig(input: { FunctionName: string; Qualifier?: string; AuthType?: string; Cors?: Record<string, unknown>; InvokeMode?: string }, ctx: OperationContext) {
      const { ref, qualifier } = await target(input, ctx);
      const config = await lc.settings.get<UrlConfig>(ref.account, ref.region, ref.name, 'url', qualifier);
      if (!config) throw lambdaErrors.notFound();
      const next: UrlConfig = {
        ...config,
        ...(input.AuthType ? { AuthType: input.AuthType } : {}),
        ...(input.Cors ? { Cors: input.Cors } : {}),
        ...(input.InvokeMode ? { InvokeMode: input.InvokeMode } : {}),
        LastModifiedTime: new Date(lc.clock.now()).toISOString(),
      };
      await lc.settings.put(ref.account, ref.region, ref.name, 'url', qualifier, next);
      return view(next, ref.region);
    },

    async DeleteFunctionUrlConfig(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const { ref, qualifier } = await target(input, ctx);
      if (!(await lc.settings.delete(ref.account, ref.region, ref.name, 'url', qualifier))) throw lambdaErrors.notFound();
      return {};
    },

    async ListFunctionUrlConfigs(input: { FunctionName: string; Marker?: string; MaxItems?: number }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      const all = (await lc.settings.list<UrlConfig>(ref.account, ref.region, ref.name, 'url')).map((s) => view(s.config, ref.region));
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { FunctionUrlConfigs: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
