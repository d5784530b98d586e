import {
  CreateEventBusCommand,
  DescribeRuleCommand,
  ListEventBusesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { tempDir } from '../helpers/server.js';
import { ACCOUNT, drain, nothingMore, queueArn, startEventsServer } from './helpers.js';
import type { EventsTestServer } from './helpers.js';

const MINUTE = 60_000;

describe('EventBridge durability', () => {
  const dir = tempDir('overcast-events-');
  afterAll(() => dir.cleanup());

  it('rules, targets, buses and tags survive a restart; missed periods fire once', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 0, 0, 0));
    let t: EventsTestServer = await startEventsServer(clock, { ephemeral: false, dataDir: dir.path });
    const url = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'durable' }))).QueueUrl!;
    await t.events.send(new CreateEventBusCommand({ Name: 'kept', Tags: [{ Key: 'a', Value: 'b' }] }));
    await t.events.send(
      new PutRuleCommand({ Name: 'tick', ScheduleExpression: 'rate(1 minute)', Tags: [{ Key: 't', Value: '1' }] }),
    );
    await t.events.send(new PutTargetsCommand({ Rule: 'tick', Targets: [{ Id: 'q', Arn: queueArn('durable') }] }));
    clock.advance(MINUTE);
    await drain(t.sqs, url, 1);
    await t.stop();

    // Ten periods pass while the server is down.
    clock.advance(10 * MINUTE);
    t = await startEventsServer(clock, { ephemeral: false, dataDir: dir.path });
    try {
      const fired = await drain(t.sqs, url, 1);
      expect(await nothingMore(t.sqs, url, 400)).toEqual([]);
      expect(fired).toHaveLength(1);
      expect((await t.events.send(new DescribeRuleCommand({ Name: 'tick' }))).ScheduleExpression).toBe(
        'rate(1 minute)',
      );
      expect((await t.events.send(new ListTargetsByRuleCommand({ Rule: 'tick' }))).Targets).toEqual([
        { Id: 'q', Arn: queueArn('durable') },
      ]);
      expect((await t.events.send(new ListEventBusesCommand({}))).EventBuses!.map((b) => b.Name)).toEqual([
        'default',
        'kept',
      ]);
      const busTags = await t.events.send(
        new ListTagsForResourceCommand({ ResourceARN: `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/kept` }),
      );
      expect(busTags.Tags).toEqual([{ Key: 'a', Value: 'b' }]);
      // Back on schedule: the next minute fires once more.
      clock.advance(MINUTE);
      await drain(t.sqs, url, 1);
    } finally {
      await t.stop();
    }
  });
});
