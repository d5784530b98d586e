import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn, parseFunctionRef } from '../functions/names.js';
import type { FunctionRef } from '../functions/names.js';
import type { EventInvokeConfig } from '../invoke/async-queue.js';
import type { Handlers } from './shared.js';
import { paginate, refOf } from './shared.js';

interface Input {
  FunctionName: string;
  Qualifier?: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: EventInvokeConfig['DestinationConfig'];
  Marker?: string;
  MaxItems?: number;
}

/** Services an asynchronous invocation can deliver its record to. */
const DESTINATION_SERVICES = new Set(['lambda', 'sqs', 'sns', 'events', 's3']);

const FUNCTION_DESTINATION =
  /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)(?::[a-zA-Z0-9_$-]+)?$/;

export function eventInvokeConfigOperations(lc: LambdaContext): Handlers {
  const fnMissing = () => lambdaErrors.notFound("The function doesn't exist.");
  const noConfig = (ref: FunctionRef, qualifier: string) =>
    lambdaErrors.notFound(`The function ${functionArn(ref, qualifier)} doesn't have an EventInvokeConfig`);

  /** Whether the function and the qualifier ($LATEST, a version or an alias) exist. */
  async function exists(ref: FunctionRef): Promise<boolean> {
    if (!(await lc.catalog.meta(ref.account, ref.region, ref.name))) return false;
    const q = ref.qualifier;
    if (q === undefined || q === '$LATEST') return true;
    if (/^\d+$/.test(q)) return (await lc.catalog.version(ref.account, ref.region, ref.name, q)) !== undefined;
    return (await lc.catalog.alias(ref.account, ref.region, ref.name, q)) !== undefined;
  }

  async function checkDestinations(
    ref: FunctionRef,
    d: EventInvokeConfig['DestinationConfig'],
    ctx: OperationContext,
  ): Promise<void> {
    const success = d?.OnSuccess?.Destination || undefined;
    const failure = d?.OnFailure?.Destination || undefined;
    let unsupported = false;
    for (const target of [failure, success]) {
      if (target === undefined) continue;
      const service = target.split(':')[2] ?? '';
      if (!DESTINATION_SERVICES.has(service)) {
        unsupported = true;
        continue;
      }
      if (service === 'lambda') {
        const dest = FUNCTION_DESTINATION.test(target) ? parseFunctionRef(target, undefined, ctx) : undefined;
        if (!dest || !(await lc.catalog.meta(dest.account, dest.region, dest.name))) {
          throw lambdaErrors.invalidParameter(`The destination ARN ${target} is invalid.`);
        }
        if (dest.account === ref.account && dest.region === ref.region && dest.name === ref.name) {
          throw lambdaErrors.invalidParameter("You can't specify the function as a destination for itself.");
        }
      }
    }
    if (unsupported) {
      const s = success ? `OnSuccess(destination=${success})` : 'null';
      const f = failure ? `OnFailure(destination=${failure})` : 'null';
      throw lambdaErrors.invalidParameter(
        `The provided destination config DestinationConfig(onSuccess=${s}, onFailure=${f}) is invalid.`,
      );
    }
  }

  async function write(input: Input, ctx: OperationContext, update: boolean) {
    if (
      input.MaximumRetryAttempts === undefined &&
      input.MaximumEventAgeInSeconds === undefined &&
      input.DestinationConfig === undefined
    ) {
      throw lambdaErrors.invalidParameter('You must specify at least one of error handling or destination setting.');
    }
    const ref = refOf(input, ctx);
    if (!(await exists(ref))) throw fnMissing();
    const qualifier = ref.qualifier ?? '$LATEST';
    // Put replaces the whole configuration; Update changes only the settings it names.
    const previous = await lc.settings.get<EventInvokeConfig>(
      ref.account,
      ref.region,
      ref.name,
      'event-invoke',
      qualifier,
    );
    if (update && !previous) throw noConfig(ref, qualifier);
    if (input.DestinationConfig) await checkDestinations(ref, input.DestinationConfig, ctx);
    const base = update ? previous! : undefined;
    const retries = input.MaximumRetryAttempts ?? base?.MaximumRetryAttempts;
    const age = input.MaximumEventAgeInSeconds ?? base?.MaximumEventAgeInSeconds;
    const destinations = input.DestinationConfig ?? base?.DestinationConfig;
    const config: EventInvokeConfig = {
      FunctionArn: functionArn(ref, qualifier),
      LastModified: lc.clock.now() / 1000,
      ...(retries !== undefined ? { MaximumRetryAttempts: retries } : {}),
      ...(age !== undefined ? { MaximumEventAgeInSeconds: age } : {}),
      DestinationConfig: {
        OnSuccess: destinations?.OnSuccess?.Destination ? { Destination: destinations.OnSuccess.Destination } : {},
        OnFailure: destinations?.OnFailure?.Destination ? { Destination: destinations.OnFailure.Destination } : {},
      },
    };
    await lc.settings.put(ref.account, ref.region, ref.name, 'event-invoke', qualifier, config);
    return config;
  }

  return {
    PutFunctionEventInvokeConfig: (input: Input, ctx: OperationContext) => write(input, ctx, false),
    UpdateFunctionEventInvokeConfig: (input: Input, ctx: OperationContext) => write(input, ctx, true),

    async GetFunctionEventInvokeConfig(input: Input, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      const qualifier = ref.qualifier ?? '$LATEST';
      const config = (await exists(ref))
        ? await lc.settings.get<EventInvokeConfig>(ref.account, ref.region, ref.name, 'event-invoke', qualifier)
        : undefined;
      if (!config) throw noConfig(ref, qualifier);
      return config;
    },

    async DeleteFunctionEventInvokeConfig(input: Input, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      const qualifier = ref.qualifier ?? '$LATEST';
      if (
        !(await exists(ref)) ||
        !(await lc.settings.delete(ref.account, ref.region, ref.name, 'event-invoke', qualifier))
      ) {
        throw noConfig(ref, qualifier);
      }
      return {};
    },

    async ListFunctionEventInvokeConfigs(input: Input, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      if (!(await lc.catalog.meta(ref.account, ref.region, ref.name))) throw fnMissing();
      const all = (await lc.settings.list<EventInvokeConfig>(ref.account, ref.region, ref.name, 'event-invoke')).map(
        (s) => s.config,
      );
      const { page, next } = paginate(all, input.Marker, input.MaxItems);
      return { FunctionEventInvokeConfigs: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
