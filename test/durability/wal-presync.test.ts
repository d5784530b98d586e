import { readdirSync, readlinkSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import { tempDir } from '../helpers/server.js';

// Count the store's fdatasync calls; they still reach the real one.
const syncs = vi.hoisted(() => ({ calls: [] as number[] }));
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    fdatasync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      syncs.calls.push(fd);
      real.fdatasync(fd, cb);
    },
  };
});

const openWalDescriptors = (dir: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(`${dir}/overcast.db-wal`);
    } catch {
      return false;
    }
  }).length;

// Commits flush the WAL from the thread pool while writes go on (SqliteStore.presyncWal), so the
// checkpoint that crosses wal_autocheckpoint does not wait for the disk on the event loop.
describe('WAL flushed ahead of checkpoints', () => {
  it('syncs the WAL while commits come, keeps every commit across checkpoints, and closes its descriptor', async () => {
    const dir = tempDir('overcast-presync-');
    try {
      const store = new SqliteStore({ dataDir: dir.path });
      await store.migrate('t', [
        { id: '001', statements: () => ['CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)'] },
      ]);
      const body = Buffer.alloc(3000, 7);
      // ~14,000 pages of WAL: past the autocheckpoint (10,000 pages), in groups of 20 transactions
      // a turn, with a pause now and then so that presyncs, 50 ms apart at most, come due.
      let id = 0;
      for (let round = 0; round < 700; round++) {
        await Promise.all(
          Array.from({ length: 20 }, () =>
            store.transaction(async (tx) => tx.run('INSERT INTO t VALUES (?, ?)', [++id, body])),
          ),
        );
        if (round % 100 === 99) await new Promise((r) => setTimeout(r, 60));
      }
      expect(syncs.calls.length).toBeGreaterThanOrEqual(2);
      // SQLite's own descriptor of the WAL and the store's.
      expect(openWalDescriptors(dir.path)).toBe(2);
      await store.close();
      expect(openWalDescriptors(dir.path)).toBe(0);

      const again = new SqliteStore({ dataDir: dir.path });
      const row = await again.get<{ n: number; top: number }>('SELECT COUNT(*) AS n, MAX(id) AS top FROM t');
      expect(row).toEqual({ n: 14_000, top: 14_000 });
      await again.close();
    } finally {
      dir.cleanup();
    }
  });
});
