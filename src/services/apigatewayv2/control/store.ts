import type { Migration, Store } from '../../../storage/store.js';

/** A stored resource in the model's member names (`ApiId`, `RouteKey`, ...); times in epoch ms. */
export type Doc = Record<string, any>;

export type Kind =
  'route' | 'integration' | 'stage' | 'deployment' | 'authorizer' | 'routeresponse' | 'integrationresponse' | 'model';

export const KINDS: readonly Kind[] = [
  'route',
  'integration',
  'stage',
  'deployment',
  'authorizer',
  'routeresponse',
  'integrationresponse',
  'model',
];

/** One API and everything under it, held in memory (APIs are small) and written through to the store. */
export interface ApiState {
  account: string;
  region: string;
  api: Doc;
  items: Record<Kind, Map<string, Doc>>;
  /** Bumped on every change: compiled routers and caches key on it. */
  version: number;
}

const MIGRATIONS: Migration[] = [
  {
    id: '001-items',
    statements: (d) => [
      `CREATE TABLE apigwv2_items (account ${d.text} NOT NULL, region ${d.text} NOT NULL, api_id ${d.text} NOT NULL, kind ${d.text} NOT NULL, id ${d.text} NOT NULL, doc ${d.text} NOT NULL, PRIMARY KEY (api_id, kind, id))`,
    ],
  },
];

function emptyItems(): Record<Kind, Map<string, Doc>> {
  return Object.fromEntries(KINDS.map((k) => [k, new Map<string, Doc>()])) as Record<Kind, Map<string, Doc>>;
}

export class ApiStore {
  /** Every API by id (ids are unique across accounts): what the invoke mount's `matches` reads. */
  readonly apis = new Map<string, ApiState>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    await this.store.migrate('apigatewayv2', MIGRATIONS);
    const rows = await this.store.all<{
      account: string;
      region: string;
      api_id: string;
      kind: string;
      id: string;
      doc: string;
    }>('SELECT account, region, api_id, kind, id, doc FROM apigwv2_items');
    for (const r of rows.filter((r) => r.kind === 'api')) {
      this.apis.set(r.api_id, {
        account: r.account,
        region: r.region,
        api: JSON.parse(r.doc) as Doc,
        items: emptyItems(),
        version: 0,
      });
    }
    for (const r of rows) {
      if (r.kind === 'api') continue;
      this.apis.get(r.api_id)?.items[r.kind as Kind].set(r.id, JSON.parse(r.doc) as Doc);
    }
  }

  find(account: string, region: string, apiId: string): ApiState | undefined {
    const s = this.apis.get(apiId);
    return s && s.account === account && s.region === region ? s : undefined;
  }

  async createApi(account: string, region: string, api: Doc): Promise<ApiState> {
    const state: ApiState = { account, region, api, items: emptyItems(), version: 0 };
    await this.write(state, 'api', api['ApiId'] as string, api);
    this.apis.set(api['ApiId'] as string, state);
    return state;
  }

  async saveApi(state: ApiState): Promise<void> {
    state.version++;
    await this.write(state, 'api', state.api['ApiId'] as string, state.api);
  }

  async put(state: ApiState, kind: Kind, id: string, doc: Doc): Promise<void> {
    state.items[kind].set(id, doc);
    state.version++;
    await this.write(state, kind, id, doc);
  }

  async remove(state: ApiState, kind: Kind, id: string): Promise<void> {
    state.items[kind].delete(id);
    state.version++;
    await this.store.run('DELETE FROM apigwv2_items WHERE api_id = ? AND kind = ? AND id = ?', [
      state.api['ApiId'] as string,
      kind,
      id,
    ]);
  }

  async deleteApi(state: ApiState): Promise<void> {
    const id = state.api['ApiId'] as string;
    this.apis.delete(id);
    state.version++;
    await this.store.run('DELETE FROM apigwv2_items WHERE api_id = ?', [id]);
  }

  private async write(state: ApiState, kind: string, id: string, doc: Doc): Promise<void> {
    await this.store.run(
      'INSERT INTO apigwv2_items (account, region, api_id, kind, id, doc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (api_id, kind, id) DO UPDATE SET doc = excluded.doc',
      [state.account, state.region, state.api['ApiId'] as string, kind, id, JSON.stringify(doc)],
    );
  }
}
