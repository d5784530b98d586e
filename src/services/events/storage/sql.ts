import type { Db } from '../../../storage/store.js';

export interface BusRow {
  account: string;
  region: string;
  name: string;
  description: string | null;
  created_at: number;
  modified_at: number;
  tags: string;
}

export interface RuleRow {
  account: string;
  region: string;
  bus: string;
  name: string;
  pattern: string | null;
  schedule: string | null;
  state: string;
  description: string | null;
  role_arn: string | null;
  managed_by: string | null;
  created_at: number;
  tags: string;
  anchor: number | null;
  next_fire: number | null;
}

export interface TargetRow {
  id: string;
  arn: string;
  seq: number;
  target: string;
}

export interface RuleKey {
  account: string;
  region: string;
  bus: string;
  name: string;
}

const RULE_COLUMNS =
  'account, region, bus, name, pattern, schedule, state, description, role_arn, managed_by, created_at, tags, anchor, next_fire';

/** The SQL of EventBridge. */
export const eventsSql = {
  bus: (db: Db, account: string, region: string, name: string) =>
    db.get<BusRow>('SELECT * FROM events_buses WHERE account = ? AND region = ? AND name = ?', [account, region, name]),

  buses: (db: Db, account: string, region: string) =>
    db.all<BusRow>('SELECT * FROM events_buses WHERE account = ? AND region = ? ORDER BY name', [account, region]),

  insertBus: (db: Db, b: BusRow) =>
    db.run(
      'INSERT INTO events_buses (account, region, name, description, created_at, modified_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [b.account, b.region, b.name, b.description, b.created_at, b.modified_at, b.tags],
    ),

  async deleteBus(db: Db, account: string, region: string, name: string): Promise<void> {
    await db.run('DELETE FROM events_targets WHERE account = ? AND region = ? AND bus = ?', [account, region, name]);
    await db.run('DELETE FROM events_rules WHERE account = ? AND region = ? AND bus = ?', [account, region, name]);
    await db.run('DELETE FROM events_buses WHERE account = ? AND region = ? AND name = ?', [account, region, name]);
  },

  setBusDescription: (db: Db, account: string, region: string, name: string, description: string | null, now: number) =>
    db.run('UPDATE events_buses SET description = ?, modified_at = ? WHERE account = ? AND region = ? AND name = ?', [
      description,
      now,
      account,
      region,
      name,
    ]),

  setBusTags: (db: Db, account: string, region: string, name: string, tags: Record<string, string>) =>
    db.run('UPDATE events_buses SET tags = ? WHERE account = ? AND region = ? AND name = ?', [
      JSON.stringify(tags),
      account,
      region,
      name,
    ]),

  rule: (db: Db, k: RuleKey) =>
    db.get<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?`,
      [k.account, k.region, k.bus, k.name],
    ),

  rules: (db: Db, account: string, region: string, bus: string) =>
    db.all<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM events_rules WHERE account = ? AND region = ? AND bus = ? ORDER BY name`,
      [account, region, bus],
    ),

  countRules: async (db: Db, account: string, region: string, bus: string) =>
    (
      await db.get<{ n: number }>(
        'SELECT COUNT(*) AS n FROM events_rules WHERE account = ? AND region = ? AND bus = ?',
        [account, region, bus],
      )
    )?.n ?? 0,

  /** Enabled pattern rules of a bus (PutEvents matching). */
  patternRules: (db: Db, account: string, region: string, bus: string) =>
    db.all<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND state = 'ENABLED' AND pattern IS NOT NULL`,
      [account, region, bus],
    ),

  /** Scheduled rules whose next firing is due. */
  dueRules: (db: Db, now: number, limit: number) =>
    db.all<RuleRow>(
      `SELECT ${RULE_COLUMNS} FROM events_rules WHERE next_fire IS NOT NULL AND next_fire <= ? ORDER BY next_fire LIMIT ?`,
      [now, limit],
    ),

  upsertRule: (db: Db, r: RuleRow) =>
    db.run(
      `INSERT INTO events_rules (${RULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, bus, name) DO UPDATE SET pattern = excluded.pattern, schedule = excluded.schedule,
         state = excluded.state, description = excluded.description, role_arn = excluded.role_arn,
         tags = excluded.tags, anchor = excluded.anchor, next_fire = excluded.next_fire`,
      [
        r.account,
        r.region,
        r.bus,
        r.name,
        r.pattern,
        r.schedule,
        r.state,
        r.description,
        r.role_arn,
        r.managed_by,
        r.created_at,
        r.tags,
        r.anchor,
        r.next_fire,
      ],
    ),

  setRuleState: (db: Db, k: RuleKey, state: string, anchor: number | null, nextFire: number | null) =>
    db.run(
      'UPDATE events_rules SET state = ?, anchor = ?, next_fire = ? WHERE account = ? AND region = ? AND bus = ? AND name = ?',
      [state, anchor, nextFire, k.account, k.region, k.bus, k.name],
    ),

  /** Moves a fired rule on; false when it changed meanwhile (updated, disabled, deleted). */
  advance: async (db: Db, k: RuleKey, due: number, nextFire: number | null) =>
    (
      await db.run(
        'UPDATE events_rules SET next_fire = ? WHERE account = ? AND region = ? AND bus = ? AND name = ? AND next_fire = ?',
        [nextFire, k.account, k.region, k.bus, k.name, due],
      )
    ).changes > 0,

  setRuleTags: (db: Db, k: RuleKey, tags: Record<string, string>) =>
    db.run('UPDATE events_rules SET tags = ? WHERE account = ? AND region = ? AND bus = ? AND name = ?', [
      JSON.stringify(tags),
      k.account,
      k.region,
      k.bus,
      k.name,
    ]),

  async deleteRule(db: Db, k: RuleKey): Promise<void> {
    await db.run('DELETE FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ?', [
      k.account,
      k.region,
      k.bus,
      k.name,
    ]);
    await db.run('DELETE FROM events_rules WHERE account = ? AND region = ? AND bus = ? AND name = ?', [
      k.account,
      k.region,
      k.bus,
      k.name,
    ]);
  },

  targets: (db: Db, k: RuleKey) =>
    db.all<TargetRow>(
      'SELECT id, arn, seq, target FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? ORDER BY seq, id',
      [k.account, k.region, k.bus, k.name],
    ),

  putTarget: (db: Db, k: RuleKey, id: string, arn: string, seq: number, target: string) =>
    db.run(
      `INSERT INTO events_targets (account, region, bus, rule, id, arn, seq, target) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, bus, rule, id) DO UPDATE SET arn = excluded.arn, target = excluded.target`,
      [k.account, k.region, k.bus, k.name, id, arn, seq, target],
    ),

  deleteTarget: (db: Db, k: RuleKey, id: string) =>
    db.run('DELETE FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND rule = ? AND id = ?', [
      k.account,
      k.region,
      k.bus,
      k.name,
      id,
    ]),

  rulesByTarget: (db: Db, account: string, region: string, bus: string, arn: string) =>
    db.all<{ rule: string }>(
      'SELECT DISTINCT rule FROM events_targets WHERE account = ? AND region = ? AND bus = ? AND arn = ? ORDER BY rule',
      [account, region, bus, arn],
    ),
};
