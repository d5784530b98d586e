import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { _Record, Shard } from '@aws-sdk/client-dynamodb-streams';
import { TEST_CREDENTIALS } from '../../helpers/server.js';

export function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export async function latestStreamArn(ddb: DynamoDBClient, table: string): Promise<string> {
  const arn = (await ddb.send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn;
  if (!arn) throw new Error(`table ${table} has no stream`);
  return arn;
}

/** Every shard of a stream, following DescribeStream's pagination. */
export async function allShards(streams: DynamoDBStreamsClient, StreamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const d = (
      await streams.send(new DescribeStreamCommand({ StreamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }))
    ).StreamDescription!;
    shards.push(...(d.Shards ?? []));
    start = d.LastEvaluatedShardId;
  } while (start);
  return shards;
}

/** Read a shard from TRIM_HORIZON until it is exhausted (empty page or closed). */
export async function readShard(
  streams: DynamoDBStreamsClient,
  StreamArn: string,
  ShardId: string,
  Limit?: number,
): Promise<_Record[]> {
  const out: _Record[] = [];
  let iterator = (
    await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
  ).ShardIterator;
  while (iterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, ...(Limit ? { Limit } : {}) }));
    out.push(...(page.Records ?? []));
    if (!page.Records?.length) break;
    iterator = page.NextShardIterator;
  }
  return out;
}

/** Every record of a stream, shard by shard (parents first). */
export async function readStream(
  streams: DynamoDBStreamsClient,
  StreamArn: string,
  Limit?: number,
): Promise<_Record[]> {
  const out: _Record[] = [];
  for (const shard of await allShards(streams, StreamArn))
    out.push(...(await readShard(streams, StreamArn, shard.ShardId!, Limit)));
  return out;
}

/** `[eventName, key]` of each record, for compact assertions. */
export const summary = (records: _Record[], key = 'pk') =>
  records.map((r) => [r.eventName, r.dynamodb!.Keys![key]!.S ?? r.dynamodb!.Keys![key]!.N]);
