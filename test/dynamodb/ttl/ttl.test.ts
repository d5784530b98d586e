import {
  BatchGetItemCommand,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { ttlFor } from '../../../src/services/dynamodb/ttl/ttl.js';
import type { DynamoDbTtl } from '../../../src/services/dynamodb/ttl/ttl.js';
import { createTable, keyedTable, N, S, tableArn } from '../../helpers/ddb.js';
import type { Item } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { latestStreamArn, readStream, streamsClient, summary } from '../streams/helpers.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 6, 1);
const nowS = (clock: ManualClock) => Math.floor(clock.now() / 1000);

describe('DynamoDB TTL', () => {
  let server: TestServer;
  let streams: DynamoDBStreamsClient;
  let ttl: DynamoDbTtl;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    server = await startTestServer({ dynamodb: { ttlSweepIntervalMs: 0 } }, { clock });
    streams = streamsClient(server.endpoint);
    ttl = ttlFor(server.overcast.store)!;
  });
  afterAll(async () => {
    streams.destroy();
    await server.stop();
  });

  const enable = (TableName: string, AttributeName = 'expires', Enabled = true) =>
    server.ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled, AttributeName } }));
  const describeTtl = async (TableName: string) =>
    (await server.ddb.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;
  const put = (TableName: string, Item: Item) => server.ddb.send(new PutItemCommand({ TableName, Item }));
  const get = async (TableName: string, Key: Item) =>
    (await server.ddb.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;

  describe('UpdateTimeToLive and DescribeTimeToLive', () => {
    it('enables TTL, describes it, and echoes the specification', async () => {
      await createTable(server.ddb, keyedTable('ttl-api'));
      expect(await describeTtl('ttl-api')).toEqual({ TimeToLiveStatus: 'DISABLED' });
      const out = await enable('ttl-api');
      expect(out.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expires' });
      expect(await describeTtl('ttl-api')).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
      // Also by ARN.
      expect(await describeTtl(tableArn('ttl-api'))).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
    });

    it('answers with AWS messages for repeated, conflicting and premature changes', async () => {
      await createTable(server.ddb, keyedTable('ttl-errors'));
      const disabled = await errorOf(enable('ttl-errors', 'expires', false));
      expect(disabled.name).toBe('ValidationException');
      expect(disabled.message).toBe('TimeToLive is already disabled');
      await enable('ttl-errors');
      expect((await errorOf(enable('ttl-errors'))).message).toBe('TimeToLive is already enabled');
      expect((await errorOf(enable('ttl-errors', 'other'))).message).toBe(
        'TimeToLive is active on a different AttributeName: current AttributeName is expires',
      );
      expect((await errorOf(enable('ttl-errors', 'other', false))).message).toBe(
        'TimeToLive is active on a different AttributeName: current AttributeName is expires',
      );
      // A second change within about 30 minutes is refused.
      const early = await errorOf(enable('ttl-errors', 'expires', false));
      expect(early.message).toBe('Time to live has been modified multiple times within a fixed interval');
      clock.advance(31 * MINUTE);
      await enable('ttl-errors', 'expires', false);
      expect(await describeTtl('ttl-errors')).toEqual({ TimeToLiveStatus: 'DISABLED' });
      expect((await errorOf(enable('ttl-errors', 'renamed'))).message).toBe(
        'Time to live has been modified multiple times within a fixed interval',
      );
      clock.advance(31 * MINUTE);
      await enable('ttl-errors', 'renamed');
      expect(await describeTtl('ttl-errors')).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'renamed' });
    });

    it('validates the request and the table', async () => {
      const missing = await errorOf(enable('ttl-no-such-table'));
      expect(missing.name).toBe('ResourceNotFoundException');
      expect(missing.message).toBe('Requested resource not found: Table: ttl-no-such-table not found');
      expect((await errorOf(describeTtl('ttl-no-such-table'))).name).toBe('ResourceNotFoundException');
      await createTable(server.ddb, keyedTable('ttl-validate'));
      const empty = await errorOf(enable('ttl-validate', ''));
      expect(empty.message).toBe(
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
      const long = await errorOf(enable('ttl-validate', 'x'.repeat(256)));
      expect(long.name).toBe('ValidationException');
      expect(long.message).toContain('Member must have length less than or equal to 255');
    });

    it('refuses TTL calls while the table is CREATING', async () => {
      const slow = await startTestServer(
        { dynamodb: { tableStatusDelayMs: 60_000, ttlSweepIntervalMs: 0 } },
        { clock },
      );
      try {
        await slow.ddb.send(new CreateTableCommand(keyedTable('ttl-creating')));
        const d = await errorOf(slow.ddb.send(new DescribeTimeToLiveCommand({ TableName: 'ttl-creating' })));
        expect(d.name).toBe('ValidationException');
        expect(d.message).toBe(
          'Cannot describe time to live while table is in CREATING state: Current table state is CREATING',
        );
        const u = await errorOf(
          slow.ddb.send(
            new UpdateTimeToLiveCommand({
              TableName: 'ttl-creating',
              TimeToLiveSpecification: { Enabled: true, AttributeName: 'e' },
            }),
          ),
        );
        expect(u.name).toBe('ResourceInUseException');
        expect(u.message).toBe(
          'Attempt to change a resource which is still in use: Table ttl-creating is being created',
        );
      } finally {
        await slow.stop();
      }
    });
  });

  describe('expired items', () => {
    const TABLE = 'ttl-reads';
    beforeAll(async () => {
      await createTable(server.ddb, {
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'g', AttributeType: 'S' },
          { AttributeName: 'l', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'by-l',
            KeySchema: [
              { AttributeName: 'pk', KeyType: 'HASH' },
              { AttributeName: 'l', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
          },
        ],
      });
      // Written before TTL is enabled: still expires once it is.
      await put(TABLE, { pk: S('p'), sk: N(0), g: S('G'), l: S('l0'), expires: N(nowS(clock) - 60) });
      await enable(TABLE);
      const t = nowS(clock);
      const items: Item[] = [
        { pk: S('p'), sk: N(1), g: S('G'), l: S('l1'), expires: N(t - 1) }, // expired
        { pk: S('p'), sk: N(2), g: S('G'), l: S('l2'), expires: N(t + 3600) }, // alive
        { pk: S('p'), sk: N(3), g: S('G'), l: S('l3') }, // no TTL attribute
        { pk: S('p'), sk: N(4), g: S('G'), l: S('l4'), expires: S(String(t - 60)) }, // a string: ignored
        { pk: S('p'), sk: N(5), g: S('G'), l: S('l5'), expires: N(162777600) }, // more than five years ago: ignored
        { pk: S('p'), sk: N(6), g: S('G'), l: S('l6'), expires: N(`${Math.floor((t - 60) / 10)}e1`) }, // exponent form
        { pk: S('p'), sk: N(7), g: S('G'), l: S('l7'), expires: N(`${t - 60}.25`) }, // fraction
      ];
      for (const item of items) await put(TABLE, item);
    });

    const alive = [2, 3, 4, 5];
    const keysOf = (items: Item[] | undefined) => (items ?? []).map((i) => Number(i['sk']!.N)).sort((a, b) => a - b);

    it('GetItem, BatchGetItem and TransactGetItems do not return expired items', async () => {
      for (let sk = 0; sk <= 7; sk++) {
        const item = await get(TABLE, { pk: S('p'), sk: N(sk) });
        expect(item !== undefined).toBe(alive.includes(sk));
      }
      const batch = await server.ddb.send(
        new BatchGetItemCommand({
          RequestItems: { [TABLE]: { Keys: [0, 1, 2, 3, 4, 5, 6, 7].map((sk) => ({ pk: S('p'), sk: N(sk) })) } },
        }),
      );
      expect(keysOf(batch.Responses![TABLE])).toEqual(alive);
      const tx = await server.ddb.send(
        new TransactGetItemsCommand({
          TransactItems: [1, 2].map((sk) => ({ Get: { TableName: TABLE, Key: { pk: S('p'), sk: N(sk) } } })),
        }),
      );
      expect(tx.Responses!.map((r) => r.Item !== undefined)).toEqual([false, true]);
    });

    it('Query and Scan filter expired items like a FilterExpression (read, counted in ScannedCount)', async () => {
      const q = await server.ddb.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      expect(keysOf(q.Items)).toEqual(alive);
      expect(q.Count).toBe(4);
      expect(q.ScannedCount).toBe(8);
      const s = await server.ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }));
      expect(s.Count).toBe(4);
      expect(s.ScannedCount).toBe(8);
      // A KEYS_ONLY GSI does not carry the TTL attribute: still filtered.
      const gsi = await server.ddb.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-g',
          KeyConditionExpression: 'g = :g',
          ExpressionAttributeValues: { ':g': S('G') },
        }),
      );
      expect(keysOf(gsi.Items)).toEqual(alive);
      const lsi = await server.ddb.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: 'by-l',
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ProjectionExpression: 'sk, x',
        }),
      );
      expect(keysOf(lsi.Items)).toEqual(alive);
    });

    it('ConsumedCapacity still counts the expired item that was read', async () => {
      const expired = await server.ddb.send(
        new GetItemCommand({ TableName: TABLE, Key: { pk: S('p'), sk: N(1) }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      expect(expired.Item).toBeUndefined();
      expect(expired.ConsumedCapacity!.CapacityUnits).toBe(0.5);
    });

    it('an item whose TTL moves into the future comes back', async () => {
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: S('p'), sk: N(7) },
          UpdateExpression: 'SET expires = :e',
          ExpressionAttributeValues: { ':e': N(nowS(clock) + 600) },
        }),
      );
      expect(await get(TABLE, { pk: S('p'), sk: N(7) })).toBeDefined();
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: { pk: S('p'), sk: N(7) },
          UpdateExpression: 'SET expires = :e',
          ExpressionAttributeValues: { ':e': N(`${nowS(clock) - 60}.25`) },
        }),
      );
    });
  });

  describe('the sweeper', () => {
    // Tables of other tests expire items too: start each test from a swept store.
    beforeEach(async () => {
      await ttl.sweepExpired();
    });

    it('deletes expired items with REMOVE records from the TTL service, and nothing else', async () => {
      await createTable(server.ddb, {
        ...keyedTable('ttl-sweep'),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
      const arn = await latestStreamArn(server.ddb, 'ttl-sweep');
      await enable('ttl-sweep');
      const t = nowS(clock);
      await put('ttl-sweep', { pk: S('soon'), expires: N(t + 60), animal: S('dog') });
      await put('ttl-sweep', { pk: S('later'), expires: N(t + 3600) });
      await put('ttl-sweep', { pk: S('never') });
      await put('ttl-sweep', { pk: S('ancient'), expires: N(162777600) });
      await put('ttl-sweep', { pk: S('moved'), expires: N(t + 60) });
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: 'ttl-sweep',
          Key: { pk: S('moved') },
          UpdateExpression: 'SET expires = :e',
          ExpressionAttributeValues: { ':e': N(t + 7200) },
        }),
      );
      expect(await ttl.sweepExpired()).toBe(0);
      clock.advance(2 * MINUTE);
      expect(await ttl.sweepExpired()).toBe(1);
      expect(await ttl.sweepExpired()).toBe(0);
      expect(await get('ttl-sweep', { pk: S('soon') })).toBeUndefined();
      for (const pk of ['later', 'never', 'ancient', 'moved'])
        expect(await get('ttl-sweep', { pk: S(pk) })).toBeDefined();

      const records = await readStream(streams, arn);
      expect(summary(records).slice(-1)).toEqual([['REMOVE', 'soon']]);
      const removal = records[records.length - 1]!;
      expect(removal.userIdentity).toEqual({ Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
      expect(removal.dynamodb!.OldImage).toEqual({ pk: S('soon'), expires: N(t + 60), animal: S('dog') });
      expect(records.slice(0, -1).every((r) => r.userIdentity === undefined)).toBe(true);

      clock.advance(2 * 3600_000);
      await ttl.sweepExpired();
      for (const pk of ['later', 'moved']) expect(await get('ttl-sweep', { pk: S(pk) })).toBeUndefined();
      expect(summary((await readStream(streams, arn)).slice(-2)).map(([e]) => e)).toEqual(['REMOVE', 'REMOVE']);
    });

    it('sweeps items that expired before TTL was enabled, and stops when it is disabled', async () => {
      await createTable(server.ddb, keyedTable('ttl-toggle', 'N'));
      const t = nowS(clock);
      // The TTL attribute may be the partition key itself.
      await put('ttl-toggle', { pk: N(t - 100) });
      await put('ttl-toggle', { pk: N(t + 100) });
      expect(await ttl.sweepExpired()).toBe(0); // TTL not enabled yet
      expect(await get('ttl-toggle', { pk: N(t - 100) })).toBeDefined();
      await enable('ttl-toggle', 'pk');
      expect(await get('ttl-toggle', { pk: N(t - 100) })).toBeUndefined();
      expect(await ttl.sweepExpired()).toBe(1);

      clock.advance(31 * MINUTE);
      await enable('ttl-toggle', 'pk', false);
      // Disabled: the expired item is visible again and never swept.
      expect(await get('ttl-toggle', { pk: N(t + 100) })).toBeDefined();
      expect(await ttl.sweepExpired()).toBe(0);
      expect(await get('ttl-toggle', { pk: N(t + 100) })).toBeDefined();
    });

    it('runs in the background at the configured period', async () => {
      const bg = await startTestServer({ dynamodb: { ttlSweepIntervalMs: 20 } }, { clock });
      try {
        await createTable(bg.ddb, keyedTable('ttl-bg'));
        await bg.ddb.send(
          new UpdateTimeToLiveCommand({
            TableName: 'ttl-bg',
            TimeToLiveSpecification: { Enabled: true, AttributeName: 'e' },
          }),
        );
        await bg.ddb.send(new PutItemCommand({ TableName: 'ttl-bg', Item: { pk: S('x'), e: N(nowS(clock) - 1) } }));
        const deadline = Date.now() + 5000;
        let count = 1;
        while (Date.now() < deadline && count > 0) {
          count = (await bg.ddb.send(new ScanCommand({ TableName: 'ttl-bg', Select: 'COUNT' }))).ScannedCount!;
          if (count > 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(count).toBe(0);
      } finally {
        await bg.stop();
      }
    });
  });
});
