import type { Store } from '../../../storage/store.js';
import { formatSequence, parseSequence } from './sequence.js';
import { streamsErrors } from './errors.js';
import { DynamoDbStreams, streamsFor } from './streams.js';
import type { ShardIteratorType, StreamIdentity, StreamStatus } from './streams.js';
import type { StreamViewType } from './storage.js';

/**
 * The port Lambda's event source mappings (and other in-process consumers) read DynamoDB
 * Streams through, without going over HTTP. Positions are sequence numbers, as a checkpoint
 * would store them; errors are the Streams API's (`ResourceNotFoundException`,
 * `TrimmedDataAccessException`, `ValidationException`).
 */
export interface StreamReader {
  /** The stream and all its current shards (parents before children); undefined when it does not exist. */
  describe(streamArn: string): Promise<StreamInfo | undefined>;
  /** Up to `limit` records of a shard from a position. */
  read(streamArn: string, shardId: string, from: StreamPosition, limit: number): Promise<StreamBatch>;
}

export interface StreamInfo {
  streamArn: string;
  tableName: string;
  status: StreamStatus;
  viewType: StreamViewType;
  shards: StreamShard[];
}

export interface StreamShard {
  shardId: string;
  parentShardId?: string;
  startingSequenceNumber: string;
  /** Set once the shard is closed (no more records will be added). */
  endingSequenceNumber?: string;
}

export interface StreamPosition {
  type: ShardIteratorType;
  /** For AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER. */
  sequenceNumber?: string;
}

/** A stream record exactly as GetRecords returns it. */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: string;
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  userIdentity?: StreamIdentity;
}

export interface StreamBatch {
  records: StreamRecord[];
  /** Continue with AFTER_SEQUENCE_NUMBER from this (the last record read, or the position itself). */
  nextSequenceNumber: string;
  /** The shard is closed and everything in it was read: move on to its children. */
  shardEnded: boolean;
}

/** A StreamReader over the streams DynamoDB keeps in `store` (undefined before DynamoDB started). */
export function streamReaderFor(store: Store): StreamReader | undefined {
  const streams = streamsFor(store);
  return streams ? new LocalStreamReader(streams) : undefined;
}

class LocalStreamReader implements StreamReader {
  constructor(private readonly streams: DynamoDbStreams) {}

  async describe(streamArn: string): Promise<StreamInfo | undefined> {
    let stream;
    try {
      stream = await this.streams.lookup(streamArn);
    } catch {
      return undefined;
    }
    const shards = await this.streams.shards(stream);
    return {
      streamArn: stream.arn,
      tableName: stream.table_name,
      status: this.streams.status(stream, this.streams.now()),
      viewType: stream.view_type,
      shards: shards.map((s) => ({
        shardId: s.shard_id,
        ...(s.parent_shard_id ? { parentShardId: s.parent_shard_id } : {}),
        startingSequenceNumber: formatSequence(s.start_seq),
        ...(s.end_seq !== null ? { endingSequenceNumber: formatSequence(s.end_seq) } : {}),
      })),
    };
  }

  async read(streamArn: string, shardId: string, from: StreamPosition, limit: number): Promise<StreamBatch> {
    let sequence: number | undefined;
    if (from.type === 'AT_SEQUENCE_NUMBER' || from.type === 'AFTER_SEQUENCE_NUMBER') {
      sequence = from.sequenceNumber === undefined ? undefined : parseSequence(from.sequenceNumber);
      if (sequence === undefined) throw streamsErrors.validation(`Invalid SequenceNumber: ${from.sequenceNumber}`);
    }
    const stream = await this.streams.lookup(streamArn);
    const shard = await this.streams.shard(stream, shardId);
    if (!shard) throw streamsErrors.shardNotFound(shardId, stream.arn);
    const after = await this.streams.position(shard, from.type, sequence);
    if (DynamoDbStreams.isTrimmed(shard, after)) throw streamsErrors.trimmed();
    const batch = await this.streams.read(shard, after, Math.max(1, Math.min(limit, 10_000)), 6 * 1024 * 1024);
    return {
      records: batch.records.map((r) => JSON.parse(r.record) as StreamRecord),
      nextSequenceNumber: formatSequence(batch.after),
      shardEnded: batch.ended,
    };
  }
}

/**
 * A record in the shape Lambda hands a function for a DynamoDB event source: the Streams
 * record plus `eventSourceARN`, with `userIdentity` in Lambda's lower-case form.
 */
export function toLambdaRecord(record: StreamRecord, streamArn: string): Record<string, unknown> {
  const { userIdentity, ...rest } = record;
  return {
    ...rest,
    eventSourceARN: streamArn,
    ...(userIdentity ? { userIdentity: { type: userIdentity.Type, principalId: userIdentity.PrincipalId } } : {}),
  };
}
