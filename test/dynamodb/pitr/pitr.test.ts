import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeContinuousBackupsCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableToPointInTimeCommand,
  TransactWriteItemsCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { createTable, expectError, keyedTable, N, S, scanAll, tableArn } from '../../helpers/ddb.js';
import { startTestServer, tempDir } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('DynamoDB point-in-time recovery', () => {
  let server: TestServer;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    server = await startTestServer({}, { clock });
  });
  afterAll(() => server.stop());

  const enable = (TableName: string, RecoveryPeriodInDays?: number) =>
    server.ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName,
        PointInTimeRecoverySpecification: {
          PointInTimeRecoveryEnabled: true,
          ...(RecoveryPeriodInDays ? { RecoveryPeriodInDays } : {}),
        },
      }),
    );
  const describeCb = async (TableName: string) =>
    (await server.ddb.send(new DescribeContinuousBackupsCommand({ TableName }))).ContinuousBackupsDescription!;
  const put = (TableName: string, pk: string, v: number) =>
    server.ddb.send(new PutItemCommand({ TableName, Item: { pk: S(pk), v: N(v) } }));
  const restoreAt = (source: string, target: string, at: number) =>
    server.ddb.send(
      new RestoreTableToPointInTimeCommand({
        SourceTableName: source,
        TargetTableName: target,
        RestoreDateTime: new Date(at),
      }),
    );
  const contents = async (TableName: string) =>
    Object.fromEntries((await scanAll(server.ddb, { TableName })).items.map((i) => [i['pk']!.S!, Number(i['v']?.N)]));

  describe('UpdateContinuousBackups / DescribeContinuousBackups', () => {
    it('a new table: continuous backups ENABLED, point-in-time recovery DISABLED', async () => {
      await createTable(server.ddb, keyedTable('pitr-settings'));
      expect(await describeCb('pitr-settings')).toEqual({
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'DISABLED' },
      });
    });

    it('enabling: Earliest = Latest = now at first; the window grows with the clock up to the recovery period', async () => {
      const start = clock.now();
      const out = (await enable('pitr-settings')).ContinuousBackupsDescription!;
      expect(out.ContinuousBackupsStatus).toBe('ENABLED');
      expect(out.PointInTimeRecoveryDescription).toEqual({
        PointInTimeRecoveryStatus: 'ENABLED',
        RecoveryPeriodInDays: 35,
        EarliestRestorableDateTime: new Date(start),
        LatestRestorableDateTime: new Date(start),
      });
      clock.advance(DAY);
      expect((await describeCb('pitr-settings')).PointInTimeRecoveryDescription).toMatchObject({
        EarliestRestorableDateTime: new Date(start),
        LatestRestorableDateTime: new Date(start + DAY),
      });
      clock.advance(40 * DAY);
      const later = (await describeCb('pitr-settings')).PointInTimeRecoveryDescription!;
      expect(later.EarliestRestorableDateTime!.getTime()).toBe(clock.now() - 35 * DAY);
      await enable('pitr-settings', 7);
      expect((await describeCb('pitr-settings')).PointInTimeRecoveryDescription).toMatchObject({
        RecoveryPeriodInDays: 7,
        EarliestRestorableDateTime: new Date(clock.now() - 7 * DAY),
      });
    });

    it('disabling discards the history; re-enabling starts a new window', async () => {
      await server.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'pitr-settings',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
      expect((await describeCb('pitr-settings')).PointInTimeRecoveryDescription).toEqual({
        PointInTimeRecoveryStatus: 'DISABLED',
      });
      clock.advance(1000);
      await enable('pitr-settings');
      expect(
        (await describeCb('pitr-settings')).PointInTimeRecoveryDescription!.EarliestRestorableDateTime!.getTime(),
      ).toBe(clock.now());
    });

    it('errors', async () => {
      await expectError(
        server.ddb.send(
          new UpdateContinuousBackupsCommand({
            TableName: 'pitr-settings',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false, RecoveryPeriodInDays: 3 },
          }),
        ),
        'ValidationException',
        'Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery.',
      );
      await expectError(
        server.ddb.send(
          new UpdateContinuousBackupsCommand({
            TableName: 'pitr-nope',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ),
        'TableNotFoundException',
        'Table not found: pitr-nope',
      );
      await expectError(
        server.ddb.send(new DescribeContinuousBackupsCommand({ TableName: 'pitr-nope' })),
        'TableNotFoundException',
        'Table not found: pitr-nope',
      );
      await expectError(
        enable('pitr-settings', 36),
        'ValidationException',
        /recoveryPeriodInDays' failed to satisfy constraint: Member must have value less than or equal to 35/,
      );
    });
  });

  describe('RestoreTableToPointInTime', () => {
    let enabledAt: number;
    const at: Record<string, number> = {};
    beforeAll(async () => {
      await createTable(server.ddb, keyedTable('pitr-src'));
      await put('pitr-src', 'before', 0);
      enabledAt = clock.now();
      await enable('pitr-src');
      clock.advance(1000);
      await put('pitr-src', 'a', 1);
      await put('pitr-src', 'b', 1);
      at['t1'] = clock.now();
      clock.advance(1000);
      await server.ddb.send(
        new UpdateItemCommand({
          TableName: 'pitr-src',
          Key: { pk: S('a') },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': N(2) },
        }),
      );
      await server.ddb.send(new DeleteItemCommand({ TableName: 'pitr-src', Key: { pk: S('b') } }));
      await server.ddb.send(new DeleteItemCommand({ TableName: 'pitr-src', Key: { pk: S('before') } }));
      at['t2'] = clock.now();
      clock.advance(1000);
      await server.ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'pitr-src', Item: { pk: S('c'), v: N(3) } } },
            { Put: { TableName: 'pitr-src', Item: { pk: S('b'), v: N(30) } } },
          ],
        }),
      );
      clock.advance(1000);
    });

    it('rebuilds the table as it was at each point in time', async () => {
      await restoreAt('pitr-src', 'pitr-at-enable', enabledAt);
      expect(await contents('pitr-at-enable')).toEqual({ before: 0 });
      await restoreAt('pitr-src', 'pitr-at-t1', at['t1']!);
      expect(await contents('pitr-at-t1')).toEqual({ before: 0, a: 1, b: 1 });
      await restoreAt('pitr-src', 'pitr-at-t2', at['t2']!);
      expect(await contents('pitr-at-t2')).toEqual({ a: 2 });
      const latest = await server.ddb.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableArn: tableArn('pitr-src'),
          TargetTableName: 'pitr-latest',
          UseLatestRestorableTime: true,
        }),
      );
      expect(latest.TableDescription).toMatchObject({
        TableStatus: 'CREATING',
        ItemCount: 3,
        RestoreSummary: {
          SourceTableArn: tableArn('pitr-src'),
          RestoreDateTime: new Date(clock.now()),
          RestoreInProgress: true,
        },
      });
      expect(latest.TableDescription!.RestoreSummary!.SourceBackupArn).toBeUndefined();
      expect(await contents('pitr-latest')).toEqual({ a: 2, b: 30, c: 3 });
      // The source is untouched, and the restored tables have no PITR of their own.
      expect(await contents('pitr-src')).toEqual({ a: 2, b: 30, c: 3 });
      expect((await describeCb('pitr-at-t1')).PointInTimeRecoveryDescription!.PointInTimeRecoveryStatus).toBe(
        'DISABLED',
      );
    });

    it('restores secondary indexes from the restored items', async () => {
      await createTable(server.ddb, {
        ...keyedTable('pitr-gsi'),
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
      await enable('pitr-gsi');
      await server.ddb.send(new PutItemCommand({ TableName: 'pitr-gsi', Item: { pk: S('x'), g: S('old') } }));
      clock.advance(1000);
      const mid = clock.now();
      clock.advance(1000);
      await server.ddb.send(new PutItemCommand({ TableName: 'pitr-gsi', Item: { pk: S('x'), g: S('new') } }));
      await restoreAt('pitr-gsi', 'pitr-gsi-copy', mid);
      const q = (g: string) =>
        server.ddb.send(
          new QueryCommand({
            TableName: 'pitr-gsi-copy',
            IndexName: 'by-g',
            KeyConditionExpression: 'g = :g',
            ExpressionAttributeValues: { ':g': S(g) },
          }),
        );
      expect((await q('old')).Items).toEqual([{ pk: S('x'), g: S('old') }]);
      expect((await q('new')).Count).toBe(0);
    });

    it('outside the window is InvalidRestoreTimeException quoting both bounds', async () => {
      const { EarliestRestorableDateTime: e, LatestRestorableDateTime: l } = (await describeCb('pitr-src'))
        .PointInTimeRecoveryDescription!;
      const before = e!.getTime() - 1000;
      await expectError(
        restoreAt('pitr-src', 'pitr-too-early', before),
        'InvalidRestoreTimeException',
        `RestoreDateTime '${iso(before)}' must be within EarliestRestorableDateTime '${iso(e!.getTime())}' and LatestRestorableDateTime '${iso(l!.getTime())}'`,
      );
      await expectError(restoreAt('pitr-src', 'pitr-too-late', clock.now() + 60_000), 'InvalidRestoreTimeException');
    });

    it('request errors, checked in DynamoDB’s order', async () => {
      const restore = (input: object) =>
        server.ddb.send(new RestoreTableToPointInTimeCommand({ TargetTableName: 'pitr-x', ...input }));
      await expectError(
        restore({ SourceTableName: 'pitr-src', UseLatestRestorableTime: true, RestoreDateTime: new Date(clock.now()) }),
        'ValidationException',
        'Invalid Request: Both RestoreDateTime and UseLatestRestorableTime cannot be set for point-in-time restore request. Please specify either RestoreDateTime time or UseLatestRestorableTime',
      );
      await expectError(
        restore({ SourceTableName: 'pitr-src' }),
        'ValidationException',
        'Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both',
      );
      await expectError(
        restore({ SourceTableName: 'pitr-src', SourceTableArn: tableArn('pitr-src'), UseLatestRestorableTime: true }),
        'ValidationException',
        'Must provide exactly one of: sourceTableArn, sourceTableName',
      );
      await expectError(
        restore({ SourceTableName: 'pitr-missing', UseLatestRestorableTime: true }),
        'TableNotFoundException',
        'Table not found: pitr-missing',
      );
      await expectError(
        restore({ SourceTableArn: tableArn('pitr-missing'), UseLatestRestorableTime: true }),
        'TableNotFoundException',
        'Table not found',
      );
      await expectError(
        restore({
          SourceTableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/pitr-src',
          UseLatestRestorableTime: true,
        }),
        'ValidationException',
        'This action is only supported by accounts that match the resource owner’s account.',
      );
      await createTable(server.ddb, keyedTable('pitr-off'));
      await expectError(
        server.ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'pitr-off',
            TargetTableName: 'pitr-src',
            UseLatestRestorableTime: true,
          }),
        ),
        'PointInTimeRecoveryUnavailableException',
        "Point in time recovery is not enabled for table 'pitr-off'",
      );
      await expectError(
        server.ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'pitr-src',
            TargetTableName: 'pitr-src',
            UseLatestRestorableTime: true,
          }),
        ),
        'TableAlreadyExistsException',
        'Table already exists: pitr-src',
      );
    });

    it('tables without point-in-time recovery log nothing', async () => {
      await createTable(server.ddb, keyedTable('pitr-none'));
      const count = async () =>
        Number((await server.overcast.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM ddb_pitr_log'))!.n);
      const before = await count();
      for (let i = 0; i < 20; i++) await put('pitr-none', `k${i}`, i);
      expect(await count()).toBe(before);
      await put('pitr-src', 'logged', 1);
      expect(await count()).toBe(before + 1);
    });
  });

  it('the change log survives a restart', async () => {
    const dir = tempDir();
    const persistentClock = new ManualClock(T0);
    try {
      let s = await startTestServer({ ephemeral: false, dataDir: dir.path }, { clock: persistentClock });
      await createTable(s.ddb, keyedTable('pitr-durable'));
      await s.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'pitr-durable',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      persistentClock.advance(1000);
      await s.ddb.send(new PutItemCommand({ TableName: 'pitr-durable', Item: { pk: S('k'), v: N(1) } }));
      persistentClock.advance(1000);
      const mid = persistentClock.now();
      await s.stop();
      s = await startTestServer({ ephemeral: false, dataDir: dir.path }, { clock: persistentClock });
      persistentClock.advance(1000);
      await s.ddb.send(new PutItemCommand({ TableName: 'pitr-durable', Item: { pk: S('k'), v: N(2) } }));
      await s.ddb.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: 'pitr-durable',
          TargetTableName: 'pitr-durable-mid',
          RestoreDateTime: new Date(mid),
        }),
      );
      expect(
        (await s.ddb.send(new GetItemCommand({ TableName: 'pitr-durable-mid', Key: { pk: S('k') } }))).Item,
      ).toEqual({ pk: S('k'), v: N(1) });
      await s.stop();
    } finally {
      dir.cleanup();
    }
  });

  it('a restore into a table that is still CREATING from another restore is TableInUseException', async () => {
    const slowClock = new ManualClock(T0);
    const slow = await startTestServer({ dynamodb: { tableStatusDelayMs: 10_000 } }, { clock: slowClock });
    try {
      await slow.ddb.send(new CreateTableCommand(keyedTable('pitr-slow')));
      slowClock.advance(10_000);
      await slow.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'pitr-slow',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      await slow.ddb.send(
        new RestoreTableToPointInTimeCommand({
          SourceTableName: 'pitr-slow',
          TargetTableName: 'pitr-slow-copy',
          UseLatestRestorableTime: true,
        }),
      );
      await expectError(
        slow.ddb.send(
          new RestoreTableToPointInTimeCommand({
            SourceTableName: 'pitr-slow',
            TargetTableName: 'pitr-slow-copy',
            UseLatestRestorableTime: true,
          }),
        ),
        'TableInUseException',
        `Table: pitr-slow-copy is already being restored from backup: ${tableArn('pitr-slow')}`,
      );
    } finally {
      await slow.stop();
    }
  });

  describe.runIf(hasAwsCli)('AWS CLI v2', () => {
    it('update-continuous-backups, describe-continuous-backups, restore-table-to-point-in-time', async () => {
      await createTable(server.ddb, keyedTable('pitr-cli'));
      const on = await aws(server.endpoint, [
        'dynamodb',
        'update-continuous-backups',
        '--table-name',
        'pitr-cli',
        '--point-in-time-recovery-specification',
        'PointInTimeRecoveryEnabled=true',
      ]);
      expect(on.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus).toBe('ENABLED');
      await put('pitr-cli', 'cli', 1);
      const described = await aws(server.endpoint, [
        'dynamodb',
        'describe-continuous-backups',
        '--table-name',
        'pitr-cli',
      ]);
      expect(described.ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus).toBe(
        'ENABLED',
      );
      const restored = await aws(server.endpoint, [
        'dynamodb',
        'restore-table-to-point-in-time',
        '--source-table-name',
        'pitr-cli',
        '--target-table-name',
        'pitr-cli-copy',
        '--use-latest-restorable-time',
      ]);
      expect(restored.TableDescription.RestoreSummary.SourceTableArn).toBe(tableArn('pitr-cli'));
      expect(await contents('pitr-cli-copy')).toEqual({ cli: 1 });
    });
  });
});
