import type { Migration } from '../../../storage/store.js';

/**
 * DynamoDB's tables. Items are keyed by (table, bucket, pk, sk): `bucket` is a 32-bit hash of the
 * partition key, so a scan walks partitions in hash order and parallel-scan segments are ranges of
 * buckets. `pk`/`sk` are order-preserving encodings (memcmp order = DynamoDB key order).
 */
export const DYNAMODB_MIGRATIONS: Migration[] = [
  {
    id: '001-tables-items-indexes',
    statements: (d) => [
      `CREATE TABLE ddb_tables (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        id ${d.integer} NOT NULL, record ${d.text} NOT NULL,
        PRIMARY KEY (account, region, name))`,
      `CREATE TABLE ddb_items (
        table_id ${d.integer} NOT NULL, bucket ${d.integer} NOT NULL, pk ${d.blob} NOT NULL, sk ${d.blob} NOT NULL,
        item ${d.text} NOT NULL, size ${d.integer} NOT NULL,
        PRIMARY KEY (table_id, bucket, pk, sk))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE TABLE ddb_index_items (
        table_id ${d.integer} NOT NULL, index_name ${d.text} NOT NULL, bucket ${d.integer} NOT NULL,
        ipk ${d.blob} NOT NULL, isk ${d.blob} NOT NULL, tpk ${d.blob} NOT NULL, tsk ${d.blob} NOT NULL,
        item ${d.text} NOT NULL, size ${d.integer} NOT NULL,
        PRIMARY KEY (table_id, index_name, bucket, ipk, isk, tpk, tsk))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE TABLE ddb_sequence (name ${d.text} PRIMARY KEY, value ${d.integer} NOT NULL)`,
    ],
  },
  {
    // DynamoDB Streams: a stream per enabling of a table's StreamSpecification (it outlives the
    // table for 24 hours), its shards, and its records keyed by (stream, shard, sequence number).
    // TTL: the expiry time of every item of a TTL-enabled table, so the sweeper reads only
    // expired items.
    id: '002-streams-ttl',
    statements: (d) => [
      `CREATE TABLE ddb_streams (
        id ${d.integer} NOT NULL PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL,
        table_name ${d.text} NOT NULL, table_id ${d.integer} NOT NULL, arn ${d.text} NOT NULL, label ${d.text} NOT NULL,
        view_type ${d.text} NOT NULL, key_schema ${d.text} NOT NULL, created_at ${d.integer} NOT NULL,
        disabled_at ${d.integer})`,
      `CREATE UNIQUE INDEX ddb_streams_arn ON ddb_streams (arn)`,
      `CREATE INDEX ddb_streams_table ON ddb_streams (account, region, table_name, id)`,
      `CREATE TABLE ddb_stream_shards (
        stream_id ${d.integer} NOT NULL, shard_no ${d.integer} NOT NULL, shard_id ${d.text} NOT NULL,
        parent_shard_id ${d.text}, start_seq ${d.integer} NOT NULL, end_seq ${d.integer},
        created_at ${d.integer} NOT NULL, closed_at ${d.integer}, trimmed_seq ${d.integer} NOT NULL,
        PRIMARY KEY (stream_id, shard_no))`,
      `CREATE TABLE ddb_stream_records (
        stream_id ${d.integer} NOT NULL, shard_no ${d.integer} NOT NULL, seq ${d.integer} NOT NULL,
        created_at ${d.integer} NOT NULL, size ${d.integer} NOT NULL, record ${d.text} NOT NULL,
        PRIMARY KEY (stream_id, shard_no, seq))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE TABLE ddb_ttl_expiry (
        table_id ${d.integer} NOT NULL, expires ${d.real} NOT NULL, bucket ${d.integer} NOT NULL,
        pk ${d.blob} NOT NULL, sk ${d.blob} NOT NULL,
        PRIMARY KEY (table_id, expires, bucket, pk, sk))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
    ],
  },
  {
    // Tags, resource policies, on-demand backups (with a copy of their items), point-in-time
    // recovery settings and its change log (old and new image of every write, PITR tables only),
    // and exports. Everything per table is keyed by the table's internal id (one incarnation).
    id: '003-tags-backups-pitr-exports-policies',
    statements: (d) => [
      `CREATE TABLE ddb_tags (
        table_id ${d.integer} NOT NULL, tag_key ${d.text} NOT NULL, tag_value ${d.text} NOT NULL, position ${d.integer} NOT NULL,
        PRIMARY KEY (table_id, tag_key))`,
      `CREATE TABLE ddb_resource_policies (
        table_id ${d.integer} NOT NULL, resource_arn ${d.text} NOT NULL, policy ${d.text} NOT NULL, revision_id ${d.text} NOT NULL,
        PRIMARY KEY (table_id, resource_arn))`,
      `CREATE TABLE ddb_pitr (table_id ${d.integer} PRIMARY KEY, enabled_at ${d.integer} NOT NULL, recovery_days ${d.integer} NOT NULL)`,
      `CREATE TABLE ddb_pitr_log (
        table_id ${d.integer} NOT NULL, seq ${d.integer} NOT NULL, written_at ${d.integer} NOT NULL,
        bucket ${d.integer} NOT NULL, pk ${d.blob} NOT NULL, sk ${d.blob} NOT NULL, old_item ${d.text}, new_item ${d.text},
        PRIMARY KEY (table_id, seq))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE INDEX ddb_pitr_log_time ON ddb_pitr_log (table_id, written_at)`,
      `CREATE TABLE ddb_backups (
        id ${d.integer} PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL, table_name ${d.text} NOT NULL,
        backup_key ${d.text} NOT NULL, created_at ${d.integer} NOT NULL, record ${d.text} NOT NULL)`,
      `CREATE INDEX ddb_backups_scope ON ddb_backups (account, region, table_name, backup_key)`,
      `CREATE TABLE ddb_backup_items (
        backup_id ${d.integer} NOT NULL, bucket ${d.integer} NOT NULL, pk ${d.blob} NOT NULL, sk ${d.blob} NOT NULL,
        item ${d.text} NOT NULL, size ${d.integer} NOT NULL,
        PRIMARY KEY (backup_id, bucket, pk, sk))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE TABLE ddb_exports (
        id ${d.integer} PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL, export_key ${d.text} NOT NULL,
        table_name ${d.text} NOT NULL, created_at ${d.integer} NOT NULL, client_token ${d.text} NOT NULL, record ${d.text} NOT NULL)`,
      `CREATE INDEX ddb_exports_scope ON ddb_exports (account, region, table_name, export_key)`,
      `CREATE INDEX ddb_exports_token ON ddb_exports (account, region, client_token)`,
    ],
  },
  {
    // Items move from clustered (WITHOUT ROWID) tables to rowid tables with a unique key index: a
    // rowid table keeps rows of up to ~4 KB in a 4 KiB page, so rewriting an item dirties one
    // small page instead of a large clustered one (a quarter of the WAL bytes per write).
    id: '004-items-rowid-layout',
    statements: (d) => [
      `CREATE TABLE ddb_items_v2 (
        id ${d.rowId}, table_id ${d.integer} NOT NULL, bucket ${d.integer} NOT NULL,
        pk ${d.blob} NOT NULL, sk ${d.blob} NOT NULL, item ${d.text} NOT NULL, size ${d.integer} NOT NULL)`,
      'INSERT INTO ddb_items_v2 (table_id, bucket, pk, sk, item, size) SELECT table_id, bucket, pk, sk, item, size FROM ddb_items ORDER BY table_id, bucket, pk, sk',
      'DROP TABLE ddb_items',
      'ALTER TABLE ddb_items_v2 RENAME TO ddb_items',
      'CREATE UNIQUE INDEX ddb_items_key ON ddb_items (table_id, bucket, pk, sk)',
      `CREATE TABLE ddb_index_items_v2 (
        id ${d.rowId}, table_id ${d.integer} NOT NULL, index_name ${d.text} NOT NULL, bucket ${d.integer} NOT NULL,
        ipk ${d.blob} NOT NULL, isk ${d.blob} NOT NULL, tpk ${d.blob} NOT NULL, tsk ${d.blob} NOT NULL,
        item ${d.text} NOT NULL, size ${d.integer} NOT NULL)`,
      'INSERT INTO ddb_index_items_v2 (table_id, index_name, bucket, ipk, isk, tpk, tsk, item, size) SELECT table_id, index_name, bucket, ipk, isk, tpk, tsk, item, size FROM ddb_index_items ORDER BY table_id, index_name, bucket, ipk, isk, tpk, tsk',
      'DROP TABLE ddb_index_items',
      'ALTER TABLE ddb_index_items_v2 RENAME TO ddb_index_items',
      'CREATE UNIQUE INDEX ddb_index_items_key ON ddb_index_items (table_id, index_name, bucket, ipk, isk, tpk, tsk)',
    ],
  },
  {
    // The size of the item a row's last upsert replaced (NULL: that write created the row), set by
    // `itemsSql.putReturningOldSize` and read back through RETURNING: a blind write (no condition,
    // ReturnValues or index that reads the old item) learns the old size for its statistics and
    // capacity from its one statement instead of a lookup before it.
    id: '005-items-prev-size',
    statements: (d) => [`ALTER TABLE ddb_items ADD COLUMN prev_size ${d.integer}`],
  },
  {
    // ImportTable: one row per import (its description as JSON), found by ARN, client token and table.
    id: '006-imports',
    statements: (d) => [
      `CREATE TABLE ddb_imports (
        id ${d.integer} PRIMARY KEY, account ${d.text} NOT NULL, region ${d.text} NOT NULL, import_key ${d.text} NOT NULL,
        table_name ${d.text} NOT NULL, created_at ${d.integer} NOT NULL, client_token ${d.text} NOT NULL, record ${d.text} NOT NULL)`,
      `CREATE INDEX ddb_imports_scope ON ddb_imports (account, region, table_name, import_key)`,
      `CREATE INDEX ddb_imports_token ON ddb_imports (account, region, client_token)`,
    ],
  },
];
