import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient, ShardIteratorType } from '@aws-sdk/client-dynamodb-streams';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { createTable, keyedTable, S } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { allShards, latestStreamArn, readShard, readStream, streamsClient, summary } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('DynamoDB Streams iterators, retention and shards', () => {
  let server: TestServer;
  let streams: DynamoDBStreamsClient;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    streams = streamsClient(server.endpoint);
  });
  afterAll(async () => {
    streams.destroy();
    await server.stop();
  });

  const streamTable = async (name: string) => {
    await createTable(server.ddb, {
      ...keyedTable(name),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    return latestStreamArn(server.ddb, name);
  };
  const put = (TableName: string, pk: string) =>
    server.ddb.send(new PutItemCommand({ TableName, Item: { pk: S(pk) } }));
  const iterator = async (
    StreamArn: string,
    ShardId: string,
    ShardIteratorType: ShardIteratorType,
    SequenceNumber?: string,
  ) =>
    (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn,
          ShardId,
          ShardIteratorType,
          ...(SequenceNumber ? { SequenceNumber } : {}),
        }),
      )
    ).ShardIterator!;
  const records = (ShardIterator: string, Limit?: number) =>
    streams.send(new GetRecordsCommand({ ShardIterator, ...(Limit !== undefined ? { Limit } : {}) }));

  it('positions iterators at TRIM_HORIZON, LATEST, AT_ and AFTER_SEQUENCE_NUMBER', async () => {
    const arn = await streamTable('it-types');
    for (const pk of ['a', 'b', 'c']) await put('it-types', pk);
    const [shard] = await allShards(streams, arn);
    const shardId = shard!.ShardId!;
    const all = (await records(await iterator(arn, shardId, 'TRIM_HORIZON'))).Records!;
    expect(summary(all)).toEqual([
      ['INSERT', 'a'],
      ['INSERT', 'b'],
      ['INSERT', 'c'],
    ]);
    const seqB = all[1]!.dynamodb!.SequenceNumber!;
    expect(summary((await records(await iterator(arn, shardId, 'AT_SEQUENCE_NUMBER', seqB))).Records!)).toEqual([
      ['INSERT', 'b'],
      ['INSERT', 'c'],
    ]);
    expect(summary((await records(await iterator(arn, shardId, 'AFTER_SEQUENCE_NUMBER', seqB))).Records!)).toEqual([
      ['INSERT', 'c'],
    ]);
    const start = shard!.SequenceNumberRange!.StartingSequenceNumber!;
    expect((await records(await iterator(arn, shardId, 'AT_SEQUENCE_NUMBER', start))).Records).toHaveLength(3);

    const latest = await iterator(arn, shardId, 'LATEST');
    const empty = await records(latest);
    expect(empty.Records).toEqual([]);
    expect(empty.NextShardIterator).toBeDefined();
    await put('it-types', 'd');
    expect(summary((await records(empty.NextShardIterator!)).Records!)).toEqual([['INSERT', 'd']]);
  });

  it('checks GetShardIterator arguments as AWS does', async () => {
    const arn = await streamTable('it-args');
    await put('it-args', 'x');
    const [shard] = await allShards(streams, arn);
    const shardId = shard!.ShardId!;
    const seq = shard!.SequenceNumberRange!.StartingSequenceNumber!;
    for (const type of ['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const) {
      expect((await errorOf(iterator(arn, shardId, type))).name).toBe('ValidationException');
    }
    for (const type of ['TRIM_HORIZON', 'LATEST'] as const) {
      expect((await errorOf(iterator(arn, shardId, type, seq))).name).toBe('ValidationException');
    }
    const badArn = await errorOf(
      iterator('sdfadsfsdfsdgdfsgsfdabadfbabdadsfsdfsdfsdfsdfsdfsdfdfdssdffbdfdf', shardId, 'LATEST'),
    );
    expect(badArn.name).toBe('ValidationException');
    expect(badArn.message).toBe('Invalid StreamArn');
    const badShard = await errorOf(iterator(arn, 'shardId-00000000000000000000-deadbeef', 'LATEST'));
    expect(badShard.name).toBe('ResourceNotFoundException');
    const badType = await errorOf(iterator(arn, shardId, 'bulle' as ShardIteratorType));
    expect(badType.name).toBe('ValidationException');
    const badSeq = await errorOf(iterator(arn, shardId, 'AT_SEQUENCE_NUMBER', 'x'.repeat(30)));
    expect(badSeq.name).toBe('ValidationException');
    const tooLong = await errorOf(
      iterator(arn, shardId, 'AT_SEQUENCE_NUMBER', 'sdfsafglldfngjdafnasdflgnaldklkafdsgklnasdlv'),
    );
    expect(tooLong.message).toMatch(
      /^1 validation error detected: Value '.*' at 'sequenceNumber' failed to satisfy constraint: Member must have length less than or equal to 40$/,
    );
  });

  it('checks GetRecords arguments and expires iterators after 15 minutes on the clock', async () => {
    const arn = await streamTable('it-expiry');
    await put('it-expiry', 'x');
    const [shard] = await allShards(streams, arn);
    const it = await iterator(arn, shard!.ShardId!, 'TRIM_HORIZON');
    expect((await errorOf(records(it, 1001))).message).toBe(
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    expect((await errorOf(records(it, 0))).name).toBe('ValidationException');
    const garbage = await errorOf(records('sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg'));
    expect(garbage.name).toBe('ValidationException');
    const tampered = await errorOf(records(`${it.slice(0, -4)}AAA=`));
    expect(tampered.name).toBe('ValidationException');

    clock.advance(15 * MINUTE);
    const page = await records(it); // exactly 15 minutes old: still valid
    expect(page.Records).toHaveLength(1);
    clock.advance(15 * MINUTE + 1);
    const expired = await errorOf(records(page.NextShardIterator!));
    expect(expired.name).toBe('ExpiredIteratorException');
    expect(expired.message).toBe('The provided iterator exceeds the maximum age allowed.');
  });

  it('trims records after 24 hours: TrimmedDataAccessException for trimmed positions', async () => {
    const arn = await streamTable('it-trim');
    await put('it-trim', 'old');
    const [shard] = await allShards(streams, arn);
    const shardId = shard!.ShardId!;
    const oldSeq = (await readShard(streams, arn, shardId))[0]!.dynamodb!.SequenceNumber!;
    clock.advance(23 * HOUR + 59 * MINUTE);
    await put('it-trim', 'new');
    const early = await iterator(arn, shardId, 'TRIM_HORIZON');
    clock.advance(2 * MINUTE); // 'old' is now past retention; the iterator is 2 minutes old
    const trimmed = await errorOf(records(early));
    expect(trimmed.name).toBe('TrimmedDataAccessException');
    expect(trimmed.message).toBe('The data you are trying to access has been trimmed');
    const at = await errorOf(iterator(arn, shardId, 'AT_SEQUENCE_NUMBER', oldSeq));
    expect(at.name).toBe('TrimmedDataAccessException');
    // The first shard (closed when 'new' rolled it over) is empty now; 'new' is in its child.
    expect((await records(await iterator(arn, shardId, 'TRIM_HORIZON'))).Records).toEqual([]);
    expect((await records(await iterator(arn, shardId, 'AFTER_SEQUENCE_NUMBER', oldSeq))).Records).toEqual([]);
    expect(summary(await readStream(streams, arn))).toEqual([['INSERT', 'new']]);
  });

  it('rolls shards over every 4 hours: closed parents, children, and closed shards gone after 24 hours', async () => {
    const arn = await streamTable('it-roll');
    await put('it-roll', 'first');
    clock.advance(4 * HOUR);
    await put('it-roll', 'second');
    const shards = await allShards(streams, arn);
    expect(shards).toHaveLength(2);
    const [parent, child] = shards as [(typeof shards)[0], (typeof shards)[0]];
    expect(child.ParentShardId).toBe(parent.ShardId);
    expect(parent.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    expect(child.SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
    expect(parent.ShardId! < child.ShardId!).toBe(true);
    expect(BigInt(child.SequenceNumberRange!.StartingSequenceNumber!)).toBeGreaterThan(
      BigInt(parent.SequenceNumberRange!.EndingSequenceNumber!),
    );

    // Reading the closed parent to its end omits NextShardIterator.
    const page = await records(await iterator(arn, parent.ShardId!, 'TRIM_HORIZON'));
    expect(summary(page.Records!)).toEqual([['INSERT', 'first']]);
    expect(page.NextShardIterator).toBeUndefined();
    const latest = await records(await iterator(arn, parent.ShardId!, 'LATEST'));
    expect(latest.Records).toEqual([]);
    expect(latest.NextShardIterator).toBeUndefined();
    expect(summary(await readStream(streams, arn))).toEqual([
      ['INSERT', 'first'],
      ['INSERT', 'second'],
    ]);

    clock.advance(24 * HOUR + 1); // the parent closed more than 24 hours ago
    await put('it-roll', 'third'); // rolls the child over as well
    const after = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
    expect(after.map((s) => s.ShardId)).not.toContain(parent.ShardId);
    expect(after[0]!.ShardId).toBe(child.ShardId);
    const gone = await errorOf(iterator(arn, parent.ShardId!, 'TRIM_HORIZON'));
    expect(gone.name).toBe('ResourceNotFoundException');
    // 'second' is past retention too; its shard (closed just now) stays listed, empty.
    expect(summary(await readStream(streams, arn))).toEqual([['INSERT', 'third']]);
  });
});
