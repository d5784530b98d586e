import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Store } from '../../../storage/store.js';

/** Where an export's objects go: an S3 bucket once Overcast has S3, a local directory until then. */
export interface ExportSink {
  /** Where the sink keeps `key` (for humans and tests). */
  locate(key: string): string;
  write(key: string, data: Buffer | string): Promise<void>;
}

/**
 * The local root of exports: `<data-dir>/exports`, or `<os tmpdir>/overcast/exports` for an
 * ephemeral server. Objects land at `<root>/<S3Bucket>/<key>`.
 */
export function exportsRoot(store: Store): string {
  return store.dataDir ? join(store.dataDir, 'exports') : join(tmpdir(), 'overcast', 'exports');
}

/** A local directory standing in for an S3 bucket; `..` and empty key segments are dropped. */
export function localSink(root: string, bucket: string): ExportSink {
  const locate = (key: string) =>
    join(root, bucket, ...key.split('/').filter((s) => s !== '' && s !== '.' && s !== '..'));
  return {
    locate,
    async write(key, data) {
      const path = locate(key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, data);
    },
  };
}
