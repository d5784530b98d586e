import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Store } from '../../../storage/store.js';
import type { StreamReader, StreamRecord } from '../../dynamodb/streams/reader.js';
import { toLambdaRecord } from '../../dynamodb/streams/reader.js';
import type { InvocationResult } from '../environments/types.js';
import type { Invoker } from '../invoke/invoker.js';
import { matchesAny, parsePatterns } from './filter.js';
import type { Pattern } from './filter.js';
import type { EsmConfig, EsmSource } from './types.js';

interface ShardState {
  /** Last sequence number handled (AFTER_SEQUENCE_NUMBER), or undefined to start at StartingPosition. */
  after?: string;
  done?: boolean;
  retries?: number;
  /** Bisected sub-batch size while a failing batch is being split. */
  size?: number;
  /** Clock time before which the shard is not retried. */
  retryAt?: number;
}

/**
 * A DynamoDB Streams event source: per shard, in order, batches of up to BatchSize records.
 * On a function error the shard blocks and the batch is retried (MaximumRetryAttempts, bisected
 * when BisectBatchOnFunctionError); ReportBatchItemFailures checkpoints before the lowest failed
 * record; records older than MaximumRecordAgeInSeconds and records the filters reject are skipped.
 * Checkpoints are stored, so a restart continues where it stopped.
 */
export class DynamoDbStreamSource implements EsmSource {
  private readonly patterns: Pattern[];
  private shards: Record<string, ShardState>;
  private stopped = false;

  constructor(
    private readonly config: EsmConfig,
    checkpoint: string | null,
    private readonly reader: StreamReader,
    private readonly invoker: Invoker,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly account: string,
    private readonly region: string,
    private readonly onResult: (result: string) => void,
  ) {
    this.patterns = parsePatterns(config.FilterCriteria?.Filters);
    this.shards = checkpoint ? (JSON.parse(checkpoint) as Record<string, ShardState>) : {};
  }

  stop(): void {
    this.stopped = true;
  }

  async poll(): Promise<void> {
    const info = await this.reader.describe(this.config.EventSourceArn);
    if (!info) return;
    const first = Object.keys(this.shards).length === 0;
    for (const shard of info.shards) {
      if (this.stopped) return;
      let state = this.shards[shard.shardId];
      if (!state) {
        state = {};
        this.shards[shard.shardId] = state;
        // LATEST applies to the shards open when the mapping starts; later shards start at their beginning.
        if (first && this.config.StartingPosition === 'LATEST') {
          const batch = await this.reader.read(info.streamArn, shard.shardId, { type: 'LATEST' }, 1);
          state.after = batch.nextSequenceNumber;
        }
        await this.save();
      }
      if (state.done) continue;
      if (shard.parentShardId && this.shards[shard.parentShardId] && !this.shards[shard.parentShardId]!.done) continue;
      await this.pollShard(info.streamArn, shard.shardId, state);
    }
  }

  private async pollShard(streamArn: string, shardId: string, state: ShardState): Promise<void> {
    if (state.retryAt !== undefined && this.clock.now() < state.retryAt) return;
    const limit = state.size ?? this.config.BatchSize;
    const from = state.after
      ? { type: 'AFTER_SEQUENCE_NUMBER' as const, sequenceNumber: state.after }
      : { type: 'TRIM_HORIZON' as const };
    let batch;
    try {
      batch = await this.reader.read(streamArn, shardId, from, limit);
    } catch (err) {
      this.log.warn({ err, uuid: this.config.UUID }, 'reading the stream failed');
      return;
    }
    if (batch.records.length === 0) {
      if (batch.shardEnded) {
        state.done = true;
        await this.save();
      }
      return;
    }
    const maxAge = this.config.MaximumRecordAgeInSeconds ?? -1;
    const now = this.clock.now();
    const records = batch.records.filter(
      (r) =>
        (maxAge < 0 || now - r.dynamodb.ApproximateCreationDateTime * 1000 <= maxAge * 1000) &&
        matchesAny(this.patterns, toLambdaRecord(r, streamArn)),
    );
    const last = batch.records[batch.records.length - 1]!.dynamodb.SequenceNumber;
    if (records.length === 0) {
      state.after = last;
      await this.save();
      return;
    }
    const outcome = await this.invoke(streamArn, records);
    if (outcome.ok) {
      Object.assign(state, { after: last, retries: 0, size: undefined, retryAt: undefined });
      this.onResult('OK');
    } else if (outcome.failedFrom !== undefined) {
      // Partial batch response: continue from the lowest failed record.
      const failedIndex = batch.records.findIndex((r) => r.dynamodb.SequenceNumber === outcome.failedFrom);
      if (failedIndex > 0) state.after = batch.records[failedIndex - 1]!.dynamodb.SequenceNumber;
      this.failed(state, batch.records.length, last, records);
    } else {
      this.failed(state, batch.records.length, last, records);
    }
    await this.save();
  }

  private failed(state: ShardState, size: number, last: string, records: StreamRecord[]): void {
    this.onResult('PROBLEM: Function call failed');
    const max = this.config.MaximumRetryAttempts ?? -1;
    if (this.config.BisectBatchOnFunctionError && size > 1) {
      state.size = Math.ceil(size / 2); // bisecting does not count as a retry
      return;
    }
    state.retries = (state.retries ?? 0) + 1;
    if (max >= 0 && state.retries > max) {
      this.log.warn(
        { uuid: this.config.UUID, records: records.length },
        'event source mapping discarded a batch after its retries',
      );
      Object.assign(state, { after: last, retries: 0, size: undefined, retryAt: undefined });
      return;
    }
    state.retryAt = this.clock.now() + Math.min(60_000, 500 * 2 ** Math.min(state.retries, 7));
  }

  private async invoke(streamArn: string, records: StreamRecord[]): Promise<{ ok: boolean; failedFrom?: string }> {
    const payload = Buffer.from(JSON.stringify({ Records: records.map((r) => toLambdaRecord(r, streamArn)) }));
    let result: InvocationResult;
    try {
      const target = await this.invoker.resolve(this.account, this.region, this.config.FunctionArn);
      result = await this.invoker.run(target, payload, crypto.randomUUID());
    } catch (err) {
      this.log.warn({ err, uuid: this.config.UUID }, 'event source mapping could not invoke its function');
      return { ok: false };
    }
    if (result.status !== 'success') return { ok: false };
    if (!this.config.FunctionResponseTypes?.includes('ReportBatchItemFailures')) return { ok: true };
    let response: unknown;
    try {
      response = JSON.parse(result.payload.toString('utf8'));
    } catch {
      return { ok: true };
    }
    const failures = (response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { ok: true };
    const ids = failures.map((f) => f?.itemIdentifier);
    if (ids.some((id) => typeof id !== 'string' || !records.some((r) => r.dynamodb.SequenceNumber === id)))
      return { ok: false };
    const lowest = records.find((r) => ids.includes(r.dynamodb.SequenceNumber))!;
    return { ok: false, failedFrom: lowest.dynamodb.SequenceNumber };
  }

  private async save(): Promise<void> {
    await this.store.run('UPDATE lambda_esms SET checkpoint = ? WHERE uuid = ?', [
      JSON.stringify(this.shards),
      this.config.UUID,
    ]);
  }
}
