import type { Store } from '../../../storage/store.js';

/** Per-function, per-qualifier settings: event-invoke configs, function URLs, provisioned concurrency. */
export type SettingKind = 'event-invoke' | 'url' | 'provisioned';

export interface SettingRow<T> {
  account: string;
  region: string;
  fn: string;
  qualifier: string;
  config: T;
}

export class FunctionSettings {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly store: Store) {}

  async get<T>(
    account: string,
    region: string,
    fn: string,
    kind: SettingKind,
    qualifier: string,
  ): Promise<T | undefined> {
    const k = [account, region, fn, kind, qualifier].join('\u0000');
    if (this.cache.has(k)) return (this.cache.get(k) ?? undefined) as T | undefined;
    const row = await this.store.get<{ config: string }>(
      'SELECT config FROM lambda_settings WHERE account = ? AND region = ? AND function_name = ? AND kind = ? AND qualifier = ?',
      [account, region, fn, kind, qualifier],
    );
    const value = row ? (JSON.parse(row.config) as T) : undefined;
    this.cache.set(k, value ?? null);
    return value;
  }

  async list<T>(
    account: string,
    region: string,
    fn: string,
    kind: SettingKind,
  ): Promise<{ qualifier: string; config: T }[]> {
    const rows = await this.store.all<{ qualifier: string; config: string }>(
      'SELECT qualifier, config FROM lambda_settings WHERE account = ? AND region = ? AND function_name = ? AND kind = ? ORDER BY qualifier',
      [account, region, fn, kind],
    );
    return rows.map((r) => ({ qualifier: r.qualifier, config: JSON.parse(r.config) as T }));
  }

  private readonly allCache = new Map<SettingKind, unknown[]>();

  /** Every setting of a kind (e.g. all function URLs, to route URL hosts); cached until one changes. */
  async all<T>(kind: SettingKind): Promise<SettingRow<T>[]> {
    const cached = this.allCache.get(kind);
    if (cached) return cached as SettingRow<T>[];
    const rows = await this.allFromStore<T>(kind);
    this.allCache.set(kind, rows);
    return rows;
  }

  private async allFromStore<T>(kind: SettingKind): Promise<SettingRow<T>[]> {
    const rows = await this.store.all<{
      account: string;
      region: string;
      function_name: string;
      qualifier: string;
      config: string;
    }>('SELECT account, region, function_name, qualifier, config FROM lambda_settings WHERE kind = ?', [kind]);
    return rows.map((r) => ({
      account: r.account,
      region: r.region,
      fn: r.function_name,
      qualifier: r.qualifier,
      config: JSON.parse(r.config) as T,
    }));
  }

  async put(
    account: string,
    region: string,
    fn: string,
    kind: SettingKind,
    qualifier: string,
    config: unknown,
  ): Promise<void> {
    await this.store.run(
      `INSERT INTO lambda_settings (account, region, function_name, kind, qualifier, config) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, function_name, kind, qualifier) DO UPDATE SET config = excluded.config`,
      [account, region, fn, kind, qualifier, JSON.stringify(config)],
    );
    this.cache.set([account, region, fn, kind, qualifier].join('\u0000'), config);
    this.allCache.delete(kind);
  }

  async delete(account: string, region: string, fn: string, kind: SettingKind, qualifier: string): Promise<boolean> {
    const r = await this.store.run(
      'DELETE FROM lambda_settings WHERE account = ? AND region = ? AND function_name = ? AND kind = ? AND qualifier = ?',
      [account, region, fn, kind, qualifier],
    );
    this.cache.set([account, region, fn, kind, qualifier].join('\u0000'), null);
    this.allCache.delete(kind);
    return r.changes > 0;
  }

  /** Forget cached settings of a deleted function. */
  forget(account: string, region: string, fn: string): void {
    this.allCache.clear();
    const prefix = [account, region, fn].join('\u0000') + '\u0000';
    for (const k of this.cache.keys()) if (k.startsWith(prefix)) this.cache.delete(k);
  }
}
