import { randomBytes } from 'node:crypto';
import type { Db, Store } from '../../../storage/store.js';
import type { DynamoDb } from '../context.js';
import { keyOf } from '../keys.js';
import type { TableRecord } from '../tables/record.js';
import { valuesEqual } from '../values/compare.js';
import { itemSize } from '../values/size.js';
import type { ChangeListener, ItemChange } from '../writes.js';
import { SequenceCounter, formatSequence, shardIdOf, streamLabelOf } from './sequence.js';
import { defaultStreamSettings } from './settings.js';
import type { StreamSettings } from './settings.js';
import { streamsErrors } from './errors.js';
import { streamsSql } from './storage.js';
import type { RecordRow, ShardRow, StreamRow, StreamViewType } from './storage.js';

/** What a table record keeps (in `extra.stream`) about its enabled stream; absent when none is. */
export interface ActiveStream {
  id: number;
  viewType: StreamViewType;
}

export const ACTIVE_STREAM = 'stream';

/** How long a new stream may go unrecorded by its table (CreateTable/UpdateTable in flight). */
const ORPHAN_GRACE_MS = 60_000;

/** `userIdentity` of a stream record (the Streams API's member names). */
export interface StreamIdentity {
  Type: string;
  PrincipalId: string;
}

/** The identity AWS puts on the REMOVE records of TTL deletions. */
export const TTL_IDENTITY: StreamIdentity = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };

/** An ItemChange made by a service rather than a caller (TTL): its records carry `userIdentity`. */
export interface AttributedChange extends ItemChange {
  userIdentity?: StreamIdentity;
}

export type StreamStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED';

const runtimes = new WeakMap<Store, DynamoDbStreams>();

/** The Streams runtime of a store (set when DynamoDB starts). */
export function streamsFor(store: Store): DynamoDbStreams | undefined {
  return runtimes.get(store);
}

/**
 * DynamoDB Streams: stream lifecycle (enable/disable from CreateTable/UpdateTable), the ItemWriter
 * listener that appends one record per changed item inside the write's transaction, shard
 * rollover, and 24-hour retention. Streams and records live in DynamoDB's own tables.
 */
export class DynamoDbStreams {
  readonly settings: StreamSettings;
  private readonly sequence = new SequenceCounter();
  private readonly lastTrim = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private maintaining: Promise<void> | undefined;

  constructor(
    private readonly ddb: DynamoDb,
    settings?: Partial<StreamSettings>,
  ) {
    this.settings = { ...defaultStreamSettings(ddb.tableStatusDelayMs), ...settings };
  }

  /** Load the sequence counter, hook the writer and register for the Streams API. */
  async attach(): Promise<void> {
    await this.sequence.load(this.ddb.store);
    this.ddb.writer.onChange(this.listener, (table) => table.record.extra[ACTIVE_STREAM] !== undefined);
    runtimes.set(this.ddb.store, this);
  }

