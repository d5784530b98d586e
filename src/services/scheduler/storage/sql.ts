import type { Db } from '../../../storage/store.js';

export interface GroupRow {
  account: string;
  region: string;
  name: string;
  created_at: number;
  modified_at: number;
  tags: string;
}

export interface ScheduleRow {
  account: string;
  region: string;
  group_name: string;
  name: string;
  created_at: number;
  modified_at: number;
  state: string;
  definition: string;
  anchor: number;
  next_fire: number | null;
}

export interface DeliveryRow {
  id: number;
  account: string;
  region: string;
  schedule_arn: string;
  target: string;
  scheduled_at: number;
  execution_id: string;
  attempt: number;
  first_at: number;
  next_at: number;
  last_error_code: string | null;
  last_error_message: string | null;
}

const GROUP_COLUMNS = 'account, region, name, created_at, modified_at, tags';
const SCHEDULE_COLUMNS =
  'account, region, group_name, name, created_at, modified_at, state, definition, anchor, next_fire';

/** The SQL of EventBridge Scheduler, in the subset SQLite and PostgreSQL share. */
export const schedulerSql = {
  group: (db: Db, account: string, region: string, name: string) =>
    db.get<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?`, [
      account,
      region,
      name,
    ]),

  /** Insert a group unless it exists; true when inserted. */
  async insertGroup(db: Db, account: string, region: string, name: string, now: number, tags: Record<string, string>) {
    const r = await db.run(
      `INSERT INTO scheduler_groups (${GROUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, name) DO NOTHING`,
      [account, region, name, now, now, JSON.stringify(tags)],
    );
    return r.changes > 0;
  },

  countGroups: async (db: Db, account: string, region: string) =>
    (
      await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM scheduler_groups WHERE account = ? AND region = ?', [
        account,
        region,
      ])
    )?.n ?? 0,

  groupsAfter: (db: Db, account: string, region: string, prefix: string, after: string, limit: number) =>
    db.all<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM scheduler_groups WHERE account = ? AND region = ? AND name > ?
       AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?`,
      [account, region, after, prefix.length, prefix, limit],
    ),

  setTags: (db: Db, account: string, region: string, name: string, tags: Record<string, string>) =>
    db.run('UPDATE scheduler_groups SET tags = ? WHERE account = ? AND region = ? AND name = ?', [
      JSON.stringify(tags),
      account,
      region,
      name,
    ]),

  deleteGroup: (db: Db, account: string, region: string, name: string) =>
    db.run('DELETE FROM scheduler_groups WHERE account = ? AND region = ? AND name = ?', [account, region, name]),

  schedule: (db: Db, account: string, region: string, group: string, name: string) =>
    db.get<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?`,
      [account, region, group, name],
    ),

  async insertSchedule(db: Db, row: ScheduleRow): Promise<boolean> {
    const r = await db.run(
      `INSERT INTO scheduler_schedules (${SCHEDULE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, group_name, name) DO NOTHING`,
      [
        row.account,
        row.region,
        row.group_name,
        row.name,
        row.created_at,
        row.modified_at,
        row.state,
        row.definition,
        row.anchor,
        row.next_fire,
      ],
    );
    return r.changes > 0;
  },

  replaceSchedule: (db: Db, row: ScheduleRow) =>
    db.run(
      `UPDATE scheduler_schedules SET modified_at = ?, state = ?, definition = ?, anchor = ?, next_fire = ?
       WHERE account = ? AND region = ? AND group_name = ? AND name = ?`,
      [
        row.modified_at,
        row.state,
        row.definition,
        row.anchor,
        row.next_fire,
        row.account,
        row.region,
        row.group_name,
        row.name,
      ],
    ),

  setNextFire: (db: Db, row: ScheduleRow, next: number | null) =>
    db.run(
      'UPDATE scheduler_schedules SET next_fire = ? WHERE account = ? AND region = ? AND group_name = ? AND name = ?',
      [next, row.account, row.region, row.group_name, row.name],
    ),

  deleteSchedule: (db: Db, account: string, region: string, group: string, name: string) =>
    db.run('DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ? AND name = ?', [
      account,
      region,
      group,
      name,
    ]),

  deleteGroupSchedules: (db: Db, account: string, region: string, group: string) =>
    db.run('DELETE FROM scheduler_schedules WHERE account = ? AND region = ? AND group_name = ?', [
      account,
      region,
      group,
    ]),

  /** Schedules after the (group, name) key, optionally of one group, state and name prefix. */
  schedulesAfter(
    db: Db,
    account: string,
    region: string,
    filter: { group?: string | undefined; state?: string | undefined; prefix?: string | undefined },
    after: [string, string],
    limit: number,
  ) {
    const where = ['account = ?', 'region = ?', '(group_name > ? OR (group_name = ? AND name > ?))'];
    const params: (string | number)[] = [account, region, after[0], after[0], after[1]];
    if (filter.group !== undefined) {
      where.push('group_name = ?');
      params.push(filter.group);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(filter.state);
    }
    if (filter.prefix !== undefined) {
      where.push('substr(name, 1, ?) = ?');
      params.push(filter.prefix.length, filter.prefix);
    }
    params.push(limit);
    return db.all<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM scheduler_schedules WHERE ${where.join(' AND ')} ORDER BY group_name, name LIMIT ?`,
      params,
    );
  },

  dueSchedules: (db: Db, now: number, limit: number) =>
    db.all<ScheduleRow>(
      `SELECT ${SCHEDULE_COLUMNS} FROM scheduler_schedules WHERE next_fire IS NOT NULL AND next_fire <= ?
       ORDER BY next_fire LIMIT ?`,
      [now, limit],
    ),

  insertDelivery: (db: Db, d: Omit<DeliveryRow, 'id'>) =>
    db.run(
      `INSERT INTO scheduler_deliveries (account, region, schedule_arn, target, scheduled_at, execution_id, attempt,
         first_at, next_at, last_error_code, last_error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        d.account,
        d.region,
        d.schedule_arn,
        d.target,
        d.scheduled_at,
        d.execution_id,
        d.attempt,
        d.first_at,
        d.next_at,
        d.last_error_code,
        d.last_error_message,
      ],
    ),

  dueDeliveries: (db: Db, now: number, limit: number) =>
    db.all<DeliveryRow>('SELECT * FROM scheduler_deliveries WHERE next_at <= ? ORDER BY next_at, id LIMIT ?', [
      now,
      limit,
    ]),

  retryLater: (db: Db, id: number, attempt: number, nextAt: number, code: string, message: string) =>
    db.run(
      'UPDATE scheduler_deliveries SET attempt = ?, next_at = ?, last_error_code = ?, last_error_message = ? WHERE id = ?',
      [attempt, nextAt, code, message, id],
    ),

  deleteDelivery: (db: Db, id: number) => db.run('DELETE FROM scheduler_deliveries WHERE id = ?', [id]),
};
