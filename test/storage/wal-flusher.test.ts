import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalFlusher } from '../../src/storage/sqlite/wal-flusher.js';
import { tempDir } from '../helpers/server.js';

const settle = async (f: WalFlusher, want: number) => {
  for (let i = 0; i < 200 && f.syncs < want; i++) await new Promise((r) => setTimeout(r, 5));
};

const dirs: { cleanup: () => void }[] = [];
afterAll(() => dirs.forEach((d) => d.cleanup()));
const newDir = () => {
  const d = tempDir();
  dirs.push(d);
  return d.path;
};

describe('WalFlusher (background WAL syncs)', () => {
  it('syncs at most once per interval of the injected clock, and not before the WAL exists', async () => {
    const dir = newDir();
    const wal = join(dir, 'overcast.db-wal');
    let now = 0;
    const f = new WalFlusher(wal, 50, () => now);
    f.committed(); // no WAL yet: the open fails, nothing is synced
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(wal, 'frames');
    now = 10;
    f.committed(); // within the interval of the last attempt: skipped
    await new Promise((r) => setTimeout(r, 20));
    expect(f.syncs).toBe(0);
    now = 60;
    f.committed(); // opens the file
    await new Promise((r) => setTimeout(r, 20));
    now = 120;
    f.committed(); // first sync
    await settle(f, 1);
    expect(f.syncs).toBe(1);
    now = 130;
    f.committed(); // too soon
    now = 200;
    f.committed(); // second sync
    await settle(f, 2);
    expect(f.syncs).toBe(2);
    await f.close();
    now = 1000;
    f.committed(); // closed: ignored
    await new Promise((r) => setTimeout(r, 20));
    expect(f.syncs).toBe(2);
  });

  it('close() waits for a sync in flight and for a pending open', async () => {
    const dir = newDir();
    const wal = join(dir, 'x-wal');
    writeFileSync(wal, 'frames');
    let now = 0;
    const f = new WalFlusher(wal, 1, () => now);
    f.committed(); // open in flight
    await f.close();
    now = 5;
    f.committed();
    expect(f.syncs).toBe(0);
  });
});
