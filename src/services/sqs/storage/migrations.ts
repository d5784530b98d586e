import type { Migration } from '../../../storage/store.js';

/**
 * SQS's tables. A queue is keyed by (account, region, name) and has an internal id (one
 * incarnation); its messages are keyed by seq, the send order (one counter for all queues of a server). The mutable
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
  {
    // Messages keyed by seq alone (unique across queues: one counter per server), which in SQLite
    // is the rowid: sends append to the table's right edge and receives and deletes find rows by
    // rowid. In the first layout (a WITHOUT ROWID table keyed by queue and seq) a ~400-byte message
    // row filled an index-format page after ~9 rows and every append rebalanced pages: measured in
    // isolation (10-message batches, groups of 3, WAL with checkpoints), a message's whole life
    // (insert, receive, delete, their commits) cost ~19 µs there against ~13 µs here. Loading scans
    // the table in seq order; a queue's messages are found by the seqs its in-memory state holds.
    id: '002-messages-by-seq',
    statements: (d) => [
      `CREATE TABLE sqs_messages_by_seq (
        seq ${d.integer} PRIMARY KEY, queue_id ${d.integer} NOT NULL, data ${d.text} NOT NULL,
        visible_at ${d.integer} NOT NULL, receive_count ${d.integer} NOT NULL, first_receive_at ${d.integer},
        receipt ${d.text})`,
      `INSERT INTO sqs_messages_by_seq (seq, queue_id, data, visible_at, receive_count, first_receive_at, receipt)
        SELECT seq, queue_id, data, visible_at, receive_count, first_receive_at, receipt FROM sqs_messages ORDER BY seq`,
      `DROP TABLE sqs_messages`,
      `ALTER TABLE sqs_messages_by_seq RENAME TO sqs_messages`,
    ],
  },
  {
    // The seq mark (see SqsEngine.seqMark): seqs and FIFO sequence numbers never repeat across
    // restarts. Without it, the next seq after a restart was the highest one still stored plus one.
    id: '003-counters',
    statements: (d) => [
      `CREATE TABLE sqs_counters (name ${d.text} NOT NULL PRIMARY KEY, value ${d.integer} NOT NULL)`,
      `INSERT INTO sqs_counters (name, value) SELECT 'seq', COALESCE(MAX(seq), 0) + 1 FROM sqs_messages`,
    ],
  },
];
