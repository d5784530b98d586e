import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { CHUNK_BYTES, giveChunk, takeChunk } from './buffer-pool.js';

/**
 * Writes an upload's incoming bytes to its file through two pooled buffers: the socket's chunks
 * are copied into one while the other is being written, a buffer at a time, at explicit
 * positions. Each socket chunk is garbage as soon as it has been hashed and copied (it never
 * waits in a write queue), and nothing is allocated per chunk; see buffer-pool.ts for why that
 * matters.
 */
export class UploadWriter {
  private readonly bufs: [Buffer, Buffer] = [takeChunk(), takeChunk()];
  private cur: 0 | 1 = 0;
  private fill = 0;
  /** The write of the other buffer, while it runs. */
  private writing: Promise<void> | undefined;
  private closed = false;
  private stopped = false;

  private constructor(
    private readonly fh: FileHandle,
    private position: number,
  ) {}

  /** Open an existing upload file to write from `position` on. */
  static async open(path: string, position: number): Promise<UploadWriter> {
    return new UploadWriter(await open(path, 'r+'), position);
  }

  /**
   * Take a chunk. Returns undefined when it was absorbed, or a promise to wait for (before the
   * next chunk) when a buffer had to wait for the previous write.
   */
  add(chunk: Buffer, offset = 0): Promise<void> | undefined {
    while (offset < chunk.length) {
      const n = chunk.copy(this.bufs[this.cur], this.fill, offset);
      this.fill += n;
      offset += n;
      if (this.fill === CHUNK_BYTES) {
        if (this.writing) {
          const from = offset;
          return this.writing.then(() => {
            if (this.stopped) throw new Error('upload writer abandoned');
            this.startWrite();
            return this.add(chunk, from);
          });
        }
        this.startWrite();
      }
    }
    return undefined;
  }

  /** Write what is left and close the file. */
  async finish(): Promise<void> {
    if (this.writing) await this.writing;
    if (this.fill > 0) this.startWrite();
    if (this.writing) await this.writing;
    await this.close();
  }

  /** Stop after a failure: start no more writes, let a running one settle, close the file. */
  async abandon(): Promise<void> {
    this.stopped = true;
    while (this.writing) {
      const write = this.writing;
      await write.catch(() => undefined);
      if (this.writing === write) this.writing = undefined;
    }
    await this.close();
  }

  /** Close the file and return the buffers (no write is running on them by now). */
  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
    giveChunk(this.bufs[0]);
    giveChunk(this.bufs[1]);
  }

  private startWrite(): void {
    const write = writeFully(this.fh, this.bufs[this.cur], this.fill, this.position).then(() => {
      if (this.writing === write) this.writing = undefined;
    });
    write.catch(() => undefined);
    this.writing = write;
    this.position += this.fill;
    this.cur = this.cur === 0 ? 1 : 0;
    this.fill = 0;
  }
}

/** Write `length` bytes of `buf` at `position`, however many calls that takes. */
async function writeFully(fh: FileHandle, buf: Buffer, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await fh.write(buf, done, length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * Feed a readable's chunks to `onChunk` synchronously from 'data' events (no promise per chunk,
 * as `for await` would allocate). When `onChunk` returns a promise the stream is paused until it
 * settles. Resolves at the end of the stream; rejects when `onChunk` throws or rejects, or the
 * stream errors or closes before its end (a client that went away).
 */
export function pump(body: Readable, onChunk: (chunk: Buffer) => Promise<void> | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (body.readableEnded) return resolve();
    if (body.destroyed) return reject(new Error('request closed before its body ended'));
    let waiting = false;
    let ended = false;
    let done = false;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', finish);
      body.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onData = (chunk: Buffer): void => {
      if (done) return;
      let wait: Promise<void> | undefined;
      try {
        wait = onChunk(chunk);
      } catch (err) {
        finish(err);
        return;
      }
      if (!wait) return;
      waiting = true;
      body.pause();
      wait.then(() => {
        waiting = false;
        if (ended) finish();
        else if (!done) body.resume();
      }, finish);
    };
    const onEnd = (): void => {
      ended = true;
      if (!waiting) finish();
    };
    const onClose = (): void => {
      if (!ended) finish(new Error('request closed before its body ended'));
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', finish);
    body.on('close', onClose);
  });
}
