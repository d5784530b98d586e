import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { Db, Dialect, Migration, RunResult, SqlValue, Store } from '../store.js';

const SQLITE: Dialect = {
  name: 'sqlite',
  blob: 'BLOB',
  text: 'TEXT',
  integer: 'INTEGER',
  real: 'REAL',
  rowId: 'INTEGER PRIMARY KEY',
};

export interface SqliteStoreOptions {
  /** Directory for the database file; undefined keeps everything in memory. */
  dataDir?: string;
}

/** Writes paused this long: copy the WAL back (idleCheckpoint). */
const IDLE_CHECKPOINT_MS = 250;
/** While commits come, flush the WAL to disk from the thread pool at most this often (presyncWal). */
const WAL_PRESYNC_MS = 50;

/**
 * The default store: embedded SQLite in WAL mode. Each commit reaches the WAL before the call
 * returns, so an acknowledged write survives `kill -9` of the process.
 */
export class SqliteStore implements Store {
  readonly dialect = SQLITE;
  readonly dataDir: string | undefined;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Statement>();
  /** Tail of the exclusive-section queue; `busy` while a transaction is open. */
  private tail: Promise<void> = Promise.resolve();
  private busy = false;
  /** Resolves when the open group transaction commits. */
  private group: Promise<void> = Promise.resolve();
  /** Fires once writes have paused (see idleCheckpoint); pushed back by every commit. */
  private idleTimer: NodeJS.Timeout | undefined;
  /** Descriptor of the WAL file for presyncWal (opened at the first commit to a file). */
  private walFd: number | undefined;
  /** The fdatasync under way, if any. */
  private presync: Promise<void> | undefined;
  private lastPresync = 0;
  private readonly tx: Db;

