import yazl from 'yazl';

export interface ZipEntry {
  content: string | Buffer;
  /** Unix mode (e.g. 0o755 for an executable bootstrap). */
  mode?: number;
  /** Store as a symlink whose target is `content`. */
  symlink?: boolean;
}

/** Builds a zip in memory from `{ path: content | entry }` (real zip bytes, as a user's package). */
export function makeZip(files: Record<string, string | Buffer | ZipEntry>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, value] of Object.entries(files)) {
    const entry: ZipEntry = typeof value === 'string' || Buffer.isBuffer(value) ? { content: value } : value;
    const data = Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content);
    const mode = entry.symlink ? 0o120777 : 0o100000 | (entry.mode ?? 0o644);
    zip.addBuffer(data, path, { mode });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/**
 * Rewrites file names inside zip bytes (same length), to build archives zip libraries refuse to
 * write, such as `../evil.js` or `/abs.js`: the names a malicious package would carry.
 */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  let i = out.indexOf(a);
  while (i >= 0) {
    b.copy(out, i);
    i = out.indexOf(a, i + a.length);
  }
  return out;
}
