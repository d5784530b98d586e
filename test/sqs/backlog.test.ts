import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

// A server whose JavaScript heap is capped well below the backlog it is sent: message bodies must
// live in the store, not in memory, or the process runs out of heap (and, were they loaded back at
// start-up, could never start again on that data directory).
const HEAP_MB = 64;
const BODY = 256 * 1024 - 16;
const MESSAGES = 480; // 120 MiB of bodies

const env = { ...process.env, NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` };

describe('SQS backlog larger than the server heap', () => {
  const dir = tempDir('overcast-sqs-backlog-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('accepts, keeps across a restart and hands out 120 MiB of 256 KiB messages with a 64 MB heap', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path], 15_000, { env });
    let sqs = sqsClient(proc.endpoint);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'backlog' }));
    const body = (i: number) => `${String(i).padStart(6, '0')}:`.padEnd(BODY, String.fromCharCode(97 + (i % 26)));
    for (let i = 0; i < MESSAGES; i += 4)
      await Promise.all(
        [i, i + 1, i + 2, i + 3].map((n) => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body(n) }))),
      );
    expect(proc.child.exitCode).toBeNull();

    await proc.stop();
    proc = await startOvercastProcess(['--data-dir', dir.path], 15_000, { env });
    sqs = sqsClient(proc.endpoint);

    const seen = new Set<number>();
    for (let round = 0; round < MESSAGES && seen.size < MESSAGES; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages) {
        const n = Number(m.Body!.slice(0, 6));
        expect(m.Body).toBe(body(n));
        seen.add(n);
      }
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl,
          Entries: Messages.map((m, j) => ({ Id: `d${j}`, ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    expect(seen.size).toBe(MESSAGES);
    const { Messages: left = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(left).toEqual([]);
  }, 120_000);
});
