import { gzipSync } from 'node:zlib';
import {
  DeleteTableCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListImportsCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ImportTableCommandInput,
  ImportTableDescription,
  TableCreationParameters,
} from '@aws-sdk/client-dynamodb';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { B, createTable, expectError, N, S, scanAll, tableArn } from '../../helpers/ddb.js';
import type { Item } from '../../helpers/ddb.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';
import { s3Client } from '../../s3/helpers.js';

/**
 * A zstd frame holding `data` in raw (stored) blocks: what any zstd decoder must read, built here
 * so the test needs no zstd tool (Node 20's zlib has none).
 */
function zstdStored(data: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x28, 0xb5, 0x2f, 0xfd])];
  // Frame header: single segment, 4-byte content size.
  const header = Buffer.alloc(5);
  header[0] = 0xa0;
  header.writeUInt32LE(data.length, 1);
  parts.push(header);
  const BLOCK = 128 * 1024;
  for (let off = 0; off === 0 || off < data.length; off += BLOCK) {
    const chunk = data.subarray(off, off + BLOCK);
    const last = off + BLOCK >= data.length ? 1 : 0;
    const h = (chunk.length << 3) | last; // block type 0: raw
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), chunk);
  }
  return Buffer.concat(parts);
}

const keyed = (name: string, pk: 'S' | 'N' = 'S'): TableCreationParameters => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: pk }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  BillingMode: 'PAY_PER_REQUEST',
});

