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
];
