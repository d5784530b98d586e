// Bundles the CLI and the library with esbuild into single files (fast start: no module resolution
// across node_modules at startup). better-sqlite3 stays external: it loads a native addon.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// JSON files as `JSON.parse("<text>")` rather than esbuild's object literals: V8 scans a string and
// parses JSON far faster than it parses JS object literals, which shows in `overcast start`'s cold
// start. A service model is split: its metadata (routing reads it at start-up) is parsed at once,
// and its operations and shapes (1.1 MB in all) stay out of the bundle, in dist/models/, read and
// parsed on first use through the same lazyModel services use for their derived models. Every
// start reads, decodes and deserialises the bundle's code cache in proportion to its size (on the
// 2-vCPU VM of docs/benchmarks.md, ~15 ms per MB), and a service nobody calls never reads its model.
const LAZY_MODEL = fileURLToPath(new URL('../src/core/model/lazy.ts', import.meta.url));
const SERVICES_DIR = fileURLToPath(new URL('../src/services/', import.meta.url));
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (args) => {
      const value = JSON.parse(await readFile(args.path, 'utf8'));
      const text = JSON.stringify(value);
      if (!args.path.endsWith('model.json')) {
        return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
      }
      const keys = Object.keys(value).sort().join(',');
      if (keys !== 'metadata,operations,shapes')
        throw new Error(`${args.path}: top-level keys ${keys}, expected metadata,operations,shapes`);
      // src/services/dynamodb/streams/model.json -> dist/models/dynamodb-streams.json
      const name = relative(SERVICES_DIR, dirname(args.path)).split(sep).join('-');
      await mkdir('dist/models', { recursive: true });
      await writeFile(`dist/models/${name}.json`, text);
      return {
        contents: [
          `import { readFileSync } from 'node:fs';`,
          `import { lazyModel } from ${JSON.stringify(LAZY_MODEL)};`,
          `export default lazyModel(JSON.parse(${JSON.stringify(JSON.stringify(value.metadata))}), () => JSON.parse(readFileSync(new URL(${JSON.stringify(`./models/${name}.json`)}, import.meta.url), 'utf8')));`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/**
 * Checks and finishes dist/cli.cjs once it is written:
 * - No import() may be left in it (node: built-ins stay external): functions restored from a V8
 *   code cache lose vm.Script's dynamic-import hook, and such an import() would then throw.
 * - It is left pure ASCII, which bin/overcast.js relies on: it reads the bundle as latin1 (no UTF-8
 *   decoding) into a one-byte string, which V8 also compiles faster than a two-byte one (5 MB: 55 ->
 *   36 ms to read, 41 -> 26 ms to compile with the code cache, measured). esbuild escapes non-ASCII
 *   characters in code (its default ASCII charset) but copies comments as they are; an escape in a
 *   comment changes nothing.
 * - It is left wrapped as Node wraps a CommonJS module (Module.wrap, same first line): a function
 *   expression bin/overcast.js compiles as it is read. Wrapping it at start-up made a 5 MB string of
 *   three pieces, which V8 copied into one more 5 MB string before it looked up the code cache:
 *   ~1,300 page faults, ~15 ms of `overcast start` on the 2-vCPU VM of docs/benchmarks.md.
 */
const cliBundle = {
  name: 'cli-bundle',
  setup(b) {
    b.onEnd(async (result) => {
      if (result.errors.length) return;
      const text = await readFile('dist/cli.cjs', 'utf8');
      const found = text.split('\n').filter((l) => /(^|[^\w.$])import\(/.test(l) && !/^\s*(\/\/|\*)/.test(l));
      if (found.length) throw new Error(`dist/cli.cjs keeps dynamic import(): use static imports\n${found.join('\n')}`);
      // eslint-disable-next-line no-control-regex
      const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      await writeFile('dist/cli.cjs', Module.wrap(ascii));
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  sourcemap: true,
  // Without comments and indentation the CLI bundle is 2.4 MB instead of 3.4: every start reads it,
  // decodes it into a string and hands it to V8, ~15 ms per MB on the 2-vCPU VM of
  // docs/benchmarks.md. Names stay as written (no identifier minification), so stack traces read
  // as the source does, and the source maps give the lines.
  minifyWhitespace: true,
  logLevel: 'warning',
  plugins: [jsonAsParse],
};
// V8 code caches of the previous CLI bundle (bin/overcast.js writes them).
for (const f of await readdir('dist').catch(() => [])) if (f.endsWith('.cache')) await rm(`dist/${f}`, { force: true });
// Service models (jsonAsParse writes them anew).
await rm('dist/models', { recursive: true, force: true });
await Promise.all([
  // The CLI as CommonJS, so bin/overcast.js can run it through vm.Script with a V8 code cache
  // (dist/cli.cjs.cache): compiling the bundle from source is a fifth of `overcast start`.
  build({
    ...common,
    format: 'cjs',
    entryPoints: ['src/cli/index.ts'],
    outfile: 'dist/cli.cjs',
    // esbuild (for `overcast deploy`'s TypeScript handlers) is loaded where installed, not bundled.
    external: [...common.external, 'esbuild'],
    define: { 'import.meta.url': '__overcast_import_meta_url' },
    // No import() left in it, and pure ASCII (cliBundle).
    plugins: [jsonAsParse, cliBundle],
    banner: { js: "const __overcast_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    format: 'esm',
    entryPoints: ['src/main.ts'],
    outfile: 'dist/main.js',
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  }),
]);