describe('DynamoDB ImportTable (from Overcast S3)', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    for (const Bucket of ['imp-json', 'imp-csv', 'imp-bad', 'imp-misc', 'imp-export', 'imp-empty'])
      await s3.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  const put = (Bucket: string, Key: string, Body: string | Buffer) =>
    s3.send(new PutObjectCommand({ Bucket, Key, Body }));
  const importTable = (input: Omit<ImportTableCommandInput, 'InputFormat'> & Partial<ImportTableCommandInput>) =>
    server.ddb.send(new ImportTableCommand({ InputFormat: 'DYNAMODB_JSON', ...input }));
  const describeImport = async (arn: string): Promise<ImportTableDescription> =>
    (await server.ddb.send(new DescribeImportCommand({ ImportArn: arn }))).ImportTableDescription!;
  const scan = async (TableName: string, extra: object = {}): Promise<Item[]> =>
    (await scanAll(server.ddb, { TableName, ...extra })).items;
  const pks = async (table: string) => (await scan(table)).map((i) => i['pk']!.S ?? i['pk']!.N).sort();

  it('a ClientToken names its import for 8 hours: the same table again is that import, another is a conflict', async () => {
    await put('imp-json', 'tok/a.json', JSON.stringify({ Item: { pk: S('t1') } }));
    const request = {
      S3BucketSource: { S3Bucket: 'imp-json', S3KeyPrefix: 'tok/' },
      TableCreationParameters: keyed('imp-token-t'),
      ClientToken: 'token-replay',
    };
    const first = (await importTable(request)).ImportTableDescription!;
    expect((await describeImport(first.ImportArn!)).S3BucketSource).toEqual({
      S3BucketOwner: '000000000000',
      S3Bucket: 'imp-json',
      S3KeyPrefix: 'tok/',
    });
    await server.ddb.send(new DeleteTableCommand({ TableName: 'imp-token-t' }));
    // Another S3 source under the same token is the same import (AWS ignores the change) ...
    const again = await importTable({
      ...request,
      S3BucketSource: { S3Bucket: 'imp-json', S3KeyPrefix: 'elsewhere/' },
    });
    expect(again.ImportTableDescription!.ImportArn).toBe(first.ImportArn);
    // ... another table is a conflict.
    await expectError(
      importTable({ ...request, TableCreationParameters: keyed('imp-token-other') }),
      'ImportConflictException',
      'Import conflict: Duplicate request detected with conflicting parameters',
    );
    await expectError(
      importTable({ ...request, InputFormatOptions: { Csv: { Delimiter: ';' } } }),
      'ValidationException',
      'Invalid Request: Unsupported InputFormatOptions for the given input format: DYNAMODB_JSON.',
    );
  });

  it('imports DynamoDB JSON objects under a prefix, one per line or back to back, and the table becomes ACTIVE', async () => {
    const line = (pk: string) => JSON.stringify({ Item: { pk: S(pk), data: { S: `d-${pk}` }, n: N('1.50') } });
    await put('imp-json', 'in/a.json', `${line('a1')}\n${line('a2')}\n`);
    await put('imp-json', 'in/b', line('b1') + line('b2') + line('b3'));
    await put('imp-json', 'other/c.json', line('c1'));
    const started = (
      await importTable({
        S3BucketSource: { S3Bucket: 'imp-json', S3KeyPrefix: 'in/' },
        InputCompressionType: 'NONE',
        TableCreationParameters: keyed('imp-json-t'),
        ClientToken: 'token-1',
      })
    ).ImportTableDescription!;
    expect(started).toMatchObject({
      ImportStatus: 'IN_PROGRESS',
      TableArn: tableArn('imp-json-t'),
      ClientToken: 'token-1',
      S3BucketSource: { S3Bucket: 'imp-json', S3KeyPrefix: 'in/' },
      InputFormat: 'DYNAMODB_JSON',
      InputCompressionType: 'NONE',
      CloudWatchLogGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws-dynamodb/imports:*',
      TableCreationParameters: { TableName: 'imp-json-t' },
    });
    expect(started.ImportArn).toMatch(
      /^arn:aws:dynamodb:us-east-1:000000000000:table\/imp-json-t\/import\/\d{14}-[0-9a-f]{8}$/,
    );
    const done = await describeImport(started.ImportArn!);
    expect(done).toMatchObject({
      ImportStatus: 'COMPLETED',
      ErrorCount: 0,
      ProcessedItemCount: 5,
      ImportedItemCount: 5,
    });
    expect(done.ProcessedSizeBytes).toBeGreaterThan(0);
    expect(done.EndTime).toBeInstanceOf(Date);
    expect(done.FailureCode).toBeUndefined();
    const table = (await server.ddb.send(new DescribeTableCommand({ TableName: 'imp-json-t' }))).Table!;
    expect(table.TableStatus).toBe('ACTIVE');
    expect(table.ItemCount).toBe(5);
    expect(await pks('imp-json-t')).toEqual(['a1', 'a2', 'b1', 'b2', 'b3']);
    const [a1] = await scan('imp-json-t', {
      FilterExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': S('a1') },
    });
    expect(a1).toEqual({ pk: S('a1'), data: S('d-a1'), n: N('1.5') });

    // A table of that name exists now: checked first, even for this token's own import.
    const sameRequest = {
      S3BucketSource: { S3Bucket: 'imp-json', S3KeyPrefix: 'in/' },
      InputCompressionType: 'NONE' as const,
      TableCreationParameters: keyed('imp-json-t'),
      ClientToken: 'token-1',
    };
    await expectError(importTable(sameRequest), 'ResourceInUseException', 'Table already exists: imp-json-t');
    await expectError(
      importTable({ S3BucketSource: { S3Bucket: 'imp-json' }, TableCreationParameters: keyed('imp-json-t') }),
      'ResourceInUseException',
      'Table already exists: imp-json-t',
    );
    const listed = await server.ddb.send(new ListImportsCommand({ TableArn: tableArn('imp-json-t') }));
    expect(listed.ImportSummaryList).toEqual([
      expect.objectContaining({
        ImportArn: started.ImportArn,
        ImportStatus: 'COMPLETED',
        InputFormat: 'DYNAMODB_JSON',
      }),
    ]);
  });

  it('reads every object of a prefix that S3 lists over more than one page (1,005 objects)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'imp-many' }));
    for (let i = 0; i < 1005; i += 25)
      await Promise.all(
        Array.from({ length: Math.min(25, 1005 - i) }, (_, j) =>
          put(
            'imp-many',
            `p/${String(i + j).padStart(4, '0')} one+two.json`,
            JSON.stringify({ Item: { pk: S(`k${i + j}`) } }),
          ),
        ),
      );
    const { ImportArn } = (
      await importTable({
        S3BucketSource: { S3Bucket: 'imp-many', S3KeyPrefix: 'p/' },
        TableCreationParameters: keyed('imp-many-t'),
      })
    ).ImportTableDescription!;
    expect(await describeImport(ImportArn!)).toMatchObject({
      ImportStatus: 'COMPLETED',
      ProcessedItemCount: 1005,
      ImportedItemCount: 1005,
      ErrorCount: 0,
    });
    expect((await pks('imp-many-t')).length).toBe(1005);
  }, 60_000);

  it('reads GZIP and ZSTD objects', async () => {
    const body = Buffer.from(
      [1, 2, 3]
        .map((i) =>
          JSON.stringify({
            Item: { pk: N(i), blob: { B: Buffer.from([i, i]).toString('base64') }, set: { SS: ['x', `y${i}`] } },
          }),
        )
        .join('\n'),
    );
    await put('imp-misc', 'gz/data.json.gz', gzipSync(body));
    await put('imp-misc', 'zst/data.json.zst', zstdStored(body));
    for (const [prefix, InputCompressionType, table] of [
      ['gz/', 'GZIP', 'imp-gz'],
      ['zst/', 'ZSTD', 'imp-zst'],
    ] as const) {
      const { ImportTableDescription: d } = await importTable({
        S3BucketSource: { S3Bucket: 'imp-misc', S3KeyPrefix: prefix },
        InputCompressionType,
        TableCreationParameters: keyed(table, 'N'),
      });
      const done = await describeImport(d!.ImportArn!);
      expect(done, JSON.stringify(done)).toMatchObject({ ImportStatus: 'COMPLETED', ImportedItemCount: 3 });
      const items = await scan(table);
      expect(items.map((i) => i['pk']!.N).sort()).toEqual(['1', '2', '3']);
      expect(items.find((i) => i['pk']!.N === '2')).toEqual({
        pk: N(2),
        blob: B([2, 2]),
        set: { SS: ['x', 'y2'] },
      });
    }
  });

  it('imports CSV: a header line or HeaderList, key columns typed by AttributeDefinitions, the rest strings', async () => {
    await put(
      'imp-csv',
      'with-header.csv',
      'pk,sk,name,note\r\nu1,1,Ann,"says ""hi"", twice"\r\nu1,2,Bob,\r\nu2,10,"Multi\nline",x\r\n',
    );
    const { ImportTableDescription: d } = await importTable({
      S3BucketSource: { S3Bucket: 'imp-csv', S3KeyPrefix: 'with-header' },
      InputFormat: 'CSV',
      TableCreationParameters: {
        TableName: 'imp-csv-t',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'name', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-name',
            KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      },
    });
    expect(await describeImport(d!.ImportArn!)).toMatchObject({
      ImportStatus: 'COMPLETED',
      ProcessedItemCount: 3,
      ImportedItemCount: 3,
    });
    const items = await scan('imp-csv-t');
    expect(items.sort((a, b) => Number(a['sk']!.N) - Number(b['sk']!.N))).toEqual([
      { pk: S('u1'), sk: N(1), name: S('Ann'), note: S('says "hi", twice') },
      { pk: S('u1'), sk: N(2), name: S('Bob') },
      { pk: S('u2'), sk: N(10), name: S('Multi\nline'), note: S('x') },
    ]);
    // The index was built from the imported items.
    const byName = await server.ddb.send(
      new QueryCommand({
        TableName: 'imp-csv-t',
        IndexName: 'by-name',
        KeyConditionExpression: '#n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': S('Bob') },
      }),
    );
    expect(byName.Items).toEqual([{ pk: S('u1'), sk: N(2), name: S('Bob') }]);

    // HeaderList: the first line is data; another delimiter.
    await put('imp-csv', 'no-header.csv', '7;seven\n8;eight\n');
    const { ImportTableDescription: d2 } = await importTable({
      S3BucketSource: { S3Bucket: 'imp-csv', S3KeyPrefix: 'no-header' },
      InputFormat: 'CSV',
      InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'word'] } },
      TableCreationParameters: keyed('imp-csv-h', 'N'),
    });
    expect(await describeImport(d2!.ImportArn!)).toMatchObject({
      ImportStatus: 'COMPLETED',
      ImportedItemCount: 2,
      InputFormatOptions: { Csv: { Delimiter: ';', HeaderList: ['pk', 'word'] } },
    });
    expect(await scan('imp-csv-h')).toEqual(
      expect.arrayContaining([
        { pk: N(7), word: S('seven') },
        { pk: N(8), word: S('eight') },
      ]),
    );
  });

  it('round-trips a table export (DynamoDB JSON and ION, gzipped) into a new table', async () => {
    await createTable(server.ddb, {
      TableName: 'imp-source',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await server.ddb.send(
      new UpdateContinuousBackupsCommand({
        TableName: 'imp-source',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const items: Item[] = [
      { pk: S('x'), n: N('-12.5'), b: B([0, 255]), ns: { NS: ['1', '2'] }, bs: { BS: [Uint8Array.from([9])] } },
      {
        pk: S('it\'s "quoted"\n'),
        l: { L: [S('a'), N(1), { NULL: true }, { BOOL: false }] },
        m: { M: { 'odd key': S('v') } },
      },
      { pk: S('ü'), ss: { SS: ['a', 'b'] }, empty: S('') },
    ];
    for (const Item of items) await server.ddb.send(new PutItemCommand({ TableName: 'imp-source', Item }));
    for (const ExportFormat of ['DYNAMODB_JSON', 'ION'] as const) {
      const exp = await server.ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn('imp-source'),
          S3Bucket: 'imp-export',
          S3Prefix: ExportFormat,
          ExportFormat,
        }),
      );
      const id = exp.ExportDescription!.ExportArn!.split('/').pop()!;
      const prefix = `${ExportFormat}/AWSDynamoDB/${id}/data/`;
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'imp-export', Prefix: prefix }));
      expect(listed.KeyCount).toBeGreaterThan(0);
      const target = `imp-from-${ExportFormat.toLowerCase().replace('_', '-')}`;
      const { ImportTableDescription: d } = await importTable({
        S3BucketSource: { S3Bucket: 'imp-export', S3KeyPrefix: prefix },
        InputFormat: ExportFormat,
        InputCompressionType: 'GZIP',
        TableCreationParameters: keyed(target),
      });
      expect(await describeImport(d!.ImportArn!)).toMatchObject({
        ImportStatus: 'COMPLETED',
        ImportedItemCount: 3,
        ErrorCount: 0,
      });
      const imported = await scan(target);
      const source = await scan('imp-source');
      const byPk = (list: typeof source) => Object.fromEntries(list.map((i) => [i['pk']!.S!, i]));
      expect(byPk(imported)).toEqual(byPk(source));
    }
  });

  it('counts invalid records as errors, logs each, imports the rest and reports FAILED (ItemValidationError)', async () => {
    const good = (pk: string) => JSON.stringify({ Item: { pk: S(pk) } });
    await put(
      'imp-bad',
      'a.json',
      [
        good('ok1'),
        JSON.stringify({ pk: S('no-wrapper') }),
        JSON.stringify({ Item: { other: S('no key') } }),
        JSON.stringify({ Item: { pk: N(5) } }),
        good('ok2'),
      ].join('\n'),
    );
    await put('imp-bad', 'b.json', `${good('ok3')}\n{"Item": {"pk": {"S": "broken"`);
    const { ImportTableDescription: d } = await importTable({
      S3BucketSource: { S3Bucket: 'imp-bad' },
      TableCreationParameters: keyed('imp-bad-t'),
    });
    const done = await describeImport(d!.ImportArn!);
    expect(done).toMatchObject({
      ImportStatus: 'FAILED',
      FailureCode: 'ItemValidationError',
      ErrorCount: 4,
      ProcessedItemCount: 7,
      ImportedItemCount: 3,
    });
    expect(await pks('imp-bad-t')).toEqual(['ok1', 'ok2', 'ok3']);
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      const id = d!.ImportArn!.split('/').pop()!;
      const events = (
        await logs.send(
          new GetLogEventsCommand({
            logGroupName: '/aws-dynamodb/imports',
            logStreamName: `${id}/error`,
            startFromHead: true,
          }),
        )
      ).events!.map((e) => JSON.parse(e.message!));
      expect(events).toHaveLength(4);
      const at = (key: string, index: number) =>
        events.find((e) => e.itemS3Pointer.key === key && e.itemS3Pointer.itemIndex === index);
      expect(events.map((e) => `${e.itemS3Pointer.key}#${e.itemS3Pointer.itemIndex}`).sort()).toEqual([
        'a.json#1',
        'a.json#2',
        'a.json#3',
        'b.json#1',
      ]);
      expect(at('a.json', 2)).toEqual({
        itemS3Pointer: { bucket: 'imp-bad', key: 'a.json', itemIndex: 2 },
        importArn: d!.ImportArn,
        errorMessages: ['One or more parameter values were invalid: Missing the key pk in the item'],
      });
      expect(at('a.json', 3).errorMessages[0]).toBe(
        'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N',
      );
    } finally {
      logs.destroy();
    }
  });

  it('fails with S3NoSuchBucket and removes the table when the bucket does not exist; an empty source completes', async () => {
    const { ImportTableDescription: d } = await importTable({
      S3BucketSource: { S3Bucket: 'imp-no-such-bucket' },
      TableCreationParameters: keyed('imp-nobucket'),
    });
    const done = await describeImport(d!.ImportArn!);
    expect(done).toMatchObject({
      ImportStatus: 'FAILED',
      FailureCode: 'S3NoSuchBucket',
      TableArn: tableArn('imp-nobucket'),
    });
    expect(done.FailureMessage).toContain('The specified bucket does not exist');
    expect((await server.ddb.send(new ListTablesCommand({}))).TableNames).not.toContain('imp-nobucket');

    const { ImportTableDescription: e } = await importTable({
      S3BucketSource: { S3Bucket: 'imp-empty' },
      TableCreationParameters: keyed('imp-empty-t'),
    });
    expect(await describeImport(e!.ImportArn!)).toMatchObject({
      ImportStatus: 'COMPLETED',
      ErrorCount: 0,
      ProcessedItemCount: 0,
      ImportedItemCount: 0,
      ProcessedSizeBytes: 0,
    });
    expect(await scan('imp-empty-t')).toEqual([]);
  });

  it('validates the table as CreateTable does, and answers ImportNotFoundException for an unknown import', async () => {
    await expectError(
      importTable({
        S3BucketSource: { S3Bucket: 'imp-json' },
        TableCreationParameters: { ...keyed('imp-invalid'), BillingMode: 'PROVISIONED' },
      }),
      'ValidationException',
      'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
    );
    expect((await server.ddb.send(new ListTablesCommand({}))).TableNames).not.toContain('imp-invalid');
    await expectError(
      describeImport(`${tableArn('imp-json-t')}/import/01700000000000-0badc0de`),
      'ImportNotFoundException',
    );
  });

  it('pages ListImports with PageSize and NextToken, newest first', async () => {
    const all = (await server.ddb.send(new ListImportsCommand({}))).ImportSummaryList!;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const first = await server.ddb.send(new ListImportsCommand({ PageSize: 2 }));
    expect(first.ImportSummaryList).toEqual(all.slice(0, 2));
    expect(first.NextToken).toMatch(/^([0-9a-f]{16}){7,}$/);
    const second = await server.ddb.send(new ListImportsCommand({ PageSize: 2, NextToken: first.NextToken }));
    expect(second.ImportSummaryList).toEqual(all.slice(2, 4));
  });

  it.skipIf(!hasAwsCli)('works from the AWS CLI v2 (aws dynamodb import-table / describe-import)', async () => {
    await put('imp-misc', 'cli/items.json', JSON.stringify({ Item: { pk: S('from-cli') } }));
    const started = await aws(server.endpoint, [
      'dynamodb',
      'import-table',
      '--s3-bucket-source',
      'S3Bucket=imp-misc,S3KeyPrefix=cli/',
      '--input-format',
      'DYNAMODB_JSON',
      '--table-creation-parameters',
      JSON.stringify(keyed('imp-cli')),
    ]);
    expect(started.ImportTableDescription.ImportStatus).toBe('IN_PROGRESS');
    const described = await aws(server.endpoint, [
      'dynamodb',
      'describe-import',
      '--import-arn',
      started.ImportTableDescription.ImportArn,
    ]);
    expect(described.ImportTableDescription).toMatchObject({ ImportStatus: 'COMPLETED', ImportedItemCount: 1 });
  });
});
