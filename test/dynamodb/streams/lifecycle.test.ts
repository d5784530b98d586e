import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { ACCOUNT, createTable, keyedTable, REGION, S, tableArn } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { allShards, latestStreamArn, readShard, streamsClient, summary } from './helpers.js';

const HOUR = 3600_000;

describe('DynamoDB Streams lifecycle', () => {
  let server: TestServer;
  let streams: DynamoDBStreamsClient;
  const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6, 789));

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    streams = streamsClient(server.endpoint);
  });
  afterAll(async () => {
    streams.destroy();
    await server.stop();
  });

  const describeTable = async (TableName: string) =>
    (await server.ddb.send(new DescribeTableCommand({ TableName }))).Table!;
  const updateStream = (TableName: string, StreamSpecification: { StreamEnabled: boolean; StreamViewType?: any }) =>
    server.ddb.send(new UpdateTableCommand({ TableName, StreamSpecification }));
  const put = (TableName: string, pk: string) =>
    server.ddb.send(new PutItemCommand({ TableName, Item: { pk: S(pk) } }));

  it('CreateTable with a stream: DescribeTable shows StreamSpecification, LatestStreamLabel and LatestStreamArn', async () => {
    const created = await server.ddb.send(
      new CreateTableCommand({
        ...keyedTable('life-create', 'S', 'N'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const label = '2026-03-03T04:05:06.789';
    const arn = `${tableArn('life-create')}/stream/${label}`;
    expect(created.TableDescription).toMatchObject({
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      LatestStreamLabel: label,
      LatestStreamArn: arn,
    });
    expect(await describeTable('life-create')).toMatchObject({
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      LatestStreamLabel: label,
      LatestStreamArn: arn,
    });
    const d = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    expect(d).toMatchObject({
      StreamArn: arn,
      StreamLabel: label,
      StreamStatus: 'ENABLED',
      StreamViewType: 'NEW_IMAGE',
      TableName: 'life-create',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(d.CreationRequestDateTime).toEqual(new Date(clock.now()));
    expect(d.Shards).toHaveLength(1);
    expect(d.Shards![0]!.ShardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
    expect(d.Shards![0]!.SequenceNumberRange!.StartingSequenceNumber).toMatch(/^\d{21}$/);
    expect(d.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeUndefined();
    expect(d.Shards![0]!.ParentShardId).toBeUndefined();
  });

  it('a table without a stream has no StreamSpecification and no streams', async () => {
    await createTable(server.ddb, keyedTable('life-plain'));
    const t = await describeTable('life-plain');
    expect(t.StreamSpecification).toBeUndefined();
    expect(t.LatestStreamArn).toBeUndefined();
    expect((await streams.send(new ListStreamsCommand({ TableName: 'life-plain' }))).Streams).toEqual([]);
  });

  it('CreateTable rejects inconsistent specifications with AWS messages', async () => {
    const e1 = await errorOf(
      server.ddb.send(
        new CreateTableCommand({ ...keyedTable('life-bad1'), StreamSpecification: { StreamEnabled: true } }),
      ),
    );
    expect(e1.name).toBe('ValidationException');
    expect(e1.message).toBe(
      'One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required',
    );
    const e2 = await errorOf(
      server.ddb.send(
        new CreateTableCommand({
          ...keyedTable('life-bad2'),
          StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' },
        }),
      ),
    );
    expect(e2.message).toBe(
      'One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified',
    );
    const e3 = await errorOf(
      server.ddb.send(
        new CreateTableCommand({
          ...keyedTable('life-bad3'),
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'FISK' as any },
        }),
      ),
    );
    expect(e3.name).toBe('ValidationException');
    expect(e3.message).toContain("Value 'FISK' at 'streamSpecification.streamViewType' failed to satisfy constraint");
    // StreamEnabled false alone is accepted and creates no stream.
    await createTable(server.ddb, { ...keyedTable('life-off'), StreamSpecification: { StreamEnabled: false } });
    expect((await describeTable('life-off')).StreamSpecification).toBeUndefined();
  });

  it('UpdateTable enables, refuses a second enable, disables, refuses a second disable, and re-enables a new stream', async () => {
    await createTable(server.ddb, keyedTable('life-update'));
    const e0 = await errorOf(updateStream('life-update', { StreamEnabled: false }));
    expect(e0.name).toBe('ValidationException');
    expect(e0.message).toBe('Table has no stream to disable: TableName: life-update');

    const noType = await errorOf(updateStream('life-update', { StreamEnabled: true }));
    expect(noType.message).toBe(
      'One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required',
    );

    const enabled = await updateStream('life-update', { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    const first = enabled.TableDescription!.LatestStreamArn!;
    expect(enabled.TableDescription!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    expect(first).toBe(`${tableArn('life-update')}/stream/2026-03-03T04:05:06.789`);

    for (const view of ['KEYS_ONLY', 'NEW_IMAGE'] as const) {
      const again = await errorOf(updateStream('life-update', { StreamEnabled: true, StreamViewType: view }));
      expect(again.name).toBe('ValidationException');
      expect(again.message).toBe('Table already has an enabled stream: TableName: life-update');
    }
    const withType = await errorOf(updateStream('life-update', { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' }));
    expect(withType.message).toBe(
      'One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified',
    );
    const iops = await errorOf(
      server.ddb.send(
        new UpdateTableCommand({
          TableName: 'life-update',
          BillingMode: 'PROVISIONED',
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
          StreamSpecification: { StreamEnabled: false },
        }),
      ),
    );
    expect(iops.message).toBe(
      'One or more parameter values were invalid: You cannot modify stream status while updating table IOPS',
    );

    await put('life-update', 'before-disable');
    const disabled = await updateStream('life-update', { StreamEnabled: false });
    // After disabling, StreamSpecification is gone but the latest stream is still named.
    expect(disabled.TableDescription!.StreamSpecification).toBeUndefined();
    expect(disabled.TableDescription!.LatestStreamArn).toBe(first);
    const t = await describeTable('life-update');
    expect(t.StreamSpecification).toBeUndefined();
    expect(t.LatestStreamArn).toBe(first);
    expect(t.LatestStreamLabel).toBe('2026-03-03T04:05:06.789');

    const again = await errorOf(updateStream('life-update', { StreamEnabled: false }));
    expect(again.message).toBe('Table has no stream to disable: TableName: life-update');

    // Writes after disabling reach no stream.
    await put('life-update', 'while-disabled');
    const old = (await streams.send(new DescribeStreamCommand({ StreamArn: first }))).StreamDescription!;
    expect(old.StreamStatus).toBe('DISABLED');
    for (const shard of old.Shards!) expect(shard.SequenceNumberRange!.EndingSequenceNumber).toMatch(/^\d{21}$/);
    // The closed shard is still readable; its end omits NextShardIterator.
    const shardId = old.Shards![0]!.ShardId!;
    const it = (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: first, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator!;
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
    expect(summary(page.Records!)).toEqual([['INSERT', 'before-disable']]);
    expect(page.NextShardIterator).toBeUndefined();

    clock.advance(1000);
    const re = await updateStream('life-update', { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const second = re.TableDescription!.LatestStreamArn!;
    expect(second).not.toBe(first);
    expect(second).toBe(`${tableArn('life-update')}/stream/2026-03-03T04:05:07.789`);
    const listed = (await streams.send(new ListStreamsCommand({ TableName: 'life-update' }))).Streams!;
    expect(listed.map((s) => s.StreamArn)).toEqual([first, second]);
    expect(listed[1]).toEqual({ StreamArn: second, TableName: 'life-update', StreamLabel: '2026-03-03T04:05:07.789' });
  });

  it('re-enabling within the same millisecond still mints a distinct stream', async () => {
    await createTable(server.ddb, {
      ...keyedTable('life-fast'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    const first = await latestStreamArn(server.ddb, 'life-fast');
    await updateStream('life-fast', { StreamEnabled: false });
    await updateStream('life-fast', { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    const second = await latestStreamArn(server.ddb, 'life-fast');
    expect(second).not.toBe(first);
  });

  it('DeleteTable disables the stream, which stays readable for 24 hours and then disappears', async () => {
    await createTable(server.ddb, {
      ...keyedTable('life-delete'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    const arn = await latestStreamArn(server.ddb, 'life-delete');
    await put('life-delete', 'x');
    await server.ddb.send(new DeleteTableCommand({ TableName: 'life-delete' }));
    const d = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    expect(d.StreamStatus).toBe('DISABLED');
    expect(d.Shards![0]!.SequenceNumberRange!.EndingSequenceNumber).toBeDefined();
    expect(summary(await readShard(streams, arn, d.Shards![0]!.ShardId!))).toEqual([['INSERT', 'x']]);
    expect(
      (await streams.send(new ListStreamsCommand({ TableName: 'life-delete' }))).Streams!.map((s) => s.StreamArn),
    ).toEqual([arn]);

    clock.advance(24 * HOUR + 1);
    // Neither the table nor a stream of it is left.
    const noTable = await errorOf(streams.send(new ListStreamsCommand({ TableName: 'life-delete' })));
    expect(noTable.name).toBe('ResourceNotFoundException');
    expect((await streams.send(new ListStreamsCommand({}))).Streams!.map((s) => s.StreamArn)).not.toContain(arn);
    const gone = await errorOf(streams.send(new DescribeStreamCommand({ StreamArn: arn })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.message).toBe(`Requested resource not found: Stream: ${arn} not found`);
  });

  it('ListStreams pages in ARN order, filters by table and checks its arguments', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) {
      await createTable(server.ddb, {
        ...keyedTable(name),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      });
    }
    const seen: string[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(
        new ListStreamsCommand({ Limit: 1, ...(start ? { ExclusiveStartStreamArn: start } : {}) }),
      );
      expect(page.Streams!.length).toBeLessThanOrEqual(1);
      seen.push(...page.Streams!.map((s) => s.TableName!));
      start = page.LastEvaluatedStreamArn;
    } while (start);
    expect(seen.filter((n) => n.startsWith('list-'))).toEqual(['list-a', 'list-b', 'list-c']);
    const all = (await streams.send(new ListStreamsCommand({}))).Streams!.map((s) => s.StreamArn!);
    expect([...all].sort()).toEqual(all);

    const only = (await streams.send(new ListStreamsCommand({ TableName: 'list-b' }))).Streams!;
    expect(only.map((s) => s.TableName)).toEqual(['list-b']);

    const bad = await errorOf(
      streams.send(
        new ListStreamsCommand({ ExclusiveStartStreamArn: 'kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas' }),
      ),
    );
    expect(bad.name).toBe('ValidationException');
    const zero = await errorOf(streams.send(new ListStreamsCommand({ Limit: 0 })));
    expect(zero.message).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    const big = await errorOf(streams.send(new ListStreamsCommand({ Limit: 101 })));
    expect(big.message).toBe(
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    const missing = await errorOf(streams.send(new ListStreamsCommand({ TableName: 'list-missing' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('DescribeStream checks the ARN and pages shards', async () => {
    const invalid = await errorOf(
      streams.send(new DescribeStreamCommand({ StreamArn: 'sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf' })),
    );
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toBe('Invalid StreamArn');
    const absent = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/none/stream/2026-01-01T00:00:00.000`;
    const missing = await errorOf(streams.send(new DescribeStreamCommand({ StreamArn: absent })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe(`Requested resource not found: Stream: ${absent} not found`);

    await createTable(server.ddb, {
      ...keyedTable('life-shards'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    });
    const arn = await latestStreamArn(server.ddb, 'life-shards');
    for (let i = 0; i < 3; i++) {
      await put('life-shards', `s${i}`);
      clock.advance(4 * HOUR);
    }
    await put('life-shards', 's3');
    const shards = await allShards(streams, arn);
    expect(shards).toHaveLength(4);
    const page = (await streams.send(new DescribeStreamCommand({ StreamArn: arn, Limit: 2 }))).StreamDescription!;
    expect(page.Shards!.map((s) => s.ShardId)).toEqual(shards.slice(0, 2).map((s) => s.ShardId));
    expect(page.LastEvaluatedShardId).toBe(shards[1]!.ShardId);
    const tail = (
      await streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: shards[3]!.ShardId }))
    ).StreamDescription!;
    expect(tail.Shards).toEqual([]);
    expect(tail.LastEvaluatedShardId).toBeUndefined();
    const children = (
      await streams.send(
        new DescribeStreamCommand({
          StreamArn: arn,
          ShardFilter: { Type: 'CHILD_SHARDS', ShardId: shards[1]!.ShardId },
        }),
      )
    ).StreamDescription!.Shards!;
    expect(children.map((s) => s.ShardId)).toEqual([shards[2]!.ShardId]);
  });
});
