import type { Clock } from '../../../core/clock.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { Logger } from '../../../core/log.js';
import type { Store } from '../../../storage/store.js';
import type { FunctionSettings } from '../functions/settings.js';
import { functionArn } from '../functions/names.js';
import type { InvocationResult } from '../environments/types.js';
import type { EventQueue, Invoker } from './invoker.js';
import type { InvokeTarget } from './target.js';

export interface EventInvokeConfig {
  FunctionArn: string;
  LastModified: number;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

/** Where an invocation record goes (a function now; SQS/SNS/EventBridge through their ports later). */
export interface DestinationSender {
  send(
    destinationArn: string,
    record: Record<string, unknown>,
    source: { account: string; region: string },
  ): Promise<void>;
  /** The legacy dead-letter queue: the original event with RequestID / ErrorCode / ErrorMessage attributes. */
  deadLetter?(
    targetArn: string,
    payload: Buffer,
    info: { requestId: string; errorCode?: string; errorMessage?: string },
  ): Promise<void>;
}

interface Row {
  id: number;
  account: string;
  region: string;
  function_name: string;
  qualifier: string | null;
  request_id: string;
  payload: Buffer;
  attempts: number;
  system_retries: number;
  enqueued_at: number;
  next_at: number;
}

const MINUTE = 60_000;
const DEFAULT_MAX_AGE_S = 21_600;

/**
 * The durable queue of `Event` invocations. Rows are committed before Invoke answers 202, so they
 * survive a restart. A worker runs due events: function errors are retried (1 min, then 2 min,
 * up to MaximumRetryAttempts), throttles and system errors back off from 1 s to 5 min, events past
 * MaximumEventAgeInSeconds are dropped; the invocation record goes to the configured destination.
 * Every wait reads the injected clock.
 */
export class AsyncQueue implements EventQueue {
  private readonly timer: NodeJS.Timeout;
  private readonly running = new Set<number>();
  private closed = false;
  destinations: DestinationSender | undefined;

  constructor(
    private readonly store: Store,
    private readonly invoker: Invoker,
    private readonly settings: FunctionSettings,
    private readonly clock: Clock,
    private readonly log: Logger,
    pollMs = 50,
    private readonly maxParallel = 16,
  ) {
    this.timer = setInterval(() => void this.tick(), pollMs);
    this.timer.unref();
  }

