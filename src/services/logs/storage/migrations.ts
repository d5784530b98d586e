import type { Migration, Store } from '../../../storage/store.js';

/**
 * CloudWatch Logs' tables. A log group and a log stream each get an internal id (one incarnation:
 * a group deleted and created again starts empty). Events are keyed by (stream, timestamp,
 * sequence): the sequence is a per-stream ingestion counter that orders events of equal
 * timestamp. `logs_events_group` serves FilterLogEvents (a group's events in time order) and the
 * retention sweeper.
 */
export const LOGS_MIGRATIONS: Migration[] = [
  {
    id: '001-groups-streams-events',
    statements: (d) => [
      `CREATE TABLE logs_groups (
        id ${d.rowId}, account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        created_at ${d.integer} NOT NULL, retention_days ${d.integer}, kms_key_id ${d.text},
        class ${d.text} NOT NULL, deletion_protection ${d.integer} NOT NULL, tags ${d.text} NOT NULL,
        stored_bytes ${d.integer} NOT NULL)`,
      `CREATE UNIQUE INDEX logs_groups_name ON logs_groups (account, region, name)`,
      `CREATE TABLE logs_streams (
        id ${d.rowId}, group_id ${d.integer} NOT NULL, name ${d.text} NOT NULL, created_at ${d.integer} NOT NULL,
        first_event ${d.integer}, last_event ${d.integer}, last_ingestion ${d.integer},
        stored_bytes ${d.integer} NOT NULL, next_seq ${d.integer} NOT NULL)`,
      `CREATE UNIQUE INDEX logs_streams_name ON logs_streams (group_id, name)`,
      `CREATE TABLE logs_events (
        stream_id ${d.integer} NOT NULL, ts ${d.integer} NOT NULL, seq ${d.integer} NOT NULL,
        group_id ${d.integer} NOT NULL, ingested ${d.integer} NOT NULL, size ${d.integer} NOT NULL,
        message ${d.text} NOT NULL,
        PRIMARY KEY (stream_id, ts, seq))${d.name === 'sqlite' ? ' WITHOUT ROWID' : ''}`,
      `CREATE INDEX logs_events_group ON logs_events (group_id, ts, stream_id, seq)`,
    ],
  },
];

const migrated = new WeakMap<Store, Promise<void>>();

/** Create the tables once per store; the service and the port (LogsPort) both call it. */
export function ensureLogsSchema(store: Store): Promise<void> {
  let done = migrated.get(store);
  if (!done) {
    done = store.migrate('logs', LOGS_MIGRATIONS);
    migrated.set(store, done);
  }
  return done;
}
