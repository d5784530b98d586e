import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContributorInsightsCommand,
  DescribeTableCommand,
  ListContributorInsightsCommand,
  UpdateContributorInsightsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  ContributorInsightsAction,
  ContributorInsightsMode,
  CreateTableCommandInput,
  ListContributorInsightsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/core/clock.js';
import { aws, hasAwsCli } from '../../helpers/aws-cli.js';
import { keyedTable, tableArn } from '../../helpers/ddb.js';
import { errorOf } from '../../helpers/errors.js';
import { startTestServer } from '../../helpers/server.js';
import type { TestServer } from '../../helpers/server.js';

const DELAY = 2_000;
const T0 = Date.UTC(2026, 9, 8, 23, 0, 0);

/** A table with a GSI `gsi` (hash gpk) and an LSI `lsi` (pk + lsk); hash `pk`, range `sk`. */
function indexedTable(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gpk', AttributeType: 'S' },
      { AttributeName: 'lsk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi',
        KeySchema: [{ AttributeName: 'gpk', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    LocalSecondaryIndexes: [
      {
        IndexName: 'lsi',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'lsk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  };
}

describe('DynamoDB Contributor Insights', () => {
  let server: TestServer;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    // Statuses move after a delay on the injected clock: every transition is observable.
    server = await startTestServer({ dynamodb: { tableStatusDelayMs: DELAY } }, { clock });
  });
  afterAll(async () => {
    await server.stop();
  });

  const create = async (input: CreateTableCommandInput) => {
    await server.ddb.send(new CreateTableCommand(input));
    clock.advance(DELAY);
  };
  const update = (
    TableName: string,
    ContributorInsightsAction: ContributorInsightsAction,
    extra: { IndexName?: string; ContributorInsightsMode?: ContributorInsightsMode } = {},
  ) => server.ddb.send(new UpdateContributorInsightsCommand({ TableName, ContributorInsightsAction, ...extra }));
  const describeCi = async (TableName: string, IndexName?: string) => {
    const { $metadata: _m, ...out } = await server.ddb.send(
      new DescribeContributorInsightsCommand({ TableName, ...(IndexName ? { IndexName } : {}) }),
    );
    return out;
  };
  const list = async (input: ListContributorInsightsCommandInput = {}) => {
    const { $metadata: _m, ...out } = await server.ddb.send(new ListContributorInsightsCommand(input));
    return out;
  };
  const answer = <T extends { $metadata: unknown }>(out: T) => {
    const { $metadata: _m, ...rest } = out;
    return rest;
  };

  it('reads DISABLED on a table that never had it, and DISABLE there changes nothing', async () => {
    await create(keyedTable('ci-fresh'));
    expect(await describeCi('ci-fresh')).toEqual({ TableName: 'ci-fresh', ContributorInsightsStatus: 'DISABLED' });
    expect(answer(await update('ci-fresh', 'DISABLE'))).toEqual({
      TableName: 'ci-fresh',
      ContributorInsightsStatus: 'DISABLED',
    });
    expect(await describeCi('ci-fresh')).toEqual({ TableName: 'ci-fresh', ContributorInsightsStatus: 'DISABLED' });
    expect((await list({ TableName: 'ci-fresh' })).ContributorInsightsSummaries).toEqual([]);
  });

  it('goes ENABLING then ENABLED, with the rules of a hash-only key, and DISABLING then DISABLED', async () => {
    await create(keyedTable('ci-life'));
    const enabledAt = clock.now();
    expect(answer(await update('ci-life', 'ENABLE'))).toEqual({
      TableName: 'ci-life',
      ContributorInsightsStatus: 'ENABLING',
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    expect((await describeCi('ci-life')).ContributorInsightsStatus).toBe('ENABLING');
    clock.advance(DELAY);
    const rules = [
      `DynamoDBContributorInsights-PKC-ci-life-${enabledAt}`,
      `DynamoDBContributorInsights-PKT-ci-life-${enabledAt}`,
    ];
    expect(await describeCi('ci-life')).toEqual({
      TableName: 'ci-life',
      ContributorInsightsRuleList: rules,
      ContributorInsightsStatus: 'ENABLED',
      LastUpdateDateTime: new Date(enabledAt + DELAY),
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    // ENABLE again with the same (default) mode: nothing moves.
    expect((await update('ci-life', 'ENABLE')).ContributorInsightsStatus).toBe('ENABLED');
    expect((await describeCi('ci-life')).ContributorInsightsRuleList).toEqual(rules);

    // The DISABLE's mode is not applied: the answer echoes the current one.
    expect(answer(await update('ci-life', 'DISABLE', { ContributorInsightsMode: 'THROTTLED_KEYS' }))).toEqual({
      TableName: 'ci-life',
      ContributorInsightsStatus: 'DISABLING',
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    expect((await list({ TableName: 'ci-life' })).ContributorInsightsSummaries).toEqual([
      {
        TableName: 'ci-life',
        ContributorInsightsStatus: 'DISABLING',
        ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
      },
    ]);
    const disabledAt = clock.now();
    clock.advance(DELAY);
    expect(await describeCi('ci-life')).toEqual({
      TableName: 'ci-life',
      ContributorInsightsStatus: 'DISABLED',
      LastUpdateDateTime: new Date(disabledAt + DELAY),
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    // A DISABLED entry is not listed; DISABLE again changes nothing.
    expect((await list({ TableName: 'ci-life' })).ContributorInsightsSummaries).toEqual([]);
    expect((await update('ci-life', 'DISABLE')).ContributorInsightsStatus).toBe('DISABLED');

    // Enabled again: new rules (a new timestamp).
    clock.advance(1_000);
    const again = clock.now();
    await update('ci-life', 'ENABLE');
    clock.advance(DELAY);
    expect((await describeCi('ci-life')).ContributorInsightsRuleList).toEqual([
      `DynamoDBContributorInsights-PKC-ci-life-${again}`,
      `DynamoDBContributorInsights-PKT-ci-life-${again}`,
    ]);
  });

  it('keeps the partition and sort key rules per mode; a mode change enables again and keeps their names', async () => {
    await create(keyedTable('ci-mode', 'S', 'N'));
    const at = clock.now();
    await update('ci-mode', 'ENABLE');
    clock.advance(DELAY);
    expect((await describeCi('ci-mode')).ContributorInsightsRuleList).toEqual(
      ['PKC', 'PKT', 'SKC', 'SKT'].map((k) => `DynamoDBContributorInsights-${k}-ci-mode-${at}`),
    );
    expect(answer(await update('ci-mode', 'ENABLE', { ContributorInsightsMode: 'THROTTLED_KEYS' }))).toEqual({
      TableName: 'ci-mode',
      ContributorInsightsStatus: 'ENABLING',
      ContributorInsightsMode: 'THROTTLED_KEYS',
    });
    clock.advance(DELAY);
    const narrowed = await describeCi('ci-mode');
    expect(narrowed.ContributorInsightsStatus).toBe('ENABLED');
    expect(narrowed.ContributorInsightsMode).toBe('THROTTLED_KEYS');
    expect(narrowed.ContributorInsightsRuleList).toEqual([
      `DynamoDBContributorInsights-PKT-ci-mode-${at}`,
      `DynamoDBContributorInsights-SKT-ci-mode-${at}`,
    ]);
    // ENABLE without a mode is ACCESSED_AND_THROTTLED_KEYS again: a change, not a no-op.
    expect(answer(await update('ci-mode', 'ENABLE'))).toMatchObject({
      ContributorInsightsStatus: 'ENABLING',
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    clock.advance(DELAY);
    expect((await describeCi('ci-mode')).ContributorInsightsRuleList).toHaveLength(4);
  });

  it('keeps insights per GSI, refuses local and unknown indexes and missing tables with AWS errors', async () => {
    await create(indexedTable('ci-idx'));
    const at = clock.now();
    expect(answer(await update('ci-idx', 'ENABLE', { IndexName: 'gsi' }))).toEqual({
      TableName: 'ci-idx',
      IndexName: 'gsi',
      ContributorInsightsStatus: 'ENABLING',
      ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
    });
    clock.advance(DELAY);
    expect(await describeCi('ci-idx', 'gsi')).toMatchObject({
      TableName: 'ci-idx',
      IndexName: 'gsi',
      ContributorInsightsStatus: 'ENABLED',
      ContributorInsightsRuleList: [
        `DynamoDBContributorInsights-PKC-ci-idx-gsi-${at}`,
        `DynamoDBContributorInsights-PKT-ci-idx-gsi-${at}`,
      ],
    });
    // The table's own entry is separate.
    expect((await describeCi('ci-idx')).ContributorInsightsStatus).toBe('DISABLED');
    // By ARN too.
    expect((await describeCi(tableArn('ci-idx'), 'gsi')).TableName).toBe('ci-idx');

    for (const call of [
      () => update('ci-idx', 'ENABLE', { IndexName: 'lsi' }),
      () => describeCi('ci-idx', 'lsi'),
      () => update('ci-idx', 'ENABLE', { IndexName: 'ghost' }),
    ]) {
      const err = await errorOf(call());
      expect(err.name).toBe('ResourceNotFoundException');
      expect(err.message).toMatch(/^Requested resource not found: Index: (lsi|ghost) not found for table: ci-idx$/);
    }
    for (const call of [
      () => update('ci-none', 'ENABLE'),
      () => describeCi('ci-none'),
      () => list({ TableName: 'ci-none' }),
    ]) {
      const err = await errorOf(call());
      expect(err.name).toBe('ResourceNotFoundException');
      expect(err.message).toBe('Requested resource not found: Table: ci-none not found');
    }

    // Deleting the GSI takes its insights along: gone from the list, and the index is unknown.
    await server.ddb.send(
      new UpdateTableCommand({ TableName: 'ci-idx', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'gsi' } }] }),
    );
    clock.advance(DELAY);
    expect((await list({ TableName: 'ci-idx' })).ContributorInsightsSummaries).toEqual([]);
    expect((await errorOf(describeCi('ci-idx', 'gsi'))).name).toBe('ResourceNotFoundException');
  });

  it('refuses ENABLE until the table, or a new GSI, is ACTIVE', async () => {
    await server.ddb.send(new CreateTableCommand(keyedTable('ci-creating')));
    // Describe answers while CREATING; ENABLE does not.
    expect((await describeCi('ci-creating')).ContributorInsightsStatus).toBe('DISABLED');
    const err = await errorOf(update('ci-creating', 'ENABLE'));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(
      'Table or Index is not in a valid state to update Key Access Insights: TableStatus must be ACTIVE to enable ContributorInsights.',
    );
    clock.advance(DELAY);
    await server.ddb.send(
      new UpdateTableCommand({
        TableName: 'ci-creating',
        AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'late',
              KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
              Projection: { ProjectionType: 'ALL' },
            },
          },
        ],
      }),
    );
    const indexErr = await errorOf(update('ci-creating', 'ENABLE', { IndexName: 'late' }));
    expect(indexErr.name).toBe('ValidationException');
    expect(indexErr.message).toBe(
      'Table or Index is not in a valid state to update Key Access Insights: IndexStatus must be ACTIVE to enable ContributorInsights.',
    );
    clock.advance(DELAY);
    expect((await update('ci-creating', 'ENABLE', { IndexName: 'late' })).ContributorInsightsStatus).toBe('ENABLING');
  });

  it('lists the entries that are not DISABLED, tables before their GSIs, a page at a time', async () => {
    const a = indexedTable('ci-list-a');
    await create(a);
    await create(keyedTable('ci-list-b'));
    await create(keyedTable('ci-list-c'));
    await update('ci-list-a', 'ENABLE', { IndexName: 'gsi' });
    await update('ci-list-a', 'ENABLE', { ContributorInsightsMode: 'THROTTLED_KEYS' });
    await update('ci-list-c', 'ENABLE');
    clock.advance(DELAY);
    const mine = (s: { TableName?: string; IndexName?: string }[] = []) =>
      s.filter((x) => x.TableName?.startsWith('ci-list-'));
    expect((await list({ TableName: 'ci-list-a' })).ContributorInsightsSummaries).toEqual([
      { TableName: 'ci-list-a', ContributorInsightsStatus: 'ENABLED', ContributorInsightsMode: 'THROTTLED_KEYS' },
      {
        TableName: 'ci-list-a',
        IndexName: 'gsi',
        ContributorInsightsStatus: 'ENABLED',
        ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
      },
    ]);
    const all = await list();
    expect(all.NextToken).toBeUndefined();
    expect(mine(all.ContributorInsightsSummaries).map((s) => [s.TableName, s.IndexName])).toEqual([
      ['ci-list-a', undefined],
      ['ci-list-a', 'gsi'],
      ['ci-list-c', undefined],
    ]);
    // One at a time: the same entries, the last page without a NextToken.
    const paged: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await list({ MaxResults: 1, ...(token ? { NextToken: token } : {}) });
      expect(page.ContributorInsightsSummaries!.length).toBeLessThanOrEqual(1);
      paged.push(...(page.ContributorInsightsSummaries ?? []));
      token = page.NextToken;
      pages++;
    } while (token && pages < 100);
    expect(paged).toEqual(all.ContributorInsightsSummaries);
    expect((await errorOf(list({ MaxResults: 101 }))).name).toBe('ValidationException');
    expect((await errorOf(list({ NextToken: 'not-a-token' }))).name).toBe('ValidationException');
  });

  it('accepts an ENABLE past the rule quota, then shows it FAILED until a DISABLE', async () => {
    const quota = await startTestServer({}, { clock: new ManualClock(T0) });
    try {
      const ddb = quota.ddb;
      // 100 rules: 25 tables with a sort key (4 rules each).
      for (let i = 0; i < 25; i++) {
        await ddb.send(new CreateTableCommand(keyedTable(`qt-${i}`, 'S', 'S')));
        await ddb.send(
          new UpdateContributorInsightsCommand({ TableName: `qt-${i}`, ContributorInsightsAction: 'ENABLE' }),
        );
      }
      await ddb.send(new CreateTableCommand(keyedTable('q-over')));
      const out = await ddb.send(
        new UpdateContributorInsightsCommand({ TableName: 'q-over', ContributorInsightsAction: 'ENABLE' }),
      );
      expect(out.ContributorInsightsStatus).toBe('ENABLING');
      const failed = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'q-over' }));
      expect(failed.ContributorInsightsStatus).toBe('FAILED');
      expect(failed.ContributorInsightsRuleList).toBeUndefined();
      expect(failed.FailureException).toEqual({
        ExceptionName: 'LimitExceededException',
        ExceptionDescription:
          'Amazon CloudWatch Contributor Insights rule limit reached. Please disable Contributor Insights for other tables/indexes OR disable other CloudWatch Contributor Insights rules before retrying.',
      });
      const listed = await ddb.send(new ListContributorInsightsCommand({ TableName: 'q-over' }));
      expect(listed.ContributorInsightsSummaries).toEqual([
        {
          TableName: 'q-over',
          ContributorInsightsStatus: 'FAILED',
          ContributorInsightsMode: 'ACCESSED_AND_THROTTLED_KEYS',
        },
      ]);
      // Freeing rules elsewhere does not heal it; a new ENABLE does.
      await ddb.send(new UpdateContributorInsightsCommand({ TableName: 'qt-0', ContributorInsightsAction: 'DISABLE' }));
      expect(
        (await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'q-over' }))).ContributorInsightsStatus,
      ).toBe('FAILED');
      await ddb.send(
        new UpdateContributorInsightsCommand({ TableName: 'q-over', ContributorInsightsAction: 'ENABLE' }),
      );
      const healed = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'q-over' }));
      expect(healed.ContributorInsightsStatus).toBe('ENABLED');
      expect(healed.FailureException).toBeUndefined();
      expect(healed.ContributorInsightsRuleList).toHaveLength(2);
      // 98 rules in use: 2 more fill the quota, and the next table fails; a DISABLE clears its failure.
      await ddb.send(new CreateTableCommand(keyedTable('q-big')));
      await ddb.send(new UpdateContributorInsightsCommand({ TableName: 'q-big', ContributorInsightsAction: 'ENABLE' }));
      await ddb.send(new CreateTableCommand(keyedTable('q-more')));
      await ddb.send(
        new UpdateContributorInsightsCommand({ TableName: 'q-more', ContributorInsightsAction: 'ENABLE' }),
      );
      expect(
        (await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'q-more' }))).ContributorInsightsStatus,
      ).toBe('FAILED');
      await ddb.send(
        new UpdateContributorInsightsCommand({ TableName: 'q-more', ContributorInsightsAction: 'DISABLE' }),
      );
      const cleared = await ddb.send(new DescribeContributorInsightsCommand({ TableName: 'q-more' }));
      expect(cleared.ContributorInsightsStatus).toBe('DISABLED');
      expect(cleared.FailureException).toBeUndefined();
    } finally {
      await quota.stop();
    }
  });

  it('leaves DescribeTable alone and goes away with the table', async () => {
    await create(keyedTable('ci-drop'));
    await update('ci-drop', 'ENABLE');
    const { Table } = await server.ddb.send(new DescribeTableCommand({ TableName: 'ci-drop' }));
    expect(Object.keys(Table!).filter((k) => /insight/i.test(k))).toEqual([]);
    await server.ddb.send(new DeleteTableCommand({ TableName: 'ci-drop' }));
    clock.advance(DELAY);
    expect((await errorOf(describeCi('ci-drop'))).name).toBe('ResourceNotFoundException');
    await create(keyedTable('ci-drop'));
    expect((await describeCi('ci-drop')).ContributorInsightsStatus).toBe('DISABLED');
  });

  it.skipIf(!hasAwsCli)('works from the AWS CLI v2', async () => {
    const cli = await startTestServer();
    try {
      await cli.ddb.send(new CreateTableCommand(keyedTable('ci-cli')));
      const run = (args: string[]) => aws(cli.endpoint, ['dynamodb', ...args], { AWS_MAX_ATTEMPTS: '1' });
      expect(
        await run(['update-contributor-insights', '--table-name', 'ci-cli', '--contributor-insights-action', 'ENABLE']),
      ).toMatchObject({ TableName: 'ci-cli', ContributorInsightsStatus: 'ENABLING' });
      const described = await run(['describe-contributor-insights', '--table-name', 'ci-cli']);
      expect(described.ContributorInsightsStatus).toBe('ENABLED');
      expect(described.ContributorInsightsRuleList).toHaveLength(2);
      const listed = await run(['list-contributor-insights']);
      expect(listed.ContributorInsightsSummaries).toMatchObject([
        { TableName: 'ci-cli', ContributorInsightsStatus: 'ENABLED' },
      ]);
    } finally {
      await cli.stop();
    }
  });
});
