import { createReadStream } from 'node:fs';
import { chmod, chown, link, lstat, lutimes, mkdir, readdir, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join, posix } from 'node:path';
import { PassThrough, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { extract } from 'tar-stream';
import type { Header as Headers } from 'tar-stream';

/** A layer that cannot be applied safely (path escapes, symlink traversal, bad whiteouts). */
export class LayerError extends Error {}

const WH_PREFIX = '.wh.';
const WH_OPAQUE = '.wh..wh..opq';

/**
 * Normalise a tar entry name to a relative path inside the root. `..` components are refused
 * (never clamped): a layer that tries to climb out of the root is rejected as a whole.
 */
export function cleanEntryName(name: string): string {
  const parts: string[] = [];
  for (const p of name.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') throw new LayerError(`layer entry ${JSON.stringify(name)} escapes the root (..)`);
    parts.push(p);
  }
  return parts.join('/');
}

/** A zstd decompressor as a stream transform (Node 20 has no zstd in zlib). */
function zstdStream(): Transform {
  let push: ((chunk: Buffer) => void) | undefined;
  const d = new Decompress((data) => push?.(Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      push = (b) => this.push(b);
      try {
        d.push(chunk);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      push = (b) => this.push(b);
      try {
        d.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
}

/** The decompressor for a layer, from its first bytes (media types lie less often than magic numbers). */
function decompressor(head: Buffer): Transform {
  if (head[0] === 0x1f && head[1] === 0x8b) return createGunzip();
  if (head.readUInt32LE(0) === 0xfd2fb528) return zstdStream();
  return new PassThrough();
}

async function sniff(path: string): Promise<Buffer> {
  const s = createReadStream(path, { start: 0, end: 3 });
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  const b = Buffer.concat(chunks);
  return b.length >= 4 ? b : Buffer.concat([b, Buffer.alloc(4 - b.length)]);
}

async function lstatOrUndefined(p: string) {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}

/**
 * Applies OCI layers onto a root directory, as containerd's applier does: whiteouts and opaque
 * directories hide lower-layer content only, hard links stay inside the root, and no path of a
 * layer may go through a symlink (an earlier entry planting `etc -> /etc` and then writing
 * `etc/passwd` is rejected, as are `..` names and hard links that leave the root).
 */
export class LayerApplier {
  private readonly dirTimes: { path: string; mtime: Date }[] = [];
  /** Paths this layer has created (whiteouts of the same layer must not remove them). */
  private upper = new Set<string>();

  constructor(readonly root: string) {}

  async applyFile(path: string): Promise<void> {
    const head = await sniff(path);
    await this.applyStream(createReadStream(path, { highWaterMark: 1 << 20 }).pipe(decompressor(head)));
  }

  async applyStream(tar: Readable): Promise<void> {
    this.upper = new Set();
    const ex = extract();
    const done = (async () => {
      for await (const entry of ex) {
        try {
          await this.entry(entry.header, entry as unknown as Readable);
        } catch (err) {
          entry.resume();
          throw err;
        }
        entry.resume();
      }
    })();
    await Promise.all([pipeline(tar, ex as unknown as NodeJS.WritableStream), done]);
    for (const d of this.dirTimes.reverse()) await utimes(d.path, d.mtime, d.mtime).catch(() => undefined);
    this.dirTimes.length = 0;
  }

  /** The host path of a relative path whose every parent is a real directory inside the root. */
  private async safeParent(rel: string, create: boolean): Promise<string> {
    const parts = rel.split('/');
    parts.pop();
    let cur = this.root;
    for (const p of parts) {
      cur = join(cur, p);
      const st = await lstatOrUndefined(cur);
      if (!st) {
        if (!create) return join(this.root, rel);
        await mkdir(cur, { mode: 0o755 });
        continue;
      }
      if (st.isSymbolicLink()) throw new LayerError(`layer entry ${JSON.stringify(rel)} goes through a symlink`);
      if (!st.isDirectory()) throw new LayerError(`layer entry ${JSON.stringify(rel)}: parent is not a directory`);
    }
    return join(this.root, rel);
  }

  private async entry(h: Headers, body: Readable): Promise<void> {
    if (!['file', 'contiguous-file', 'directory', 'symlink', 'link'].includes(String(h.type)) && !h.name) return;
    const rel = cleanEntryName(h.name);
    if (rel === '') {
      if (h.type === 'directory' && h.mode !== undefined) await chmod(this.root, h.mode & 0o7777);
      return;
    }
    const base = posix.basename(rel);
    const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    if (base.startsWith(WH_PREFIX)) {
      if (base === WH_OPAQUE) {
        const target = await this.safeParent(rel, false);
        await this.opaque(posix.dirname(target), dir);
        return;
      }
      const name = base.slice(WH_PREFIX.length);
      if (name === '' || name === '.' || name === '..')
        throw new LayerError(`invalid whiteout ${JSON.stringify(h.name)}`);
      const victim = dir ? `${dir}/${name}` : name;
      if (this.upper.has(victim)) return;
      const path = await this.safeParent(victim, false);
      await rm(path, { recursive: true, force: true });
      return;
    }
    const path = await this.safeParent(rel, true);
    for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) this.upper.add(rel.slice(0, i));
    this.upper.add(rel);
    const existing = await lstatOrUndefined(path);
    if (existing && !(existing.isDirectory() && h.type === 'directory')) {
      await rm(path, { recursive: true, force: true });
    }
    const mode = (h.mode ?? 0o644) & 0o7777;
    switch (h.type) {
      case 'directory':
        if (!existing || !existing.isDirectory()) await mkdir(path, { mode });
        await chmod(path, mode);
        break;
      case 'file':
      case 'contiguous-file': {
        const out = createWriteStream(path, { mode, flags: 'wx' });
        let written = 0;
        for await (const c of body) {
          written += (c as Buffer).length;
          if (!out.write(c)) await once(out, 'drain');
        }
        await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
        if (h.size !== undefined && written !== h.size)
          throw new LayerError(`layer entry ${rel}: truncated (${written}/${h.size} bytes)`);
        await chmod(path, mode);
        break;
      }
      case 'symlink':
        // The target is stored as is: it is only ever resolved inside the container's root.
        await symlink(h.linkname ?? '', path);
        break;
      case 'link': {
        const target = cleanEntryName(h.linkname ?? '');
        if (target === '') throw new LayerError(`hard link ${rel} has no target`);
        const from = await this.safeParent(target, false);
        const st = await lstatOrUndefined(from);
        if (!st) throw new LayerError(`hard link ${rel} -> ${target}: target missing`);
        if (st.isDirectory()) throw new LayerError(`hard link ${rel} -> ${target}: target is a directory`);
        await link(from, path);
        break;
      }
      default:
        // Device nodes and FIFOs: the runtime provides /dev; skip them.
        this.upper.delete(rel);
        return;
    }
    if (h.type !== 'link') {
      await chown(path, h.uid ?? 0, h.gid ?? 0).catch(() => undefined);
      if (h.type === 'symlink') {
        if (h.mtime) await lutimes(path, h.mtime, h.mtime).catch(() => undefined);
      } else if (h.type === 'directory') {
        if (h.mtime) this.dirTimes.push({ path, mtime: h.mtime });
      } else if (h.mtime) {
        await utimes(path, h.mtime, h.mtime);
      }
      // chown clears setuid bits: restore the mode.
      if (h.type !== 'symlink') await chmod(path, mode);
    }
  }

  /** `.wh..wh..opq`: hide every lower-layer child of the directory (this layer's own entries stay). */
  private async opaque(hostDir: string, rel: string): Promise<void> {
    const st = await lstatOrUndefined(hostDir);
    if (!st?.isDirectory()) return;
    for (const name of await readdir(hostDir)) {
      const child = rel ? `${rel}/${name}` : name;
      if (this.upper.has(child)) continue;
      await rm(join(hostDir, name), { recursive: true, force: true });
    }
  }
}

/** Remove a file that may not exist. */
export async function unlinkQuiet(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}
