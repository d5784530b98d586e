import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The directory holding Overcast's package.json, found by walking up from this module: the same
 * answer from src/ (vitest, tsx) and from the esbuild bundle in dist/.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'assets'))) return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Overcast package root (package.json + assets/) not found');
    dir = parent;
  }
}

/** assets/lambda-runtimes/<name>: the runtime clients that run inside function processes. */
export function runtimeAssetDir(name: 'node' | 'python'): string {
  return join(packageRoot(), 'assets', 'lambda-runtimes', name);
}
