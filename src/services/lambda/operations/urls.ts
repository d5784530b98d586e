import { randomBytes } from 'node:crypto';
import { coreErrors } from '../../../core/errors/aws-error.js';
import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn } from '../functions/names.js';
import type { Handlers } from './shared.js';
import { paginate, refOf } from './shared.js';

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

const qualifierError = (q: string) =>
  coreErrors.validation(
    `1 validation error detected: Value '${q}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)`,
  );

const FUNCTION_DOES_NOT_EXIST = 'Function does not exist';

export function urlOperations(lc: LambdaContext): Handlers {
  const view = (c: UrlConfig, region: string) => {
    const { UrlId, ...rest } = c;
    return { FunctionUrl: functionUrl(lc, UrlId, region), ...rest };
  };

  /**
   * The $LATEST/alias a URL belongs to. A version number or $LATEST as qualifier is a
   * ValidationException (the model's pattern, also when the qualifier comes from the ARN); a
   * missing function or alias is "Function does not exist" for Create/Update/List and "The resource
   * you requested does not exist." for Get/Delete.
   */
  async function target(
    input: { FunctionName: string; Qualifier?: string },
    ctx: OperationContext,
    missingMessage?: string,
  ) {
    const ref = refOf(input, ctx);
    const q = ref.qualifier;
    if (q !== undefined && (!/^[0-9a-zA-Z_-]+$/.test(q) || /^\d+$/.test(q))) throw qualifierError(q);
    const missing = () => lambdaErrors.notFound(missingMessage);
    if (!(await lc.catalog.meta(ref.account, ref.region, ref.name))) throw missing();
    if (ref.qualifier !== undefined && !(await lc.catalog.alias(ref.account, ref.region, ref.name, ref.qualifier)))
      throw missing();
    return { ref, qualifier: ref.qualifier ?? '$LATEST' };
  }

  return {
    async CreateFunctionUrlConfig(
      input: {
        FunctionName: string;
        Qualifier?: string;
        AuthType: string;
        Cors?: Record<string, unknown>;
        InvokeMode?: string;
      },
      ctx: OperationContext,
    ) {
      const { ref, qualifier } = await target(input, ctx, FUNCTION_DOES_NOT_EXIST);
      const arn = functionArn(ref, ref.qualifier);
      if (await lc.settings.get(ref.account, ref.region, ref.name, 'url', qualifier)) {
        throw lambdaErrors.conflict(
          `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
        );
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

    async UpdateFunctionUrlConfig(
      input: {
        FunctionName: string;
        Qualifier?: string;
        AuthType?: string;
        Cors?: Record<string, unknown>;
        InvokeMode?: string;
      },
      ctx: OperationContext,
    ) {
      const { ref, qualifier } = await target(input, ctx, FUNCTION_DOES_NOT_EXIST);
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
      if (!(await lc.settings.delete(ref.account, ref.region, ref.name, 'url', qualifier)))
        throw lambdaErrors.notFound();
      return {};
    },

    async ListFunctionUrlConfigs(
      input: { FunctionName: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      if (!(await lc.catalog.meta(ref.account, ref.region, ref.name)))
        throw lambdaErrors.notFound(FUNCTION_DOES_NOT_EXIST);
      const all = (await lc.settings.list<UrlConfig>(ref.account, ref.region, ref.name, 'url')).map((s) =>
        view(s.config, ref.region),
      );
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { FunctionUrlConfigs: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
