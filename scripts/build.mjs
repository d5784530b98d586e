// Bundles the CLI and the library with esbuild (fast start: one file, packages stay external).
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js' }),
  build({ ...common, entryPoints: ['src/main.ts'], outfile: 'dist/main.js' }),
]);
