import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn } from '../functions/names.js';
import type { EventInvokeConfig } from '../invoke/async-queue.js';
import type { Handlers } from './shared.js';
import { paginate, refOf, requireFunction, requireVersion } from './shared.js';

interface Input {
  FunctionName: string;
  Qualifier?: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: EventInvokeConfig['DestinationConfig'];
  Marker?: string;
  MaxItems?: number;
}

const DESTINATION = /^arn:aws[a-zA-Z-]*:(lambda|sqs|sns|events|s3):/;

function checkDestinations(d: EventInvokeConfig['DestinationConfig']): void {
  for (const target of [d?.OnSuccess?.Destination, d?.OnFailure?.Destination]) {
    if (target !== undefined && !DESTINATION.test(target)) {
      throw lambdaErrors.invalidParameter(`The destination ARN ${target} is invalid.`);
    }
  }
}

export function eventInvokeConfigOperations(lc: LambdaContext): Handlers {
  async function target(input: Input, ctx: OperationContext) {
    const ref = refOf(input, ctx);
    await requireFunction(lc, ref);
    await requireVersion(lc, ref);
    const qualifier = ref.qualifier ?? '$LATEST';
    return { ref, qualifier, arn: functionArn(ref, qualifier) };
  }

  async function write(input: Input, ctx: OperationContext, merge: boolean) {
    const { ref, qualifier, arn } = await target(input, ctx);
    checkDestinations(input.DestinationConfig);
    const previous = merge ? await lc.settings.get<EventInvokeConfig>(ref.account, ref.region, ref.name, 'event-invoke', qualifier) : undefined;
    const config: EventInvokeConfig = {
      ...(previous ?? {}),
      FunctionArn: arn,
      LastModified: lc.clock.now() / 1000,
      ...(input.MaximumRetryAttempts !== undefined ? { MaximumRetryAttempts: input.MaximumRetryAttempts } : {}),
      ...(input.MaximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds } : {}),
      DestinationConfig: {
        OnSuccess: input.DestinationConfig?.OnSuccess ?? previous?.DestinationConfig?.OnSuccess ?? {},
        OnFailure: input.DestinationConfig?.OnFailure ?? previous?.DestinationConfig?.OnFailure ?? {},
      },
    };
    await lc.settings.put(ref.account, ref.region, ref.name, 'event-invoke', qualifier, config);
    return config;
  }

  return {
    PutFunctionEventInvokeConfig: (input: Input, ctx: OperationContext) => write(input, ctx, false),
    UpdateFunctionEventInvokeConfig: (input: Input, ctx: OperationContext) => write(input, ctx, true),

    async GetFunctionEventInvokeConfig(input: Input, ctx: OperationContext) {
      const { ref, qualifier, arn } = await target(input, ctx);
      const config = await lc.settings.get<EventInvokeConfig>(ref.account, ref.region, ref.name, 'event-invoke', qualifier);
      if (!config) throw lambdaErrors.notFound(`The function ${arn} doesn't have an EventInvokeConfig`);
      return config;
    },

    async DeleteFunctionEventInvokeConfig(input: Input, ctx: OperationContext) {
      const { ref, qualifier, arn } = await target(input, ctx);
      if (!(await lc.settings.delete(ref.account, ref.region, ref.name, 'event-invoke', qualifier))) {
        throw lambdaErrors.notFound(`The function ${arn} doesn't have an EventInvokeConfig`);
      }
      return {};
    },

    async ListFunctionEventInvokeConfigs(input: Input, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      const all = (await lc.settings.list<EventInvokeConfig>(ref.account, ref.region, ref.name, 'event-invoke')).map((s) => s.config);
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { FunctionEventInvokeConfigs: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
