import { randomBytes } from 'node:crypto';
import type { Migration, Store } from '../../storage/store.js';
import type { AccountDoc, ApiKeyDoc, RestApiDoc, UsagePlanDoc } from './types.js';

export const APIGW_MIGRATIONS: Migration[] = [
  {
    id: '001-objects',
    statements: (d) => [
      `CREATE TABLE apigw_objects (
        account ${d.text} NOT NULL, region ${d.text} NOT NULL, kind ${d.text} NOT NULL, id ${d.text} NOT NULL,
        doc ${d.text} NOT NULL,
        PRIMARY KEY (account, region, kind, id))`,
    ],
  },
];

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random [a-z0-9] characters (API ids: 10; resource ids: 10; authorizers, deployments: 6). */
export function randomId(n: number, alphabet = ALNUM): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

/** A 40-character API key value. */
export function randomKeyValue(): string {
  return randomId(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
}

export interface RegionState {
  apis: Map<string, RestApiDoc>;
  apiKeys: Map<string, ApiKeyDoc>;
  usagePlans: Map<string, UsagePlanDoc>;
  account: AccountDoc;
  /** Quota usage by `planId/keyId/periodStart`. */
  usage: Map<string, number>;
}

type Kind = 'api' | 'apikey' | 'usageplan' | 'account' | 'usage';

/**
 * Every API Gateway object lives in memory (the data plane matches request heads synchronously)
 * and is written through to the store as a JSON document per object.
 */
export class ApigwState {
  private readonly regions = new Map<string, RegionState>();
  /** REST API id → where it lives: what the invoke mount claims. */
  readonly apiIndex = new Map<string, { account: string; region: string }>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    const rows = await this.store.all<{ account: string; region: string; kind: Kind; id: string; doc: string }>(
      'SELECT account, region, kind, id, doc FROM apigw_objects',
    );
    for (const row of rows) {
      const r = this.region(row.account, row.region);
      const doc = JSON.parse(row.doc);
      switch (row.kind) {
        case 'api':
          r.apis.set(row.id, doc as RestApiDoc);
          this.apiIndex.set(row.id, { account: row.account, region: row.region });
          break;
        case 'apikey':
          r.apiKeys.set(row.id, doc as ApiKeyDoc);
          break;
        case 'usageplan':
          r.usagePlans.set(row.id, doc as UsagePlanDoc);
          break;
        case 'account':
          r.account = doc as AccountDoc;
          break;
        case 'usage':
          r.usage.set(row.id, Number(doc));
          break;
      }
    }
  }

  region(account: string, region: string): RegionState {
    const key = `${account}/${region}`;
    let r = this.regions.get(key);
    if (!r) {
      r = { apis: new Map(), apiKeys: new Map(), usagePlans: new Map(), account: {}, usage: new Map() };
      this.regions.set(key, r);
    }
    return r;
  }

  /** The API an invoke URL names, wherever it lives. */
  apiById(id: string): { api: RestApiDoc; account: string; region: string } | undefined {
    const loc = this.apiIndex.get(id);
    if (!loc) return undefined;
    const api = this.region(loc.account, loc.region).apis.get(id);
    return api ? { api, ...loc } : undefined;
  }

  newApiId(): string {
    for (;;) {
      const id = randomId(10);
      if (!this.apiIndex.has(id)) return id;
    }
  }

  async saveApi(account: string, region: string, api: RestApiDoc): Promise<void> {
    this.region(account, region).apis.set(api.id, api);
    this.apiIndex.set(api.id, { account, region });
    await this.put(account, region, 'api', api.id, api);
  }

  async deleteApi(account: string, region: string, id: string): Promise<void> {
    this.region(account, region).apis.delete(id);
    this.apiIndex.delete(id);
    await this.remove(account, region, 'api', id);
  }

  async saveApiKey(account: string, region: string, key: ApiKeyDoc): Promise<void> {
    this.region(account, region).apiKeys.set(key.id, key);
    await this.put(account, region, 'apikey', key.id, key);
  }

  async deleteApiKey(account: string, region: string, id: string): Promise<void> {
    this.region(account, region).apiKeys.delete(id);
    await this.remove(account, region, 'apikey', id);
  }

  async saveUsagePlan(account: string, region: string, plan: UsagePlanDoc): Promise<void> {
    this.region(account, region).usagePlans.set(plan.id, plan);
    await this.put(account, region, 'usageplan', plan.id, plan);
  }

  async deleteUsagePlan(account: string, region: string, id: string): Promise<void> {
    this.region(account, region).usagePlans.delete(id);
    await this.remove(account, region, 'usageplan', id);
  }

  async saveAccount(account: string, region: string, doc: AccountDoc): Promise<void> {
    this.region(account, region).account = doc;
    await this.put(account, region, 'account', 'account', doc);
  }

  /** Quota counters: kept in memory, written through (best effort ordering, durable once resolved). */
  async saveUsage(account: string, region: string, key: string, used: number): Promise<void> {
    this.region(account, region).usage.set(key, used);
    await this.put(account, region, 'usage', key, used);
  }

  private async put(account: string, region: string, kind: Kind, id: string, doc: unknown): Promise<void> {
    await this.store.run(
      `INSERT INTO apigw_objects (account, region, kind, id, doc) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account, region, kind, id) DO UPDATE SET doc = excluded.doc`,
      [account, region, kind, id, JSON.stringify(doc)],
    );
  }

  private async remove(account: string, region: string, kind: Kind, id: string): Promise<void> {
    await this.store.run('DELETE FROM apigw_objects WHERE account = ? AND region = ? AND kind = ? AND id = ?', [
      account,
      region,
      kind,
      id,
    ]);
  }
}
