import type { OperationContext } from '../../../../core/service.js';
import { streamsErrors } from '../errors.js';
import { encodeIterator } from '../iterator.js';
import { parseSequence } from '../sequence.js';
import type { DynamoDbStreams, ShardIteratorType } from '../streams.js';

export interface GetShardIteratorInput {
  StreamArn: string;
  ShardId: string;
  ShardIteratorType: ShardIteratorType;
  SequenceNumber?: string;
}

/** GetShardIterator: an opaque position in a shard, valid for 15 minutes. */
export async function getShardIterator(streams: DynamoDbStreams, input: GetShardIteratorInput, ctx: OperationContext) {
  const type = input.ShardIteratorType;
  const sequenceNumber = input.SequenceNumber ?? undefined;
  const bySequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequence && sequenceNumber === undefined) {
    throw streamsErrors.validation(`SequenceNumber must be provided for ShardIteratorType ${type}`);
  }
  if (!bySequence && sequenceNumber !== undefined) {
    throw streamsErrors.validation(`SequenceNumber must not be provided for ShardIteratorType ${type}`);
  }
  let sequence: number | undefined;
  if (sequenceNumber !== undefined) {
    sequence = parseSequence(sequenceNumber);
    if (sequence === undefined) throw streamsErrors.validation(`Invalid SequenceNumber: ${sequenceNumber}`);
  }
  const stream = await streams.lookup(input.StreamArn, ctx);
  const shard = await streams.shard(stream, input.ShardId);
  if (!shard) throw streamsErrors.shardNotFound(input.ShardId, stream.arn);
  const after = await streams.position(shard, type, sequence);
  return {
    ShardIterator: encodeIterator(stream.arn, {
      streamId: stream.id,
      shardNo: shard.shard_no,
      after,
      issuedAt: streams.now(),
    }),
  };
}
