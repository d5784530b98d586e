import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  paginateDescribeLogGroups,
  paginateDescribeLogStreams,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { startLogsServer } from './helpers.js';
import type { LogsTestServer } from './helpers.js';

const T0 = Date.UTC(2026, 2, 1);
const ACCOUNT = '000000000000';

describe('CloudWatch Logs: log groups, log streams, tags, retention', () => {
  let t: LogsTestServer;
  let logs: CloudWatchLogsClient;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    t = await startLogsServer(clock);
    logs = t.logs;
  });
  afterAll(() => t.stop());

  const createGroup = (logGroupName: string, extra: Record<string, unknown> = {}) =>
    logs.send(new CreateLogGroupCommand({ logGroupName, ...extra }));
  const describeGroups = async (input: ConstructorParameters<typeof DescribeLogGroupsCommand>[0] = {}) =>
    logs.send(new DescribeLogGroupsCommand(input));

  describe('log groups', () => {
    it('creates, describes and deletes a log group as AWS shows it', async () => {
      await createGroup('/aws/lambda/shape');
      const out = await describeGroups({ logGroupNamePrefix: '/aws/lambda/shape' });
      expect(out.logGroups).toEqual([
        {
          logGroupName: '/aws/lambda/shape',
          creationTime: T0,
          metricFilterCount: 0,
          arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/shape:*`,
          storedBytes: 0,
          logGroupClass: 'STANDARD',
          logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/shape`,
        },
      ]);
      expect(out.nextToken).toBeUndefined();
      await logs.send(new DeleteLogGroupCommand({ logGroupName: '/aws/lambda/shape' }));
      expect((await describeGroups({ logGroupNamePrefix: '/aws/lambda/shape' })).logGroups).toEqual([]);
    });

    it('answers the exact AWS errors', async () => {
      await createGroup('dup');
      const exists = await errorOf(createGroup('dup'));
      expect(exists.name).toBe('ResourceAlreadyExistsException');
      expect(exists.message).toBe('The specified log group already exists');
      expect(exists.$metadata?.httpStatusCode).toBe(400);

      const missing = await errorOf(logs.send(new DeleteLogGroupCommand({ logGroupName: 'nope' })));
      expect(missing.name).toBe('ResourceNotFoundException');
      expect(missing.message).toBe('The specified log group does not exist.');

      const bad = await errorOf(createGroup('has space'));
      expect(bad.name).toBe('InvalidParameterException');
      expect(bad.message).toBe(
        "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
      );

      const limit = await errorOf(describeGroups({ limit: 51 }));
      expect(limit.name).toBe('InvalidParameterException');
      expect(limit.message).toContain(
        "Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
      );

      const both = await errorOf(describeGroups({ logGroupNamePrefix: 'a', logGroupNamePattern: 'b' }));
      expect(both.name).toBe('InvalidParameterException');

      const token = await errorOf(describeGroups({ nextToken: 'garbage' }));
      expect(token.name).toBe('InvalidParameterException');
    });

    it('filters by prefix, by pattern (case-sensitive substring) and by identifiers, and paginates', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `/app/page-${i}`);
      for (const n of names) await createGroup(n);
      await createGroup('/other/DataLogs');
      await createGroup('/other/datalogs');

      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeLogGroups(
        { client: logs, pageSize: 3 },
        { logGroupNamePrefix: '/app/' },
      )) {
        pages++;
        expect(page.logGroups!.length).toBeLessThanOrEqual(3);
        seen.push(...page.logGroups!.map((g) => g.logGroupName!));
      }
      expect(seen).toEqual(names);
      expect(pages).toBe(3);

      const pattern = await describeGroups({ logGroupNamePattern: 'DataLogs' });
      expect(pattern.logGroups).toEqual([
        {
          logGroupName: '/other/DataLogs',
          creationTime: T0,
          arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/other/DataLogs:*`,
        },
      ]);

      const ids = await describeGroups({
        logGroupIdentifiers: ['/app/page-2', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/page-5`],
      });
      expect(ids.logGroups!.map((g) => g.logGroupName)).toEqual(['/app/page-2', '/app/page-5']);

      const all = await describeGroups();
      const allNames = all.logGroups!.map((g) => g.logGroupName!);
      expect(allNames).toEqual([...allNames].sort());
    });

    it('keeps log groups per account and region', async () => {
      const west = t.client('us-west-2');
      const other = t.client('us-east-1', '123456789012');
      await createGroup('/scoped');
      expect((await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/scoped' }))).logGroups).toEqual([]);
      await west.send(new CreateLogGroupCommand({ logGroupName: '/scoped' }));
      const w = await west.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/scoped' }));
      expect(w.logGroups![0]!.arn).toBe(`arn:aws:logs:us-west-2:${ACCOUNT}:log-group:/scoped:*`);
      await other.send(new CreateLogGroupCommand({ logGroupName: '/scoped' }));
      const o = await other.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/scoped' }));
      expect(o.logGroups![0]!.arn).toBe('arn:aws:logs:us-east-1:123456789012:log-group:/scoped:*');
    });

    it('counts storedBytes and starts a deleted-then-recreated group empty', async () => {
      await createGroup('/bytes');
      await logs.send(new CreateLogStreamCommand({ logGroupName: '/bytes', logStreamName: 's' }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: '/bytes',
          logStreamName: 's',
          logEvents: [
            { timestamp: T0, message: 'héllo' },
            { timestamp: T0 + 1, message: 'world' },
          ],
        }),
      );
      expect((await describeGroups({ logGroupNamePrefix: '/bytes' })).logGroups![0]!.storedBytes).toBe(11);
      await logs.send(new DeleteLogGroupCommand({ logGroupName: '/bytes' }));
      await createGroup('/bytes');
      expect((await describeGroups({ logGroupNamePrefix: '/bytes' })).logGroups![0]!.storedBytes).toBe(0);
      const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/bytes' }));
      expect(streams.logStreams).toEqual([]);
    });
  });

  describe('log streams', () => {
    const G = '/streams/group';
    beforeAll(async () => {
      await createGroup(G);
    });

    it('creates, describes and deletes log streams with the AWS errors', async () => {
      await logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'one' }));
      const dup = await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'one' })));
      expect(dup.name).toBe('ResourceAlreadyExistsException');
      expect(dup.message).toBe('The specified log stream already exists');
      const noGroup = await errorOf(
        logs.send(new CreateLogStreamCommand({ logGroupName: '/none', logStreamName: 'x' })),
      );
      expect(noGroup.name).toBe('ResourceNotFoundException');
      expect(noGroup.message).toBe('The specified log group does not exist.');
      const noStream = await errorOf(logs.send(new DeleteLogStreamCommand({ logGroupName: G, logStreamName: 'two' })));
      expect(noStream.name).toBe('ResourceNotFoundException');
      expect(noStream.message).toBe('The specified log stream does not exist.');
      const badName = await errorOf(logs.send(new CreateLogStreamCommand({ logGroupName: G, logStreamName: 'a:b' })));
      expect(badName.name).toBe('InvalidParameterException');

      const out = await logs.send(new DescribeLogStreamsCommand({ logGroupName: G }));
      expect(out.logStreams).toEqual([
        {
          logStreamName: 'one',
          creationTime: T0,
          uploadSequenceToken: expect.any(String),
          arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${G}:log-stream:one`,
          storedBytes: 0,
        },
      ]);
      await logs.send(new DeleteLogStreamCommand({ logGroupName: G, logStreamName: 'one' }));
      expect((await logs.send(new DescribeLogStreamsCommand({ logGroupName: G }))).logStreams).toEqual([]);
    });

    it('orders by name or by last event time, ascending or descending, with prefix and pagination', async () => {
      const H = '/streams/order';
      await createGroup(H);
      // Streams b, a, c get events at times 3, 1, 2; d has none.
      const times: Record<string, number> = { b: 3, a: 1, c: 2 };
      for (const name of ['b', 'a', 'c', 'd', 'x-1', 'x-2', 'x-3']) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: H, logStreamName: name }));
        if (times[name]) {
          await logs.send(
            new PutLogEventsCommand({
              logGroupName: H,
              logStreamName: name,
              logEvents: [{ timestamp: T0 + times[name]!, message: name }],
            }),
          );
        }
      }
      const names = async (input: Record<string, unknown>) =>
        (await logs.send(new DescribeLogStreamsCommand({ logGroupName: H, ...input }))).logStreams!.map(
          (s) => s.logStreamName,
        );
      expect(await names({})).toEqual(['a', 'b', 'c', 'd', 'x-1', 'x-2', 'x-3']);
      expect(await names({ descending: true })).toEqual(['x-3', 'x-2', 'x-1', 'd', 'c', 'b', 'a']);
      expect(await names({ logStreamNamePrefix: 'x-' })).toEqual(['x-1', 'x-2', 'x-3']);
      expect(await names({ logStreamNamePrefix: 'x-', descending: true })).toEqual(['x-3', 'x-2', 'x-1']);
      expect(await names({ orderBy: 'LastEventTime', descending: true })).toEqual([
        'b',
        'c',
        'a',
        'x-3',
        'x-2',
        'x-1',
        'd',
      ]);
      expect((await names({ orderBy: 'LastEventTime' })).slice(-3)).toEqual(['a', 'c', 'b']);

      const a = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: H, logStreamNamePrefix: 'a' })))
        .logStreams![0]!;
      expect(a).toMatchObject({ firstEventTimestamp: T0 + 1, lastEventTimestamp: T0 + 1, lastIngestionTime: T0 });

      const err = await errorOf(
        logs.send(
          new DescribeLogStreamsCommand({ logGroupName: H, orderBy: 'LastEventTime', logStreamNamePrefix: 'x' }),
        ),
      );
      expect(err.name).toBe('InvalidParameterException');
      expect(err.message).toBe('Cannot order by LastEventTime with a logStreamNamePrefix.');

      for (const input of [{}, { descending: true }, { orderBy: 'LastEventTime' as const, descending: true }]) {
        const paged: string[] = [];
        for await (const page of paginateDescribeLogStreams(
          { client: logs, pageSize: 2 },
          { logGroupName: H, ...input },
        )) {
          expect(page.logStreams!.length).toBeLessThanOrEqual(2);
          paged.push(...page.logStreams!.map((s) => s.logStreamName!));
        }
        expect(paged).toEqual(await names(input));
      }

      // By ARN (logGroupIdentifier, without the `:*` the model's pattern refuses), and both at once is an error.
      const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${H}`;
      expect((await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: arn }))).logStreams).toHaveLength(7);
      const star = await errorOf(logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: `${arn}:*` })));
      expect(star.name).toBe('InvalidParameterException');
      const both = await errorOf(
        logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: arn, logGroupName: H })),
      );
      expect(both.name).toBe('InvalidParameterException');
      const missing = await errorOf(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/none' })));
      expect(missing.message).toBe('The specified log group does not exist.');
    });
  });

  describe('tags', () => {
    const G = '/tags/group';
    const arn = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${G}`;

    it('tags at creation, with TagLogGroup/UntagLogGroup/ListTagsLogGroup and TagResource/UntagResource/ListTagsForResource', async () => {
      await createGroup(G, { tags: { team: 'a' } });
      expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: G }))).tags).toEqual({ team: 'a' });
      await logs.send(new TagLogGroupCommand({ logGroupName: G, tags: { env: 'dev', team: 'b' } }));
      expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({
        env: 'dev',
        team: 'b',
      });
      await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { cost: '1' } }));
      await logs.send(new UntagLogGroupCommand({ logGroupName: G, tags: ['team'] }));
      await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env'] }));
      expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ cost: '1' });
      expect((await logs.send(new ListTagsLogGroupCommand({ logGroupName: G }))).tags).toEqual({ cost: '1' });
    });

    it('refuses unknown resources and more than 50 tags', async () => {
      const missing = await errorOf(
        logs.send(new ListTagsForResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/nope` })),
      );
      expect(missing.name).toBe('ResourceNotFoundException');
      expect((await errorOf(logs.send(new ListTagsLogGroupCommand({ logGroupName: '/nope' })))).name).toBe(
        'ResourceNotFoundException',
      );
      await createGroup('/tags/many');
      const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
      await logs.send(
        new TagResourceCommand({ resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/tags/many`, tags }),
      );
      const tooMany = await errorOf(
        logs.send(
          new TagResourceCommand({
            resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/tags/many`,
            tags: { extra: 'x' },
          }),
        ),
      );
      expect(tooMany.name).toBe('TooManyTagsException');
    });
  });

  describe('retention policies', () => {
    it('puts and deletes a retention policy, refusing periods AWS does not offer', async () => {
      await createGroup('/retention/api');
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/retention/api', retentionInDays: 7 }));
      const desc = async () =>
        (await describeGroups({ logGroupNamePrefix: '/retention/api' })).logGroups![0]!.retentionInDays;
      expect(await desc()).toBe(7);
      const bad = await errorOf(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: '/retention/api', retentionInDays: 2 })),
      );
      expect(bad.name).toBe('InvalidParameterException');
      expect(bad.message).toContain(
        "Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14",
      );
      await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: '/retention/api' }));
      expect(await desc()).toBeUndefined();
      const missing = await errorOf(
        logs.send(new PutRetentionPolicyCommand({ logGroupName: '/none', retentionInDays: 1 })),
      );
      expect(missing.message).toBe('The specified log group does not exist.');
    });
  });
});
