import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { createTable, keyedTable, N, S } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { allShards, latestStreamArn, readStream, streamsClient, summary } from './helpers.js';

type ViewType = 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';

describe('DynamoDB Streams records', () => {
  let server: TestServer;
  let streams: DynamoDBStreamsClient;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    streams = streamsClient(server.endpoint);
  });
  afterAll(async () => {
    streams.destroy();
    await server.stop();
  });

  const streamTable = async (name: string, view: ViewType, rangeType?: 'S' | 'N') => {
    await createTable(server.ddb, {
      ...keyedTable(name, 'S', rangeType),
      StreamSpecification: { StreamEnabled: true, StreamViewType: view },
    });
    return latestStreamArn(server.ddb, name);
  };
  const put = (TableName: string, Item: Record<string, any>) =>
    server.ddb.send(new PutItemCommand({ TableName, Item }));
  const update = (TableName: string, pk: string, expr: string, values?: Record<string, any>) =>
    server.ddb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: S(pk) },
        UpdateExpression: expr,
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  const del = (TableName: string, pk: string) =>
    server.ddb.send(new DeleteItemCommand({ TableName, Key: { pk: S(pk) } }));

  /** INSERT, MODIFY (update), MODIFY (replace), REMOVE on one item. */
  async function lifecycle(table: string) {
    await put(table, { pk: S('a'), x: N(1) });
    await update(table, 'a', 'SET y = :y', { ':y': S('why') });
    await put(table, { pk: S('a'), z: N(3) });
    await del(table, 'a');
  }

  it('records every change with the images its view type asks for', async () => {
    const expected: Record<ViewType, [boolean, boolean]> = {
      KEYS_ONLY: [false, false],
      NEW_IMAGE: [true, false],
      OLD_IMAGE: [false, true],
      NEW_AND_OLD_IMAGES: [true, true],
    };
    const images = [
      [undefined, { pk: S('a'), x: N(1) }],
      [
        { pk: S('a'), x: N(1) },
        { pk: S('a'), x: N(1), y: S('why') },
      ],
      [
        { pk: S('a'), x: N(1), y: S('why') },
        { pk: S('a'), z: N(3) },
      ],
      [{ pk: S('a'), z: N(3) }, undefined],
    ];
    for (const view of Object.keys(expected) as ViewType[]) {
      const table = `rec-${view.toLowerCase().replace(/_/g, '-')}`;
      const arn = await streamTable(table, view);
      await lifecycle(table);
      const records = await readStream(streams, arn);
      expect(summary(records)).toEqual([
        ['INSERT', 'a'],
        ['MODIFY', 'a'],
        ['MODIFY', 'a'],
        ['REMOVE', 'a'],
      ]);
      const [withNew, withOld] = expected[view];
      records.forEach((r, i) => {
        expect(r.dynamodb!.StreamViewType).toBe(view);
        expect(r.dynamodb!.Keys).toEqual({ pk: S('a') });
        const [oldImage, newImage] = images[i]!;
        if (withNew && newImage) expect(r.dynamodb!.NewImage).toEqual(newImage);
        else expect(r.dynamodb!.NewImage).toBeUndefined();
        if (withOld && oldImage) expect(r.dynamodb!.OldImage).toEqual(oldImage);
        else expect(r.dynamodb!.OldImage).toBeUndefined();
      });
    }
  });

  it('fills the record envelope as AWS does', async () => {
    const arn = await streamTable('rec-envelope', 'NEW_AND_OLD_IMAGES', 'N');
    await put('rec-envelope', { pk: S('e'), sk: N(7), data: S('hello') });
    const [record] = await readStream(streams, arn);
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
    });
    expect(record!.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(record!.userIdentity).toBeUndefined();
    const d = record!.dynamodb!;
    expect(d.Keys).toEqual({ pk: S('e'), sk: N(7) });
    expect(d.ApproximateCreationDateTime).toEqual(new Date(Math.floor(clock.now() / 1000) * 1000));
    expect(d.SequenceNumber).toMatch(/^\d{21,40}$/);
    expect(d.SizeBytes).toBeGreaterThan(0);
  });

  it('writes nothing for writes that change nothing', async () => {
    const arn = await streamTable('rec-noop', 'NEW_AND_OLD_IMAGES');
    await put('rec-noop', { pk: S('n'), x: N(1), s: { SS: ['a', 'b'] } });
    await put('rec-noop', { pk: S('n'), x: N(1), s: { SS: ['b', 'a'] } }); // same item
    await put('rec-noop', { pk: S('n'), x: N('1.0'), s: { SS: ['a', 'b'] } }); // same number
    await update('rec-noop', 'n', 'SET x = :x', { ':x': N(1) });
    await del('rec-noop', 'missing');
    await update('rec-noop', 'n', 'SET x = :x', { ':x': N(2) });
    expect(summary(await readStream(streams, arn))).toEqual([
      ['INSERT', 'n'],
      ['MODIFY', 'n'],
    ]);
  });

  it('records batches and transactions item by item, and nothing for a cancelled transaction', async () => {
    const arn = await streamTable('rec-batch', 'KEYS_ONLY');
    await server.ddb.send(
      new BatchWriteItemCommand({
        RequestItems: { 'rec-batch': ['b1', 'b2', 'b3'].map((pk) => ({ PutRequest: { Item: { pk: S(pk) } } })) },
      }),
    );
    await server.ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'rec-batch', Item: { pk: S('t1') } } },
          { Delete: { TableName: 'rec-batch', Key: { pk: S('b1') } } },
          {
            Update: {
              TableName: 'rec-batch',
              Key: { pk: S('b2') },
              UpdateExpression: 'SET v = :v',
              ExpressionAttributeValues: { ':v': N(1) },
            },
          },
        ],
      }),
    );
    const cancelled = await errorOf(
      server.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'rec-batch', Item: { pk: S('t2') } } },
            {
              ConditionCheck: {
                TableName: 'rec-batch',
                Key: { pk: S('nope') },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      ),
    );
    expect(cancelled.name).toBe('TransactionCanceledException');
    const records = await readStream(streams, arn);
    expect(summary(records)).toEqual([
      ['INSERT', 'b1'],
      ['INSERT', 'b2'],
      ['INSERT', 'b3'],
      ['INSERT', 't1'],
      ['REMOVE', 'b1'],
      ['MODIFY', 'b2'],
    ]);
    const seqs = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('keeps per-item order under concurrent writers', async () => {
    const arn = await streamTable('rec-concurrent', 'NEW_IMAGE');
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 1; i <= 15; i++) await put('rec-concurrent', { pk: S(`w${w}`), v: N(i) });
      })(),
    );
    await Promise.all(writers);
    const records = await readStream(streams, arn);
    expect(records).toHaveLength(8 * 15);
    for (let w = 0; w < 8; w++) {
      const versions = records
        .filter((r) => r.dynamodb!.Keys!['pk']!.S === `w${w}`)
        .map((r) => Number(r.dynamodb!.NewImage!['v']!.N));
      expect(versions).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    }
  });

  it('pages GetRecords with Limit and NextShardIterator', async () => {
    const arn = await streamTable('rec-paging', 'KEYS_ONLY');
    for (let i = 0; i < 7; i++) await put('rec-paging', { pk: S(`p${i}`) });
    const [shard] = await allShards(streams, arn);
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator!, Limit: 3 }));
      sizes.push(page.Records!.length);
      expect(page.NextShardIterator).toBeDefined(); // the shard is open
      iterator = page.NextShardIterator;
    }
    expect(sizes).toEqual([3, 3, 1, 0]);
    await put('rec-paging', { pk: S('late') });
    const after = await streams.send(new GetRecordsCommand({ ShardIterator: iterator! }));
    expect(summary(after.Records!)).toEqual([['INSERT', 'late']]);
  });
});
