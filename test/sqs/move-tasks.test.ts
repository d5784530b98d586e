import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  SendMessageBatchCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import type { ListMessageMoveTasksResultEntry, SQSClient } from '@aws-sdk/client-sqs';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

// StartMessageMoveTask runs as a task (AWS: "an asynchronous task"): RUNNING while it moves, at the
// rate asked for (counted on the server's clock, here a manual one), cancellable, one at a time
// per source queue.
describe('SQS message move tasks (DLQ redrive)', () => {
  let server: TestServer;
  let sqs: SQSClient;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    sqs = sqsClient(server.endpoint);
  });
  afterAll(async () => {
    sqs.destroy();
    await server.stop();
  });

  /** A DLQ (of a source queue) holding `n` messages sent to it directly, and an empty target queue. */
  const setUp = async (name: string, n: number) => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const arnOf = async (QueueUrl: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes![
        'QueueArn'
      ]!;
    const dlqArn = await arnOf(dlq.QueueUrl!);
    await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}-src`,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
      }),
    );
    const target = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-target` }));
    for (let i = 0; i < n; i += 10) {
      const Entries = Array.from({ length: Math.min(10, n - i) }, (_, k) => ({
        Id: String(k),
        MessageBody: `m${i + k}`,
      }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: dlq.QueueUrl, Entries }));
    }
    return { dlqArn, dlqUrl: dlq.QueueUrl!, targetUrl: target.QueueUrl!, targetArn: await arnOf(target.QueueUrl!) };
  };
  const count = async (QueueUrl: string) =>
    Number(
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] })))
        .Attributes!['ApproximateNumberOfMessages'],
    );
  const latest = async (SourceArn: string): Promise<ListMessageMoveTasksResultEntry> =>
    (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn }))).Results![0]!;
  /** Polls (real time) until the latest task of the source is in one of `statuses`. */
  const until = async (SourceArn: string, statuses: string[]): Promise<ListMessageMoveTasksResultEntry> => {
    for (let i = 0; i < 200; i++) {
      const t = await latest(SourceArn);
      if (statuses.includes(t.Status!)) return t;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`task of ${SourceArn} never reached ${statuses.join('/')}`);
  };

  it('moves every message to the destination in the background, then is COMPLETED', async () => {
    const { dlqArn, dlqUrl, targetUrl, targetArn } = await setUp('all', 250);
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: targetArn }),
    );
    expect(TaskHandle).toBeTruthy();
    const done = await until(dlqArn, ['COMPLETED']);
    expect(done).toEqual({
      Status: 'COMPLETED',
      SourceArn: dlqArn,
      DestinationArn: targetArn,
      ApproximateNumberOfMessagesMoved: 250,
      ApproximateNumberOfMessagesToMove: 250,
      StartedTimestamp: clock.now(),
    });
    expect([await count(dlqUrl), await count(targetUrl)]).toEqual([0, 250]);
  });

  it('keeps to MaxNumberOfMessagesPerSecond, runs one task per queue, and cancels', async () => {
    const { dlqArn, dlqUrl, targetUrl, targetArn } = await setUp('rate', 50);
    const { TaskHandle } = await sqs.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        DestinationArn: targetArn,
        MaxNumberOfMessagesPerSecond: 10,
      }),
    );
    // The clock stands still: one tick's worth (a tenth of a second at 10 a second) moves.
    await new Promise((r) => setTimeout(r, 400));
    const running = await latest(dlqArn);
    expect(running).toMatchObject({
      Status: 'RUNNING',
      TaskHandle,
      MaxNumberOfMessagesPerSecond: 10,
      ApproximateNumberOfMessagesMoved: 1,
      ApproximateNumberOfMessagesToMove: 50,
    });
    const again = await errorOf(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: targetArn })),
    );
    expect([again.name, again.message]).toEqual([
      'InvalidParameterValue',
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    ]);
    clock.advance(2_000);
    await new Promise((r) => setTimeout(r, 400));
    expect((await latest(dlqArn)).ApproximateNumberOfMessagesMoved).toBe(21);
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBe(21);
    const ended = await until(dlqArn, ['CANCELLED']);
    expect(ended.TaskHandle).toBeUndefined();
    expect([await count(dlqUrl), await count(targetUrl)]).toEqual([29, 21]);
    const twice = await errorOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })));
    expect([twice.name, twice.message]).toEqual(['UnsupportedOperation', 'Only active tasks can be cancelled.']);
    // A new task may start now; ListMessageMoveTasks shows the newest first.
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: targetArn }));
    await until(dlqArn, ['COMPLETED']);
    const both = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    expect(both.Results?.map((t) => [t.Status, t.ApproximateNumberOfMessagesMoved])).toEqual([
      ['COMPLETED', 29],
      ['CANCELLED', 21],
    ]);
  });

  it('fails a task whose messages have no queue to go back to; refuses bad rates and handles', async () => {
    // Sent to the DLQ directly: no source queue to redrive them to.
    const { dlqArn } = await setUp('orphans', 3);
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(await until(dlqArn, ['FAILED'])).toMatchObject({
      Status: 'FAILED',
      ApproximateNumberOfMessagesMoved: 0,
      FailureReason: 'AWS.SimpleQueueService.NonExistentQueue',
    });
    const rate = await errorOf(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 })),
    );
    expect([rate.name, rate.message]).toEqual([
      'InvalidParameterValue',
      'Value 501 for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.',
    ]);
    const bad = await errorOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'not-a-handle' })));
    expect([bad.name, bad.message]).toEqual(['InvalidParameterValue', 'Value for parameter TaskHandle is invalid.']);
    const unknown = Buffer.from(JSON.stringify({ taskId: 'nope', sourceArn: dlqArn })).toString('base64');
    const missing = await errorOf(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: unknown })));
    expect([missing.name, missing.message]).toEqual(['ResourceNotFoundException', 'Task does not exist.']);
  });
});
