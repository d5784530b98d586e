import type { Clock } from '../../core/clock.js';
import type { Store } from '../../storage/store.js';
import type { ClusterDoc, ServiceDoc, TaskDefinitionDoc, TaskDoc } from './types.js';

type Kind = 'cluster' | 'taskdef' | 'task' | 'service';
interface DocOf {
  cluster: ClusterDoc;
  taskdef: TaskDefinitionDoc;
  task: TaskDoc;
  service: ServiceDoc;
}

interface Row {
  account: string;
  region: string;
  kind: Kind;
  arn: string;
  doc: string;
}

/** Stopped tasks stay visible this long (AWS: about an hour). */
export const STOPPED_TASK_TTL_MS = 60 * 60 * 1000;

/**
 * Every ECS resource, in memory (ECS is small and hot: the scheduler reads it many times a second)
 * and written through to the store. Keys are `account/region` scopes then ARNs.
 */
export class EcsState {
  private readonly maps: { [K in Kind]: Map<string, DocOf[K]> } = {
    cluster: new Map(),
    taskdef: new Map(),
    task: new Map(),
    service: new Map(),
  };
  private readonly scopeOf = new Map<string, { account: string; region: string }>();
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {}

  static async load(store: Store, clock: Clock): Promise<EcsState> {
    const s = new EcsState(store, clock);
    for (const r of await store.all<Row>('SELECT account, region, kind, arn, doc FROM ecs_resources')) {
      (s.maps[r.kind] as Map<string, unknown>).set(r.arn, JSON.parse(r.doc));
      s.scopeOf.set(r.arn, { account: r.account, region: r.region });
    }
    return s;
  }

  get<K extends Kind>(kind: K, arn: string): DocOf[K] | undefined {
    return this.maps[kind].get(arn);
  }

  /** Every document of a kind in one account and region. */
  list<K extends Kind>(kind: K, account: string, region: string): DocOf[K][] {
    const prefix = `:${region}:${account}:`;
    return [...this.maps[kind].entries()].filter(([arn]) => arn.includes(prefix)).map(([, d]) => d);
  }

  all<K extends Kind>(kind: K): DocOf[K][] {
    return [...this.maps[kind].values()];
  }

  /** Store a document (durable when the promise resolves; writes are applied in call order). */
  put<K extends Kind>(kind: K, arn: string, doc: DocOf[K]): Promise<void> {
    this.maps[kind].set(arn, doc);
    const [, , , region = '', account = ''] = arn.split(':');
    const text = JSON.stringify(doc);
    const write = this.chain.then(() =>
      this.store.run(
        `INSERT INTO ecs_resources (account, region, kind, arn, doc, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, kind, arn) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at`,
        [account, region, kind, arn, text, this.clock.now()],
      ),
    );
    this.chain = write.catch(() => undefined);
    return write.then(() => undefined);
  }

  remove(kind: Kind, arn: string): Promise<void> {
    this.maps[kind].delete(arn);
    const [, , , region = '', account = ''] = arn.split(':');
    const write = this.chain.then(() =>
      this.store.run('DELETE FROM ecs_resources WHERE account = ? AND region = ? AND kind = ? AND arn = ?', [
        account,
        region,
        kind,
        arn,
      ]),
    );
    this.chain = write.catch(() => undefined);
    return write.then(() => undefined);
  }

  /** Wait for every write issued so far. */
  flush(): Promise<unknown> {
    return this.chain;
  }
}
