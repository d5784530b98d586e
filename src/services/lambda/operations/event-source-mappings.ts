import { randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { parsePatterns } from '../esm/filter.js';
import type { EsmConfig } from '../esm/types.js';
import { functionArn, parseFunctionRef } from '../functions/names.js';
import { port } from '../../ports.js';
import { SQS_PORT } from '../../sqs/port.js';
import type { SqsPort, SqsQueueInfo } from '../../sqs/port.js';
import type { Handlers } from './shared.js';
import { paginate, requireVersion } from './shared.js';

type Input = Partial<EsmConfig> & { FunctionName?: string; Enabled?: boolean; Marker?: string; MaxItems?: number };

function sourceKind(arn: string): 'dynamodb' | 'sqs' | 'kinesis' | 'other' {
  if (/^arn:aws[a-zA-Z-]*:dynamodb:[^:]+:\d{12}:table\/[^/]+\/stream\//.test(arn)) return 'dynamodb';
  if (arn.includes(':sqs:')) return 'sqs';
  if (arn.includes(':kinesis:')) return 'kinesis';
  return 'other';
}

/** SQS mapping limits: BatchSize 1..10,000 (FIFO 10), a batching window when above 10, MaximumConcurrency 2..1000. */
function checkSqsSettings(input: Partial<EsmConfig>, fifo: boolean): void {
  const batch = input.BatchSize ?? 10;
  const max = fifo ? 10 : 10_000;
  if (!Number.isInteger(batch) || batch < 1 || batch > max)
    throw lambdaErrors.invalidParameter(
      fifo ? 'Batch size for FIFO SQS queues must be between 1 and 10.' : 'BatchSize must be between 1 and 10000.',
    );
  const window = input.MaximumBatchingWindowInSeconds ?? 0;
  if (window < 0 || window > 300)
    throw lambdaErrors.invalidParameter('MaximumBatchingWindowInSeconds must be between 0 and 300.');
  if (batch > 10 && window < 1)
    throw lambdaErrors.invalidParameter(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
  if (fifo && window > 0) throw lambdaErrors.invalidParameter('Batching window is not supported for FIFO queues');
  const concurrency = input.ScalingConfig?.MaximumConcurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000))
    throw lambdaErrors.invalidParameter(
      `1 validation error detected: Value '${concurrency}' at 'scalingConfig.maximumConcurrency' failed to satisfy constraint: Member must have value ${concurrency < 2 ? 'greater than or equal to 2' : 'less than or equal to 1000'}`,
    );
}

export function esmOperations(lc: LambdaContext): Handlers {
  async function load(uuid: string): Promise<{ account: string; region: string; config: EsmConfig }> {
    const row = await lc.store.get<{ account: string; region: string; config: string }>(
      'SELECT account, region, config FROM lambda_esms WHERE uuid = ?',
      [uuid],
    );
    if (!row)
      throw lambdaErrors.notFound(
        `The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${randomUUID()})`,
      );
    return { account: row.account, region: row.region, config: JSON.parse(row.config) as EsmConfig };
  }

  async function save(account: string, region: string, fn: string, config: EsmConfig, fresh: boolean): Promise<void> {
    if (fresh) {
      await lc.store.run(
        'INSERT INTO lambda_esms (uuid, account, region, function_name, config, checkpoint) VALUES (?, ?, ?, ?, ?, NULL)',
        [config.UUID, account, region, fn, JSON.stringify(config)],
      );
    } else {
      await lc.store.run('UPDATE lambda_esms SET config = ?, function_name = ? WHERE uuid = ?', [
        JSON.stringify(config),
        fn,
        config.UUID,
      ]);
    }
    const row = await lc.store.get<{ checkpoint: string | null }>('SELECT checkpoint FROM lambda_esms WHERE uuid = ?', [
      config.UUID,
    ]);
    lc.esm.apply(account, region, config, row?.checkpoint ?? null);
  }

  function checkFilters(input: Input): void {
    try {
      parsePatterns(input.FilterCriteria?.Filters);
    } catch {
      throw lambdaErrors.invalidParameter('Invalid filter pattern definition.');
    }
  }

  return {
    async CreateEventSourceMapping(input: Input, ctx: OperationContext) {
      const ref = parseFunctionRef(input.FunctionName!, undefined, ctx);
      await requireVersion(lc, ref);
      const source = input.EventSourceArn;
      if (!source)
        throw lambdaErrors.invalidParameter('Unrecognized event source, must be kinesis, dynamodb stream or sqs.');
      const kind = sourceKind(source);
      if (kind !== 'dynamodb' && kind !== 'sqs') {
        throw lambdaErrors.invalidParameter(
          kind === 'other'
            ? 'Unrecognized event source, must be kinesis, dynamodb stream or sqs.'
            : `Event source mappings for ${kind} are not supported by Overcast yet.`,
        );
      }
      let queue: SqsQueueInfo | undefined;
      if (kind === 'sqs') {
        queue = await port<SqsPort>(lc.ports, SQS_PORT)?.getQueue(source);
        if (!queue)
          throw lambdaErrors.invalidParameter(
            'Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist or you do not have access to it.',
          );
        checkSqsSettings(input, queue.fifo);
      } else {
        const reader = lc.esm.streams();
        if (!reader || !(await reader.describe(source)))
          throw lambdaErrors.invalidParameter(`Stream not found: ${source}`);
        if (!input.StartingPosition)
          throw lambdaErrors.invalidParameter(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null",
          );
      }
      const existing = await lc.store.all<{ config: string }>(
        'SELECT config FROM lambda_esms WHERE account = ? AND region = ?',
        [ref.account, ref.region],
      );
      const fnArn = functionArn(ref, ref.qualifier);
      if (
        existing.some((r) => {
          const c = JSON.parse(r.config) as EsmConfig;
          return c.EventSourceArn === source && c.FunctionArn === fnArn;
        })
      ) {
        throw lambdaErrors.conflict(
          `The event source arn (" ${source} ") and function (" ${ref.name} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${randomUUID()}`,
        );
      }
      checkFilters(input);
      const uuid = randomUUID();
      let config: EsmConfig;
      if (kind === 'sqs') {
        config = {
          UUID: uuid,
          BatchSize: input.BatchSize ?? 10,
          MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
          EventSourceArn: source,
          FunctionArn: fnArn,
          LastModified: lc.clock.now() / 1000,
          LastProcessingResult: 'No records processed',
          State: input.Enabled === false ? 'Disabled' : 'Enabled',
          StateTransitionReason: 'USER_INITIATED',
          FunctionResponseTypes: input.FunctionResponseTypes ?? [],
          ...(input.ScalingConfig?.MaximumConcurrency !== undefined ? { ScalingConfig: input.ScalingConfig } : {}),
          ...(input.FilterCriteria ? { FilterCriteria: input.FilterCriteria } : {}),
          EventSourceMappingArn: `arn:aws:lambda:${ref.region}:${ref.account}:event-source-mapping:${uuid}`,
        };
        await save(ref.account, ref.region, ref.name, config, true);
        return { ...config, State: 'Creating' };
      }
      const batch = input.BatchSize ?? 100;
      if (batch < 1 || batch > 10_000) throw lambdaErrors.invalidParameter('BatchSize must be between 1 and 10000.');
      config = {
        UUID: uuid,
        StartingPosition: input.StartingPosition,
        BatchSize: batch,
        MaximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
        ParallelizationFactor: input.ParallelizationFactor ?? 1,
        EventSourceArn: source,
        FunctionArn: fnArn,
        LastModified: lc.clock.now() / 1000,
        LastProcessingResult: 'No records processed',
        State: input.Enabled === false ? 'Disabled' : 'Enabled',
        StateTransitionReason: 'User action',
        DestinationConfig: input.DestinationConfig ?? { OnFailure: {} },
        MaximumRecordAgeInSeconds: input.MaximumRecordAgeInSeconds ?? -1,
        BisectBatchOnFunctionError: input.BisectBatchOnFunctionError ?? false,
        MaximumRetryAttempts: input.MaximumRetryAttempts ?? -1,
        TumblingWindowInSeconds: input.TumblingWindowInSeconds ?? 0,
        FunctionResponseTypes: input.FunctionResponseTypes ?? [],
        ...(input.FilterCriteria ? { FilterCriteria: input.FilterCriteria } : {}),
        EventSourceMappingArn: `arn:aws:lambda:${ref.region}:${ref.account}:event-source-mapping:${uuid}`,
      };
      await save(ref.account, ref.region, ref.name, config, true);
      return { ...config, State: 'Creating' };
    },

    async GetEventSourceMapping(input: { UUID: string }) {
      return (await load(input.UUID)).config;
    },

    async UpdateEventSourceMapping(input: Input, ctx: OperationContext) {
      const { account, region, config } = await load(input.UUID!);
      const next: EsmConfig = { ...config, LastModified: lc.clock.now() / 1000 };
      let fn = config.FunctionArn.split(':')[6]!;
      if (input.FunctionName !== undefined) {
        const ref = parseFunctionRef(input.FunctionName, undefined, ctx);
        await requireVersion(lc, ref);
        next.FunctionArn = functionArn(ref, ref.qualifier);
        fn = ref.name;
      }
      checkFilters(input);
      for (const k of [
        'BatchSize',
        'MaximumBatchingWindowInSeconds',
        'DestinationConfig',
        'MaximumRecordAgeInSeconds',
        'BisectBatchOnFunctionError',
        'MaximumRetryAttempts',
        'ParallelizationFactor',
        'TumblingWindowInSeconds',
        'FunctionResponseTypes',
        'FilterCriteria',
        'ScalingConfig',
      ] as const) {
        if (input[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = input[k];
      }
      if (sourceKind(next.EventSourceArn) === 'sqs') {
        const queue = await port<SqsPort>(lc.ports, SQS_PORT)?.getQueue(next.EventSourceArn);
        checkSqsSettings(next, queue?.fifo ?? next.EventSourceArn.endsWith('.fifo'));
      }
      if (input.Enabled !== undefined) next.State = input.Enabled ? 'Enabled' : 'Disabled';
      await save(account, region, fn, next, false);
      return { ...next, State: input.Enabled === undefined ? 'Updating' : input.Enabled ? 'Enabling' : 'Disabling' };
    },

    async DeleteEventSourceMapping(input: { UUID: string }) {
      const { account, region, config } = await load(input.UUID);
      await lc.store.run('DELETE FROM lambda_esms WHERE uuid = ?', [input.UUID]);
      lc.esm.apply(account, region, undefined, null, input.UUID);
      return { ...config, State: 'Deleting' };
    },

    async ListEventSourceMappings(
      input: { EventSourceArn?: string; FunctionName?: string; Marker?: string; MaxItems?: number },
      ctx: OperationContext,
    ) {
      const rows = await lc.store.all<{ config: string }>(
        'SELECT config FROM lambda_esms WHERE account = ? AND region = ? ORDER BY uuid',
        [ctx.account, ctx.region],
      );
      let configs = rows.map((r) => JSON.parse(r.config) as EsmConfig);
      if (input.EventSourceArn) configs = configs.filter((c) => c.EventSourceArn === input.EventSourceArn);
      if (input.FunctionName) {
        const ref = parseFunctionRef(input.FunctionName, undefined, ctx);
        const arn = functionArn(ref, ref.qualifier);
        configs = configs.filter(
          (c) => c.FunctionArn === arn || (ref.qualifier === undefined && c.FunctionArn.startsWith(arn + ':')),
        );
      }
      const { page, next } = paginate(configs, input.Marker, input.MaxItems, 100);
      return { EventSourceMappings: page, ...(next ? { NextMarker: next } : {}) };
    },
  };
}
