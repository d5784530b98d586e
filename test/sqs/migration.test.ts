import { createHash, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { SQS_MIGRATIONS } from '../../src/services/sqs/storage/migrations.js';
import { DEFAULT_ATTRIBUTES } from '../../src/services/sqs/attributes.js';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import { sqsClient } from './helpers.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

// A data directory written by a build whose SQS messages table was keyed by (queue id, seq)
// (migration 001 only): the server must carry its messages, their receive state and their order
// over to the table keyed by seq alone, and drop rows whose queue is gone.
describe('SQS data written in the first table layout', () => {
  const dir = tempDir('overcast-sqs-migration-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('keeps every message, its order and its in-flight state, and drops orphaned rows', async () => {
    const now = Date.now();
    const old = new SqliteStore({ dataDir: dir.path });
    await old.migrate('sqs', SQS_MIGRATIONS.slice(0, 1));
    for (const [id, name] of [
      [1, 'alpha'],
      [2, 'beta'],
    ] as const)
      await old.run(
        'INSERT INTO sqs_queues (account, region, name, id, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        ['000000000000', 'us-east-1', name, id, JSON.stringify(DEFAULT_ATTRIBUTES), '{}', now, now],
      );
    // Interleaved sends to both queues; alpha's third message is in flight for another hour; queue 9
    // no longer exists.
    const rows: [number, number, string, number, number, number | null, string | null][] = [];
    const add = (queueId: number, seq: number, body: string, inflight = false) =>
      rows.push([
        queueId,
        seq,
        JSON.stringify({ id: randomUUID(), body, md5: md5(body), sentAt: now - 1000 + seq, senderId: '000000000000' }),
        inflight ? now + 3_600_000 : now - 1000 + seq,
        inflight ? 1 : 0,
        inflight ? now - 10 : null,
        inflight ? 'nonce' : null,
      ]);
    add(1, 1, 'a1');
    add(2, 2, 'b1');
    add(1, 3, 'a2');
    add(9, 4, 'orphan');
    add(1, 5, 'a3', true);
    add(2, 6, 'b2');
    add(1, 7, 'a4');
    for (const r of rows)
      await old.run(
        'INSERT INTO sqs_messages (queue_id, seq, data, visible_at, receive_count, first_receive_at, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)',
        r,
      );
    await old.close();

    proc = await startOvercastProcess(['--data-dir', dir.path]);
    let sqs = sqsClient(proc.endpoint);
    const alpha = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'alpha' }))).QueueUrl!;
    const beta = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'beta' }))).QueueUrl!;
    const counts = async (url: string) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return [Attributes['ApproximateNumberOfMessages'], Attributes['ApproximateNumberOfMessagesNotVisible']];
    };
    expect(await counts(alpha)).toEqual(['3', '1']);
    expect(await counts(beta)).toEqual(['2', '0']);

    // A new message gets a seq past every migrated one (no clash with alpha's rows).
    await sqs.send(new SendMessageCommand({ QueueUrl: beta, MessageBody: 'b3' }));
    const receiveAll = async (url: string) => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      );
      return Messages.map((m) => m.Body);
    };
    expect((await receiveAll(alpha)).sort()).toEqual(['a1', 'a2', 'a4']);
    expect((await receiveAll(beta)).sort()).toEqual(['b1', 'b2', 'b3']);

    // Deleting one and restarting: the rest, and the in-flight one, are still there.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: beta, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    const b1 = Messages.find((m) => m.Body === 'b1')!;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: beta, ReceiptHandle: b1.ReceiptHandle! }));
    await proc.stop();
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    sqs = sqsClient(proc.endpoint);
    expect(await counts(alpha)).toEqual(['3', '1']);
    expect((await receiveAll(beta)).sort()).toEqual(['b2', 'b3']);
    await proc.stop();
    proc = undefined;

    const db = new Database(`${dir.path}/overcast.db`, { readonly: true });
    try {
      const left = db
        .prepare('SELECT queue_id, count(*) AS n FROM sqs_messages GROUP BY queue_id ORDER BY queue_id')
        .all();
      expect(left).toEqual([
        { queue_id: 1, n: 4 },
        { queue_id: 2, n: 2 },
      ]);
    } finally {
      db.close();
    }
  });
});
