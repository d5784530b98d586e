import type { Logger } from '../../../core/log.js';
import type { SqsPort, SqsReceivedMessage } from '../../sqs/port.js';
import type { InvocationResult } from '../environments/types.js';
import type { Invoker } from '../invoke/invoker.js';
import { matchesAny, parsePatterns } from './filter.js';
import type { Pattern } from './filter.js';
import type { EsmConfig, EsmSource } from './types.js';

/** Lambda's limit on an SQS batch payload. */
const MAX_PAYLOAD = 6 * 1024 * 1024;
/** Concurrent batches when ScalingConfig.MaximumConcurrency is not set (AWS scales to 1,250; a laptop need not). */
const DEFAULT_CONCURRENCY = 5;

/**
 * An SQS event source: long-polls the queue, gathers up to BatchSize messages (waiting up to
 * MaximumBatchingWindowInSeconds), invokes the function with AWS's SQS event and deletes what it
 * handled: the whole batch on success, all but the reported `batchItemFailures` with
 * ReportBatchItemFailures, nothing on failure (the messages come back after the visibility timeout,
 * and the queue's redrive policy sends them to its DLQ). Messages the filters reject are deleted.
 * Up to MaximumConcurrency batches run at once.
 */
export class SqsSource implements EsmSource {
  private readonly patterns: Pattern[];
  private readonly concurrency: number;
  private inflight = 0;
  private stopped = false;

  constructor(
    private readonly config: EsmConfig,
    private readonly sqs: SqsPort,
    private readonly invoker: Invoker,
    private readonly log: Logger,
    private readonly account: string,
    private readonly region: string,
    private readonly onResult: (result: string) => void,
  ) {
    this.patterns = parsePatterns(config.FilterCriteria?.Filters);
    this.concurrency = config.ScalingConfig?.MaximumConcurrency ?? DEFAULT_CONCURRENCY;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Starts batches until MaximumConcurrency are running; resolves when the first batch has been gathered. */
  async poll(): Promise<void> {
    if (this.stopped || this.inflight >= this.concurrency) return;
    const batch = await this.gather();
    if (batch.length === 0 || this.stopped) return;
    this.inflight++;
    void this.handle(batch)
      .catch((err: unknown) => this.log.warn({ err, uuid: this.config.UUID }, 'sqs event source batch failed'))
      .finally(() => {
        this.inflight--;
      });
  }

  private async gather(): Promise<SqsReceivedMessage[]> {
    const arn = this.config.EventSourceArn;
    const size = this.config.BatchSize;
    const batch: SqsReceivedMessage[] = [];
    let bytes = 0;
    const add = (got: SqsReceivedMessage[]) => {
      for (const m of got) {
        bytes += Buffer.byteLength(m.body) + 1024;
        batch.push(m);
      }
    };
    // A short long poll for the first messages, then fill the batch until the window closes.
    add(await this.sqs.receiveMessages(arn, { max: Math.min(10, size), waitSeconds: 1 }));
    if (batch.length === 0) return batch;
    const deadline = Date.now() + (this.config.MaximumBatchingWindowInSeconds ?? 0) * 1000;
    while (batch.length < size && bytes < MAX_PAYLOAD && !this.stopped) {
      const got = await this.sqs.receiveMessages(arn, { max: Math.min(10, size - batch.length), waitSeconds: 0 });
      add(got);
      if (got.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        await new Promise((r) => setTimeout(r, Math.min(50, left)));
      }
    }
    return batch;
  }

  private record(m: SqsReceivedMessage): Record<string, unknown> {
    const messageAttributes: Record<string, unknown> = {};
    for (const [name, a] of Object.entries(m.messageAttributes)) {
      messageAttributes[name] = {
        ...(a.StringValue !== undefined ? { stringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined ? { binaryValue: Buffer.from(a.BinaryValue).toString('base64') } : {}),
        stringListValues: [],
        binaryListValues: [],
        dataType: a.DataType,
      };
    }
    return {
      messageId: m.messageId,
      receiptHandle: m.receiptHandle,
      body: m.body,
      attributes: m.attributes,
      messageAttributes,
      md5OfBody: m.md5OfBody,
      ...(m.md5OfMessageAttributes ? { md5OfMessageAttributes: m.md5OfMessageAttributes } : {}),
      eventSource: 'aws:sqs',
      eventSourceARN: this.config.EventSourceArn,
      awsRegion: this.config.EventSourceArn.split(':')[3] ?? this.region,
    };
  }

  private async handle(batch: SqsReceivedMessage[]): Promise<void> {
    const arn = this.config.EventSourceArn;
    const records: Record<string, unknown>[] = [];
    const kept: SqsReceivedMessage[] = [];
    for (const m of batch) {
      const record = this.record(m);
      if (this.patterns.length > 0 && !matchesAny(this.patterns, { ...record, body: parseBody(m.body) })) {
        await this.sqs.deleteMessage(arn, m.receiptHandle);
        continue;
      }
      records.push(record);
      kept.push(m);
    }
    if (records.length === 0) return;
    const failed = await this.invoke(records);
    for (const m of kept) if (!failed.has(m.messageId)) await this.sqs.deleteMessage(arn, m.receiptHandle);
  }

  /** Invokes the function; the message ids to keep (all on failure, the reported ones with ReportBatchItemFailures). */
  private async invoke(records: Record<string, unknown>[]): Promise<Set<string>> {
    const all = new Set(records.map((r) => r['messageId'] as string));
    let result: InvocationResult;
    try {
      const target = await this.invoker.resolve(this.account, this.region, this.config.FunctionArn);
      result = await this.invoker.run(target, Buffer.from(JSON.stringify({ Records: records })), crypto.randomUUID());
    } catch (err) {
      this.log.warn({ err, uuid: this.config.UUID }, 'event source mapping could not invoke its function');
      this.onResult('PROBLEM: Function call failed');
      return all;
    }
    if (result.status !== 'success') {
      this.onResult('PROBLEM: Function call failed');
      return all;
    }
    this.onResult('OK');
    if (!this.config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) return new Set();
    let response: unknown;
    try {
      response = JSON.parse(result.payload.toString('utf8'));
    } catch {
      return new Set();
    }
    const failures = (response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)?.batchItemFailures;
    if (failures === undefined || failures === null) return new Set();
    if (!Array.isArray(failures)) return all;
    const ids = failures.map((f) => f?.itemIdentifier);
    // An empty, missing or unknown itemIdentifier fails the whole batch, as AWS does.
    if (ids.some((id) => typeof id !== 'string' || id === '' || !all.has(id))) return all;
    return new Set(ids as string[]);
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
