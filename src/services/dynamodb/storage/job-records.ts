import type { Db } from '../../../storage/store.js';

/** What an export and an import record share (ddb_exports.record, ddb_imports.record). */
export interface JobRecord {
  id: number;
  account: string;
  region: string;
  /** `<14-digit start epoch ms>-<8 hex>`, the ARN's last segment (an export's directory too). */
  key: string;
  arn: string;
  tableArn: string;
  tableId: string;
  tableName: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  startTime: number;
  endTime?: number;
  clientToken: string;
  failureCode?: string;
  failureMessage?: string;
  /** The request's parameters, to tell an idempotent replay from a conflicting one. */
  fingerprint: string;
}

interface Row {
  record: string;
}

/**
 * SQL over a table of jobs (ddb_exports, ddb_imports): one row per job, its record as JSON, found by
 * id, by client token and by table name.
 */
export function jobRecordsSql<R extends JobRecord>(table: 'ddb_exports' | 'ddb_imports', keyColumn: string) {
  const parse = (row: Row | undefined) => (row ? (JSON.parse(row.record) as R) : undefined);
  return {
    async save(db: Db, rec: R): Promise<void> {
      await db.run(
        `INSERT INTO ${table} (id, account, region, ${keyColumn}, table_name, created_at, client_token, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
        [rec.id, rec.account, rec.region, rec.key, rec.tableName, rec.startTime, rec.clientToken, JSON.stringify(rec)],
      );
    },

    async get(db: Db, account: string, region: string, tableName: string, key: string): Promise<R | undefined> {
      return parse(
        await db.get<Row>(
          `SELECT record FROM ${table} WHERE account = ? AND region = ? AND table_name = ? AND ${keyColumn} = ?`,
          [account, region, tableName, key],
        ),
      );
    },

    async byToken(db: Db, account: string, region: string, token: string, since: number): Promise<R | undefined> {
      return parse(
        await db.get<Row>(
          `SELECT record FROM ${table} WHERE account = ? AND region = ? AND client_token = ? AND created_at >= ? ORDER BY created_at DESC`,
          [account, region, token, since],
        ),
      );
    },

    /** Jobs of the account and region (optionally of one table name), newest (highest id) first. */
    async list(db: Db, account: string, region: string, tableName?: string): Promise<R[]> {
      const rows =
        tableName === undefined
          ? await db.all<Row>(`SELECT record FROM ${table} WHERE account = ? AND region = ? ORDER BY id DESC`, [
              account,
              region,
            ])
          : await db.all<Row>(
              `SELECT record FROM ${table} WHERE account = ? AND region = ? AND table_name = ? ORDER BY id DESC`,
              [account, region, tableName],
            );
      return rows.map((r) => parse(r)!);
    },

    /**
     * The job an earlier request with this client token started at or after `since`, if its
     * parameters match (`conflict()` is thrown when they do not); undefined when there is none.
     */
    async replay(
      db: Db,
      scope: { account: string; region: string },
      token: string | undefined,
      fingerprint: string,
      since: number,
      conflict: () => Error,
    ): Promise<R | undefined> {
      if (token === undefined) return undefined;
      const earlier = await this.byToken(db, scope.account, scope.region, token, since);
      if (earlier && earlier.fingerprint !== fingerprint) throw conflict();
      return earlier;
    },
  };
}
