import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, existsSync, writeFileSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import { lambdaErrors } from '../errors.js';

/** Unzipped size of a function with its layers (AWS: 250 MB). */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export interface StoredCode {
  /** base64 SHA-256 of the zip, as CodeSha256 shows it. */
  sha256: string;
  /** hex SHA-256 (file names). */
  sha256Hex: string;
  /** Zip size in bytes (CodeSize). */
  size: number;
  /** The unpacked tree. */
  dir: string;
  /** The zip itself (GetFunction's Code.Location serves it). */
  zip: string;
}

const unzipError = () =>
  lambdaErrors.invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');

/**
 * Verifies and unpacks a deployment package. Entries with absolute paths, `..` components or
 * symlinks that leave the tree are rejected (nothing is written outside `dir`).
 */
export async function storeZip(zip: Buffer, root: string, owner: string): Promise<StoredCode> {
  const sha = createHash('sha256').update(zip).digest();
  const sha256Hex = sha.toString('hex');
  const zipPath = join(root, 'zips', `${sha256Hex}.zip`);
  const dir = join(root, 'code', owner, sha256Hex);
  if (!existsSync(dir)) {
    const tmp = join(root, 'tmp', randomUUID());
    mkdirSync(tmp, { recursive: true });
    try {
      await unpack(zip, tmp);
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  if (!existsSync(zipPath)) {
    mkdirSync(dirname(zipPath), { recursive: true });
    writeFileSync(zipPath, zip);
  }
  return { sha256: sha.toString('base64'), sha256Hex, size: zip.length, dir, zip: zipPath };
}

function openZip(zip: Buffer): Promise<ZipFile> {
  return new Promise((res, rej) => {
    yauzl.fromBuffer(
      zip,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false },
      (err, file) => (err || !file ? rej(unzipError()) : res(file)),
    );
  });
}

function readEntry(file: ZipFile, entry: Entry): Promise<Buffer> {
  return new Promise((res, rej) => {
    file.openReadStream(entry, (err, stream) => {
      if (err || !stream) return rej(unzipError());
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => res(Buffer.concat(chunks)));
      stream.on('error', () => rej(unzipError()));
    });
  });
}

async function unpack(zip: Buffer, target: string): Promise<void> {
  const file = await openZip(zip);
  const root = resolve(target);
  let total = 0;
  await new Promise<void>((done, fail) => {
    file.on('error', () => fail(unzipError()));
    file.on('end', () => done());
    file.on('entry', (entry: Entry) => {
      void (async () => {
        const name = entry.fileName.replace(/\\/g, '/');
        if (isAbsolute(name) || name.split('/').includes('..')) throw unzipError();
        const dest = resolve(root, normalize(name));
        if (dest !== root && !dest.startsWith(root + sep)) throw unzipError();
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        const kind = mode & 0o170000;
        if (name.endsWith('/')) {
          mkdirSync(dest, { recursive: true });
          return;
        }
        total += entry.uncompressedSize;
        if (total > MAX_UNZIPPED_BYTES) {
          throw lambdaErrors.invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
        }
        const data = await readEntry(file, entry);
        mkdirSync(dirname(dest), { recursive: true });
        if (kind === 0o120000) {
          const linkTarget = data.toString('utf8');
          const resolved = resolve(dirname(dest), linkTarget);
          if (isAbsolute(linkTarget) || relative(root, resolved).startsWith('..')) throw unzipError();
          symlinkSync(linkTarget, dest);
          return;
        }
        // Keep the execute bits of the package (a provided runtime's bootstrap must stay executable).
        writeFileSync(dest, data, { mode: mode & 0o111 ? 0o755 : 0o644 });
      })().then(
        () => file.readEntry(),
        (err: unknown) => {
          file.close();
          fail(err);
        },
      );
    });
    file.readEntry();
  });
}
