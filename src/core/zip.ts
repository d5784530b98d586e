/** Zip packages (deployment packages, layers): built in memory with yazl. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';

/** Zips a directory (files keep their mode, so a `bootstrap` stays executable). */
export function zipDirectory(dir: string): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile())
        zip.addBuffer(readFileSync(path), relative(dir, path).split('\\').join('/'), { mode: st.mode });
    }
  };
  walk(dir);
  return finishZip(zip);
}

/** Ends a zip being built and collects its bytes. */
export function finishZip(zip: yazl.ZipFile): Promise<Buffer> {
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** Zips in-memory files `{ path: content }` (mode 0644 unless given). */
export function zipFiles(files: Record<string, string | { content: string; mode: number }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [path, v] of Object.entries(files)) {
    const { content, mode } = typeof v === 'string' ? { content: v, mode: 0o644 } : v;
    zip.addBuffer(Buffer.from(content), path, { mode: 0o100000 | mode });
  }
  return finishZip(zip);
}