  constructor(options: SqliteStoreOptions = {}) {
    if (options.dataDir) {
      this.dataDir = resolve(options.dataDir);
      mkdirSync(this.dataDir, { recursive: true });
      this.db = new Database(join(this.dataDir, 'overcast.db'));
      // Only this process opens the file: no per-statement file locking or shared memory, and a
      // second server on the same data directory fails fast instead of sharing state.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Keep the working set in SQLite's own page cache (64 MiB) and map the file for reads, so a
      // GetItem costs no system calls.
      this.db.pragma('cache_size = -65536');
      this.db.pragma('mmap_size = 1073741824');
      // Copy the WAL into the database file every 10,000 pages (~40 MiB) rather than SQLite's 1,000:
      // a hot page rewritten many times is copied (and the file synced) once per checkpoint, and
      // checkpoints, which run inside the commit that crosses the mark, are ten times rarer.
      this.db.pragma('wal_autocheckpoint = 10000');
    } else {
      this.dataDir = undefined;
      this.db = new Database(':memory:');
    }
    this.db.pragma('busy_timeout = 5000');
    // Each transaction of a group commit runs in a savepoint, and a savepoint saves the pages it
    // changes to a statement journal first: in memory rather than in a temporary file, which cost
    // a write system call per page (4 % of a PutItem's CPU). It is rollback data for an open
    // transaction only; committed data goes to the WAL as before.
    this.db.pragma('temp_store = MEMORY');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS _migrations (service TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (service, id))',
    );
    this.tx = {
      get: async (sql, params) => this.getSync(sql, params),
      all: async (sql, params) => this.allSync(sql, params),
      run: async (sql, params) => this.runSync(sql, params),
    };
  }

  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    if (this.busy) return this.exclusive(async () => this.getSync<T>(sql, params));
    return this.getSync<T>(sql, params);
  }

  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.busy) return this.exclusive(async () => this.allSync<T>(sql, params));
    return this.allSync<T>(sql, params);
  }

  /** A write outside a transaction is a transaction of its own (durable before it resolves). */
  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.transaction(async (tx) => tx.run(sql, params));
  }

  /**
   * Group commit: transactions that arrive while one is being processed share one SQLite
   * transaction and one WAL write. Each runs in its own savepoint (so a failure rolls back only
   * its own changes) and resolves only after the shared COMMIT has reached the WAL.
   */
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const { value, group } = await this.exclusive(async () => {
      if (!this.db.inTransaction) {
        this.stmt('BEGIN IMMEDIATE').run();
        this.group = this.scheduleCommit();
      }
      const group = this.group;
      this.stmt('SAVEPOINT tx').run();
      try {
        const value = await fn(this.tx);
        this.stmt('RELEASE tx').run();
        return { value, group };
      } catch (err) {
        this.stmt('ROLLBACK TO tx').run();
        this.stmt('RELEASE tx').run();
        throw err;
      }
    });
    await group;
    return value;
  }

  /** Commit the open group once the current I/O callbacks (other arriving requests) have run. */
  private scheduleCommit(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.exclusive(async () => {
          this.stmt('COMMIT').run();
          this.armIdleCheckpoint();
          this.presyncWal();
        }).then(resolve, (err: unknown) => {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          reject(err);
        });
      });
    });
  }

  /** (Re)start the countdown to an idle checkpoint after a commit to a file. */
  private armIdleCheckpoint(): void {
    if (!this.dataDir) return;
    if (this.idleTimer) this.idleTimer.refresh();
    else this.idleTimer = setTimeout(() => this.idleCheckpoint(), IDLE_CHECKPOINT_MS).unref();
  }

  /**
   * A checkpoint (SQLite's, inside the commit that crosses `wal_autocheckpoint`) first fsyncs the
   * WAL: up to 40 MiB of frames written since the last one, 50-60 ms on this kind of disk, during
   * which the event loop stands still. So while commits come, the WAL is fdatasync'd from libuv's
   * thread pool every WAL_PRESYNC_MS, and the checkpoint's own fsync finds only the frames of the
   * last few milliseconds still to write. The disk writes the same frames as before, once each;
   * only where the waiting happens changes. Durability is unchanged: a commit is acknowledged once
   * it is in the WAL (which survives `kill -9`), as before.
   */
  private presyncWal(): void {
    if (!this.dataDir || this.presync) return;
    const now = performance.now();
    if (now - this.lastPresync < WAL_PRESYNC_MS) return;
    if (this.walFd === undefined) {
      try {
        this.walFd = openSync(join(this.dataDir, 'overcast.db-wal'), 'r');
      } catch {
        return;
      }
    }
    const fd = this.walFd;
    this.lastPresync = now;
    // An error here (none expected on a file we hold open) leaves the checkpoint to sync as before.
    this.presync = new Promise<void>((done) => fdatasync(fd, () => done())).then(() => {
      this.presync = undefined;
    });
  }

  /**
   * Once no commit has come for IDLE_CHECKPOINT_MS, copy the whole WAL into the database file.
   * Until then every page a read touches is first looked up in the WAL's index (up to 10,000
   * frames: 5 % of a Query after a burst of writes); once the WAL is all copied back, reads skip
   * it. The autocheckpoint alone leaves up to 40 MiB of WAL behind a burst for as long as no
   * write comes.
   */
  private idleCheckpoint(): void {
    this.idleTimer = undefined;
    if (!this.db.open) return;
    this.exclusive(async () => {
      if (this.db.open && !this.db.inTransaction) this.db.pragma('wal_checkpoint(PASSIVE)');
    }).catch(() => undefined);
  }

  async migrate(service: string, migrations: readonly Migration[]): Promise<void> {
    const applied = new Set(
      this.allSync<{ id: string }>('SELECT id FROM _migrations WHERE service = ?', [service]).map((r) => r.id),
    );
    for (const m of migrations) {
      if (applied.has(m.id)) continue;
      const run = this.db.transaction(() => {
        for (const sql of m.statements(this.dialect)) this.db.exec(sql);
        this.runSync('INSERT INTO _migrations (service, id) VALUES (?, ?)', [service, m.id]);
      });
      run();
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.group.catch(() => undefined);
    await this.tail;
    if (this.db.open) {
      if (this.dataDir) this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
    if (this.walFd !== undefined) {
      const fd = this.walFd;
      this.walFd = undefined;
      await this.presync;
      closeSync(fd);
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    return prev.then(async () => {
      this.busy = true;
      try {
        return await fn();
      } finally {
        this.busy = false;
        release();
      }
    });
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private getSync<T>(sql: string, params: readonly SqlValue[] = []): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  private allSync<T>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  private runSync(sql: string, params: readonly SqlValue[] = []): RunResult {
    return { changes: this.stmt(sql).run(...params).changes };
  }
}
