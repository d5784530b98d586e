import type { Migration, Store } from '../../../storage/store.js';

/**
 * EventBridge's tables. The default bus of an account and region is implicit (never stored).
 * Rules are keyed by (account, region, bus, name); a scheduled rule keeps its rate anchor and its
 * next due time (`next_fire`, NULL when disabled or not scheduled), which the schedule runner
 * polls. Targets keep their API shape as JSON, in insertion order.
 */
export const EVENTS_MIGRATIONS: Migration[] = [
  {
    id: '001-buses-rules-targets',
    statements: (d) => [
      `CREATE TABLE events_buses (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, name ${d.text} NOT NULL,
        description ${d.text}, created_at ${d.integer} NOT NULL, modified_at ${d.integer} NOT NULL,
        tags ${d.text} NOT NULL, PRIMARY KEY (account, region, name))`,
      `CREATE TABLE events_rules (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, bus ${d.text} NOT NULL, name ${d.text} NOT NULL,
        pattern ${d.text}, schedule ${d.text}, state ${d.text} NOT NULL, description ${d.text},
        role_arn ${d.text}, managed_by ${d.text}, created_at ${d.integer} NOT NULL, tags ${d.text} NOT NULL,
        anchor ${d.integer}, next_fire ${d.integer},
        PRIMARY KEY (account, region, bus, name))`,
      `CREATE INDEX events_rules_due ON events_rules (next_fire)`,
      `CREATE TABLE events_targets (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, bus ${d.text} NOT NULL, rule ${d.text} NOT NULL,
        id ${d.text} NOT NULL, arn ${d.text} NOT NULL, seq ${d.integer} NOT NULL, target ${d.text} NOT NULL,
        PRIMARY KEY (account, region, bus, rule, id))`,
      `CREATE INDEX events_targets_arn ON events_targets (account, region, arn)`,
    ],
  },
];

const migrated = new WeakMap<Store, Promise<void>>();

export function ensureEventsSchema(store: Store): Promise<void> {
  let done = migrated.get(store);
  if (!done) {
    done = store.migrate('events', EVENTS_MIGRATIONS);
    migrated.set(store, done);
  }
  return done;
}
