import { close, fdatasync, open } from 'node:fs';

/**
 * Writes the WAL's new frames to disk in the background, off the main thread.
 *
 * With `synchronous = NORMAL` a commit only writes its frames into the WAL (the OS holds them: a
 * killed process loses nothing), and SQLite syncs the WAL once, at the start of each checkpoint,
 * on the thread that commits — a checkpoint every 10,000 frames (~40 MiB) found that much data
 * unwritten and blocked the server 10–50 ms in that fsync (3–4 % of a PutItem load's wall time,
 * and its p99). Syncing the same file from libuv's thread pool every `intervalMs` while commits
 * arrive leaves the checkpoint's own fsync little to write. It only adds syncs: what SQLite syncs,
 * and when, is unchanged.
 */
export class WalFlusher {
  private fd: number | undefined;
  private opening = false;
  private inFlight: Promise<void> | undefined;
  private lastStart = -Infinity;
  private closed = false;
  private completed = 0;

  constructor(
    private readonly walPath: string,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** After a commit: start a background sync if none ran in the last interval. */
  committed(): void {
    if (this.closed || this.inFlight || this.opening) return;
    const now = this.now();
    if (now - this.lastStart < this.intervalMs) return;
    this.lastStart = now;
    if (this.fd === undefined) {
      // The WAL exists once the first commit has written to it; opened once, kept open.
      this.opening = true;
      open(this.walPath, 'r', (err, fd) => {
        this.opening = false;
        if (err) return;
        if (this.closed) close(fd, () => undefined);
        else this.fd = fd;
      });
      return;
    }
    const fd = this.fd;
    this.inFlight = new Promise<void>((resolve) => {
      fdatasync(fd, () => {
        this.completed++;
        this.inFlight = undefined;
        resolve();
      });
    });
  }

  /** Background syncs completed so far. */
  get syncs(): number {
    return this.completed;
  }

  /** Wait for a sync in flight and close the file (before the store closes the database). */
  async close(): Promise<void> {
    this.closed = true;
    await this.inFlight;
    while (this.opening) await new Promise((r) => setImmediate(r));
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) await new Promise<void>((resolve) => close(fd, () => resolve()));
  }
}
