import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateAliasCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { CreateScheduleCommandInput, Target } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { createSdkFunction, lambdaClient } from '../helpers/lambda.js';
import { eventually, ROLE_ARN, sleep, startSchedulerServer } from './helpers.js';
import type { SchedulerTestServer } from './helpers.js';

const MINUTE = 60_000;
const ACCOUNT = '000000000000';
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
const queueArn = (name: string) => `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}`;

/** A function that records each event it receives as an item of the `sink` table. */
const RECORDER = [
  "const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
  'const ddb = new DynamoDBClient({});',
  'exports.handler = async (event) => {',
  '  await ddb.send(new PutItemCommand({ TableName: "sink", Item: { id: { S: String(event.id) }, event: { S: JSON.stringify(event) } } }));',
  '};',
].join('\n');

describe('EventBridge Scheduler firing on the injected clock', () => {
  let t: SchedulerTestServer;
  let lambda: LambdaClient;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 13, 0, 0));

  const sink = async () =>
    ((await t.ddb.send(new ScanCommand({ TableName: 'sink' }))).Items ?? []).map(
      (i) => JSON.parse(i['event']!.S!) as Record<string, string>,
    );
  const sinkWith = async (prefix: string) => (await sink()).filter((e) => String(e['id']).startsWith(prefix));

  async function queue(name: string, attributes?: Record<string, string>): Promise<string> {
    const r = await t.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return r.QueueUrl!;
  }
  async function drain(url: string, expected: number): Promise<Message[]> {
    const got: Message[] = [];
    await eventually(async () => {
      const r = await t.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          MessageAttributeNames: ['All'],
          VisibilityTimeout: 3600,
        }),
      );
      got.push(...(r.Messages ?? []));
      return got.length >= expected ? true : undefined;
    });
    // Nothing more arrives: the clock has not moved, so no further occurrence is due.
    await sleep(300);
    const more = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    got.push(...(more.Messages ?? []));
    // Deleted, so that a clock moved past their visibility timeout does not show them again.
    for (const m of got) await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    return got;
  }
  const schedule = (
    input: Omit<Partial<CreateScheduleCommandInput>, 'Target'> & { Name: string; Target: Omit<Target, 'RoleArn'> },
  ) =>
    t.scheduler.send(
      new CreateScheduleCommand({
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ...input,
        Target: { ...input.Target, RoleArn: ROLE_ARN } as Target,
      }),
    );

  beforeAll(async () => {
    t = await startSchedulerServer(clock);
    lambda = lambdaClient(t.endpoint);
    await t.ddb.send(
      new CreateTableCommand({
        TableName: 'sink',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await createSdkFunction(lambda, 'recorder', { 'index.js': RECORDER });
  });
  afterAll(async () => {
    lambda?.destroy();
    await t?.stop();
  });

  it('fires a rate schedule to an SQS queue exactly once per period, with context attributes substituted', async () => {
    const url = await queue('rate-target');
    const { ScheduleArn } = await schedule({
      Name: 'every-minute',
      Target: {
        Arn: queueArn('rate-target'),
        Input:
          '{"t":"<aws.scheduler.scheduled-time>","n":"<aws.scheduler.attempt-number>","arn":"<aws.scheduler.schedule-arn>","x":"<aws.scheduler.execution-id>"}',
      },
    });
    clock.advance(30_000);
    await sleep(200);
    expect((await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);

    clock.advance(3 * MINUTE - 30_000 + 10_000); // T0 + 3m10s: occurrences at +1m, +2m, +3m
    const messages = await drain(url, 3);
    expect(messages).toHaveLength(3);
    const bodies = messages.map((m) => JSON.parse(m.Body!) as Record<string, string>);
    expect(bodies.map((b) => b['t']).sort()).toEqual([
      '2026-06-01T13:01:00Z',
      '2026-06-01T13:02:00Z',
      '2026-06-01T13:03:00Z',
    ]);
    for (const b of bodies) {
      expect(b['n']).toBe('1');
      expect(b['arn']).toBe(ScheduleArn);
      expect(b['x']).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(bodies.map((b) => b['x'])).size).toBe(3);
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'every-minute' }));
  });

  it('sends the default Scheduled Event when the target has no Input, honours EndDate and DISABLED', async () => {
    const url = await queue('default-payload');
    const start = clock.now();
    const { ScheduleArn } = await schedule({
      Name: 'no-input',
      EndDate: new Date(start + 2.5 * MINUTE),
      Target: { Arn: queueArn('default-payload') },
    });
    await schedule({ Name: 'disabled', State: 'DISABLED', Target: { Arn: queueArn('default-payload') } });
    clock.advance(10 * MINUTE);
    const messages = await drain(url, 2);
    expect(messages).toHaveLength(2); // +1m and +2m; +3m is past EndDate; the disabled one never fires
    const event = JSON.parse(messages[0]!.Body!) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: ACCOUNT,
      region: 'us-east-1',
      resources: [ScheduleArn],
      detail: '{}',
    });
    expect(event['time']).toMatch(/^2026-06-01T13:0\d:\d\dZ$/);
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'no-input' }));
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'disabled' }));
  });

  it('a clock moved far ahead fires only the occurrences still within MaximumEventAgeInSeconds', async () => {
    const url = await queue('catch-up');
    const start = clock.now();
    await schedule({
      Name: 'catch-up',
      Target: {
        Arn: queueArn('catch-up'),
        Input: '<aws.scheduler.scheduled-time>',
        RetryPolicy: { MaximumEventAgeInSeconds: 120 },
      },
    });
    clock.advance(10 * MINUTE); // +1m … +10m are due; only those at or after now - 120 s are delivered
    const bodies = (await drain(url, 3)).map((m) => m.Body!).sort();
    expect(bodies).toEqual([8, 9, 10].map((m) => new Date(start + m * MINUTE).toISOString().replace('.000Z', 'Z')));
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'catch-up' }));
  });

  it('delivers to a FIFO queue with SqsParameters.MessageGroupId', async () => {
    const url = await queue('orders.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
    await schedule({
      Name: 'fifo',
      Target: {
        Arn: queueArn('orders.fifo'),
        Input: '{"at":"<aws.scheduler.scheduled-time>"}',
        SqsParameters: { MessageGroupId: 'orders' },
      },
    });
    clock.advance(2 * MINUTE);
    const r = await eventually(async () => {
      const m = await t.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'] }),
      );
      return m.Messages?.length ? m.Messages : undefined;
    });
    expect(r[0]!.Attributes?.['MessageGroupId']).toBe('orders');
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'fifo' }));
  });

  it('fires a cron schedule to a Lambda function at wall-clock times of its time zone', async () => {
    // 2026-06-01 is EDT (UTC-4): 09:30 New York is 13:30Z.
    clock.set(Date.UTC(2026, 5, 1, 13, 0, 0) + 20 * MINUTE);
    await schedule({
      Name: 'ny-cron',
      ScheduleExpression: 'cron(30 9 * * ? *)',
      ScheduleExpressionTimezone: 'America/New_York',
      Target: { Arn: fnArn('recorder'), Input: '{"id":"cron-<aws.scheduler.scheduled-time>"}' },
    });
    clock.advance(9 * MINUTE); // 13:29Z
    await sleep(300);
    expect(await sinkWith('cron-')).toHaveLength(0);
    clock.advance(2 * MINUTE); // 13:31Z
    const first = await eventually(async () => {
      const items = await sinkWith('cron-');
      return items.length ? items : undefined;
    }, 30_000);
    expect(first.map((e) => e['id'])).toEqual(['cron-2026-06-01T13:30:00Z']);
    clock.advance(24 * 60 * MINUTE); // the next day, 13:31Z
    const both = await eventually(async () => {
      const items = await sinkWith('cron-');
      return items.length >= 2 ? items : undefined;
    }, 30_000);
    expect(both.map((e) => e['id']).sort()).toEqual(['cron-2026-06-01T13:30:00Z', 'cron-2026-06-02T13:30:00Z']);
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'ny-cron' }));
  });

  it('fires a one-time at() schedule once in its time zone and deletes it (ActionAfterCompletion DELETE)', async () => {
    // 10:00 in Paris on 2026-06-03 (CEST, UTC+2) is 08:00Z.
    clock.set(Date.UTC(2026, 5, 3, 7, 0, 0));
    await schedule({
      Name: 'once',
      ScheduleExpression: 'at(2026-06-03T10:00:00)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: fnArn('recorder'), Input: '{"id":"once-<aws.scheduler.scheduled-time>"}' },
    });
    await schedule({
      Name: 'once-kept',
      ScheduleExpression: 'at(2026-06-03T08:00:00)',
      Target: { Arn: fnArn('recorder'), Input: '{"id":"kept-<aws.scheduler.scheduled-time>"}' },
    });
    clock.advance(59 * MINUTE);
    await sleep(300);
    expect(await sinkWith('once-')).toHaveLength(0);
    expect((await t.scheduler.send(new GetScheduleCommand({ Name: 'once' }))).State).toBe('ENABLED');
    clock.advance(2 * MINUTE);
    const items = await eventually(async () => {
      const found = [...(await sinkWith('once-')), ...(await sinkWith('kept-'))];
      return found.length >= 2 ? found : undefined;
    }, 30_000);
    expect(items.map((e) => e['id']).sort()).toEqual(['kept-2026-06-03T08:00:00Z', 'once-2026-06-03T08:00:00Z']);
    const gone = await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'once' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect((await t.scheduler.send(new GetScheduleCommand({ Name: 'once-kept' }))).Name).toBe('once-kept');
    clock.advance(24 * 60 * MINUTE);
    await sleep(300);
    expect([...(await sinkWith('once-')), ...(await sinkWith('kept-'))]).toHaveLength(2);
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'once-kept' }));
  });

  it('invokes a qualified function ARN (an alias)', async () => {
    await lambda.send(new CreateAliasCommand({ FunctionName: 'recorder', Name: 'live', FunctionVersion: '$LATEST' }));
    clock.set(Date.UTC(2026, 5, 3, 20, 0, 0));
    await schedule({
      Name: 'aliased',
      ScheduleExpression: 'at(2026-06-03T20:05:00)',
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: `${fnArn('recorder')}:live`, Input: '{"id":"alias-<aws.scheduler.scheduled-time>"}' },
    });
    clock.advance(5 * MINUTE);
    const items = await eventually(async () => {
      const found = await sinkWith('alias-');
      return found.length ? found : undefined;
    }, 30_000);
    expect(items.map((e) => e['id'])).toEqual(['alias-2026-06-03T20:05:00Z']);
  });

  it('retries a failed delivery MaximumRetryAttempts times, then sends it to the dead-letter queue', async () => {
    const dlq = await queue('scheduler-dlq');
    clock.set(Date.UTC(2026, 5, 4, 0, 0, 0));
    const { ScheduleArn } = await schedule({
      Name: 'to-nowhere',
      ScheduleExpression: 'at(2026-06-04T00:01:00)',
      Target: {
        Arn: fnArn('does-not-exist'),
        Input: '{"attempt":"<aws.scheduler.attempt-number>"}',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn('scheduler-dlq') },
      },
    });
    clock.advance(MINUTE);
    // Each retry waits for the back-off on the injected clock: move it a little at a time.
    const [message] = await eventually(async () => {
      clock.advance(5_000);
      const r = await t.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'], MaxNumberOfMessages: 10 }),
      );
      return r.Messages?.length ? r.Messages : undefined;
    });
    const attrs = Object.fromEntries(
      Object.entries(message!.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attrs).toMatchObject({
      ERROR_CODE: 'ResourceNotFoundException',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
      SCHEDULED_TIME: '2026-06-04T00:01:00Z',
      SCHEDULE_ARN: ScheduleArn,
      TARGET_ARN: fnArn('does-not-exist'),
      IS_PAYLOAD_TRUNCATED: 'false',
    });
    expect(attrs['ERROR_MESSAGE']).toContain('does-not-exist');
    expect(attrs['EXECUTION_ID']).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.parse(message!.Body!)).toEqual({ attempt: '3' });
  });

  it('a retry that succeeds carries the next attempt number; MaximumEventAgeInSeconds ends retries too', async () => {
    const dlq = await queue('age-dlq');
    clock.set(Date.UTC(2026, 5, 4, 12, 0, 0));
    await schedule({
      Name: 'late-target',
      ScheduleExpression: 'at(2026-06-04T12:01:00)',
      Target: { Arn: fnArn('late'), Input: '{"id":"late-<aws.scheduler.attempt-number>"}' },
    });
    await schedule({
      Name: 'too-old',
      ScheduleExpression: 'at(2026-06-04T12:01:00)',
      Target: {
        Arn: queueArn('no-such-queue'),
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
        DeadLetterConfig: { Arn: queueArn('age-dlq') },
      },
    });
    clock.advance(MINUTE);
    // The first attempts fail (neither the function nor the queue exists): wait until both are
    // recorded as failed and waiting for a retry before the function appears.
    await eventually(async () => {
      const row = await t.overcast.store.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM scheduler_deliveries WHERE attempt >= 1',
      );
      return row && row.n >= 2 ? true : undefined;
    });
    await createSdkFunction(lambda, 'late', { 'index.js': RECORDER });
    const [dead] = await eventually(async () => {
      clock.advance(10_000);
      const r = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageAttributeNames: ['All'] }));
      return r.Messages?.length ? r.Messages : undefined;
    });
    expect(dead!.MessageAttributes?.['EXHAUSTED_RETRY_CONDITION']?.StringValue).toBe('MaximumEventAgeInSeconds');
    expect(dead!.MessageAttributes?.['TARGET_ARN']?.StringValue).toBe(queueArn('no-such-queue'));
    expect(Number(dead!.MessageAttributes?.['RETRY_ATTEMPTS']?.StringValue)).toBeGreaterThan(0);
    const items = await eventually(async () => {
      const found = await sinkWith('late-');
      return found.length ? found : undefined;
    }, 30_000);
    expect(items.map((e) => e['id'])).toEqual(['late-2']);
  });

  it('an update moves the next occurrence; disabling stops it', async () => {
    const url = await queue('updated');
    clock.set(Date.UTC(2026, 5, 5, 0, 0, 0));
    await schedule({ Name: 'moving', ScheduleExpression: 'rate(1 hour)', Target: { Arn: queueArn('updated') } });
    clock.advance(30 * MINUTE);
    await t.scheduler.send(
      new UpdateScheduleCommand({
        Name: 'moving',
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: queueArn('updated'), RoleArn: ROLE_ARN, Input: 'tick' },
      }),
    );
    clock.advance(11 * MINUTE); // occurrences at +5m and +10m after the update
    expect((await drain(url, 2)).map((m) => m.Body)).toEqual(['tick', 'tick']);
    await t.scheduler.send(
      new UpdateScheduleCommand({
        Name: 'moving',
        State: 'DISABLED',
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: queueArn('updated'), RoleArn: ROLE_ARN, Input: 'tick' },
      }),
    );
    clock.advance(60 * MINUTE);
    await sleep(300);
    expect((await t.sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);
  });
});
