import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListBackupsCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { ACCOUNT, createTable, expectError, keyedTable, N, putAll, S, scanAll, tableArn } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

/** A provisioned table with a GSI on `g` and an LSI on `l`. */
const indexedTable = (name: string): CreateTableCommandInput => ({
  TableName: name,
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
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['v'] },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'by-l',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'l', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
  ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 11 },
});

describe('DynamoDB backups and RestoreTableFromBackup', () => {
  let server: TestServer;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    server = await startTestServer({}, { clock });
  });
  afterAll(() => server.stop());

  const backup = async (TableName: string, BackupName = 'nightly') => {
    clock.advance(1000);
    return (await server.ddb.send(new CreateBackupCommand({ TableName, BackupName }))).BackupDetails!;
  };

  describe('CreateBackup, DescribeBackup, RestoreTableFromBackup', () => {
    let backupArn: string;
    beforeAll(async () => {
      await createTable(server.ddb, indexedTable('bk-source'));
      await putAll(
        server.ddb,
        'bk-source',
        Array.from({ length: 120 }, (_, i) => ({
          pk: S(`p${i % 4}`),
          sk: N(i),
          g: S(`g${i % 3}`),
          l: S(`l${i}`),
          v: S(`v${i}`),
          big: S('x'.repeat(100)),
        })),
      );
    });

    it('CreateBackup answers BackupDetails (CREATING, USER) with an ARN under the table', async () => {
      const details = await backup('bk-source', 'before-changes');
      backupArn = details.BackupArn!;
      expect(details).toMatchObject({ BackupName: 'before-changes', BackupStatus: 'CREATING', BackupType: 'USER' });
      expect(backupArn).toMatch(new RegExp(`^${tableArn('bk-source')}/backup/\\d{14}-[0-9a-f]{8}$`));
      expect(backupArn.split('/').pop()!.slice(0, 14)).toBe(String(clock.now()).padStart(14, '0'));
      expect(details.BackupCreationDateTime!.getTime()).toBe(clock.now());
      expect(details.BackupExpiryDateTime).toBeUndefined();
    });

    it('DescribeBackup: AVAILABLE, the source table and its recorded indexes', async () => {
      const d = (await server.ddb.send(new DescribeBackupCommand({ BackupArn: backupArn }))).BackupDescription!;
      expect(d.BackupDetails).toMatchObject({ BackupArn: backupArn, BackupStatus: 'AVAILABLE', BackupType: 'USER' });
      expect(d.BackupDetails!.BackupSizeBytes).toBeGreaterThan(120 * 100);
      expect(d.SourceTableDetails).toMatchObject({
        TableName: 'bk-source',
        TableArn: tableArn('bk-source'),
        ItemCount: 120,
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 11 },
        KeySchema: indexedTable('x').KeySchema,
      });
      expect(d.SourceTableFeatureDetails).toEqual({
        LocalSecondaryIndexes: [
          {
            IndexName: 'by-l',
            KeySchema: indexedTable('x').LocalSecondaryIndexes![0]!.KeySchema,
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-g',
            KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['v'] },
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
          },
        ],
      });
    });

    it('restores a full copy (items, GSI and LSI) as of the backup, whatever changed since', async () => {
      await server.ddb.send(
        new PutItemCommand({ TableName: 'bk-source', Item: { pk: S('p0'), sk: N(999), g: S('g0'), l: S('new') } }),
      );
      await server.ddb.send(new DeleteItemCommand({ TableName: 'bk-source', Key: { pk: S('p1'), sk: N(1) } }));
      const out = await server.ddb.send(
        new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: 'bk-restored' }),
      );
      expect(out.TableDescription).toMatchObject({
        TableName: 'bk-restored',
        TableStatus: 'CREATING',
        ItemCount: 120,
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 11 },
        RestoreSummary: { SourceBackupArn: backupArn, SourceTableArn: tableArn('bk-source'), RestoreInProgress: true },
      });
      expect(out.TableDescription!.BillingModeSummary).toBeUndefined();
      expect(out.TableDescription!.TableId).not.toBe(
        (await server.ddb.send(new DescribeTableCommand({ TableName: 'bk-source' }))).Table!.TableId,
      );
      const restored = (await server.ddb.send(new DescribeTableCommand({ TableName: 'bk-restored' }))).Table!;
      expect(restored.TableStatus).toBe('ACTIVE');
      expect(restored.RestoreSummary).toBeUndefined();
      expect(restored.GlobalSecondaryIndexes![0]).toMatchObject({
        IndexName: 'by-g',
        ItemCount: 120,
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
      });
      expect(restored.LocalSecondaryIndexes![0]).toMatchObject({ IndexName: 'by-l', ItemCount: 120 });

      const source = await scanAll(server.ddb, { TableName: 'bk-source' });
      const copy = await scanAll(server.ddb, { TableName: 'bk-restored' });
      expect(copy.items).toHaveLength(120);
      expect(source.items).toHaveLength(120);
      expect(copy.items.some((i) => i['sk']!.N === '999')).toBe(false);
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: 'bk-restored', Key: { pk: S('p1'), sk: N(1) } }))).Item,
      ).toMatchObject({ v: S('v1') });
      const byG = await server.ddb.send(
        new QueryCommand({
          TableName: 'bk-restored',
          IndexName: 'by-g',
          KeyConditionExpression: 'g = :g',
          ExpressionAttributeValues: { ':g': S('g1') },
        }),
      );
      expect(byG.Count).toBe(40);
      expect(Object.keys(byG.Items![0]!).sort()).toEqual(['g', 'pk', 'sk', 'v']);
      const byL = await server.ddb.send(
        new QueryCommand({
          TableName: 'bk-restored',
          IndexName: 'by-l',
          KeyConditionExpression: 'pk = :p AND l = :l',
          ExpressionAttributeValues: { ':p': S('p1'), ':l': S('l5') },
        }),
      );
      expect(byL.Items).toEqual([{ pk: S('p1'), sk: N(5), l: S('l5') }]);
      // The restored table is an ordinary table.
      await server.ddb.send(
        new PutItemCommand({ TableName: 'bk-restored', Item: { pk: S('p9'), sk: N(1), g: S('g9') } }),
      );
    });

    it('overrides: billing mode, no indexes (empty lists), renamed index', async () => {
      const out = await server.ddb.send(
        new RestoreTableFromBackupCommand({
          BackupArn: backupArn,
          TargetTableName: 'bk-restored-ppr',
          BillingModeOverride: 'PAY_PER_REQUEST',
          GlobalSecondaryIndexOverride: [],
          LocalSecondaryIndexOverride: [],
        }),
      );
      expect(out.TableDescription!.BillingModeSummary!.BillingMode).toBe('PAY_PER_REQUEST');
      expect(out.TableDescription!.GlobalSecondaryIndexes).toBeUndefined();
      expect(out.TableDescription!.LocalSecondaryIndexes).toBeUndefined();
      expect(out.TableDescription!.AttributeDefinitions!.map((a) => a.AttributeName).sort()).toEqual(['pk', 'sk']);

      const renamed = await server.ddb.send(
        new RestoreTableFromBackupCommand({
          BackupArn: backupArn,
          TargetTableName: 'bk-restored-renamed',
          GlobalSecondaryIndexOverride: [
            {
              IndexName: 'renamed',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['v'] },
              ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 7 },
            },
          ],
          ProvisionedThroughputOverride: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 },
        }),
      );
      expect(renamed.TableDescription!.ProvisionedThroughput).toMatchObject({
        ReadCapacityUnits: 3,
        WriteCapacityUnits: 4,
      });
      expect(renamed.TableDescription!.GlobalSecondaryIndexes![0]).toMatchObject({
        IndexName: 'renamed',
        ItemCount: 120,
        ProvisionedThroughput: { ReadCapacityUnits: 7 },
      });
    });

    it('override errors, with AWS messages', async () => {
      const restore = (extra: object) =>
        server.ddb.send(
          new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: 'bk-bad', ...extra }),
        );
      await expectError(
        restore({
          BillingModeOverride: 'PAY_PER_REQUEST',
          ProvisionedThroughputOverride: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
        'ValidationException',
        'Invalid Request: Cannot override ProvisionedThroughput if BillingMode is overridden to PAY_PER_REQUEST',
      );
      await expectError(
        restore({
          GlobalSecondaryIndexOverride: [
            {
              IndexName: 'new',
              KeySchema: [{ AttributeName: 'v', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
        'ValidationException',
        'Invalid Request: Index new does not match a secondary index that existed in the source table and cannot be created during the restore operation',
      );
      await expectError(
        server.ddb.send(new DescribeTableCommand({ TableName: 'bk-bad' })),
        'ResourceNotFoundException',
      );
    });

    it('an existing target is TableAlreadyExistsException', async () => {
      await expectError(
        server.ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: 'bk-source' })),
        'TableAlreadyExistsException',
        'Table already exists: bk-source',
      );
    });

    it('backups outlive their table and can still be restored', async () => {
      await createTable(server.ddb, keyedTable('bk-doomed'));
      await server.ddb.send(new PutItemCommand({ TableName: 'bk-doomed', Item: { pk: S('survivor') } }));
      const b = await backup('bk-doomed');
      await server.ddb.send(new DeleteTableCommand({ TableName: 'bk-doomed' }));
      expect(
        (await server.ddb.send(new DescribeBackupCommand({ BackupArn: b.BackupArn! }))).BackupDescription!
          .SourceTableDetails!.TableName,
      ).toBe('bk-doomed');
      await server.ddb.send(
        new RestoreTableFromBackupCommand({ BackupArn: b.BackupArn!, TargetTableName: 'bk-doomed' }),
      );
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: 'bk-doomed', Key: { pk: S('survivor') } }))).Item,
      ).toEqual({ pk: S('survivor') });
    });

    it('a restore drops tags and deletion protection', async () => {
      await createTable(server.ddb, {
        ...keyedTable('bk-tagged'),
        Tags: [{ Key: 'a', Value: 'b' }],
        DeletionProtectionEnabled: true,
      });
      const b = await backup('bk-tagged');
      const out = await server.ddb.send(
        new RestoreTableFromBackupCommand({ BackupArn: b.BackupArn!, TargetTableName: 'bk-tagged-copy' }),
      );
      expect(out.TableDescription!.DeletionProtectionEnabled).toBe(false);
      expect(
        (await server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: tableArn('bk-tagged-copy') }))).Tags,
      ).toEqual([]);
    });
  });

  describe('errors', () => {
    it('CreateBackup of a missing table is TableNotFoundException', async () => {
      await expectError(
        server.ddb.send(new CreateBackupCommand({ TableName: 'bk-missing', BackupName: 'bak' })),
        'TableNotFoundException',
        'Table not found: bk-missing',
      );
    });

    it('a well-formed ARN of no backup is BackupNotFoundException; other ARNs are invalid or denied', async () => {
      const missing = `${tableArn('bk-source')}/backup/01700000000000-0123abcd`;
      await expectError(
        server.ddb.send(new DescribeBackupCommand({ BackupArn: missing })),
        'BackupNotFoundException',
        `Backup not found: ${missing}`,
      );
      await expectError(
        server.ddb.send(new DeleteBackupCommand({ BackupArn: missing })),
        'BackupNotFoundException',
        `Backup not found: ${missing}`,
      );
      await expectError(
        server.ddb.send(new RestoreTableFromBackupCommand({ BackupArn: missing, TargetTableName: 'bk-none' })),
        'BackupNotFoundException',
        `Backup not found: ${missing}`,
      );
      await expectError(
        server.ddb.send(
          new DescribeBackupCommand({ BackupArn: `${tableArn('bk-source')}/stream/2026-01-01T00:00:00.000` }),
        ),
        'ValidationException',
        'Invalid Backup ARN',
      );
      await expectError(
        server.ddb.send(
          new DescribeBackupCommand({
            BackupArn: `arn:aws:dynamodb:us-east-1:123456789012:table/bk-source/backup/01700000000000-0123abcd`,
          }),
        ),
        'AccessDeniedException',
        'Access is denied',
      );
    });

    it('a table still CREATING cannot be backed up yet; a backup feeds one CREATING restore at a time', async () => {
      const slowClock = new ManualClock(T0);
      const slow = await startTestServer({ dynamodb: { tableStatusDelayMs: 60_000 } }, { clock: slowClock });
      try {
        await slow.ddb.send(new CreateTableCommand(keyedTable('bk-slow')));
        await expectError(
          slow.ddb.send(new CreateBackupCommand({ TableName: 'bk-slow', BackupName: 'bak' })),
          'TableNotFoundException',
          'Table not found: bk-slow',
        );
        slowClock.advance(60_000);
        const arn = (await slow.ddb.send(new CreateBackupCommand({ TableName: 'bk-slow', BackupName: 'bak' })))
          .BackupDetails!.BackupArn!;
        const first = await slow.ddb.send(
          new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'bk-t1' }),
        );
        expect(first.TableDescription!.TableStatus).toBe('CREATING');
        const during = (await slow.ddb.send(new DescribeTableCommand({ TableName: 'bk-t1' }))).Table!;
        expect(during.RestoreSummary).toMatchObject({ SourceBackupArn: arn, RestoreInProgress: true });
        await expectError(
          slow.ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'bk-t2' })),
          'BackupInUseException',
          `Backup is being used to restore another table: ${arn}`,
        );
        await expectError(
          slow.ddb.send(new DeleteBackupCommand({ BackupArn: arn })),
          'BackupInUseException',
          `Backup is being used to restore table: ${arn}`,
        );
        const other = (await slow.ddb.send(new CreateBackupCommand({ TableName: 'bk-slow', BackupName: 'other' })))
          .BackupDetails!.BackupArn!;
        await expectError(
          slow.ddb.send(new RestoreTableFromBackupCommand({ BackupArn: other, TargetTableName: 'bk-t1' })),
          'TableInUseException',
          `Table: bk-t1 is already being restored from backup: ${arn}`,
        );
        slowClock.advance(60_000);
        expect(
          (await slow.ddb.send(new DescribeTableCommand({ TableName: 'bk-t1' }))).Table!.RestoreSummary,
        ).toBeUndefined();
        await slow.ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: 'bk-t2' }));
        slowClock.advance(60_000);
        await slow.ddb.send(new DeleteBackupCommand({ BackupArn: arn }));
      } finally {
        await slow.stop();
      }
    });
  });

  describe('ListBackups and DeleteBackup', () => {
    const arns: string[] = [];
    let times: number[] = [];
    beforeAll(async () => {
      await createTable(server.ddb, keyedTable('bk-list-a'));
      await createTable(server.ddb, keyedTable('bk-list-b'));
      for (const t of ['bk-list-a', 'bk-list-b', 'bk-list-a', 'bk-list-a'])
        arns.push((await backup(t, `of-${t}`)).BackupArn!);
      times = [];
      for (const arn of arns)
        times.push(
          (
            await server.ddb.send(new DescribeBackupCommand({ BackupArn: arn }))
          ).BackupDescription!.BackupDetails!.BackupCreationDateTime!.getTime(),
        );
    });

    it('lists a table’s backups oldest first, by name or ARN', async () => {
      const byName = (await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-list-a' }))).BackupSummaries!;
      expect(byName.map((b) => b.BackupArn)).toEqual([arns[0], arns[2], arns[3]]);
      expect(byName[0]).toMatchObject({
        TableName: 'bk-list-a',
        TableArn: tableArn('bk-list-a'),
        BackupName: 'of-bk-list-a',
        BackupStatus: 'AVAILABLE',
        BackupType: 'USER',
      });
      const byArn = (await server.ddb.send(new ListBackupsCommand({ TableName: tableArn('bk-list-a') })))
        .BackupSummaries!;
      expect(byArn).toHaveLength(3);
      expect((await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-never' }))).BackupSummaries).toEqual([]);
    });

    it('TimeRange is [lower, upper)', async () => {
      const out = await server.ddb.send(
        new ListBackupsCommand({
          TableName: 'bk-list-a',
          TimeRangeLowerBound: new Date(times[2]!),
          TimeRangeUpperBound: new Date(times[3]!),
        }),
      );
      expect(out.BackupSummaries!.map((b) => b.BackupArn)).toEqual([arns[2]]);
      await expectError(
        server.ddb.send(
          new ListBackupsCommand({
            TimeRangeLowerBound: new Date(times[3]!),
            TimeRangeUpperBound: new Date(times[0]!),
          }),
        ),
        'ValidationException',
        'One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound',
      );
    });

    it('pages with Limit / LastEvaluatedBackupArn / ExclusiveStartBackupArn', async () => {
      const first = await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-list-a', Limit: 2 }));
      expect(first.BackupSummaries!.map((b) => b.BackupArn)).toEqual([arns[0], arns[2]]);
      expect(first.LastEvaluatedBackupArn).toBe(arns[2]);
      const second = await server.ddb.send(
        new ListBackupsCommand({
          TableName: 'bk-list-a',
          Limit: 2,
          ExclusiveStartBackupArn: first.LastEvaluatedBackupArn,
        }),
      );
      expect(second.BackupSummaries!.map((b) => b.BackupArn)).toEqual([arns[3]]);
      expect(second.LastEvaluatedBackupArn).toBeUndefined();
      const exact = await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-list-a', Limit: 3 }));
      expect(exact.LastEvaluatedBackupArn).toBeUndefined();
    });

    it('DeleteBackup answers DELETED; the backup is gone at once', async () => {
      const out = await server.ddb.send(new DeleteBackupCommand({ BackupArn: arns[1] }));
      expect(out.BackupDescription!.BackupDetails!.BackupStatus).toBe('DELETED');
      expect(out.BackupDescription!.SourceTableDetails!.TableName).toBe('bk-list-b');
      await expectError(server.ddb.send(new DescribeBackupCommand({ BackupArn: arns[1] })), 'BackupNotFoundException');
      expect((await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-list-b' }))).BackupSummaries).toEqual([]);
    });
  });

  describe('SYSTEM backups', () => {
    it('deleting a PITR table leaves an undeletable 35-day SYSTEM backup, listed only for SYSTEM/ALL', async () => {
      await createTable(server.ddb, keyedTable('bk-pitr-deleted'));
      await server.ddb.send(new PutItemCommand({ TableName: 'bk-pitr-deleted', Item: { pk: S('kept') } }));
      await server.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'bk-pitr-deleted',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      await server.ddb.send(new DeleteTableCommand({ TableName: 'bk-pitr-deleted' }));
      expect((await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-pitr-deleted' }))).BackupSummaries).toEqual(
        [],
      );
      const system = (
        await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-pitr-deleted', BackupType: 'SYSTEM' }))
      ).BackupSummaries!;
      expect(system).toHaveLength(1);
      expect(system[0]).toMatchObject({ BackupName: 'bk-pitr-deleted$DeletedTableBackup', BackupType: 'SYSTEM' });
      expect(system[0]!.BackupArn).toMatch(/-00000000$/);
      expect(system[0]!.BackupExpiryDateTime!.getTime() - system[0]!.BackupCreationDateTime!.getTime()).toBe(
        35 * 86_400_000,
      );
      expect(
        (await server.ddb.send(new ListBackupsCommand({ TableName: 'bk-pitr-deleted', BackupType: 'ALL' })))
          .BackupSummaries,
      ).toHaveLength(1);
      const expiry = system[0]!.BackupExpiryDateTime!.toISOString().replace(/\.\d{3}Z$/, 'Z');
      await expectError(
        server.ddb.send(new DeleteBackupCommand({ BackupArn: system[0]!.BackupArn })),
        'ValidationException',
        `Invalid Request: User is not allowed to delete the system backup with arn ${system[0]!.BackupArn}. It will automatically expire on ${expiry}`,
      );
      // It restores like any backup, and expires after 35 days.
      await server.ddb.send(
        new RestoreTableFromBackupCommand({ BackupArn: system[0]!.BackupArn!, TargetTableName: 'bk-pitr-revived' }),
      );
      expect(
        (await server.ddb.send(new GetItemCommand({ TableName: 'bk-pitr-revived', Key: { pk: S('kept') } }))).Item,
      ).toBeDefined();
      clock.advance(35 * 86_400_000);
      await expectError(
        server.ddb.send(new DescribeBackupCommand({ BackupArn: system[0]!.BackupArn })),
        'BackupNotFoundException',
      );
    });
  });

  describe.runIf(hasAwsCli)('AWS CLI v2', () => {
    it('create-backup, list-backups, restore-table-from-backup, delete-backup', async () => {
      await createTable(server.ddb, keyedTable('bk-cli'));
      const created = await aws(server.endpoint, [
        'dynamodb',
        'create-backup',
        '--table-name',
        'bk-cli',
        '--backup-name',
        'cli',
      ]);
      const arn = created.BackupDetails.BackupArn as string;
      expect(arn.startsWith(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/bk-cli/backup/`)).toBe(true);
      const listed = await aws(server.endpoint, ['dynamodb', 'list-backups', '--table-name', 'bk-cli']);
      expect(listed.BackupSummaries.map((b: { BackupArn: string }) => b.BackupArn)).toEqual([arn]);
      const restored = await aws(server.endpoint, [
        'dynamodb',
        'restore-table-from-backup',
        '--target-table-name',
        'bk-cli-copy',
        '--backup-arn',
        arn,
      ]);
      expect(restored.TableDescription.RestoreSummary.SourceBackupArn).toBe(arn);
      const deleted = await aws(server.endpoint, ['dynamodb', 'delete-backup', '--backup-arn', arn]);
      expect(deleted.BackupDescription.BackupDetails.BackupStatus).toBe('DELETED');
    });
  });
});
