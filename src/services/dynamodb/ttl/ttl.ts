import type { Db, Store } from '../../../storage/store.js';
import type { DynamoDb } from '../context.js';
import { encodeKeyOf } from '../keys.js';
import type { EncodedKey } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import { TTL_IDENTITY } from '../streams/streams.js';
import type { AttributedChange } from '../streams/streams.js';
import type { Table } from '../tables/table.js';
import type { Item } from '../types.js';
import type { ChangeListener } from '../writes.js';
import { FIVE_YEARS_S, expiryOf, isDue, ttlAttributeOf } from './state.js';
import { ttlSql } from './storage.js';

/** DynamoDB refuses a second UpdateTimeToLive on a table for about 30 minutes (measured ~31). */
export const TTL_COOLDOWN_MS = 31 * 60 * 1000;

const BATCH = 100;

const runtimes = new WeakMap<Store, DynamoDbTtl>();

/** The TTL runtime of a store (set when DynamoDB starts); tests use it to run a sweep. */
export function ttlFor(store: Store): DynamoDbTtl | undefined {
  return runtimes.get(store);
}

export interface TtlOptions {
  /** Real-time period of the background sweep (0: only explicit `sweepExpired` calls). */
  sweepIntervalMs: number;
  /** Minimum time between two UpdateTimeToLive changes of one table. */
  cooldownMs: number;
}

/**
 * Time to Live: an index of expiration times (kept by an ItemWriter listener, inside each
 * write's transaction) and a sweeper that deletes expired items through the ItemWriter, so their
 * REMOVE stream records carry the TTL service's `userIdentity`.
 */
export class DynamoDbTtl {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;
  /** Tables that had TTL rows at the last sweep (to drop rows of deleted tables). */
  private indexed: Set<number> | undefined;

  constructor(
    private readonly ddb: DynamoDb,
    readonly options: TtlOptions,
  ) {}

  attach(): void {
    this.ddb.writer.onChange(this.listener, (table) => ttlAttributeOf(table) !== undefined);
    runtimes.set(this.ddb.store, this);
  }

  start(): void {
    if (this.options.sweepIntervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweepExpired().catch(() => undefined);
    }, this.options.sweepIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** Keeps the expiration index: costs one property read for tables without TTL. */
  readonly listener: ChangeListener = async (tx, change) => {
    const attribute = ttlAttributeOf(change.table);
    if (attribute === undefined) return;
    const before = expiryOf(change.oldItem, attribute);
    const after = expiryOf(change.newItem, attribute);
    if (before === after) return;
    if (before !== undefined) await ttlSql.delete(tx, change.table.id, before, change.key);
    if (after !== undefined) await ttlSql.put(tx, change.table.id, after, change.key);
  };

  /** After TTL is enabled: index the expiration time of every existing item. */
  async backfill(table: Table, attribute: string): Promise<void> {
    await this.ddb.store.transaction(async (tx) => {
      let after: { bucket: number; pk: Buffer; sk: Buffer } | undefined;
      for (;;) {
        const rows = await itemsSql.scanTable(tx, table.id, 0, 2 ** 32, after, 500);
        for (const row of rows) {
          const expires = expiryOf(JSON.parse(row.item) as Item, attribute);
          if (expires !== undefined) await ttlSql.put(tx, table.id, expires, row);
        }
        if (rows.length < 500) break;
        const last = rows[rows.length - 1]!;
        after = { bucket: last.bucket, pk: last.pk, sk: last.sk };
      }
    });
  }

  /** After TTL is disabled: forget the table's expiration times. */
  async drop(tableId: number): Promise<void> {
    await this.ddb.store.transaction((tx) => ttlSql.dropTable(tx, tableId));
  }

  /**
   * Delete every expired item of every TTL-enabled table (expiration time before `now`, not more
   * than five years before it). Returns how many items were deleted. One sweep runs at a time.
   */
  sweepExpired(now: number = this.ddb.clock.now()): Promise<number> {
    const previous = this.sweeping ?? Promise.resolve(0);
    const run = previous.catch(() => 0).then(() => this.sweep(now));
    this.sweeping = run;
    return run;
  }

  private async sweep(now: number): Promise<number> {
    const tables = await this.ttlTables();
    let deleted = 0;
    for (const { table, attribute } of tables) deleted += await this.sweepTable(table, attribute, now);
    await this.dropOrphans(new Set(tables.map((t) => t.table.id)));
    return deleted;
  }

  private async ttlTables(): Promise<{ table: Table; attribute: string }[]> {
    const rows = await this.ddb.store.all<{ account: string; region: string; name: string }>(
      'SELECT account, region, name FROM ddb_tables',
    );
    const out: { table: Table; attribute: string }[] = [];
    for (const r of rows) {
      const table = this.ddb.catalog.get(r.account, r.region, r.name);
      const attribute = table ? ttlAttributeOf(table) : undefined;
      if (table && attribute !== undefined) out.push({ table, attribute });
    }
    return out;
  }

  private async sweepTable(table: Table, attribute: string, now: number): Promise<number> {
    const high = now / 1000;
    const low = high - FIVE_YEARS_S;
    let deleted = 0;
    for (;;) {
      const due = await ttlSql.due(this.ddb.store, table.id, low, high, BATCH);
      if (due.length === 0) break;
      const { removed, handled } = await this.ddb.store.transaction(async (tx) => {
        let removed = 0;
        let handled = 0;
        for (const d of due) {
          const key: EncodedKey = { bucket: d.bucket, pk: d.pk, sk: d.sk };
          const outcome = await this.expire(tx, table, attribute, key, d.expires, now);
          if (outcome === 'deleted') removed++;
          if (outcome !== 'kept') handled++;
        }
        return { removed, handled };
      });
      deleted += removed;
      if (due.length < BATCH || handled === 0) break;
    }
    return deleted;
  }

  /** Delete one item if it is still expired (re-read inside the transaction); drop a stale row. */
  private async expire(
    tx: Db,
    table: Table,
    attribute: string,
    key: EncodedKey,
    indexed: number,
    now: number,
  ): Promise<'deleted' | 'dropped' | 'kept'> {
    const row = await itemsSql.get(tx, table.id, key);
    const item = row ? (JSON.parse(row.item) as Item) : undefined;
    const expires = expiryOf(item, attribute);
    if (!item || expires === undefined || !isDue(expires, now)) {
      if (expires === indexed) return 'kept';
      await ttlSql.delete(tx, table.id, indexed, key);
      return 'dropped';
    }
    const change: AttributedChange = {
      table,
      key: encodeKeyOf(table.key, item),
      oldItem: item,
      newItem: undefined,
      at: now,
      userIdentity: TTL_IDENTITY,
    };
    await this.ddb.writer.apply(tx, change);
    return 'deleted';
  }

  /** Drop index rows of tables that were deleted or lost TTL outside UpdateTimeToLive. */
  private async dropOrphans(active: Set<number>): Promise<void> {
    const known = this.indexed ?? new Set(await ttlSql.tableIds(this.ddb.store));
    for (const id of known) {
      if (!active.has(id)) await this.drop(id);
    }
    this.indexed = active;
  }
}
