#!/usr/bin/env -S node --max-semi-space-size=32 --initial-old-space-size=128
// A larger young generation (32 MB semi-spaces; V8 starts at 1 MB) means fewer scavenges under
// request load. V8 starts a major GC as soon as the room left under its old-generation limit is
// smaller than the young generation, and it sets that limit after each major GC from the live heap
// (~25 MB) and a growth factor that fast allocation pushes down: after an idle spell the limit
// settled near 64 MB and request load ran a Mark-Compact every 60-130 ms (V8's mutator utilisation
// 0.85; 20-45 % more CPU per DynamoDB Query). --initial-old-space-size=128 is also the floor of
// that limit, so a small live heap leaves room for the young generation (docs/benchmarks.md,
// DynamoDB, stop 18).
//
// Runs the CLI bundle (dist/cli.cjs) through vm.Script with a V8 code cache beside it: compiling
// 5 MB of JavaScript from source is a third of `overcast start`'s cold start. The cache is named
// after the bundle's size and modification time (V8 itself checks only the source's length) and
// the Node flags of the run: V8 rejects a cache made under other flags, so `node bin/overcast.js`
// (no flags) and `overcast` (this shebang's flags) keep one each instead of rebuilding each other's.
// A run that lasts a few seconds writes a full one (with the functions start-up compiled); a
// shorter run without any writes a thin one at exit; V8 rejecting one (another Node version)
// means a new one. Writing one removes those of older bundles and the run's thin one. A read-only
// install runs without.
//
// CommonJS (bin/package.json says so): an ES module entry point loads Node's ESM loader first,
// ~12 ms of every start.
'use strict';
const { readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

const file = join(__dirname, '../dist/cli.cjs');
const dir = dirname(file);
const stat = statSync(file);
const bundle = `${basename(file)}.${stat.size}-${Math.trunc(stat.mtimeMs)}`;
// FNV-1a of the run's Node flags: a short, stable file-name part (node:crypto costs start-up).
let flagsHash = 0x811c9dc5;
for (const c of process.execArgv.join(' ')) flagsHash = Math.imul(flagsHash ^ c.charCodeAt(0), 0x01000193) >>> 0;
const name = `${bundle}-${flagsHash.toString(36)}`;
const base = join(dir, name);
const read = (f) => {
  try {
    return readFileSync(f);
  } catch {
    return undefined;
  }
};
// A full cache is written after a few seconds of running; a thin one at the exit of a shorter run.
let full = true;
let cachedData = read(`${base}.cache`);
if (!cachedData) {
  full = false;
  cachedData = read(`${base}.thin.cache`);
}
// The build leaves the bundle pure ASCII (scripts/build.mjs): read as latin1, it becomes a one-byte
// string with no UTF-8 decoding, which V8 also compiles faster than a two-byte one.
const script = new vm.Script(Module.wrap(readFileSync(file, 'latin1')), {
  filename: file,
  cachedData,
});
const accepted = cachedData !== undefined && !script.cachedDataRejected;
const save = (target) => {
  try {
    // Older bundles' caches, and this run's other one (a thin cache once a full one is written).
    for (const f of readdirSync(dir)) {
      const mine = f.startsWith(`${basename(file)}.`) && f.endsWith('.cache');
      if (mine && (!f.startsWith(`${bundle}-`) || f.startsWith(`${name}.`))) unlinkSync(join(dir, f));
    }
    const tmp = `${target}.${process.pid}`;
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, target);
  } catch {
    // read-only: run without the cache
  }
};
if (!(accepted && full)) {
  let saved = false;
  setTimeout(() => {
    saved = true;
    save(`${base}.cache`);
  }, 3000).unref();
  if (!accepted) process.once('exit', () => saved || save(`${base}.thin.cache`));
}
const cli = { exports: {} };
script.runInThisContext()(cli.exports, Module.createRequire(file), cli, file, dir);
