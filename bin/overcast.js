#!/bin/sh
':' //; OVERCAST_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS NODE_EXTRA_CA_CERTS= GLIBC_TUNABLES=glibc.malloc.hugetlb=1${GLIBC_TUNABLES:+:$GLIBC_TUNABLES} exec node --max-semi-space-size=32 --initial-old-space-size=128 "$0" "$@"
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
// the 2.4 MB of JavaScript from source is a third of `overcast start`'s cold start. The cache is named
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
//
// The first two lines are both shell and JavaScript: /bin/sh runs the second (`':'` is a no-op
// command, then it execs node on this file), and to JavaScript it is a string and a comment. A
// shell line rather than `#!/usr/bin/env -S node …`: Linux before 5.1 cuts a #! line at 127 bytes.
// It sets, for start-up (docs/benchmarks.md, DynamoDB, stop 22):
// - the V8 flags above;
// - NODE_EXTRA_CA_CERTS, handed over as OVERCAST_EXTRA_CA_CERTS: Node 20 reads that file, and
//   parses its own ~140 root certificates, before any JavaScript runs, whether or not a TLS
//   connection is ever made (~50 ms with Debian's bundle). The CLI puts the variable back for the
//   processes it starts and adds the certificates to the TLS contexts it makes
//   (src/core/tls/extra-ca-certs.ts);
// - glibc.malloc.hugetlb=1 (before any GLIBC_TUNABLES of the caller's): malloc asks for transparent
//   huge pages where the kernel leaves them to madvise, so reading the bundle takes a few
//   huge-page faults instead of ~1,800 small ones (~10 µs each on a VM); resident memory after
//   start-up measured the same (81.0 vs 80.8 MB).
// `node bin/overcast.js` skips that line: a slower start, nothing else.
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
// The build leaves the bundle pure ASCII and already wrapped as Module.wrap wraps a CommonJS module
// (scripts/build.mjs): read as latin1, it becomes one flat one-byte string with no UTF-8 decoding,
// which V8 compiles as it is (no copy into a string of its own) and faster than a two-byte one.
const script = new vm.Script(readFileSync(file, 'latin1'), {
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
