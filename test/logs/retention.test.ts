import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { retentionFor } from '../../src/services/logs/retention.js';
import type { LogsRetention } from '../../src/services/logs/retention.js';
import { startLogsServer } from './helpers.js';
import type { LogsTestServer } from './helpers.js';

const T0 = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

describe('CloudWatch Logs retention (injected clock)', () => {
  let t: LogsTestServer;
  let logs: CloudWatchLogsClient;
  let retention: LogsRetention;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    t = await startLogsServer(clock);
    logs = t.logs;
    retention = retentionFor(t.server.overcast.store)!;
  });
  afterAll(() => t.stop());

  const put = (g: string, s: string, timestamp: number, message: string) =>
    logs.send(new PutLogEventsCommand({ logGroupName: g, logStreamName: s, logEvents: [{ timestamp, message }] }));
  const messages = async (g: string, s: string) =>
    (
      (await logs.send(new GetLogEventsCommand({ logGroupName: g, logStreamName: s, startFromHead: true }))).events ??
      []
    ).map((e) => e.message);
  const storedBytes = async (g: string) =>
    (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: g }))).logGroups![0]!.storedBytes;

  it('deletes events older than the retention period as the clock moves, and only in groups with a policy', async () => {
    for (const g of ['/ret/kept', '/ret/forever']) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: g }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: g, logStreamName: 's' }));
    }
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/ret/kept', retentionInDays: 1 }));
    await put('/ret/kept', 's', T0 - 1000, 'day0');
    await put('/ret/forever', 's', T0 - 1000, 'day0');
    clock.advance(DAY / 2);
    await put('/ret/kept', 's', clock.now(), 'day0.5');
    expect(await storedBytes('/ret/kept')).toBe(10);

    // Nothing has expired yet.
    expect(await retention.sweep()).toBe(0);
    clock.advance(DAY / 2 + 1000);
    expect(await retention.sweep()).toBe(1);
    expect(await messages('/ret/kept', 's')).toEqual(['day0.5']);
    expect(await messages('/ret/forever', 's')).toEqual(['day0']);
    expect(await storedBytes('/ret/kept')).toBe(6);
    const stream = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/ret/kept' }))).logStreams![0]!;
    expect(stream.firstEventTimestamp).toBe(T0 + DAY / 2);

    // Without a policy nothing expires.
    await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/ret/kept' }));
    clock.advance(30 * DAY);
    expect(await retention.sweep()).toBe(0);
    expect(await messages('/ret/kept', 's')).toEqual(['day0.5']);
  });
});
