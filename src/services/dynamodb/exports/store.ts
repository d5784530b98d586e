import type { Db } from '../../../storage/store.js';

/** Everything kept about one export (ddb_exports.record). */
export interface ExportRecord {
  id: number;
  account: string;
  region: string;
  /** `<14-digit start epoch ms>-<8 hex>`, the ARN's last segment and the export's directory. */
  key: string;
  arn: string;
  tableArn: string;
  tableId: string;
  tableName: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  startTime: number;
  endTime?: number;
  /** FULL_EXPORT's point in time. */
  exportTime?: number;
  clientToken: string;
  s3Bucket: string;
  s3BucketOwner?: string;
  s3Prefix?: string;
  s3SseAlgorithm: string;
  s3SseKmsKeyId?: string;
  exportFormat: 'DYNAMODB_JSON' | 'ION';
  exportType: 'FULL_EXPORT' | 'INCREMENTAL_EXPORT';
  incremental?: { from: number; to: number; viewType: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' };
  manifest?: string;
  itemCount?: number;
  billedSizeBytes?: number;
  failureCode?: string;
  failureMessage?: string;
  /** The request's parameters, to tell an idempotent replay from a conflicting one. */
  fingerprint: string;
}

interface Row {
  record: string;
}

export const exportsSql = {
  async save(db: Db, rec: ExportRecord): Promise<void> {
    await db.run(
      'INSERT INTO ddb_exports (id, account, region, export_key, table_name, created_at, client_token, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record',
      [rec.id, rec.account, rec.region, rec.key, rec.tableName, rec.startTime, rec.clientToken, JSON.stringify(rec)],
    );
  },

  async get(db: Db, account: string, region: string, table: string, key: string): Promise<ExportRecord | undefined> {
    const row = await db.get<Row>(
      'SELECT record FROM ddb_exports WHERE account = ? AND region = ? AND table_name = ? AND export_key = ?',
      [account, region, table, key],
    );
    return row ? (JSON.parse(row.record) as ExportRecord) : undefined;
  },

  async byToken(
    db: Db,
    account: string,
    region: string,
    token: string,
    since: number,
  ): Promise<ExportRecord | undefined> {
    const row = await db.get<Row>(
      'SELECT record FROM ddb_exports WHERE account = ? AND region = ? AND client_token = ? AND created_at >= ? ORDER BY created_at DESC',
      [account, region, token, since],
    );
    return row ? (JSON.parse(row.record) as ExportRecord) : undefined;
  },

  /** Exports of the account and region (optionally of one table name), newest (highest id) first. */
  async list(db: Db, account: string, region: string, table?: string): Promise<ExportRecord[]> {
    const rows =
      table === undefined
        ? await db.all<Row>('SELECT record FROM ddb_exports WHERE account = ? AND region = ? ORDER BY id DESC', [
            account,
            region,
          ])
        : await db.all<Row>(
            'SELECT record FROM ddb_exports WHERE account = ? AND region = ? AND table_name = ? ORDER BY id DESC',
            [account, region, table],
          );
    return rows.map((r) => JSON.parse(r.record) as ExportRecord);
  },
};
