import type { Store } from '../../../storage/store.js';
import { lambdaErrors } from '../errors.js';

export interface LayerVersionRecord {
  LayerArn: string;
  LayerVersionArn: string;
  Version: number;
  Description: string;
  CreatedDate: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
  Content: { Location: string; CodeSha256: string; CodeSize: number };
}

export interface LayerRow {
  config: LayerVersionRecord;
  code: { dir: string; zip: string; sha256Hex: string };
  /** The resource policy and its RevisionId (a new one on every change). */
  policy: { Version: string; Id: string; Statement: Record<string, unknown>[]; RevisionId?: string } | undefined;
}

/** Layer versions in the store (immutable once published; deletion keeps the number used). */
export class LayerStore {
  constructor(private readonly store: Store) {}

  async get(account: string, region: string, name: string, version: number): Promise<LayerRow | undefined> {
    const row = await this.store.get<{ config: string; code: string; policy: string | null }>(
      'SELECT config, code, policy FROM lambda_layers WHERE account = ? AND region = ? AND name = ? AND version = ? AND deleted = 0',
      [account, region, name, version],
    );
    return row
      ? {
          config: JSON.parse(row.config),
          code: JSON.parse(row.code),
          policy: row.policy ? JSON.parse(row.policy) : undefined,
        }
      : undefined;
  }

  async nextVersion(account: string, region: string, name: string): Promise<number> {
    const row = await this.store.get<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM lambda_layers WHERE account = ? AND region = ? AND name = ?',
      [account, region, name],
    );
    return (row?.v ?? 0) + 1;
  }

  async put(account: string, region: string, name: string, row: LayerRow): Promise<void> {
    await this.store.run(
      `INSERT INTO lambda_layers (account, region, name, version, config, code, policy, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, 0)
       ON CONFLICT (account, region, name, version) DO UPDATE SET config = excluded.config, policy = excluded.policy`,
      [
        account,
        region,
        name,
        row.config.Version,
        JSON.stringify(row.config),
        JSON.stringify(row.code),
        row.policy ? JSON.stringify(row.policy) : null,
      ],
    );
  }

  async delete(account: string, region: string, name: string, version: number): Promise<void> {
    await this.store.run(
      'UPDATE lambda_layers SET deleted = 1 WHERE account = ? AND region = ? AND name = ? AND version = ?',
      [account, region, name, version],
    );
  }

  async list(account: string, region: string, name?: string): Promise<{ name: string; row: LayerRow }[]> {
    const rows = await this.store.all<{ name: string; config: string; code: string; policy: string | null }>(
      `SELECT name, config, code, policy FROM lambda_layers WHERE account = ? AND region = ? AND deleted = 0 ${name ? 'AND name = ?' : ''} ORDER BY name, version DESC`,
      name ? [account, region, name] : [account, region],
    );
    return rows.map((r) => ({
      name: r.name,
      row: {
        config: JSON.parse(r.config),
        code: JSON.parse(r.code),
        policy: r.policy ? JSON.parse(r.policy) : undefined,
      },
    }));
  }

  /** Resolves a function's Layers list to their configs and code, in order (at most 5). */
  async resolve(arns: string[]): Promise<LayerRow[]> {
    if (arns.length > 5) throw lambdaErrors.invalidParameter('Cannot reference more than 5 layers.');
    const out: LayerRow[] = [];
    const byLayer = new Map<string, string>();
    for (const arn of arns) {
      const unversioned = arn.replace(/:\d+$/, '');
      const other = byLayer.get(unversioned);
      if (other !== undefined) {
        throw lambdaErrors.invalidParameter(
          `Two different versions of the same layer are not allowed to be referenced in the same function. ${other} and ${arn} are versions of the same layer.`,
        );
      }
      byLayer.set(unversioned, arn);
    }
    for (const arn of arns) {
      const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9_-]+):(\d+)$/.exec(arn);
      if (!m) throw lambdaErrors.invalidParameter(`Layer version ${arn} does not exist.`);
      const row = await this.get(m[2]!, m[1]!, m[3]!, Number(m[4]));
      if (!row) throw lambdaErrors.invalidParameter(`Layer version ${arn} does not exist.`);
      out.push(row);
    }
    return out;
  }
}
