import type { Db, Store } from '../../../storage/store.js';
import type { DynamoDb } from '../context.js';
import type { ChangeListener } from '../writes.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How many log rows a table writes between prunes of rows older than its recovery window. */
const PRUNE_EVERY = 4096;

/** Point-in-time recovery settings of one table (by internal table id). */
export interface PitrSettings {
  tableId: number;
  /** When recovery was (last) enabled: nothing before it can be restored. */
  enabledAt: number;
  recoveryDays: number;
}

/**
 * Point-in-time recovery: which tables have it, and the change log that makes it real. Every item
 * write of a PITR table appends (old image, new image) to ddb_pitr_log inside the write's own
 * transaction (an ItemWriter listener), so the log commits atomically with the write. A table's
 * state at time T is its current state with every change after T undone (see snapshot.ts).
 * Tables without PITR pay one Map lookup per write.
 */
export class PitrRegistry {
  private readonly enabled = new Map<number, PitrSettings>();
  private seq = 0;
  private sincePrune = new Map<number, number>();

  constructor(private readonly store: Store) {}

  async load(): Promise<void> {
    for (const row of await this.store.all<{ table_id: number; enabled_at: number; recovery_days: number }>(
      'SELECT table_id, enabled_at, recovery_days FROM ddb_pitr',
    )) {
      this.enabled.set(Number(row.table_id), {
        tableId: Number(row.table_id),
        enabledAt: Number(row.enabled_at),
        recoveryDays: Number(row.recovery_days),
      });
    }
    const max = await this.store.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM ddb_pitr_log');
    this.seq = Number(max?.s ?? 0);
  }

  get(tableId: number): PitrSettings | undefined {
    return this.enabled.get(tableId);
  }

  /** Earliest and latest restorable times (epoch ms) of an enabled table. */
  window(settings: PitrSettings, now: number): { earliest: number; latest: number } {
    return { earliest: Math.min(now, Math.max(settings.enabledAt, now - settings.recoveryDays * DAY_MS)), latest: now };
  }

  /** Enable (or re-configure) recovery; an already enabled table keeps its history. */
  async enable(tableId: number, now: number, recoveryDays: number): Promise<PitrSettings> {
    const current = this.enabled.get(tableId);
    const settings: PitrSettings = { tableId, enabledAt: current?.enabledAt ?? now, recoveryDays };
    await this.store.run(
      'INSERT INTO ddb_pitr (table_id, enabled_at, recovery_days) VALUES (?, ?, ?) ON CONFLICT (table_id) DO UPDATE SET enabled_at = excluded.enabled_at, recovery_days = excluded.recovery_days',
      [tableId, settings.enabledAt, recoveryDays],
    );
    this.enabled.set(tableId, settings);
    return settings;
  }

  /** Disable recovery: the history is discarded, as AWS does. */
  async disable(tableId: number): Promise<void> {
    this.enabled.delete(tableId);
    await this.store.transaction(async (tx) => {
      await tx.run('DELETE FROM ddb_pitr WHERE table_id = ?', [tableId]);
      await tx.run('DELETE FROM ddb_pitr_log WHERE table_id = ?', [tableId]);
    });
  }

  /** Drop log rows no restore can need any more (older than the recovery window). */
  async prune(db: Db, settings: PitrSettings, now: number): Promise<void> {
    await db.run('DELETE FROM ddb_pitr_log WHERE table_id = ? AND written_at < ?', [
      settings.tableId,
      this.window(settings, now).earliest,
    ]);
  }

  /** The ItemWriter listener: one log row per changed item of a PITR table. */
  readonly listener: ChangeListener = async (tx, change) => {
    const settings = this.enabled.get(change.table.id);
    if (!settings || (!change.oldItem && !change.newItem)) return;
    await tx.run(
      'INSERT INTO ddb_pitr_log (table_id, seq, written_at, bucket, pk, sk, old_item, new_item) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        settings.tableId,
        ++this.seq,
        change.at,
        change.key.bucket,
        change.key.pk,
        change.key.sk,
        change.oldItem ? JSON.stringify(change.oldItem) : null,
        change.newItem ? JSON.stringify(change.newItem) : null,
      ],
    );
    const n = (this.sincePrune.get(settings.tableId) ?? 0) + 1;
    this.sincePrune.set(settings.tableId, n % PRUNE_EVERY);
    if (n >= PRUNE_EVERY) await this.prune(tx, settings, change.at);
  };
}

const registries = new WeakMap<DynamoDb, PitrRegistry>();

/** Load PITR settings and hook the change log into the service's ItemWriter (once, at startup). */
export async function attachPitr(ddb: DynamoDb): Promise<PitrRegistry> {
  const registry = new PitrRegistry(ddb.store);
  await registry.load();
  registries.set(ddb, registry);
  ddb.writer.onChange(registry.listener, (table) => registry.get(table.id) !== undefined);
  return registry;
}

export function pitrOf(ddb: DynamoDb): PitrRegistry {
  const registry = registries.get(ddb);
  if (!registry) throw new Error('point-in-time recovery is not attached to this DynamoDB service');
  return registry;
}
