import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LayerApplier } from './layer.js';

export interface LayerSource {
  digest: string;
  mediaType: string;
}

/**
 * Unpacked image root filesystems, one per image manifest digest, unpacked once and shared
 * read-only (they are the lower layer of every container's overlay). Unpacking goes to a
 * temporary directory renamed into place, so a crash never leaves a half-unpacked image.
 */
export class ImageCache {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  pathOf(digest: string): string {
    return join(this.dir, digest.replace(':', '-'));
  }

  has(digest: string): boolean {
    return existsSync(this.pathOf(digest));
  }

  /** The unpacked root of an image (unpacking it the first time). */
  ensure(digest: string, layers: LayerSource[], blobPath: (digest: string) => string): Promise<string> {
    const target = this.pathOf(digest);
    if (existsSync(target)) return Promise.resolve(target);
    let p = this.inflight.get(digest);
    if (!p) {
      p = (async () => {
        const tmp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
        mkdirSync(tmp, { mode: 0o755 });
        try {
          const applier = new LayerApplier(tmp);
          for (const l of layers) await applier.applyFile(blobPath(l.digest));
          await rename(tmp, target);
        } catch (err) {
          await rm(tmp, { recursive: true, force: true });
          throw err;
        }
        return target;
      })().finally(() => this.inflight.delete(digest));
      this.inflight.set(digest, p);
    }
    return p;
  }

  async remove(digest: string): Promise<void> {
    await rm(this.pathOf(digest), { recursive: true, force: true });
  }
}
