import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

// AWS: a FIFO queue's SequenceNumber "continues to increase for a particular MessageGroupId". A
// restart must not hand out numbers again, not even once every message that had them is deleted.
describe('SQS FIFO sequence numbers across restarts', () => {
  const dir = tempDir('overcast-sqs-sequence-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('keep increasing after the queue was emptied and the server restarted (twice, once by SIGKILL)', async () => {
    const seen: bigint[] = [];
    let QueueUrl: string | undefined;
    for (let round = 0; round < 3; round++) {
      proc = await startOvercastProcess(['--data-dir', dir.path]);
      const sqs = sqsClient(proc.endpoint);
      QueueUrl ??= (
        await sqs.send(new CreateQueueCommand({ QueueName: 'seq.fifo', Attributes: { FifoQueue: 'true' } }))
      ).QueueUrl!;
      for (let i = 0; i < 3; i++) {
        const sent = await sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageBody: `r${round}m${i}`,
            MessageGroupId: 'g',
            MessageDeduplicationId: `r${round}m${i}`,
          }),
        );
        seen.push(BigInt(sent.SequenceNumber!));
      }
      // Empty the queue: nothing stored keeps the numbers handed out so far.
      for (let i = 0; i < 3; i++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        for (const m of Messages)
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
      if (round === 1) await proc.kill9();
      else await proc.stop();
      proc = undefined;
    }
    expect(seen).toHaveLength(9);
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
  });
});
