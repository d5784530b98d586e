import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { open, rename, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { DigestAlgorithm } from '../names.js';
import { algorithmOf } from '../names.js';
import { pump, UploadWriter } from './upload-writer.js';

/** The state of an upload session kept in memory (hash state cannot be persisted in Node). */
interface UploadState {
  size: number;
  algorithm: DigestAlgorithm;
  /** Incremental hash of the bytes written so far; null when it must be recomputed from the file. */
  hash: Hash | null;
  busy: boolean;
}

/** Why an append stopped early. */
export class AppendError extends Error {
  constructor(
    readonly reason: 'too-long' | 'aborted' | 'busy',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Content-addressed blob files (`blobs/<alg>/<xx>/<hex>`) and upload files (`uploads/<id>`).
 * Bytes always stream: uploads are appended from the request while being hashed, blobs are read
 * with ranges. Nothing here touches the database.
 */
export class BlobFiles {
  private readonly uploads = new Map<string, UploadState>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {
    mkdirSync(join(root, 'blobs'), { recursive: true });
    mkdirSync(join(root, 'uploads'), { recursive: true });
  }

  blobPath(digest: string): string {
    const [alg, hex] = digest.split(':') as [string, string];
    return join(this.root, 'blobs', alg, hex.slice(0, 2), hex);
  }

  uploadPath(id: string): string {
    return join(this.root, 'uploads', id);
  }

  /** Run `fn` while holding the lock of one digest (finalising and collecting the same blob never overlap). */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  async createUpload(id: string, algorithm: DigestAlgorithm): Promise<void> {
    await writeFile(this.uploadPath(id), '');
    this.uploads.set(id, { size: 0, algorithm, hash: createHash(algorithm), busy: false });
  }

  /** Current size of an upload (after a restart, from its file). */
  async uploadSize(id: string, algorithm: DigestAlgorithm = 'sha256'): Promise<number> {
    return (await this.state(id, algorithm)).size;
  }

  isBusy(id: string): boolean {
    return this.uploads.get(id)?.busy ?? false;
  }

  private async state(id: string, algorithm: DigestAlgorithm): Promise<UploadState> {
    let s = this.uploads.get(id);
    if (!s) {
      const st = await stat(this.uploadPath(id));
      s = { size: st.size, algorithm, hash: null, busy: false };
      this.uploads.set(id, s);
    }
    return s;
  }

  /**
   * Append a stream to an upload, hashing as it goes. `maxBytes` bounds what is accepted (a
   * declared Content-Length); on any failure the upload is cut back to its previous size. See
   * upload-writer.ts for how the bytes reach the file.
   */
  async append(id: string, body: Readable | Buffer, maxBytes?: number): Promise<number> {
    const s = await this.state(id, 'sha256');
    if (s.busy) throw new AppendError('busy', 'another request is writing to this upload');
    s.busy = true;
    const before = s.size;
    let writer: UploadWriter | undefined;
    let written = 0;
    try {
      writer = await UploadWriter.open(this.uploadPath(id), before);
      const w = writer;
      const accept = (chunk: Buffer): Promise<void> | undefined => {
        written += chunk.length;
        if (maxBytes !== undefined && written > maxBytes)
          throw new AppendError('too-long', 'body longer than declared');
        s.hash?.update(chunk);
        return w.add(chunk);
      };
      if (Buffer.isBuffer(body)) await accept(body);
      else await pump(body, accept);
      await writer.finish();
      s.size = before + written;
      return written;
    } catch (err) {
      await writer?.abandon();
      writer = undefined;
      await truncate(this.uploadPath(id), before).catch(() => undefined);
      s.size = before;
      s.hash = null;
      if (err instanceof AppendError) throw err;
      throw new AppendError('aborted', err instanceof Error ? err.message : String(err));
    } finally {
      await writer?.abandon();
      s.busy = false;
    }
  }

  /** The digest of everything uploaded so far, with the algorithm of `want`. */
  async uploadDigest(id: string, want: string): Promise<string> {
    const algorithm = algorithmOf(want);
    const s = await this.state(id, algorithm);
    if (s.hash && s.algorithm === algorithm) {
      return `${algorithm}:${s.hash.copy().digest('hex')}`;
    }
    const hash = createHash(algorithm);
    for await (const chunk of createReadStream(this.uploadPath(id), { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
    // Keep the recomputed state for further appends when it is the algorithm in use.
    if (!s.hash || s.algorithm !== algorithm) {
      s.algorithm = algorithm;
      s.hash = hash.copy();
    }
    return `${algorithm}:${hash.digest('hex')}`;
  }

  /** Move a verified upload to its content address (replacing identical bytes if present). */
  async commitUpload(id: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    mkdirSync(join(target, '..'), { recursive: true });
    await rename(this.uploadPath(id), target);
    this.uploads.delete(id);
  }

  async removeUpload(id: string): Promise<void> {
    this.uploads.delete(id);
    await unlink(this.uploadPath(id)).catch(() => undefined);
  }

  async removeBlob(digest: string): Promise<void> {
    await unlink(this.blobPath(digest)).catch(() => undefined);
  }

  /** Write bytes already in memory as a blob (manifests pushed through the ECR API, small configs). */
  async writeBlob(digest: string, bytes: Buffer): Promise<void> {
    const target = this.blobPath(digest);
    mkdirSync(join(target, '..'), { recursive: true });
    const tmp = join(this.root, 'uploads', `${digest.replace(':', '-')}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }

  async blobExists(digest: string): Promise<boolean> {
    try {
      await stat(this.blobPath(digest));
      return true;
    } catch {
      return false;
    }
  }

  /** Open a blob for reading; undefined when its file is missing. The caller closes the handle. */
  async openBlob(digest: string): Promise<FileHandle | undefined> {
    return open(this.blobPath(digest), 'r').catch(() => undefined);
  }

  async readBlobBytes(digest: string, limit: number): Promise<Buffer | undefined> {
    const fh = await open(this.blobPath(digest), 'r').catch(() => undefined);
    if (!fh) return undefined;
    try {
      const st = await fh.stat();
      if (st.size > limit) return undefined;
      const buf = Buffer.alloc(st.size);
      await fh.read(buf, 0, st.size, 0);
      return buf;
    } finally {
      await fh.close();
    }
  }

  /** Remove every file (ephemeral stores). */
  destroy(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
