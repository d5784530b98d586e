import type { Db, Store } from '../../../storage/store.js';
import type { AliasConfiguration, FunctionMeta, VersionRecord } from './types.js';

interface FunctionRow {
  account: string;
  region: string;
  name: string;
  next_version: number;
  reserved: number | null;
  tags: string;
  policy: string | null;
  created_at: number;
}

const key = (account: string, region: string, name: string) => `${account}\u0000${region}\u0000${name}`;

/**
 * Functions, versions and aliases in the store, with an in-memory cache of what Invoke reads
 * (this process owns the database, so the cache is invalidated by its own writes).
 */
export class FunctionCatalog {
  private readonly versions = new Map<string, VersionRecord | null>();
  private readonly metas = new Map<string, FunctionMeta | null>();
  private readonly aliases = new Map<string, AliasConfiguration | null>();

  constructor(private readonly store: Store) {}

  async meta(account: string, region: string, name: string): Promise<FunctionMeta | undefined> {
    const k = key(account, region, name);
    const cached = this.metas.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const row = await this.store.get<FunctionRow>(
      'SELECT * FROM lambda_functions WHERE account = ? AND region = ? AND name = ?',
      [account, region, name],
    );
    const meta = row ? toMeta(row) : undefined;
    this.metas.set(k, meta ?? null);
    return meta;
  }

  async listMetas(account: string, region: string): Promise<FunctionMeta[]> {
    const rows = await this.store.all<FunctionRow>(
      'SELECT * FROM lambda_functions WHERE account = ? AND region = ? ORDER BY name',
      [account, region],
    );
    return rows.map(toMeta);
  }

  async putMeta(meta: FunctionMeta, db: Db = this.store): Promise<void> {
    await db.run(
      `INSERT INTO lambda_functions (account, region, name, next_version, reserved, tags, policy, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, name) DO UPDATE SET next_version = excluded.next_version, reserved = excluded.reserved,
       tags = excluded.tags, policy = excluded.policy`,
      [
        meta.account,
        meta.region,
        meta.name,
        meta.nextVersion,
        meta.reserved ?? null,
        JSON.stringify(meta.tags),
        meta.policy ? JSON.stringify(meta.policy) : null,
        meta.createdAt,
      ],
    );
    this.metas.set(key(meta.account, meta.region, meta.name), meta);
  }

  async version(account: string, region: string, name: string, version: string): Promise<VersionRecord | undefined> {
    const k = `${key(account, region, name)}\u0000${version}`;
    const cached = this.versions.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const row = await this.store.get<{ config: string; code: string; ready_at: number }>(
      'SELECT config, code, ready_at FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?',
      [account, region, name, version],
    );
    const record = row
      ? { config: JSON.parse(row.config), code: JSON.parse(row.code), readyAt: row.ready_at }
      : undefined;
    this.versions.set(k, record ?? null);
    return record;
  }

  async listVersions(account: string, region: string, name: string): Promise<VersionRecord[]> {
    const rows = await this.store.all<{ version: string; config: string; code: string; ready_at: number }>(
      'SELECT version, config, code, ready_at FROM lambda_versions WHERE account = ? AND region = ? AND name = ?',
      [account, region, name],
    );
    const records = rows.map(
      (r) => ({ config: JSON.parse(r.config), code: JSON.parse(r.code), readyAt: r.ready_at }) as VersionRecord,
    );
    // $LATEST first, then versions in numeric order, as ListVersionsByFunction returns them.
    return records.sort((a, b) => versionOrder(a.config.Version) - versionOrder(b.config.Version));
  }

  async putVersion(
    account: string,
    region: string,
    name: string,
    record: VersionRecord,
    db: Db = this.store,
  ): Promise<void> {
    await db.run(
      `INSERT INTO lambda_versions (account, region, name, version, config, code, ready_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account, region, name, version) DO UPDATE SET config = excluded.config, code = excluded.code, ready_at = excluded.ready_at`,
      [
        account,
        region,
        name,
        record.config.Version,
        JSON.stringify(record.config),
        JSON.stringify(record.code),
        record.readyAt,
      ],
    );
    this.versions.set(`${key(account, region, name)}\u0000${record.config.Version}`, record);
  }

  async deleteVersion(account: string, region: string, name: string, version: string): Promise<void> {
    await this.store.run('DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ? AND version = ?', [
      account,
      region,
      name,
      version,
    ]);
    this.versions.set(`${key(account, region, name)}\u0000${version}`, null);
  }

  async deleteFunction(account: string, region: string, name: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const p = [account, region, name];
      await tx.run('DELETE FROM lambda_functions WHERE account = ? AND region = ? AND name = ?', p);
      await tx.run('DELETE FROM lambda_versions WHERE account = ? AND region = ? AND name = ?', p);
      await tx.run('DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND function_name = ?', p);
      await tx.run('DELETE FROM lambda_settings WHERE account = ? AND region = ? AND function_name = ?', p);
    });
    const prefix = key(account, region, name);
    for (const map of [this.versions, this.aliases] as Map<string, unknown>[]) {
      for (const k of map.keys()) if (k.startsWith(prefix + '\u0000')) map.delete(k);
    }
    this.metas.set(prefix, null);
  }

  async alias(account: string, region: string, fn: string, name: string): Promise<AliasConfiguration | undefined> {
    const k = `${key(account, region, fn)}\u0000${name}`;
    const cached = this.aliases.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const row = await this.store.get<{ config: string }>(
      'SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND function_name = ? AND name = ?',
      [account, region, fn, name],
    );
    const alias = row ? (JSON.parse(row.config) as AliasConfiguration) : undefined;
    this.aliases.set(k, alias ?? null);
    return alias;
  }

  async listAliases(account: string, region: string, fn: string): Promise<AliasConfiguration[]> {
    const rows = await this.store.all<{ config: string }>(
      'SELECT config FROM lambda_aliases WHERE account = ? AND region = ? AND function_name = ? ORDER BY name',
      [account, region, fn],
    );
    return rows.map((r) => JSON.parse(r.config) as AliasConfiguration);
  }

  async putAlias(account: string, region: string, fn: string, alias: AliasConfiguration): Promise<void> {
    await this.store.run(
      `INSERT INTO lambda_aliases (account, region, function_name, name, config) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, function_name, name) DO UPDATE SET config = excluded.config`,
      [account, region, fn, alias.Name, JSON.stringify(alias)],
    );
    this.aliases.set(`${key(account, region, fn)}\u0000${alias.Name}`, alias);
  }

  async deleteAlias(account: string, region: string, fn: string, name: string): Promise<void> {
    await this.store.run(
      'DELETE FROM lambda_aliases WHERE account = ? AND region = ? AND function_name = ? AND name = ?',
      [account, region, fn, name],
    );
    this.aliases.set(`${key(account, region, fn)}\u0000${name}`, null);
  }
}

function versionOrder(v: string): number {
  return v === '$LATEST' ? -1 : Number(v);
}

function toMeta(row: FunctionRow): FunctionMeta {
  return {
    account: row.account,
    region: row.region,
    name: row.name,
    nextVersion: row.next_version,
    reserved: row.reserved ?? undefined,
    tags: JSON.parse(row.tags) as Record<string, string>,
    policy: row.policy ? JSON.parse(row.policy) : undefined,
    createdAt: row.created_at,
  };
}
