import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { createSdkFunction, lambdaClient } from '../helpers/lambda.js';
import { ACCOUNT, drain, eventually, fnArn, nothingMore, queueArn, sleep, startEventsServer } from './helpers.js';
import type { EventsTestServer } from './helpers.js';

const MINUTE = 60_000;

/** A function that records each event it receives as an item of the `eb-sink` table. */
const RECORDER = [
  "const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
  'const ddb = new DynamoDBClient({});',
  'exports.handler = async (event) => {',
  '  await ddb.send(new PutItemCommand({ TableName: "eb-sink", Item: { id: { S: String(event.id) }, event: { S: JSON.stringify(event) } } }));',
  '};',
].join('\n');

describe('EventBridge delivery', () => {
  let t: EventsTestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));

  async function queue(name: string, attributes?: Record<string, string>): Promise<string> {
    return (await t.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  }

  beforeAll(async () => {
    t = await startEventsServer(clock);
  });
  afterAll(() => t.stop());

  describe('PutEvents', () => {
    it('delivers matching events to SQS with the AWS event envelope', async () => {
      const url = await queue('pe-all');
      await t.events.send(
        new PutRuleCommand({
          Name: 'pe-all',
          EventPattern: JSON.stringify({ source: ['shop'], detail: { total: [{ numeric: ['>', 10] }] } }),
        }),
      );
      await t.events.send(new PutTargetsCommand({ Rule: 'pe-all', Targets: [{ Id: 'q', Arn: queueArn('pe-all') }] }));
      const r = await t.events.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ total: 50 }), Resources: ['arn:x'] },
            { Source: 'shop', DetailType: 'Order', Detail: JSON.stringify({ total: 5 }) },
            { Source: 'other', DetailType: 'Order', Detail: JSON.stringify({ total: 50 }) },
          ],
        }),
      );
      expect(r.FailedEntryCount).toBe(0);
      expect(r.Entries).toHaveLength(3);
      const [m] = await drain(t.sqs, url, 1);
      const event = JSON.parse(m!.Body!) as Record<string, unknown>;
      expect(event).toEqual({
        version: '0',
        id: r.Entries![0]!.EventId,
        'detail-type': 'Order',
        source: 'shop',
        account: ACCOUNT,
        time: '2026-06-01T12:00:00Z',
        region: 'us-east-1',
        resources: ['arn:x'],
        detail: { total: 50 },
      });
      expect(await nothingMore(t.sqs, url)).toEqual([]);
    });

    it('applies Input, InputPath and InputTransformer', async () => {
      const urls = await Promise.all(['pe-input', 'pe-path', 'pe-tr', 'pe-tr-text'].map((n) => queue(n)));
      await t.events.send(new PutRuleCommand({ Name: 'pe-tr', EventPattern: JSON.stringify({ source: ['tr'] }) }));
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'pe-tr',
          Targets: [
            { Id: 'input', Arn: queueArn('pe-input'), Input: '{"fixed":1}' },
            { Id: 'path', Arn: queueArn('pe-path'), InputPath: '$.detail.order' },
            {
              Id: 'tr',
              Arn: queueArn('pe-tr'),
              InputTransformer: {
                InputPathsMap: { id: '$.detail.order.id', items: '$.detail.order.items', who: '$.detail.who' },
                InputTemplate:
                  '{"orderId": <id>, "items": <items>, "who": "<who>", "rule": "<aws.events.rule-name>", "arn": "<aws.events.rule-arn>", "original": <aws.events.event>}',
              },
            },
            {
              Id: 'text',
              Arn: queueArn('pe-tr-text'),
              InputTransformer: { InputPathsMap: { who: '$.detail.who' }, InputTemplate: '"<who> ordered"' },
            },
          ],
        }),
      );
      const detail = { order: { id: 7, items: ['a', 'b'] }, who: 'Ann "the" buyer' };
      const r = await t.events.send(
        new PutEventsCommand({ Entries: [{ Source: 'tr', DetailType: 'x', Detail: JSON.stringify(detail) }] }),
      );
      const [input, path, tr, text] = await Promise.all(urls.map((u) => drain(t.sqs, u, 1)));
      expect(input![0]!.Body).toBe('{"fixed":1}');
      expect(JSON.parse(path![0]!.Body!)).toEqual({ id: 7, items: ['a', 'b'] });
      const transformed = JSON.parse(tr![0]!.Body!) as Record<string, any>;
      expect(transformed).toMatchObject({
        orderId: 7,
        items: ['a', 'b'],
        who: 'Ann "the" buyer',
        rule: 'pe-tr',
        arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/pe-tr`,
      });
      expect(transformed['original']).toMatchObject({ id: r.Entries![0]!.EventId, source: 'tr', detail });
      expect(text![0]!.Body).toBe('"Ann "the" buyer ordered"');
    });

    it('reports entry errors as FailedEntries', async () => {
      const r = await t.events
        .send(
          new PutEventsCommand({
            Entries: [
              { DetailType: 'x', Detail: '{}' },
              { Source: 's', Detail: '{}' },
              { Source: 's', DetailType: 'x' },
              { Source: 's', DetailType: 'x', Detail: 'not json' },
              { Source: 's', DetailType: 'x', Detail: '[1]' },
              { Source: 'aws.ec2', DetailType: 'x', Detail: '{}' },
              { Source: 's', DetailType: 'x', Detail: '{}', EventBusName: 'missing-bus' },
              { Source: 's', DetailType: 'x', Detail: '{}' },
            ],
          }),
        )
        .catch((e: unknown) => e);
      // More than ten entries is a model violation; eight are fine.
      const res = r as { FailedEntryCount: number; Entries: Array<Record<string, string>> };
      expect(res.FailedEntryCount).toBe(7);
      expect(res.Entries.map((e) => e['ErrorCode'] ?? 'ok')).toEqual([
        'InvalidArgument',
        'InvalidArgument',
        'InvalidArgument',
        'MalformedDetail',
        'MalformedDetail',
        'NotAuthorizedForSourceException',
        'ResourceNotFoundException',
        'ok',
      ]);
      expect(res.Entries[0]!['ErrorMessage']).toBe(
        'Parameter Source is not valid. Reason: Source is a required argument.',
      );
      expect(res.Entries[3]!['ErrorMessage']).toBe('Detail is malformed.');
      expect(res.Entries[7]!['EventId']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('refuses more than ten entries and more than 256 KB', async () => {
      const eleven = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'x', Detail: '{}' }));
      const e = await errorOf(t.events.send(new PutEventsCommand({ Entries: eleven })));
      expect(e.name).toBe('ValidationException');
      const big = JSON.stringify({ pad: 'x'.repeat(130 * 1024) });
      const e2 = await errorOf(
        t.events.send(
          new PutEventsCommand({
            Entries: [
              { Source: 's', DetailType: 'x', Detail: big },
              { Source: 's', DetailType: 'x', Detail: big },
            ],
          }),
        ),
      );
      expect(e2.name).toBe('ValidationException');
      expect(e2.message).toBe('Total size of the entries in the request is over the limit.');
    });

    it('routes on custom buses, to FIFO queues, and skips disabled rules', async () => {
      await t.events.send(new CreateEventBusCommand({ Name: 'deliv' }));
      const url = await queue('deliv.fifo', { FifoQueue: 'true' });
      await t.events.send(
        new PutRuleCommand({ Name: 'fifo', EventBusName: 'deliv', EventPattern: JSON.stringify({ source: ['b'] }) }),
      );
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'fifo',
          EventBusName: 'deliv',
          Targets: [{ Id: 'f', Arn: queueArn('deliv.fifo'), SqsParameters: { MessageGroupId: 'g1' } }],
        }),
      );
      // On the default bus: not routed to the custom bus's rule.
      await t.events.send(new PutEventsCommand({ Entries: [{ Source: 'b', DetailType: 'x', Detail: '{"n":0}' }] }));
      await t.events.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: 'b',
              DetailType: 'x',
              Detail: '{"n":1}',
              EventBusName: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/deliv`,
            },
          ],
        }),
      );
      const [m] = await drain(t.sqs, url, 1);
      expect(JSON.parse(m!.Body!).detail).toEqual({ n: 1 });
      await t.events.send(new DisableRuleCommand({ Name: 'fifo', EventBusName: 'deliv' }));
      await t.events.send(
        new PutEventsCommand({ Entries: [{ Source: 'b', DetailType: 'x', Detail: '{"n":2}', EventBusName: 'deliv' }] }),
      );
      expect(await nothingMore(t.sqs, url)).toEqual([]);
    });

    it('forwards to another event bus of the account', async () => {
      await t.events.send(new CreateEventBusCommand({ Name: 'fwd-bus' }));
      const url = await queue('fwd-q');
      await t.events.send(new PutRuleCommand({ Name: 'fwd', EventPattern: JSON.stringify({ source: ['fwd'] }) }));
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'fwd',
          Targets: [{ Id: 'bus', Arn: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/fwd-bus` }],
        }),
      );
      await t.events.send(
        new PutRuleCommand({
          Name: 'on-fwd',
          EventBusName: 'fwd-bus',
          EventPattern: JSON.stringify({ source: ['fwd'] }),
        }),
      );
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'on-fwd',
          EventBusName: 'fwd-bus',
          Targets: [{ Id: 'q', Arn: queueArn('fwd-q') }],
        }),
      );
      const r = await t.events.send(
        new PutEventsCommand({ Entries: [{ Source: 'fwd', DetailType: 'x', Detail: '{"hop":1}' }] }),
      );
      const [m] = await drain(t.sqs, url, 1);
      expect(JSON.parse(m!.Body!)).toMatchObject({ id: r.Entries![0]!.EventId, source: 'fwd', detail: { hop: 1 } });
    });

    it('a bus that targets itself forwards once, not forever', async () => {
      const url = await queue('loop-q');
      const self = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/fwd-bus`;
      await t.events.send(
        new PutRuleCommand({
          Name: 'loop',
          EventBusName: 'fwd-bus',
          EventPattern: JSON.stringify({ source: ['loop'] }),
        }),
      );
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'loop',
          EventBusName: 'fwd-bus',
          Targets: [
            { Id: 'self', Arn: self },
            { Id: 'q', Arn: queueArn('loop-q') },
          ],
        }),
      );
      await t.events.send(
        new PutEventsCommand({ Entries: [{ Source: 'loop', DetailType: 'x', Detail: '{}', EventBusName: 'fwd-bus' }] }),
      );
      await drain(t.sqs, url, 2);
      expect(await nothingMore(t.sqs, url, 400)).toEqual([]);
    });

    it('sends failed deliveries to the target dead-letter queue', async () => {
      const dlq = await queue('pe-dlq');
      await t.events.send(new PutRuleCommand({ Name: 'pe-dlq', EventPattern: JSON.stringify({ source: ['dlq'] }) }));
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'pe-dlq',
          Targets: [{ Id: 'gone', Arn: fnArn('no-such-function'), DeadLetterConfig: { Arn: queueArn('pe-dlq') } }],
        }),
      );
      await t.events.send(new PutEventsCommand({ Entries: [{ Source: 'dlq', DetailType: 'x', Detail: '{}' }] }));
      const [m] = await drain(t.sqs, dlq, 1);
      expect(JSON.parse(m!.Body!).source).toBe('dlq');
      expect(m!.MessageAttributes!['RULE_ARN']!.StringValue).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/pe-dlq`);
      expect(m!.MessageAttributes!['TARGET_ARN']!.StringValue).toBe(fnArn('no-such-function'));
      expect(m!.MessageAttributes!['ERROR_CODE']!.StringValue).toBe('ResourceNotFoundException');
    });
  });

  describe('schedules on the injected clock', () => {
    it('a rate rule fires once per period, as the clock advances', async () => {
      const url = await queue('sched-rate');
      const created = clock.now();
      await t.events.send(new PutRuleCommand({ Name: 'sched-rate', ScheduleExpression: 'rate(5 minutes)' }));
      await t.events.send(
        new PutTargetsCommand({ Rule: 'sched-rate', Targets: [{ Id: 'q', Arn: queueArn('sched-rate') }] }),
      );
      clock.advance(4 * MINUTE);
      expect(await nothingMore(t.sqs, url, 300)).toEqual([]);
      clock.advance(MINUTE);
      const [m] = await drain(t.sqs, url, 1);
      expect(JSON.parse(m!.Body!)).toEqual({
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: ACCOUNT,
        time: new Date(created + 5 * MINUTE).toISOString().replace('.000Z', 'Z'),
        region: 'us-east-1',
        resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/sched-rate`],
        detail: {},
      });
      expect(await nothingMore(t.sqs, url, 300)).toEqual([]);
      clock.advance(5 * MINUTE);
      const [m2] = await drain(t.sqs, url, 1);
      expect(JSON.parse(m2!.Body!).time).toBe(new Date(created + 10 * MINUTE).toISOString().replace('.000Z', 'Z'));
      // A jump over several periods fires once (missed periods collapse), then on schedule again.
      clock.advance(17 * MINUTE);
      const jumped = await drain(t.sqs, url, 1);
      expect(await nothingMore(t.sqs, url, 300)).toEqual([]);
      expect(jumped).toHaveLength(1);
      expect(JSON.parse(jumped[0]!.Body!).time).toBe(
        new Date(created + 15 * MINUTE).toISOString().replace('.000Z', 'Z'),
      );
      clock.advance(3 * MINUTE); // created + 30 min
      await drain(t.sqs, url, 1);
    });

    it('a cron rule fires at its wall-clock times; disabled rules do not fire', async () => {
      const url = await queue('sched-cron');
      clock.set(Date.UTC(2026, 5, 2, 9, 58, 30));
      await t.events.send(
        new PutRuleCommand({ Name: 'sched-cron', ScheduleExpression: 'cron(0 10 * * ? *)', Description: 'daily' }),
      );
      await t.events.send(
        new PutTargetsCommand({
          Rule: 'sched-cron',
          Targets: [{ Id: 'q', Arn: queueArn('sched-cron'), Input: '{"cron":true}' }],
        }),
      );
      clock.advance(MINUTE);
      expect(await nothingMore(t.sqs, url, 300)).toEqual([]);
      clock.advance(MINUTE); // 10:00:30
      const [m] = await drain(t.sqs, url, 1);
      expect(m!.Body).toBe('{"cron":true}');
      await t.events.send(new DisableRuleCommand({ Name: 'sched-cron' }));
      clock.advance(24 * 60 * MINUTE);
      expect(await nothingMore(t.sqs, url, 300)).toEqual([]);
      await t.events.send(new EnableRuleCommand({ Name: 'sched-cron' }));
      clock.advance(24 * 60 * MINUTE);
      await drain(t.sqs, url, 1);
    });

    it('invokes Lambda targets asynchronously with the scheduled event', async () => {
      await t.ddb.send(
        new CreateTableCommand({
          TableName: 'eb-sink',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const lambda = lambdaClient(t.endpoint);
      await createSdkFunction(lambda, 'eb-recorder', { 'index.js': RECORDER });
      await t.events.send(new PutRuleCommand({ Name: 'sched-fn', ScheduleExpression: 'rate(1 minute)' }));
      await t.events.send(
        new PutTargetsCommand({ Rule: 'sched-fn', Targets: [{ Id: 'fn', Arn: fnArn('eb-recorder') }] }),
      );
      clock.advance(MINUTE);
      const events = await eventually(async () => {
        const items = (await t.ddb.send(new ScanCommand({ TableName: 'eb-sink' }))).Items ?? [];
        const evs = items.map((i) => JSON.parse(i['event']!.S!) as Record<string, unknown>);
        return evs.length > 0 ? evs : undefined;
      }, 60_000);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/sched-fn`],
      });
      lambda.destroy();
      await sleep(0);
    }, 90_000);
  });
});
