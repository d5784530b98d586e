import { gunzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeExportCommand,
  ExportTableToPointInTimeCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { B, createTable, expectError, keyedTable, N, S, tableArn } from '../../helpers/ddb.js';
import { startTestServer, tempDir } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { s3Client } from '../../s3/helpers.js';

const T0 = Date.UTC(2026, 4, 1, 9, 0, 0);
const MINUTE = 60_000;

describe('DynamoDB ExportTableToPointInTime (to Overcast S3)', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const dir = tempDir();
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    server = await startTestServer({ ephemeral: false, dataDir: dir.path }, { clock });
    s3 = s3Client(server.endpoint);
    for (const Bucket of ['my-bucket', 'past-bucket', 'ion-bucket', 'token-bucket', 'inc-bucket', 'b-err', 'b-doomed'])
      await s3.send(new CreateBucketCommand({ Bucket }));
    await createTable(server.ddb, keyedTable('ex-src', 'S', 'N'));
    await server.ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'ex-src',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
    dir.cleanup();
  });

  /** An object of the export, read back through S3. */
  const read = async (bucket: string, key: string) =>
    Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
  /** The keys of a bucket under a prefix. */
  const keysOf = async (bucket: string, prefix = '') =>
    ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
  const dataLines = async (bucket: string, manifestFiles: string) => {
    const out: string[] = [];
    for (const l of manifestFiles.trim().split('\n'))
      out.push(
        ...gunzipSync(await read(bucket, JSON.parse(l).dataFileS3Key))
          .toString('utf8')
          .split('\n')
          .filter(Boolean),
      );
    return out;
  };
  const exportTable = (input: Partial<ConstructorParameters<typeof ExportTableToPointInTimeCommand>[0]> = {}) =>
    server.ddb.send(
      new ExportTableToPointInTimeCommand({ TableArn: tableArn('ex-src'), S3Bucket: 'my-bucket', ...input }),
    );

  describe('FULL_EXPORT in DynamoDB JSON', () => {
    let exportArn: string;
    let beforeChanges: number;
    beforeAll(async () => {
      clock.advance(MINUTE);
      for (let i = 0; i < 5; i++) {
        await server.ddb.send(
          new PutItemCommand({
            TableName: 'ex-src',
            Item: { pk: S('p'), sk: N(i), n: N('1.50'), b: B([1, 2, 3]), ss: { SS: ['x', 'y'] } },
          }),
        );
      }
      beforeChanges = clock.now();
      clock.advance(MINUTE);
      await server.ddb.send(new DeleteItemCommand({ TableName: 'ex-src', Key: { pk: S('p'), sk: N(0) } }));
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-src', Item: { pk: S('q'), sk: N(9) } }));
    });

    it('answers IN_PROGRESS; DescribeExport then says COMPLETED with the manifest', async () => {
      const out = (await exportTable({ S3Prefix: 'exports/2026' })).ExportDescription!;
      exportArn = out.ExportArn!;
      expect(exportArn).toMatch(new RegExp(`^${tableArn('ex-src')}/export/\\d{14}-[0-9a-f]{8}$`));
      expect(out).toMatchObject({
        ExportStatus: 'IN_PROGRESS',
        TableArn: tableArn('ex-src'),
        S3Bucket: 'my-bucket',
        S3Prefix: 'exports/2026',
        S3SseAlgorithm: 'AES256',
        ExportFormat: 'DYNAMODB_JSON',
        ExportTime: new Date(clock.now()),
        StartTime: new Date(clock.now()),
      });
      expect(out.ClientToken).toBeTruthy();
      expect(out.ExportManifest).toBeUndefined();
      expect(out.ItemCount).toBeUndefined();
      const described = (await server.ddb.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription!;
      const id = exportArn.split('/').pop();
      expect(described).toMatchObject({
        ExportStatus: 'COMPLETED',
        ExportManifest: `exports/2026/AWSDynamoDB/${id}/manifest-summary.json`,
        ItemCount: 5,
      });
      expect(described.EndTime).toBeInstanceOf(Date);
      expect(described.BilledSizeBytes).toBeGreaterThan(0);
      expect(described.ExportType).toBeUndefined();
    });

    it('writes DynamoDB’s layout: _started, data/*.json.gz, manifests and checksums', async () => {
      const id = exportArn.split('/').pop()!;
      const base = `exports/2026/AWSDynamoDB/${id}`;
      const names = (await keysOf('my-bucket', `${base}/`)).map((k) =>
        k.slice(base.length + 1).replace(/^data\/.*/, 'data'),
      );
      expect([...new Set(names)].sort()).toEqual([
        '_started',
        'data',
        'manifest-files.checksum',
        'manifest-files.json',
        'manifest-summary.checksum',
        'manifest-summary.json',
      ]);
      const summaryText = (await read('my-bucket', `${base}/manifest-summary.json`)).toString('utf8');
      const summary = JSON.parse(summaryText);
      expect(summary).toMatchObject({
        version: '2020-06-30',
        exportArn,
        tableArn: tableArn('ex-src'),
        s3Bucket: 'my-bucket',
        s3Prefix: 'exports/2026',
        s3SseAlgorithm: 'AES256',
        s3SseKmsKeyId: null,
        manifestFilesS3Key: `${base}/manifest-files.json`,
        itemCount: 5,
        outputFormat: 'DYNAMODB_JSON',
      });
      expect((await read('my-bucket', `${base}/manifest-summary.checksum`)).toString()).toBe(
        createHash('md5').update(summaryText).digest('hex'),
      );
      const files = (await read('my-bucket', `${base}/manifest-files.json`)).toString('utf8');
      const entries = files
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      for (const e of entries) {
        const body = await read('my-bucket', e.dataFileS3Key);
        expect(e.dataFileS3Key).toMatch(new RegExp(`^${base}/data/[a-z0-9]+\\.json\\.gz$`));
        expect(e.md5Checksum).toBe(createHash('md5').update(body).digest('base64'));
        expect(e.etag).toBe(createHash('md5').update(body).digest('hex'));
      }
      const items = (await dataLines('my-bucket', files)).map((l) => JSON.parse(l).Item);
      expect(items).toHaveLength(5);
      expect(items).toContainEqual({ pk: { S: 'q' }, sk: { N: '9' } });
      expect(items).toContainEqual({
        pk: { S: 'p' },
        sk: { N: '1' },
        n: { N: '1.5' },
        b: { B: 'AQID' },
        ss: { SS: ['x', 'y'] },
      });
    });

    it('ExportTime in the past exports the table as it was then', async () => {
      const out = (await exportTable({ S3Bucket: 'past-bucket', ExportTime: new Date(beforeChanges) }))
        .ExportDescription!;
      const described = (await server.ddb.send(new DescribeExportCommand({ ExportArn: out.ExportArn })))
        .ExportDescription!;
      const base = described.ExportManifest!.replace(/manifest-summary\.json$/, '');
      const keys = (
        await dataLines('past-bucket', (await read('past-bucket', `${base}manifest-files.json`)).toString('utf8'))
      ).map((l) => `${JSON.parse(l).Item.pk.S}${JSON.parse(l).Item.sk.N}`);
      expect(keys.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    });

    it('ION format', async () => {
      const out = (await exportTable({ S3Bucket: 'ion-bucket', ExportFormat: 'ION' })).ExportDescription!;
      const described = (await server.ddb.send(new DescribeExportCommand({ ExportArn: out.ExportArn })))
        .ExportDescription!;
      expect(described.ExportFormat).toBe('ION');
      const base = described.ExportManifest!.replace(/manifest-summary\.json$/, '');
      const entries = (await read('ion-bucket', `${base}manifest-files.json`))
        .toString('utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(entries[0].dataFileS3Key).toMatch(/\.ion\.gz$/);
      const lines = await dataLines(
        'ion-bucket',
        (await read('ion-bucket', `${base}manifest-files.json`)).toString('utf8'),
      );
      expect(lines).toContain(`$ion_1_0 {Item:{'pk':"p",'sk':1,'n':1.5,'b':{{AQID}},'ss':$dynamodb_SS::["x","y"]}}`);
    });

    it('ClientToken: an identical replay returns the same export; changed parameters conflict', async () => {
      const first = (await exportTable({ S3Bucket: 'token-bucket', ClientToken: 'tok-1' })).ExportDescription!;
      const again = (await exportTable({ S3Bucket: 'token-bucket', ClientToken: 'tok-1' })).ExportDescription!;
      expect(again.ExportArn).toBe(first.ExportArn);
      expect(again.ExportStatus).toBe('COMPLETED');
      await expectError(
        exportTable({ S3Bucket: 'token-bucket', S3Prefix: 'other', ClientToken: 'tok-1' }),
        'ExportConflictException',
        'Export conflict: Duplicate request detected with conflicting parameters',
      );
    });

    it('ListExports: newest first, by table, paged with NextToken', async () => {
      const all = (await server.ddb.send(new ListExportsCommand({ TableArn: tableArn('ex-src') }))).ExportSummaries!;
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(all[all.length - 1]).toEqual({
        ExportArn: exportArn,
        ExportStatus: 'COMPLETED',
        ExportType: 'FULL_EXPORT',
      });
      const page1 = await server.ddb.send(new ListExportsCommand({ TableArn: tableArn('ex-src'), MaxResults: 2 }));
      expect(page1.ExportSummaries!.map((e) => e.ExportArn)).toEqual(all.slice(0, 2).map((e) => e.ExportArn));
      const page2 = await server.ddb.send(
        new ListExportsCommand({ TableArn: tableArn('ex-src'), MaxResults: 2, NextToken: page1.NextToken }),
      );
      expect(page2.ExportSummaries!.map((e) => e.ExportArn)).toEqual(all.slice(2, 4).map((e) => e.ExportArn));
      await expectError(
        server.ddb.send(new ListExportsCommand({ NextToken: 'zzz' })),
        'ValidationException',
        'Invalid Request: Provided nextToken is invalid: zzz',
      );
    });
  });

  describe('INCREMENTAL_EXPORT', () => {
    it('exports the net change of each item written in the window, with new and old images', async () => {
      await createTable(server.ddb, keyedTable('ex-inc'));
      await server.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'ex-inc',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-inc', Item: { pk: S('kept'), v: N(1) } }));
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-inc', Item: { pk: S('gone'), v: N(1) } }));
      clock.advance(MINUTE);
      const from = clock.now();
      clock.advance(MINUTE);
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-inc', Item: { pk: S('kept'), v: N(2) } }));
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-inc', Item: { pk: S('kept'), v: N(3) } }));
      await server.ddb.send(new DeleteItemCommand({ TableName: 'ex-inc', Key: { pk: S('gone') } }));
      const lastWrite = clock.now();
      await server.ddb.send(new PutItemCommand({ TableName: 'ex-inc', Item: { pk: S('new'), v: N(1) } }));
      clock.advance(20 * MINUTE);
      const out = (
        await server.ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn('ex-inc'),
            S3Bucket: 'inc-bucket',
            ExportType: 'INCREMENTAL_EXPORT',
            IncrementalExportSpecification: {
              ExportFromTime: new Date(from),
              ExportToTime: new Date(clock.now()),
              ExportViewType: 'NEW_AND_OLD_IMAGES',
            },
          }),
        )
      ).ExportDescription!;
      expect(out.ExportType).toBe('INCREMENTAL_EXPORT');
      const described = (await server.ddb.send(new DescribeExportCommand({ ExportArn: out.ExportArn })))
        .ExportDescription!;
      expect(described.ItemCount).toBe(3);
      const base = described.ExportManifest!.replace(/manifest-summary\.json$/, '');
      const summary = JSON.parse((await read('inc-bucket', `${base}manifest-summary.json`)).toString());
      expect(summary).toMatchObject({
        version: '2023-08-01',
        exportType: 'INCREMENTAL_EXPORT',
        outputView: 'NEW_AND_OLD_IMAGES',
        exportFromTime: new Date(from).toISOString(),
      });
      const records = (
        await dataLines('inc-bucket', (await read('inc-bucket', `${base}manifest-files.json`)).toString('utf8'))
      ).map((l) => JSON.parse(l));
      expect(records).toEqual([
        {
          Metadata: { WriteTimestampMicros: { N: String(lastWrite * 1000) } },
          Keys: { pk: { S: 'kept' } },
          NewImage: { pk: { S: 'kept' }, v: { N: '3' } },
          OldImage: { pk: { S: 'kept' }, v: { N: '1' } },
        },
        {
          Metadata: { WriteTimestampMicros: { N: String(lastWrite * 1000) } },
          Keys: { pk: { S: 'gone' } },
          OldImage: { pk: { S: 'gone' }, v: { N: '1' } },
        },
        {
          Metadata: { WriteTimestampMicros: { N: String(lastWrite * 1000) } },
          Keys: { pk: { S: 'new' } },
          NewImage: { pk: { S: 'new' }, v: { N: '1' } },
        },
      ]);
    });

    it('window and shape errors', async () => {
      const inc = (spec: object, extra: object = {}) =>
        server.ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn('ex-inc'),
            S3Bucket: 'b-inc',
            ExportType: 'INCREMENTAL_EXPORT',
            IncrementalExportSpecification: spec,
            ...extra,
          }),
        );
      await expectError(
        inc({}),
        'ValidationException',
        'Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification',
      );
      await expectError(
        server.ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn('ex-inc'),
            S3Bucket: 'b-inc',
            ExportType: 'INCREMENTAL_EXPORT',
          }),
        ),
        'ValidationException',
        'Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export',
      );
      await expectError(
        inc({ ExportFromTime: new Date(clock.now() - 5 * MINUTE) }),
        'InvalidExportTimeException',
        'Difference between export period from time and export period to time is less than 15 minutes',
      );
      await expectError(
        inc({ ExportFromTime: new Date(clock.now() - 20 * MINUTE), ExportToTime: new Date(clock.now() + MINUTE) }),
        'InvalidExportTimeException',
        /^Incremental export period to time cannot be greater than the current time : /,
      );
    });
  });

  describe('errors', () => {
    it('prerequisites and ARNs', async () => {
      await createTable(server.ddb, keyedTable('ex-no-pitr'));
      await expectError(
        server.ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn('ex-no-pitr'), S3Bucket: 'b-err' })),
        'PointInTimeRecoveryUnavailableException',
        "Point in time recovery is not enabled for table 'ex-no-pitr'",
      );
      await expectError(
        server.ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn('ex-missing'), S3Bucket: 'b-err' })),
        'TableNotFoundException',
        `Table not found: ${tableArn('ex-missing')}`,
      );
      // Another region's ARN names no table here, whatever this region has under the name.
      const westArn = tableArn('ex-src').replace(':us-east-1:', ':us-west-2:');
      await expectError(
        server.ddb.send(new ExportTableToPointInTimeCommand({ TableArn: westArn, S3Bucket: 'b-err' })),
        'TableNotFoundException',
        `Table not found: ${westArn}`,
      );
      await expectError(
        server.ddb.send(new ExportTableToPointInTimeCommand({ TableArn: 'ex-src', S3Bucket: 'b-err' })),
        'ValidationException',
        'One or more parameter values were invalid: tableArn is not a valid ARN',
      );
      await expectError(
        exportTable({ S3Bucket: 'b-err', ExportTime: new Date(clock.now() + MINUTE) }),
        'InvalidExportTimeException',
        'Export Time is invalid',
      );
      await expectError(
        exportTable({ S3Bucket: 'b-err', S3SseKmsKeyId: 'alias/x' }),
        'ValidationException',
        'Invalid Request: KMS Key Id is not supported for this encryption type',
      );
      const missing = `${tableArn('ex-src')}/export/01700000000000-0123abcd`;
      await expectError(
        server.ddb.send(new DescribeExportCommand({ ExportArn: missing })),
        'ExportNotFoundException',
        `Export not found: Export not found: ${missing}`,
      );
      await expectError(
        server.ddb.send(
          new DescribeExportCommand({ ExportArn: `${tableArn('ex-src')}/backup/01700000000000-0123abcd` }),
        ),
        'ValidationException',
        'Invalid Export ARN',
      );
      expect(await keysOf('b-err')).toEqual([]);
    });

    it('an export to a bucket that does not exist fails as S3 answers', async () => {
      const out = (await exportTable({ S3Bucket: 'no-such-bucket' })).ExportDescription!;
      expect(out.ExportStatus).toBe('IN_PROGRESS');
      const described = (await server.ddb.send(new DescribeExportCommand({ ExportArn: out.ExportArn })))
        .ExportDescription!;
      expect(described).toMatchObject({
        ExportStatus: 'FAILED',
        FailureCode: 'S3NoSuchBucket',
        FailureMessage: 'The specified bucket does not exist',
      });
      expect(described.ExportManifest).toBeUndefined();
    });

    it('exports outlive their table, but ListExports by TableArn no longer shows them', async () => {
      await createTable(server.ddb, keyedTable('ex-doomed'));
      await server.ddb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'ex-doomed',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      const arn = (
        await server.ddb.send(
          new ExportTableToPointInTimeCommand({ TableArn: tableArn('ex-doomed'), S3Bucket: 'b-doomed' }),
        )
      ).ExportDescription!.ExportArn!;
      await server.ddb.send(new DeleteTableCommand({ TableName: 'ex-doomed' }));
      expect(
        (await server.ddb.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription!.ExportStatus,
      ).toBe('COMPLETED');
      expect(
        (await server.ddb.send(new ListExportsCommand({ TableArn: tableArn('ex-doomed') }))).ExportSummaries,
      ).toEqual([]);
    });
  });

  describe.runIf(hasAwsCli)('AWS CLI v2', () => {
    it('export-table-to-point-in-time, describe-export, list-exports', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'cli-bucket' }));
      const out = await aws(server.endpoint, [
        'dynamodb',
        'export-table-to-point-in-time',
        '--table-arn',
        tableArn('ex-src'),
        '--s3-bucket',
        'cli-bucket',
      ]);
      expect(out.ExportDescription.ExportStatus).toBe('IN_PROGRESS');
      const described = await aws(server.endpoint, [
        'dynamodb',
        'describe-export',
        '--export-arn',
        out.ExportDescription.ExportArn,
      ]);
      expect(described.ExportDescription.ExportStatus).toBe('COMPLETED');
      expect(await keysOf('cli-bucket', described.ExportDescription.ExportManifest)).toEqual([
        described.ExportDescription.ExportManifest,
      ]);
      const listed = await aws(server.endpoint, ['dynamodb', 'list-exports', '--table-arn', tableArn('ex-src')]);
      expect(listed.ExportSummaries[0].ExportArn).toBe(out.ExportDescription.ExportArn);
    });
  });
});
