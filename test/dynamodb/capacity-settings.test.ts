import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const P = 'One or more parameter values were invalid: ';

describe('OnDemandThroughput and WarmThroughput', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });
  const describeTable = async (TableName: string) =>
    (await server.ddb.send(new DescribeTableCommand({ TableName }))).Table!;
  const update = (TableName: string, input: Omit<UpdateTableCommandInput, 'TableName'>) =>
    server.ddb.send(new UpdateTableCommand({ TableName, ...input }));
  const warm = (ReadUnitsPerSecond: number, WriteUnitsPerSecond: number) => ({
    ReadUnitsPerSecond,
    WriteUnitsPerSecond,
    Status: 'ACTIVE',
  });
  const provisioned = (name: string, r: number, w: number): CreateTableCommandInput => ({
    ...keyedTable(name),
    BillingMode: 'PROVISIONED',
    ProvisionedThroughput: { ReadCapacityUnits: r, WriteCapacityUnits: w },
  });

  it('an on-demand table is warm for 12,000 reads and 4,000 writes; OnDemandThroughput only when set', async () => {
    const out = await server.ddb.send(new CreateTableCommand(keyedTable('cap-ppr')));
    // CreateTable's answer has no WarmThroughput unless the request set one, and the billing mode only.
    expect(out.TableDescription!.WarmThroughput).toBeUndefined();
    expect(out.TableDescription!.BillingModeSummary).toEqual({ BillingMode: 'PAY_PER_REQUEST' });
    const t = await describeTable('cap-ppr');
    expect(t.WarmThroughput).toEqual(warm(12000, 4000));
    expect(t.OnDemandThroughput).toBeUndefined();

    await createTable(server.ddb, {
      ...keyedTable('cap-limits'),
      OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 50 },
    });
    expect((await describeTable('cap-limits')).OnDemandThroughput).toEqual({
      MaxReadRequestUnits: 100,
      MaxWriteRequestUnits: 50,
    });
    // -1 clears a limit (the answer echoes it); with both cleared the member goes.
    const cleared = await update('cap-limits', { OnDemandThroughput: { MaxReadRequestUnits: -1 } });
    expect(cleared.TableDescription!.OnDemandThroughput).toEqual({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: 50 });
    expect((await describeTable('cap-limits')).OnDemandThroughput).toEqual({ MaxWriteRequestUnits: 50 });
    await update('cap-limits', { OnDemandThroughput: { MaxWriteRequestUnits: -1 } });
    expect((await describeTable('cap-limits')).OnDemandThroughput).toBeUndefined();
  });

  it('a provisioned table is warm for the most it was ever provisioned, and warm throughput never decreases', async () => {
    await createTable(server.ddb, provisioned('cap-prov', 5, 5));
    expect((await describeTable('cap-prov')).WarmThroughput).toEqual(warm(5, 5));
    await update('cap-prov', { ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 8 } });
    await update('cap-prov', { ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } });
    expect((await describeTable('cap-prov')).WarmThroughput).toEqual(warm(10, 8));
    await update('cap-prov', { WarmThroughput: { ReadUnitsPerSecond: 50, WriteUnitsPerSecond: 50 } });
    expect((await describeTable('cap-prov')).WarmThroughput).toEqual(warm(50, 50));
    await expectError(
      update('cap-prov', { WarmThroughput: { ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 60 } }),
      'ValidationException',
      `${P}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    // Switched to on-demand it is warm for at least the on-demand level, and stays so.
    await update('cap-prov', { BillingMode: 'PAY_PER_REQUEST' });
    await update('cap-prov', {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    });
    expect((await describeTable('cap-prov')).WarmThroughput).toEqual(warm(12000, 4000));
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          ...provisioned('cap-cold', 5, 5),
          WarmThroughput: { ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 5 },
        }),
      ),
      'ValidationException',
      `${P}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than ReadCapacityUnits of ProvisionedThroughput`,
    );
  });

  it('refuses on-demand limits on provisioned tables, out-of-range limits, and mixed changes', async () => {
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          ...provisioned('cap-bad', 1, 1),
          OnDemandThroughput: { MaxReadRequestUnits: 10 },
        }),
      ),
      'ValidationException',
      `${P}MaxReadRequestUnits for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED.`,
    );
    await expectError(
      server.ddb.send(
        new CreateTableCommand({ ...keyedTable('cap-bad'), OnDemandThroughput: { MaxWriteRequestUnits: 0 } }),
      ),
      'ValidationException',
      `${P}Requested MaxWriteRequestUnits for OnDemandThroughput for table is outside of valid range`,
    );
    await createTable(server.ddb, keyedTable('cap-mix'));
    await expectError(
      update('cap-mix', {
        OnDemandThroughput: { MaxReadRequestUnits: 10 },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
      'ValidationException',
      `${P}OnDemandThroughput can only be combined with BillingMode in an UpdateTable request`,
    );
    await expectError(
      update('cap-mix', {
        WarmThroughput: { ReadUnitsPerSecond: 20000 },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
      'ValidationException',
      `${P}WarmThroughput must be the only operation in the request`,
    );
    // An empty struct counts as absent; OnDemandThroughput goes with BillingMode.
    await update('cap-mix', { WarmThroughput: {}, DeletionProtectionEnabled: false });
    await update('cap-mix', { BillingMode: 'PAY_PER_REQUEST', OnDemandThroughput: { MaxReadRequestUnits: 7 } });
    expect((await describeTable('cap-mix')).OnDemandThroughput).toEqual({ MaxReadRequestUnits: 7 });
  });

  it('keeps both per GSI', async () => {
    await createTable(server.ddb, {
      ...keyedTable('cap-gsi'),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    await update('cap-gsi', {
      GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', OnDemandThroughput: { MaxReadRequestUnits: 30 } } }],
    });
    const g = (await describeTable('cap-gsi')).GlobalSecondaryIndexes![0]!;
    expect(g.OnDemandThroughput).toEqual({ MaxReadRequestUnits: 30 });
    expect(g.WarmThroughput).toEqual(warm(12000, 4000));
  });

  it('limits decreases to four a UTC day, then one an hour', async () => {
    await createTable(server.ddb, provisioned('cap-down', 20, 20));
    const down = (n: number) =>
      update('cap-down', { ProvisionedThroughput: { ReadCapacityUnits: n, WriteCapacityUnits: 20 } });
    for (const n of [19, 18, 17, 16]) await down(n);
    expect((await describeTable('cap-down')).ProvisionedThroughput!.NumberOfDecreasesToday).toBe(4);
    const err = await expectError(down(15), 'LimitExceededException');
    expect(err.message).toMatch(
      /^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds\. Number of decreases today: 4\. Last decrease at \w+day, \w+ \d{1,2}, \d{4} at \d{1,2}:\d{2}:\d{2} [AP]M Coordinated Universal Time\. Next decrease can be made at /,
    );
    // Increases are not limited.
    await update('cap-down', { ProvisionedThroughput: { ReadCapacityUnits: 30, WriteCapacityUnits: 30 } });
  });

  it('words the other capacity refusals as AWS does', async () => {
    await expectError(
      server.ddb.send(
        new CreateTableCommand({
          ...keyedTable('cap-cold2'),
          WarmThroughput: { ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 1 },
        }),
      ),
      'ValidationException',
      `${P}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than initial throughput for OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial`,
    );
    await expectError(
      server.ddb.send(
        new CreateTableCommand({ ...keyedTable('cap-big'), OnDemandThroughput: { MaxReadRequestUnits: 40001 } }),
      ),
      'LimitExceededException',
      'Subscriber limit exceeded: Requested MaxReadRequestUnits for OnDemandThroughput for table exceeds TableMaxReadCapacityUnits of the account in region us-east-1',
    );
    await createTable(server.ddb, provisioned('cap-switch', 3, 3));
    await expectError(
      update('cap-switch', {
        BillingMode: 'PAY_PER_REQUEST',
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
      'ValidationException',
      `${P}ProvisionedThroughput cannot be specified when BillingMode is PAY_PER_REQUEST`,
    );
    const { KeySchema: _k, ...noKey } = keyedTable('cap-nokey');
    await expectError(
      server.ddb.send(new CreateTableCommand(noKey as CreateTableCommandInput)),
      'ValidationException',
      "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
    await expectError(
      server.ddb.send(new CreateTableCommand({ ...keyedTable('cap-nodefs'), AttributeDefinitions: [] })),
      'ValidationException',
      'Invalid KeySchema: Some index key attribute have no definition',
    );
  });

  it('leaving on-demand sets the capacity: neither an increase nor a decrease', async () => {
    await createTable(server.ddb, keyedTable('cap-leave'));
    await update('cap-leave', {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    });
    expect((await describeTable('cap-leave')).ProvisionedThroughput).toEqual({
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: 1,
      WriteCapacityUnits: 1,
    });
  });
});
