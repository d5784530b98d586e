import type { Migration } from '../../../storage/store.js';

/**
 * SQS's tables. A queue is keyed by (account, region, name) and has an internal id (one
 * incarnation); its messages are keyed by (queue id, seq) where seq is the send order. The mutable
 * part of a message (visibility deadline, receive count, current receipt) sits in its own columns so
 * a receive rewrites only those; deduplication ids of FIFO queues live for 5 minutes in sqs_dedup.
 */
export const SQS_MIGRATIONS: Migration[] = [
  {
    id: '001-queues-messages',
    statements: (d) => [
      `CREATE TABLE sqs_queues (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        id ${d.integer} NOT NULL, attributes ${d.text} NOT NULL, tags ${d.text} NOT NULL,
        created_at ${d.integer} NOT NULL, modified_at ${d.integer} NOT NULL,
        PRIMARY KEY (account, region, name))`,
      `CREATE UNIQUE INDEX sqs_queues_id ON sqs_queues (id)`,
      `CREATE TABLE sqs_messages (
        queue_id ${d.integer} NOT NULL, seq ${d.integer} NOT NULL, data ${d.text} NOT NULL,
        visible_at ${d.integer} NOT NULL, receive_count ${d.integer} NOT NULL, first_receive_at ${d.integer},
        receipt ${d.text},
        PRIMARY KEY (queue_id, seq))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE TABLE sqs_dedup (
        queue_id ${d.integer} NOT NULL, dedup_key ${d.text} NOT NULL, message_id ${d.text} NOT NULL,
        sequence_number ${d.text}, expires_at ${d.integer} NOT NULL,
        PRIMARY KEY (queue_id, dedup_key))`,
    ],
  },
];