  async enqueue(target: InvokeTarget, payload: Buffer, requestId: string): Promise<void> {
    const now = this.clock.now();
    await this.store.run(
      `INSERT INTO lambda_async (account, region, function_name, qualifier, request_id, payload, attempts, enqueued_at, next_at)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      [target.meta.account, target.meta.region, target.meta.name, target.qualifier, requestId, payload, now, now],
    );
  }

  /** Events waiting (for tests and the CLI). */
  async depth(): Promise<number> {
    const row = await this.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM lambda_async');
    return row?.n ?? 0;
  }

  private async tick(): Promise<void> {
    if (this.closed || this.running.size >= this.maxParallel) return;
    let rows: Row[];
    try {
      rows = await this.store.all<Row>('SELECT * FROM lambda_async WHERE next_at <= ? ORDER BY next_at, id LIMIT ?', [
        this.clock.now(),
        this.maxParallel * 2,
      ]);
    } catch {
      return;
    }
    for (const row of rows) {
      if (this.running.size >= this.maxParallel) break;
      if (this.running.has(row.id)) continue;
      this.running.add(row.id);
      void this.process(row)
        .catch((err: unknown) => this.log.error({ err }, 'async invocation failed'))
        .finally(() => this.running.delete(row.id));
    }
  }

  private async process(row: Row): Promise<void> {
    const qualifier = row.qualifier ?? '$LATEST';
    const config = await this.settings.get<EventInvokeConfig>(
      row.account,
      row.region,
      row.function_name,
      'event-invoke',
      qualifier,
    );
    const maxRetries = config?.MaximumRetryAttempts ?? 2;
    const maxAgeMs = (config?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
    const now = this.clock.now();
    let target: InvokeTarget;
    try {
      target = await this.invoker.resolve(row.account, row.region, row.function_name, row.qualifier ?? undefined);
    } catch {
      await this.remove(row.id); // the function is gone: nothing left to run
      return;
    }
    if (now - row.enqueued_at > maxAgeMs) {
      await this.finish(row, target, config, 'EventAgeExceeded', undefined);
      return;
    }
    if (target.meta.reserved === 0) {
      await this.finish(row, target, config, 'RetriesExhausted', undefined);
      return;
    }
    let result: InvocationResult;
    try {
      result = await this.invoker.run(target, row.payload, row.request_id);
    } catch (err) {
      // Throttled or a system error: back on the queue with exponential backoff (1 s … 5 min).
      const delay = Math.min(5 * MINUTE, 1000 * 2 ** Math.min(row.system_retries, 9));
      if (!(err instanceof AwsError)) this.log.warn({ err }, 'async invocation could not run');
      await this.store.run('UPDATE lambda_async SET next_at = ?, system_retries = system_retries + 1 WHERE id = ?', [
        this.clock.now() + delay,
        row.id,
      ]);
      return;
    }
    const attempts = row.attempts + 1;
    if (result.status === 'success') {
      await this.finish({ ...row, attempts }, target, config, 'Success', result);
      return;
    }
    if (attempts > maxRetries) {
      await this.finish({ ...row, attempts }, target, config, 'RetriesExhausted', result);
      return;
    }
    const delay = attempts === 1 ? MINUTE : 2 * MINUTE;
    await this.store.run('UPDATE lambda_async SET attempts = ?, next_at = ? WHERE id = ?', [
      attempts,
      this.clock.now() + delay,
      row.id,
    ]);
  }

  private async finish(
    row: Row,
    target: InvokeTarget,
    config: EventInvokeConfig | undefined,
    condition: 'Success' | 'RetriesExhausted' | 'EventAgeExceeded',
    result: InvocationResult | undefined,
  ): Promise<void> {
    await this.remove(row.id);
    const dlq = target.record.config.DeadLetterConfig?.TargetArn;
    if (condition !== 'Success' && dlq && this.destinations?.deadLetter) {
      const errorMessage = result ? errorMessageOf(result.payload) : undefined;
      try {
        await this.destinations.deadLetter(dlq, row.payload, {
          requestId: row.request_id,
          errorCode: '200',
          ...(errorMessage ? { errorMessage: errorMessage.slice(0, 1024) } : {}),
        });
      } catch (err) {
        this.log.warn({ err, dlq }, 'delivering to the dead-letter queue failed');
      }
    }
    const destination =
      condition === 'Success'
        ? config?.DestinationConfig?.OnSuccess?.Destination
        : config?.DestinationConfig?.OnFailure?.Destination;
    if (!destination || !this.destinations) return;
    const record = invocationRecord(row, target, condition, result, this.clock.now());
    try {
      await this.destinations.send(destination, record, { account: row.account, region: row.region });
    } catch (err) {
      this.log.warn({ err, destination }, 'delivering to an async destination failed');
    }
  }

  private async remove(id: number): Promise<void> {
    await this.store.run('DELETE FROM lambda_async WHERE id = ?', [id]);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }
}

/** AWS's invocation record for destinations. */
export function invocationRecord(
  row: {
    account: string;
    region: string;
    function_name: string;
    request_id: string;
    payload: Buffer;
    attempts: number;
  },
  target: InvokeTarget,
  condition: string,
  result: InvocationResult | undefined,
  now: number,
): Record<string, unknown> {
  const payloadText = row.payload.toString('utf8');
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    requestContext: {
      requestId: row.request_id,
      functionArn: functionArn(
        { account: row.account, region: row.region, name: row.function_name },
        target.executedVersion,
      ),
      condition,
      approximateInvokeCount: Math.max(1, row.attempts),
    },
    requestPayload: parseOr(payloadText),
    responseContext: {
      statusCode: 200,
      executedVersion: target.executedVersion,
      ...(result && result.status !== 'success' ? { functionError: 'Unhandled' } : {}),
    },
  };
  if (result) record['responsePayload'] = parseOr(result.payload.toString('utf8'));
  return record;
}

function parseOr(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessageOf(payload: Buffer): string | undefined {
  try {
    const doc = JSON.parse(payload.toString('utf8')) as { errorMessage?: unknown };
    return typeof doc.errorMessage === 'string' ? doc.errorMessage : undefined;
  } catch {
    return undefined;
  }
}
