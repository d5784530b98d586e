import type { OperationContext } from '../../../../core/service.js';
import { RawJson } from '../../../../core/protocols/raw-json.js';
import { streamsErrors } from '../errors.js';
import { decodeIterator, encodeIterator } from '../iterator.js';
import { DynamoDbStreams } from '../streams.js';

export interface GetRecordsInput {
  ShardIterator: string;
  Limit?: number;
}

/** GetRecords answers at most 1000 records or 1 MB. */
const MAX_BYTES = 1024 * 1024;

/** GetRecords: records after the iterator's position and the iterator for the next call. */
export async function getRecords(streams: DynamoDbStreams, input: GetRecordsInput, ctx: OperationContext) {
  const decoded = decodeIterator(input.ShardIterator);
  if (!decoded) throw streamsErrors.validation('Invalid ShardIterator');
  const { streamArn, position } = decoded;
  const now = streams.now();
  if (now - position.issuedAt > streams.settings.iteratorTtlMs) throw streamsErrors.expiredIterator();
  const stream = await streams.lookup(streamArn, ctx);
  if (stream.id !== position.streamId) throw streamsErrors.streamNotFound(streamArn);
  // A shard past retention is gone with all its records.
  const shard = await streams.shardByNo(stream, position.shardNo);
  if (!shard || DynamoDbStreams.isTrimmed(shard, position.after)) throw streamsErrors.trimmed();
  const batch = await streams.read(shard, position.after, input.Limit ?? 1000, MAX_BYTES);
  let body = `{"Records":[${batch.records.map((r) => r.record).join(',')}]`;
  if (!batch.ended) {
    const next = encodeIterator(stream.arn, {
      streamId: stream.id,
      shardNo: shard.shard_no,
      after: batch.after,
      issuedAt: now,
    });
    body += `,"NextShardIterator":${JSON.stringify(next)}`;
  }
  return new RawJson(`${body}}`);
}
