import { CreateScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { tempDir } from '../helpers/server.js';
import { eventually, ROLE_ARN, sleep, startSchedulerServer } from './helpers.js';

describe('EventBridge Scheduler persistence', () => {
  const dir = tempDir('overcast-scheduler-');
  afterAll(() => dir.cleanup());

  it('keeps schedules and their next occurrence across a restart, and fires what came due while stopped', async () => {
    const clock = new ManualClock(Date.UTC(2026, 8, 1, 0, 0, 0));
    const config = { ephemeral: false, dataDir: dir.path };
    const first = await startSchedulerServer(clock, config);
    const { QueueUrl } = await first.sqs.send(new CreateQueueCommand({ QueueName: 'kept' }));
    await first.scheduler.send(
      new CreateScheduleCommand({
        Name: 'survivor',
        ScheduleExpression: 'rate(15 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:sqs:us-east-1:000000000000:kept',
          RoleArn: ROLE_ARN,
          Input: '<aws.scheduler.scheduled-time>',
        },
      }),
    );
    await first.stop();

    clock.advance(31 * 60_000); // occurrences at +15m and +30m came due while the server was down
    const second = await startSchedulerServer(clock, config);
    try {
      expect((await second.scheduler.send(new GetScheduleCommand({ Name: 'survivor' }))).State).toBe('ENABLED');
      const bodies: string[] = [];
      await eventually(async () => {
        const r = await second.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
        );
        bodies.push(...(r.Messages ?? []).map((m) => m.Body!));
        return bodies.length >= 2 ? true : undefined;
      });
      await sleep(300);
      const more = await second.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect([...bodies, ...(more.Messages ?? []).map((m) => m.Body!)].sort()).toEqual([
        '2026-09-01T00:15:00Z',
        '2026-09-01T00:30:00Z',
      ]);
    } finally {
      await second.stop();
    }
  });
});
