import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { logsPort } from '../../src/services/logs/port.js';
import type { LogsPort } from '../../src/services/logs/port.js';
import { startLogsServer } from './helpers.js';
import type { LogsTestServer } from './helpers.js';

const T0 = Date.UTC(2026, 3, 1);

describe('LogsPort (what Lambda writes through)', () => {
  let t: LogsTestServer;
  let port: LogsPort;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    t = await startLogsServer(clock);
    port = logsPort({ store: t.server.overcast.store, clock });
  });
  afterAll(() => t.stop());

  it('creates the group and stream on first append and is read back through the API', async () => {
    const group = '/aws/lambda/fn';
    const stream = '2026/04/01/[$LATEST]0123456789abcdef';
    await port.append('000000000000', 'us-east-1', group, stream, [
      { timestamp: T0 - 3, message: 'START RequestId: 1 Version: $LATEST\n' },
      { timestamp: T0 - 1, message: 'END RequestId: 1\n' },
      // Out of order within a call: the port sorts.
      { timestamp: T0 - 2, message: 'hello from the function\n' },
    ]);
    const groups = await t.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
    expect(groups.logGroups!.map((g) => g.logGroupName)).toEqual([group]);
    expect(groups.logGroups![0]!.creationTime).toBe(T0);
    const streams = await t.logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
    expect(streams.logStreams![0]).toMatchObject({
      logStreamName: stream,
      firstEventTimestamp: T0 - 3,
      lastEventTimestamp: T0 - 1,
    });
    const events = await t.logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }),
    );
    expect(events.events!.map((e) => e.message)).toEqual([
      'START RequestId: 1 Version: $LATEST\n',
      'hello from the function\n',
      'END RequestId: 1\n',
    ]);
    const filtered = await t.logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'hello' }));
    expect(filtered.events).toHaveLength(1);
  });

  it('ensures groups and streams idempotently, scoped by account and region', async () => {
    await port.ensureGroup('000000000000', 'us-east-1', '/aws/lambda/empty');
    await port.ensureGroup('000000000000', 'us-east-1', '/aws/lambda/empty');
    await port.ensureStream('000000000000', 'us-east-1', '/aws/lambda/empty', 's1');
    await port.ensureStream('000000000000', 'us-east-1', '/aws/lambda/empty', 's1');
    await port.append('000000000000', 'eu-west-1', '/aws/lambda/elsewhere', 's', [{ timestamp: T0, message: 'x' }]);
    const streams = await t.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/empty' }));
    expect(streams.logStreams!.map((s) => s.logStreamName)).toEqual(['s1']);
    const east = await t.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/elsewhere' }));
    expect(east.logGroups).toEqual([]);
    const west = await t
      .client('eu-west-1')
      .send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/elsewhere' }));
    expect(west.logGroups).toHaveLength(1);
  });

  it('appends many events in one call and concurrent calls keep every event', async () => {
    const group = '/aws/lambda/busy';
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        port.append(
          '000000000000',
          'us-east-1',
          group,
          'stream',
          Array.from({ length: 50 }, (_, j) => ({ timestamp: T0 + j, message: `${i}-${j}` })),
        ),
      ),
    );
    let count = 0;
    let token: string | undefined;
    for (;;) {
      const out = await t.logs.send(new FilterLogEventsCommand({ logGroupName: group, nextToken: token }));
      count += out.events!.length;
      token = out.nextToken;
      if (!token) break;
    }
    expect(count).toBe(1000);
  });

  it('works on a store the logs service has not migrated yet', async () => {
    const { SqliteStore } = await import('../../src/storage/sqlite/sqlite-store.js');
    const store = new SqliteStore();
    try {
      const fresh = logsPort({ store, clock });
      await fresh.append('000000000000', 'us-east-1', '/g', 's', [{ timestamp: T0, message: 'm' }]);
      const rows = await store.all<{ message: string }>('SELECT message FROM logs_events');
      expect(rows.map((r) => r.message)).toEqual(['m']);
    } finally {
      await store.close();
    }
  });
});
