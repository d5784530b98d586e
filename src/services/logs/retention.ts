import type { Store } from '../../storage/store.js';
import type { Logs } from './context.js';
import { DAY_MS } from './ingest.js';
import { logsSql } from './storage/sql.js';

const runtimes = new WeakMap<Store, LogsRetention>();

/** The retention sweeper of a store (set when the logs service starts); tests use it to run a sweep. */
export function retentionFor(store: Store): LogsRetention | undefined {
  return runtimes.get(store);
}

/**
 * Retention: events of a group with a retention policy whose timestamp is older than
 * `now - retentionInDays` (on the injected clock) are deleted by a periodic sweep, with the
 * group's storedBytes and the streams' first event times adjusted in the same transaction.
 */
export class LogsRetention {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly logs: Logs,
    private readonly intervalMs: number,
  ) {
    runtimes.set(logs.store, this);
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch(() => undefined);
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** Delete every expired event; returns how many were deleted. One sweep runs at a time. */
  sweep(now: number = this.logs.clock.now()): Promise<number> {
    const previous = this.sweeping ?? Promise.resolve(0);
    const run = previous.catch(() => 0).then(() => this.run(now));
    this.sweeping = run;
    return run;
  }

  private async run(now: number): Promise<number> {
    let deleted = 0;
    for (const group of await logsSql.allGroupsWithRetention(this.logs.store)) {
      const before = now - group.retention_days! * DAY_MS;
      deleted += await this.logs.store.transaction(async (tx) => {
        const perStream = await logsSql.expiredBytes(tx, group.id, before);
        if (perStream.length === 0) return 0;
        const { changes } = await logsSql.deleteExpired(tx, group.id, before);
        let bytes = 0;
        for (const s of perStream) {
          bytes += s.bytes;
          await logsSql.shrinkStream(tx, s.stream_id, s.bytes);
        }
        await logsSql.addGroupBytes(tx, group.id, -bytes);
        return changes;
      });
    }
    return deleted;
  }
}
