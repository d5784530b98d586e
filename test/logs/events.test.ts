import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateFilterLogEvents,
  paginateGetLogEvents,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient, InputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { eventsAt, startLogsServer } from './helpers.js';
import type { LogsTestServer } from './helpers.js';

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('CloudWatch Logs: PutLogEvents, GetLogEvents, FilterLogEvents', () => {
  let t: LogsTestServer;
  let logs: CloudWatchLogsClient;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    t = await startLogsServer(clock);
    logs = t.logs;
  });
  afterAll(() => t.stop());

  const setup = async (group: string, ...streams: string[]) => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    for (const s of streams) await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
  };
  const put = (logGroupName: string, logStreamName: string, logEvents: InputLogEvent[], sequenceToken?: string) =>
    logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents, sequenceToken }));
  const get = (
    input: Omit<ConstructorParameters<typeof GetLogEventsCommand>[0], 'logStreamName'> & { logStreamName: string },
  ) => logs.send(new GetLogEventsCommand(input));
  const messages = (events: { message?: string }[] | undefined) => (events ?? []).map((e) => e.message);

  describe('PutLogEvents', () => {
    it('stores a batch, ignores sequence tokens and updates the stream', async () => {
      await setup('/put/basic', 's');
      const first = await put('/put/basic', 's', eventsAt(T0 - 10, 3));
      expect(first.nextSequenceToken).toEqual(expect.any(String));
      expect(first.rejectedLogEventsInfo).toBeUndefined();
      // Any sequence token is accepted, as AWS does now.
      await put('/put/basic', 's', [{ timestamp: T0 - 5, message: 'later' }], 'not-a-real-token');
      const stream = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/put/basic' }))).logStreams![0]!;
      expect(stream).toMatchObject({ firstEventTimestamp: T0 - 10, lastEventTimestamp: T0 - 5, lastIngestionTime: T0 });
      const out = await get({ logGroupName: '/put/basic', logStreamName: 's', startFromHead: true });
      expect(out.events).toEqual([
        { timestamp: T0 - 10, message: 'event-0', ingestionTime: T0 },
        { timestamp: T0 - 9, message: 'event-1', ingestionTime: T0 },
        { timestamp: T0 - 8, message: 'event-2', ingestionTime: T0 },
        { timestamp: T0 - 5, message: 'later', ingestionTime: T0 },
      ]);
    });

    it('refuses batches out of chronological order, too large, or spanning more than 24 hours', async () => {
      await setup('/put/invalid', 's');
      const order = await errorOf(
        put('/put/invalid', 's', [
          { timestamp: T0, message: 'b' },
          { timestamp: T0 - 1, message: 'a' },
        ]),
      );
      expect(order.name).toBe('InvalidParameterException');
      expect(order.message).toBe('Log events in a single PutLogEvents request must be in chronological order.');

      // 1,048,576 bytes counting 26 bytes an event: exactly at the limit passes, one byte more fails.
      const body = 1_048_576 - 2 * 26;
      const half = 'x'.repeat(body / 2);
      await put('/put/invalid', 's', [
        { timestamp: T0, message: half },
        { timestamp: T0, message: half },
      ]);
      const big = await errorOf(
        put('/put/invalid', 's', [
          { timestamp: T0, message: half },
          { timestamp: T0, message: half + 'y' },
        ]),
      );
      expect(big.name).toBe('InvalidParameterException');

      const many = await errorOf(put('/put/invalid', 's', eventsAt(T0 - 20_000, 10_001)));
      expect(many.name).toBe('InvalidParameterException');
      expect(many.message).toContain('Member must have length less than or equal to 10000');

      const span = await errorOf(
        put('/put/invalid', 's', [
          { timestamp: T0 - DAY - 1, message: 'a' },
          { timestamp: T0, message: 'b' },
        ]),
      );
      expect(span.message).toBe(
        'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      );

      const empty = await errorOf(put('/put/invalid', 's', [{ timestamp: T0, message: '' }]));
      expect(empty.name).toBe('InvalidParameterException');

      const noStream = await errorOf(put('/put/invalid', 'nope', [{ timestamp: T0, message: 'a' }]));
      expect(noStream.name).toBe('ResourceNotFoundException');
      expect(noStream.message).toBe('The specified log stream does not exist.');
      const noGroup = await errorOf(put('/put/none', 's', [{ timestamp: T0, message: 'a' }]));
      expect(noGroup.message).toBe('The specified log group does not exist.');
    });

    it('accepts 10,000 events in one batch', async () => {
      await setup('/put/max', 's');
      await put('/put/max', 's', eventsAt(T0 - 20_000, 10_000));
      const out = await get({ logGroupName: '/put/max', logStreamName: 's', startFromHead: true });
      expect(out.events).toHaveLength(10_000);
    });

    it('rejects events too old, too new or expired and keeps the rest', async () => {
      await setup('/put/rejected', 's');
      const out = await put('/put/rejected', 's', [
        { timestamp: T0 - 15 * DAY, message: 'too old' },
        { timestamp: T0 - 1, message: 'ok 1' },
        { timestamp: T0 + HOUR, message: 'ok 2' },
        { timestamp: T0 + 3 * HOUR, message: 'too new 1' },
        { timestamp: T0 + 4 * HOUR, message: 'too new 2' },
      ]);
      expect(out.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 3, tooOldLogEventEndIndex: 1 });
      const events = await get({ logGroupName: '/put/rejected', logStreamName: 's', startFromHead: true });
      expect(messages(events.events)).toEqual(['ok 1', 'ok 2']);

      await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/put/rejected', retentionInDays: 1 }));
      const expired = await put('/put/rejected', 's', [
        { timestamp: T0 - 2 * DAY, message: 'expired' },
        { timestamp: T0 - HOUR, message: 'ok 3' },
      ]);
      expect(expired.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });
    });
  });

  describe('GetLogEvents', () => {
    const G = '/get/tokens';
    beforeAll(async () => {
      await setup(G, 's', 'empty');
      await put(G, 's', eventsAt(T0 - 1000, 10));
    });

    it('returns the tail by default and the head with startFromHead, with f/ and b/ tokens', async () => {
      const tail = await get({ logGroupName: G, logStreamName: 's', limit: 3 });
      expect(messages(tail.events)).toEqual(['event-7', 'event-8', 'event-9']);
      expect(tail.nextForwardToken).toMatch(/^f\/\d{56}\/s$/);
      expect(tail.nextBackwardToken).toMatch(/^b\/\d{56}\/s$/);

      const head = await get({ logGroupName: G, logStreamName: 's', limit: 3, startFromHead: true });
      expect(messages(head.events)).toEqual(['event-0', 'event-1', 'event-2']);

      const next = await get({
        logGroupName: G,
        logStreamName: 's',
        limit: 3,
        nextToken: head.nextForwardToken,
        startFromHead: true,
      });
      expect(messages(next.events)).toEqual(['event-3', 'event-4', 'event-5']);

      const back = await get({ logGroupName: G, logStreamName: 's', limit: 2, nextToken: tail.nextBackwardToken });
      expect(messages(back.events)).toEqual(['event-5', 'event-6']);
      const backAgain = await get({
        logGroupName: G,
        logStreamName: 's',
        limit: 10,
        nextToken: back.nextBackwardToken,
      });
      expect(messages(backAgain.events)).toEqual(['event-0', 'event-1', 'event-2', 'event-3', 'event-4']);
    });

    it('hands back the same token when there is nothing new, then the new events', async () => {
      const all = await get({ logGroupName: G, logStreamName: 's', startFromHead: true });
      expect(all.events).toHaveLength(10);
      const again = await get({
        logGroupName: G,
        logStreamName: 's',
        nextToken: all.nextForwardToken,
        startFromHead: true,
      });
      expect(again.events).toEqual([]);
      expect(again.nextForwardToken).toBe(all.nextForwardToken);

      // At the head going backward: the same backward token.
      const head = await get({ logGroupName: G, logStreamName: 's', startFromHead: true, limit: 1 });
      const before = await get({ logGroupName: G, logStreamName: 's', nextToken: head.nextBackwardToken });
      expect(before.events).toEqual([]);
      expect(before.nextBackwardToken).toBe(head.nextBackwardToken);
      // ... and its forward token starts again at the first event.
      const fromStart = await get({
        logGroupName: G,
        logStreamName: 's',
        nextToken: before.nextForwardToken,
        startFromHead: true,
        limit: 1,
      });
      expect(messages(fromStart.events)).toEqual(['event-0']);

      await put(G, 's', [{ timestamp: T0, message: 'new' }]);
      const fresh = await get({
        logGroupName: G,
        logStreamName: 's',
        nextToken: again.nextForwardToken,
        startFromHead: true,
      });
      expect(messages(fresh.events)).toEqual(['new']);
      expect(fresh.nextForwardToken).not.toBe(again.nextForwardToken);
    });

    it('answers an empty stream with tokens, and the SDK paginator (stopOnSameToken) terminates', async () => {
      const empty = await get({ logGroupName: G, logStreamName: 'empty' });
      expect(empty.events).toEqual([]);
      expect(empty.nextForwardToken).toMatch(/^f\//);
      expect(empty.nextBackwardToken).toMatch(/^b\//);

      const pages: string[][] = [];
      for await (const page of paginateGetLogEvents(
        { client: logs, pageSize: 4, stopOnSameToken: true },
        { logGroupName: G, logStreamName: 's', startFromHead: true },
      )) {
        pages.push(messages(page.events) as string[]);
      }
      expect(pages.flat()).toEqual([...Array.from({ length: 10 }, (_, i) => `event-${i}`), 'new']);
    });

    it('honours startTime (inclusive) and endTime (exclusive), by name or ARN', async () => {
      const out = await get({
        logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${G}`,
        logStreamName: 's',
        startTime: T0 - 998,
        endTime: T0 - 995,
        startFromHead: true,
      });
      expect(messages(out.events)).toEqual(['event-2', 'event-3', 'event-4']);
    });

    it('answers the AWS errors', async () => {
      expect((await errorOf(get({ logGroupName: G, logStreamName: 'nope' }))).message).toBe(
        'The specified log stream does not exist.',
      );
      expect((await errorOf(get({ logGroupName: '/nope', logStreamName: 's' }))).message).toBe(
        'The specified log group does not exist.',
      );
      expect((await errorOf(get({ logGroupName: G, logStreamName: 's', nextToken: 'bogus' }))).name).toBe(
        'InvalidParameterException',
      );
      expect((await errorOf(get({ logStreamName: 's' }))).name).toBe('InvalidParameterException');
    });
  });

  describe('FilterLogEvents', () => {
    const G = '/filter/group';
    beforeAll(async () => {
      await setup(G, 'app-1', 'app-2', 'web');
      await put(G, 'app-1', [
        { timestamp: T0 - 100, message: 'INFO starting' },
        { timestamp: T0 - 80, message: 'ERROR disk full' },
        { timestamp: T0 - 60, message: '{"level":"ERROR","latency":250,"user":{"id":7}}' },
      ]);
      await put(G, 'app-2', [
        { timestamp: T0 - 90, message: 'WARN slow request' },
        { timestamp: T0 - 80, message: 'ERROR Exiting now' },
        { timestamp: T0 - 50, message: '{"level":"INFO","latency":40,"user":{"id":8}}' },
      ]);
      await put(G, 'web', [
        {
          timestamp: T0 - 70,
          message: '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 404 2326',
        },
      ]);
    });

    const filter = (input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'> = {}) =>
      logs.send(new FilterLogEventsCommand({ logGroupName: G, ...input }));

    it('interleaves every stream in time order with event ids and ingestion times', async () => {
      const out = await filter();
      expect(out.events!.map((e) => [e.logStreamName, e.timestamp])).toEqual([
        ['app-1', T0 - 100],
        ['app-2', T0 - 90],
        ['app-1', T0 - 80],
        ['app-2', T0 - 80],
        ['web', T0 - 70],
        ['app-1', T0 - 60],
        ['app-2', T0 - 50],
      ]);
      expect(out.events![0]).toMatchObject({ ingestionTime: T0, eventId: expect.stringMatching(/^\d{56}$/) });
      expect(new Set(out.events!.map((e) => e.eventId)).size).toBe(7);
      expect(out.searchedLogStreams).toEqual([]);
      expect(out.nextToken).toBeUndefined();
    });

    it('selects streams by name or prefix and time (both ends inclusive)', async () => {
      expect((await filter({ logStreamNames: ['web', 'app-2'] })).events!.map((e) => e.logStreamName)).toEqual([
        'app-2',
        'app-2',
        'web',
        'app-2',
      ]);
      expect((await filter({ logStreamNamePrefix: 'app-1' })).events).toHaveLength(3);
      expect((await filter({ startTime: T0 - 80, endTime: T0 - 60 })).events!.map((e) => e.timestamp)).toEqual([
        T0 - 80,
        T0 - 80,
        T0 - 70,
        T0 - 60,
      ]);
      const both = await errorOf(filter({ logStreamNames: ['web'], logStreamNamePrefix: 'app' }));
      expect(both.name).toBe('InvalidParameterException');
      const missing = await errorOf(logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' })));
      expect(missing.message).toBe('The specified log group does not exist.');
    });

    it('matches filter patterns: terms, phrases, exclusion, OR, JSON and space-delimited', async () => {
      const m = async (filterPattern: string) => messages((await filter({ filterPattern })).events);
      expect(await m('ERROR')).toEqual([
        'ERROR disk full',
        'ERROR Exiting now',
        '{"level":"ERROR","latency":250,"user":{"id":7}}',
      ]);
      expect(await m('ERROR -Exiting')).toEqual(['ERROR disk full', '{"level":"ERROR","latency":250,"user":{"id":7}}']);
      expect(await m('"disk full"')).toEqual(['ERROR disk full']);
      expect(await m('?WARN ?starting')).toEqual(['INFO starting', 'WARN slow request']);
      expect(await m('{ $.level = "ERROR" }')).toEqual(['{"level":"ERROR","latency":250,"user":{"id":7}}']);
      expect(await m('{ $.latency < 100 || $.user.id = 7 }')).toHaveLength(2);
      expect(await m('{ ($.level = "INF*") && $.latency >= 40 }')).toEqual([
        '{"level":"INFO","latency":40,"user":{"id":8}}',
      ]);
      expect(await m('{ $.level != "ERROR" }')).toEqual(['{"level":"INFO","latency":40,"user":{"id":8}}']);
      expect(await m('[ip, id, user, timestamp, request, status_code = 4*, bytes > 1000]')).toHaveLength(1);
      expect(await m('[..., status_code = 500, bytes]')).toEqual([]);
      expect(await m('%ERROR (disk|Exit)%')).toHaveLength(2);
      const bad = await errorOf(filter({ filterPattern: '{ $.level = ' }));
      expect(bad.name).toBe('InvalidParameterException');
    });

    it('paginates with nextToken', async () => {
      const first = await filter({ limit: 3 });
      expect(first.events).toHaveLength(3);
      expect(first.nextToken).toEqual(expect.any(String));
      const all: string[] = [];
      for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 2 }, { logGroupName: G })) {
        all.push(...(page.events ?? []).map((e) => e.eventId!));
      }
      expect(all).toEqual((await filter()).events!.map((e) => e.eventId));
      const bad = await errorOf(filter({ nextToken: 'zzz' }));
      expect(bad.name).toBe('InvalidParameterException');
    });

    it('counts the group storedBytes of everything put', async () => {
      const g = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: G }))).logGroups![0]!;
      expect(g.storedBytes).toBeGreaterThan(100);
    });
  });
});
