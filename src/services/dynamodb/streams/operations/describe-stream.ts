import type { OperationContext } from '../../../../core/service.js';
import { formatSequence } from '../sequence.js';
import { streamsErrors } from '../errors.js';
import type { DynamoDbStreams } from '../streams.js';

export interface DescribeStreamInput {
  StreamArn: string;
  Limit?: number;
  ExclusiveStartShardId?: string;
  ShardFilter?: { Type?: 'CHILD_SHARDS'; ShardId?: string };
}

/** DescribeStream: the stream and a page of its shards (in shard id order, parents first). */
export async function describeStream(streams: DynamoDbStreams, input: DescribeStreamInput, ctx: OperationContext) {
  const filter = input.ShardFilter ?? undefined;
  if (filter && filter.Type === 'CHILD_SHARDS' && !filter.ShardId) {
    throw streamsErrors.validation('ShardFilter of type CHILD_SHARDS requires a ShardId');
  }
  const stream = await streams.lookup(input.StreamArn, ctx);
  let shards = await streams.shards(stream);
  if (filter?.Type === 'CHILD_SHARDS') shards = shards.filter((s) => s.parent_shard_id === filter.ShardId);
  const start = input.ExclusiveStartShardId ?? undefined;
  if (start !== undefined) shards = shards.filter((s) => s.shard_id > start);
  const limit = input.Limit ?? 100;
  const page = shards.slice(0, limit);
  const description: Record<string, unknown> = {
    StreamArn: stream.arn,
    StreamLabel: stream.label,
    StreamStatus: streams.status(stream, streams.now()),
    StreamViewType: stream.view_type,
    CreationRequestDateTime: stream.created_at / 1000,
    TableName: stream.table_name,
    KeySchema: JSON.parse(stream.key_schema) as unknown,
    Shards: page.map((s) => {
      const range: Record<string, string> = { StartingSequenceNumber: formatSequence(s.start_seq) };
      if (s.end_seq !== null) range['EndingSequenceNumber'] = formatSequence(s.end_seq);
      return {
        ShardId: s.shard_id,
        SequenceNumberRange: range,
        ...(s.parent_shard_id ? { ParentShardId: s.parent_shard_id } : {}),
      };
    }),
  };
  if (shards.length > limit) description['LastEvaluatedShardId'] = page[page.length - 1]!.shard_id;
  return { StreamDescription: description };
}