  /** Trim every stream in the background (every `intervalMs` of real time; 0 disables). */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.maintaining) return;
      this.maintaining = this.maintain(this.ddb.clock.now())
        .catch(() => undefined)
        .finally(() => (this.maintaining = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.maintaining;
  }

  /** The ItemWriter listener: costs one property read for tables without a stream. */
  readonly listener: ChangeListener = async (tx, change) => {
    const active = change.table.record.extra[ACTIVE_STREAM] as ActiveStream | undefined;
    if (active) await this.append(tx, active, change as AttributedChange);
  };

  private async append(tx: Db, active: ActiveStream, change: AttributedChange): Promise<void> {
    const { oldItem, newItem } = change;
    let eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
    if (oldItem && newItem) {
      // A write that leaves the item as it was writes no stream record (as AWS).
      if (valuesEqual({ M: oldItem }, { M: newItem })) return;
      eventName = 'MODIFY';
    } else if (newItem) eventName = 'INSERT';
    else if (oldItem) eventName = 'REMOVE';
    else return;
    let shard = await streamsSql.openShard(tx, active.id);
    if (!shard) return; // disabled since the table was read
    if (change.at - shard.created_at >= this.settings.shardRolloverMs)
      shard = await this.rollover(tx, shard, change.at);
    const seq = await this.sequence.take(tx);
    const viewType = active.viewType;
    const keys = keyOf(change.table.key, (newItem ?? oldItem)!);
    const dynamodb: Record<string, unknown> = { ApproximateCreationDateTime: Math.floor(change.at / 1000), Keys: keys };
    let size = itemSize(keys);
    if (newItem && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) {
      dynamodb['NewImage'] = newItem;
      size += itemSize(newItem);
    }
    if (oldItem && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) {
      dynamodb['OldImage'] = oldItem;
      size += itemSize(oldItem);
    }
    dynamodb['SequenceNumber'] = formatSequence(seq);
    dynamodb['SizeBytes'] = size;
    dynamodb['StreamViewType'] = viewType;
    const record: Record<string, unknown> = {
      eventID: randomBytes(16).toString('hex'),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: change.table.record.region,
      dynamodb,
    };
    if (change.userIdentity) record['userIdentity'] = change.userIdentity;
    await streamsSql.insertRecord(tx, active.id, shard.shard_no, seq, change.at, size, JSON.stringify(record));
  }

  /** Close an aged shard and open its child. */
  private async rollover(tx: Db, shard: ShardRow, at: number): Promise<ShardRow> {
    const last = await streamsSql.lastSeq(tx, shard.stream_id, shard.shard_no);
    await streamsSql.closeShard(tx, shard.stream_id, shard.shard_no, last ?? (await this.sequence.take(tx)), at);
    return this.openShard(tx, shard.stream_id, shard.shard_no + 1, shard.shard_id, at);
  }

  private async openShard(
    tx: Db,
    streamId: number,
    shardNo: number,
    parent: string | null,
    at: number,
  ): Promise<ShardRow> {
    const start = await this.sequence.take(tx);
    const row: ShardRow = {
      stream_id: streamId,
      shard_no: shardNo,
      shard_id: shardIdOf(at, start),
      parent_shard_id: parent,
      start_seq: start,
      end_seq: null,
      created_at: at,
      closed_at: null,
      trimmed_seq: start,
    };
    await streamsSql.insertShard(tx, row);
    return row;
  }

  /** Create a new stream for a table (CreateTable/UpdateTable) and note it in the record. */
  async enable(record: TableRecord, viewType: StreamViewType, now: number): Promise<void> {
    const { id, label, arn } = await this.ddb.store.transaction(async (tx) => {
      // Every enabling mints a new stream; its label is its creation time, unique per table.
      let labelAt = now;
      let label = streamLabelOf(labelAt);
      while (await streamsSql.arnExists(tx, `${record.arn}/stream/${label}`)) label = streamLabelOf(++labelAt);
      const arn = `${record.arn}/stream/${label}`;
      const id = await streamsSql.nextStreamId(tx);
      await streamsSql.insertStream(tx, {
        id,
        account: record.account,
        region: record.region,
        table_name: record.name,
        table_id: record.id,
        arn,
        label,
        view_type: viewType,
        key_schema: JSON.stringify(record.keySchema),
        created_at: now,
        disabled_at: null,
      });
      await this.openShard(tx, id, 0, null, now);
      return { id, label, arn };
    });
    record.extra['StreamSpecification'] = { StreamEnabled: true, StreamViewType: viewType };
    record.extra['LatestStreamLabel'] = label;
    record.extra['LatestStreamArn'] = arn;
    record.extra[ACTIVE_STREAM] = { id, viewType } satisfies ActiveStream;
  }

  /** Disable the table's stream: its open shard closes; it stays readable for 24 hours. */
  async disable(record: TableRecord, now: number): Promise<void> {
    const active = record.extra[ACTIVE_STREAM] as ActiveStream | undefined;
    if (active) await this.ddb.store.transaction((tx) => this.close(tx, active.id, now));
    delete record.extra['StreamSpecification'];
    delete record.extra[ACTIVE_STREAM];
  }

  private async close(tx: Db, streamId: number, now: number): Promise<void> {
    await streamsSql.setDisabled(tx, streamId, now);
    const open = await streamsSql.openShard(tx, streamId);
    if (open) {
      const last = await streamsSql.lastSeq(tx, streamId, open.shard_no);
      await streamsSql.closeShard(tx, streamId, open.shard_no, last ?? (await this.sequence.take(tx)), now);
    }
  }

  /**
   * A stream whose table was deleted (or replaced) becomes DISABLED, as DeleteTable does on AWS;
   * so does one its table never recorded (a crash between creating it and saving the table).
   */
  async refresh(stream: StreamRow): Promise<StreamRow> {
    if (stream.disabled_at !== null) return stream;
    const now = this.ddb.clock.now();
    const table = this.ddb.catalog.get(stream.account, stream.region, stream.table_name);
    if (table && table.id === stream.table_id) {
      const active = table.record.extra[ACTIVE_STREAM] as ActiveStream | undefined;
      if (active?.id === stream.id || now - stream.created_at < ORPHAN_GRACE_MS) return stream;
    }
    await this.ddb.store.transaction((tx) => this.close(tx, stream.id, now));
    return { ...stream, disabled_at: now };
  }

  status(stream: StreamRow, now: number): StreamStatus {
    const t = this.settings.transitionMs;
    if (stream.disabled_at !== null) return now < stream.disabled_at + t ? 'DISABLING' : 'DISABLED';
    return now < stream.created_at + t ? 'ENABLING' : 'ENABLED';
  }

  /**
   * Drop what is past retention: records older than 24 hours, shards closed more than 24 hours
   * ago, streams disabled more than 24 hours ago. Returns false when the stream itself is gone.
   */
  async trim(stream: StreamRow, now: number, force = false): Promise<boolean> {
    const last = this.lastTrim.get(stream.id);
    if (!force && last !== undefined && now >= last && now - last < this.settings.trimEveryMs) return true;
    this.lastTrim.set(stream.id, now);
    const cutoff = now - this.settings.retentionMs;
    const store = this.ddb.store;
    if (stream.disabled_at !== null && stream.disabled_at < cutoff) {
      await store.transaction((tx) => streamsSql.deleteStream(tx, stream.id));
      this.lastTrim.delete(stream.id);
      return false;
    }
    for (const shard of await streamsSql.shards(store, stream.id)) {
      if (shard.closed_at !== null && shard.closed_at < cutoff) {
        await store.transaction((tx) => streamsSql.deleteShard(tx, stream.id, shard.shard_no));
        continue;
      }
      let through: number | undefined;
      let after = shard.trimmed_seq;
      scan: for (;;) {
        const rows = await streamsSql.oldest(store, stream.id, shard.shard_no, after, 500);
        for (const r of rows) {
          if (r.created_at >= cutoff) break scan;
          through = r.seq;
        }
        if (rows.length < 500) break;
        after = rows[rows.length - 1]!.seq;
      }
      if (through !== undefined) {
        const seq = through;
        await store.transaction((tx) => streamsSql.trimThrough(tx, stream.id, shard.shard_no, seq));
      }
    }
    return true;
  }

  /** The background pass: notice deleted tables and trim every stream. */
  async maintain(now: number): Promise<void> {
    for (const stream of await streamsSql.all(this.ddb.store)) await this.trim(await this.refresh(stream), now, true);
  }

  /** Whether reading after `after` would skip records that were trimmed. */
  static isTrimmed(shard: ShardRow, after: number): boolean {
    return shard.trimmed_seq > shard.start_seq && after < shard.trimmed_seq;
  }

  now(): number {
    return this.ddb.clock.now();
  }

  /**
   * The stream an ARN names, refreshed and trimmed; `Invalid StreamArn` when it is not a stream ARN,
   * not found when it does not exist (in the caller's account and region, when given).
   */
  async lookup(arn: string, scope?: { account: string; region: string }): Promise<StreamRow> {
    const m = STREAM_ARN.exec(arn);
    if (!m) throw streamsErrors.validation('Invalid StreamArn');
    if (scope && (m[1] !== scope.region || m[2] !== scope.account)) throw streamsErrors.streamNotFound(arn);
    const row = await streamsSql.byArn(this.ddb.store, arn);
    if (!row) throw streamsErrors.streamNotFound(arn);
    const stream = await this.refresh(row);
    if (!(await this.trim(stream, this.now()))) throw streamsErrors.streamNotFound(arn);
    return stream;
  }

  /** Streams of an account and region (one table's when named), refreshed and trimmed, by ARN. */
  async list(account: string, region: string, tableName: string | undefined): Promise<StreamRow[]> {
    const now = this.now();
    const out: StreamRow[] = [];
    for (const row of await streamsSql.list(this.ddb.store, account, region, tableName)) {
      const stream = await this.refresh(row);
      if (await this.trim(stream, now)) out.push(stream);
    }
    return out;
  }

  tableExists(account: string, region: string, name: string): boolean {
    return this.ddb.catalog.get(account, region, name) !== undefined;
  }

  shards(stream: StreamRow): Promise<ShardRow[]> {
    return streamsSql.shards(this.ddb.store, stream.id);
  }

  shard(stream: StreamRow, shardId: string): Promise<ShardRow | undefined> {
    return streamsSql.shardById(this.ddb.store, stream.id, shardId);
  }

  shardByNo(stream: StreamRow, shardNo: number): Promise<ShardRow | undefined> {
    return streamsSql.shardByNo(this.ddb.store, stream.id, shardNo);
  }

  /** The position (read after this sequence number) an iterator type names in a shard. */
  async position(shard: ShardRow, type: ShardIteratorType, sequence: number | undefined): Promise<number> {
    switch (type) {
      case 'TRIM_HORIZON':
        return shard.trimmed_seq;
      case 'LATEST':
        return (
          shard.end_seq ??
          (await streamsSql.lastSeq(this.ddb.store, shard.stream_id, shard.shard_no)) ??
          shard.trimmed_seq
        );
      case 'AT_SEQUENCE_NUMBER':
      case 'AFTER_SEQUENCE_NUMBER': {
        const n = sequence!;
        if (n < shard.start_seq || (shard.end_seq !== null && n > shard.end_seq)) {
          throw streamsErrors.validation(`Invalid SequenceNumber ${formatSequence(n)} for ShardId ${shard.shard_id}`);
        }
        const after = type === 'AT_SEQUENCE_NUMBER' ? n - 1 : n;
        if (DynamoDbStreams.isTrimmed(shard, after)) throw streamsErrors.trimmed();
        return after;
      }
    }
  }

  /**
   * Records of a shard after `after`: at most `limit` and about `maxBytes` (at least one). `ended`
   * when the shard is closed and nothing is left after them.
   */
  async read(
    shard: ShardRow,
    after: number,
    limit: number,
    maxBytes: number,
  ): Promise<{ records: RecordRow[]; after: number; ended: boolean }> {
    const rows = await streamsSql.records(this.ddb.store, shard.stream_id, shard.shard_no, after, limit + 1);
    const records: RecordRow[] = [];
    let bytes = 0;
    for (const row of rows) {
      if (records.length === limit || (records.length > 0 && bytes + row.record.length > maxBytes)) break;
      records.push(row);
      bytes += row.record.length;
    }
    const next = records.length > 0 ? records[records.length - 1]!.seq : after;
    const more = rows.length > records.length;
    return { records, after: next, ended: shard.end_seq !== null && !more };
  }
}

export type ShardIteratorType = 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER';

/** `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`. */
const STREAM_ARN =
  /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/[a-zA-Z0-9_.-]{3,255}\/stream\/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/;
