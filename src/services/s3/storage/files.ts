import { randomUUID } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Writable } from 'node:stream';
import { writeFileRange } from '../../../core/http/send-file.js';
import type { Segment } from './catalog.js';

const SEND_CHUNK = 1024 * 1024;

/**
 * Object bytes on disk: `data/<xx>/<uuid>` files (named by the catalog's rows) and `tmp/` for bodies
 * being received. A body is renamed into `data/` only once it is complete and its digests hold, and
 * its row is committed after that: an interrupted or rejected upload leaves nothing behind. (Bodies
 * under 1 MiB are written straight to `data/` once their digests hold.)
 */
export class Files {
  private readonly data: string;
  readonly tmp: string;

  constructor(root: string) {
    this.data = join(root, 'data');
    this.tmp = join(root, 'tmp');
    // Bodies a previous run was receiving when it stopped are dropped.
    if (existsSync(this.tmp)) rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  /** The 256 `data/<xx>` directories are made when first written to (not all at start). */
  private readonly made = new Set<string>();

  private ensureDir(prefix: string): void {
    if (this.made.has(prefix)) return;
    mkdirSync(join(this.data, prefix), { recursive: true });
    this.made.add(prefix);
  }

  /** A fresh temporary path for a body being received. */
  tempPath(): string {
    return join(this.tmp, randomUUID());
  }

  /** A fresh name in the data directory. */
  newName(): string {
    const id = randomUUID();
    this.ensureDir(id.slice(0, 2));
    return `${id.slice(0, 2)}/${id}`;
  }

  /** Moves a completed temporary file into the data directory; returns its name. */
  async commit(tempPath: string): Promise<string> {
    const name = this.newName();
    await rename(tempPath, join(this.data, name));
    return name;
  }

  path(name: string): string {
    return join(this.data, name);
  }

  /** Deletes files no row references any more (errors ignored: the file may be gone). */
  async remove(names: Iterable<string>): Promise<void> {
    for (const n of names) await unlink(join(this.data, n)).catch(() => undefined);
  }

  removeSegments(segments: Segment[]): Promise<void> {
    return this.remove(segments.map((s) => s.f));
  }

  /**
   * Removes the data files older than `before` (epoch ms) that no row names: what a run stopped
   * between committing a change and removing the files it replaced left behind. Answers how many.
   */
  async sweep(referenced: ReadonlySet<string>, before: number): Promise<number> {
    let removed = 0;
    const dirs = await readdir(this.data).catch(() => [] as string[]);
    for (const dir of dirs) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const file of await readdir(join(this.data, dir)).catch(() => [] as string[])) {
        const name = `${dir}/${file}`;
        if (referenced.has(name)) continue;
        const st = await stat(join(this.data, name)).catch(() => undefined);
        if (!st?.isFile() || st.mtimeMs >= before) continue;
        await unlink(join(this.data, name)).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  async removeTemp(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
  }

  /**
   * Writes a small body (under 1 MiB, already in memory) to a new file and returns its name. The
   * calls are synchronous, as SQLite's own WAL writes are: a page-cache write of a few KiB costs
   * less than the three thread-pool round trips (open, write, close) of `fs.promises.writeFile`.
   */
  writeSmall(buffers: Buffer[]): string {
    const name = this.newName();
    const fd = openSync(this.path(name), 'w');
    try {
      let bufs = buffers;
      let left = bufs.reduce((n, b) => n + b.length, 0);
      while (left > 0) {
        let written = writevSync(fd, bufs);
        left -= written;
        if (left === 0) break;
        while (written >= bufs[0]!.length) written -= bufs.shift()!.length;
        bufs = [bufs[0]!.subarray(written), ...bufs.slice(1)];
      }
    } finally {
      closeSync(fd);
    }
    return name;
  }

  /**
   * Whole small objects (at most `SMALL_OBJECT` bytes) are read in one synchronous call per file,
   * for the same reason as `writeSmall`; larger ones are streamed.
   */
  readAll(segments: Segment[]): Buffer {
    if (segments.length === 1) return readFileSync(this.path(segments[0]!.f));
    return Buffer.concat(segments.map((s) => readFileSync(this.path(s.f))));
  }

  /**
   * Writes bytes [start, end] (inclusive) of the concatenation of `segments` to `out`, file by file
   * through two 1 MiB buffers used in turn (core/http/send-file.ts). Resolves when everything is
   * written; rejects if `out` closes first or a file is shorter than its record.
   */
  async sendTo(segments: Segment[], start: number, end: number, out: Writable): Promise<void> {
    const buffers = [Buffer.allocUnsafeSlow(SEND_CHUNK), Buffer.allocUnsafeSlow(SEND_CHUNK)];
    let offset = 0;
    for (const seg of segments) {
      const segStart = offset;
      offset += seg.s;
      if (seg.s === 0 || offset - 1 < start) continue;
      if (segStart > end) break;
      const fh = await open(this.path(seg.f), 'r');
      try {
        await writeFileRange(
          fh,
          Math.max(start, segStart) - segStart,
          Math.min(end, offset - 1) - segStart,
          out,
          buffers,
        );
      } finally {
        await fh.close();
      }
    }
  }

  /** Streams bytes [start, end] (inclusive) of the concatenation of `segments`. */
  stream(segments: Segment[], start: number, end: number): Readable {
    if (segments.length === 1) {
      return createReadStream(this.path(segments[0]!.f), { start, end, highWaterMark: 1024 * 1024 });
    }
    const pathOf = (name: string): string => this.path(name);
    async function* gen(): AsyncGenerator<Buffer> {
      let offset = 0;
      for (const seg of segments) {
        const segStart = offset;
        const segEnd = offset + seg.s - 1;
        offset += seg.s;
        if (seg.s === 0 || segEnd < start) continue;
        if (segStart > end) break;
        const from = Math.max(start, segStart) - segStart;
        const to = Math.min(end, segEnd) - segStart;
        for await (const chunk of createReadStream(pathOf(seg.f), {
          start: from,
          end: to,
          highWaterMark: 1024 * 1024,
        })) {
          yield chunk as Buffer;
        }
      }
    }
    return Readable.from(gen(), { objectMode: false });
  }
}
