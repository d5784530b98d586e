import type { Migration, Store } from '../../../storage/store.js';

/**
 * EventBridge Scheduler's tables. A schedule is keyed by (account, region, group, name) and
 * carries its whole definition as JSON beside the columns the firing loop reads: `next_fire` is
 * the epoch milliseconds of its next occurrence (NULL: nothing left to fire, or DISABLED).
 * `scheduler_deliveries` holds occurrences that fired and are waiting for (another) delivery
 * attempt, so a retry survives a restart and outlives a one-time schedule deleted after firing.
 */
export const SCHEDULER_MIGRATIONS: Migration[] = [
  {
    id: '001-groups-schedules-deliveries',
    statements: (d) => [
      `CREATE TABLE scheduler_groups (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        created_at ${d.integer} NOT NULL, modified_at ${d.integer} NOT NULL, tags ${d.text} NOT NULL,
        PRIMARY KEY (account, region, name))`,
      `CREATE TABLE scheduler_schedules (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, group_name ${d.text} NOT NULL, name ${d.text} NOT NULL,
        created_at ${d.integer} NOT NULL, modified_at ${d.integer} NOT NULL, state ${d.text} NOT NULL,
        definition ${d.text} NOT NULL, anchor ${d.integer} NOT NULL, next_fire ${d.integer},
        PRIMARY KEY (account, region, group_name, name))`,
      `CREATE INDEX scheduler_schedules_due ON scheduler_schedules (next_fire)`,
      `CREATE TABLE scheduler_deliveries (
        id ${d.rowId}, account ${d.text} NOT NULL, region ${d.text} NOT NULL, schedule_arn ${d.text} NOT NULL,
        target ${d.text} NOT NULL, scheduled_at ${d.integer} NOT NULL, execution_id ${d.text} NOT NULL,
        attempt ${d.integer} NOT NULL, first_at ${d.integer} NOT NULL, next_at ${d.integer} NOT NULL,
        last_error_code ${d.text}, last_error_message ${d.text})`,
      `CREATE INDEX scheduler_deliveries_due ON scheduler_deliveries (next_at)`,
    ],
  },
];

const migrated = new WeakMap<Store, Promise<void>>();

/** Create the tables once per store. */
export function ensureSchedulerSchema(store: Store): Promise<void> {
  let done = migrated.get(store);
  if (!done) {
    done = store.migrate('scheduler', SCHEDULER_MIGRATIONS);
    migrated.set(store, done);
  }
  return done;
}
