import { PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { streamReaderFor, toLambdaRecord } from '../../../src/services/dynamodb/streams/reader.js';
import type { StreamReader } from '../../../src/services/dynamodb/streams/reader.js';
import { ttlFor } from '../../../src/services/dynamodb/ttl/ttl.js';
import { createTable, keyedTable, N, S } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { latestStreamArn } from './helpers.js';

describe('StreamReader (the in-process port for event source mappings)', () => {
  let server: TestServer;
  let reader: StreamReader;
  const clock = new ManualClock(Date.UTC(2026, 8, 1));

  beforeAll(async () => {
    server = await startTestServer({ dynamodb: { ttlSweepIntervalMs: 0 } }, { clock });
    reader = streamReaderFor(server.overcast.store)!;
  });
  afterAll(() => server.stop());

  const put = (pk: string, extra: Record<string, any> = {}) =>
    server.ddb.send(new PutItemCommand({ TableName: 'port', Item: { pk: S(pk), ...extra } }));

  it('describes a stream and reads its shards by sequence number, as a checkpointing consumer does', async () => {
    await createTable(server.ddb, {
      ...keyedTable('port'),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const arn = await latestStreamArn(server.ddb, 'port');
    expect(await reader.describe(`${arn}x`)).toBeUndefined();
    for (const pk of ['a', 'b', 'c']) await put(pk);
    const info = (await reader.describe(arn))!;
    expect(info).toMatchObject({
      streamArn: arn,
      tableName: 'port',
      status: 'ENABLED',
      viewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(info.shards).toHaveLength(1);
    const shardId = info.shards[0]!.shardId;

    const first = await reader.read(arn, shardId, { type: 'TRIM_HORIZON' }, 2);
    expect(first.records.map((r) => r.dynamodb.Keys)).toEqual([{ pk: S('a') }, { pk: S('b') }]);
    expect(first.shardEnded).toBe(false);
    expect(first.nextSequenceNumber).toBe(first.records[1]!.dynamodb.SequenceNumber);
    const rest = await reader.read(
      arn,
      shardId,
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: first.nextSequenceNumber },
      10,
    );
    expect(rest.records.map((r) => r.dynamodb.Keys)).toEqual([{ pk: S('c') }]);
    const none = await reader.read(
      arn,
      shardId,
      { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: rest.nextSequenceNumber },
      10,
    );
    expect(none.records).toEqual([]);
    expect(none.nextSequenceNumber).toBe(rest.nextSequenceNumber);

    const bad = await errorOf(reader.read(arn, shardId, { type: 'AT_SEQUENCE_NUMBER' }, 10));
    expect((bad as any).code).toBe('ValidationException');
    const noShard = await errorOf(reader.read(arn, 'shardId-00000000000000000000-00000000', { type: 'LATEST' }, 10));
    expect((noShard as any).code).toBe('ResourceNotFoundException');
  });

  it('shapes records for Lambda, with the TTL service identity in lower case', async () => {
    const arn = await latestStreamArn(server.ddb, 'port');
    await server.ddb.send(
      new UpdateTimeToLiveCommand({
        TableName: 'port',
        TimeToLiveSpecification: { Enabled: true, AttributeName: 'e' },
      }),
    );
    await put('ttl', { e: N(Math.floor(clock.now() / 1000) - 1) });
    await ttlFor(server.overcast.store)!.sweepExpired();
    const shardId = (await reader.describe(arn))!.shards[0]!.shardId;
    const { records } = await reader.read(arn, shardId, { type: 'TRIM_HORIZON' }, 100);
    const removal = records[records.length - 1]!;
    expect(removal.eventName).toBe('REMOVE');
    const lambda = toLambdaRecord(removal, arn);
    expect(lambda).toMatchObject({
      eventName: 'REMOVE',
      eventSource: 'aws:dynamodb',
      eventSourceARN: arn,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    expect(toLambdaRecord(records[0]!, arn)['userIdentity']).toBeUndefined();
  });
});
