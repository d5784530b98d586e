import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A procfs or cgroupfs file read after every invocation: it stays open and is re-read from offset
 * 0 (the kernel regenerates its text on each read from the start), which spares an open and a
 * close per read on the hot path. Reads are synchronous: the kernel answers them from memory.
 */
export class PinnedFile {
  private fd: number | undefined;
  private readonly buf: Buffer;

  constructor(
    private readonly path: string,
    size = 8192,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** The file's text (latin1), or undefined when it cannot be read (gone, no permission). */
  text(): string | undefined {
    try {
      this.fd ??= openSync(this.path, 'r');
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      return this.buf.toString('latin1', 0, n);
    } catch {
      this.close();
      return undefined;
    }
  }

  /** The file's content as one integer (cgroup counters), or undefined. */
  int(): number | undefined {
    const text = this.text();
    if (text === undefined) return undefined;
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = undefined;
  }
}
