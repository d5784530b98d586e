#!/usr/bin/env node
// Side-by-side DynamoDB benchmark: Overcast vs dynalite vs DynamoDB Local.
// Usage: node bench/dynamodb/run.mjs [--peers overcast,dynalite,ddblocal]
//        [--duration 5 | --quick] [--json] [--disk] ... (see --help)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuMs } from '../proc-cpu.mjs';
import { renderText } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ALL_PEERS = ['overcast', 'dynalite', 'ddblocal'];
const ALL_OPS = ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'];

const HELP = `Usage: node bench/dynamodb/run.mjs [options]   (or: npm run bench:dynamodb -- [options])

  --peers LIST          comma list of ${ALL_PEERS.join(',')} (default: all)
  --duration SEC        measured seconds per op x concurrency (default 5)
  --warmup SEC          warm-up seconds per op at the highest concurrency, not measured (default 2)
  --quick               --duration 1 --warmup 1
  --ops LIST            subset of ${ALL_OPS.join(',')}
  --concurrency LIST    connections, comma list (default 1,32)
  --disk                run dynalite (--path) and DynamoDB Local (-dbPath) on disk
                        instead of their in-memory defaults (Overcast is always on disk)
  --cold-start-runs N   Overcast cold-start samples (default 5, 0 to skip)
  --rounds N            measure every op N times on each peer, interleaved (the peer order rotating
                        from round to round), and report each peer's median round (default 1; use
                        an odd N): a passing stall of this machine then moves one round, not the
                        figure. --json keeps every round
  --sequential          run the peers one after the other, each alone on the machine, instead of
                        all started at once and measured op by op in turns (the default: each
                        op's figures then come from the same minute, so outside load on this
                        machine moves every peer's figure, not one peer's)
  --generator NAME      wrk (default when /usr/bin/wrk exists: apt-get install wrk) or autocannon
  --json                print machine-readable JSON on stdout (progress goes to stderr)
  -h, --help            this text`;

function parseList(value, allowed, what) {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const v of list)
    if (allowed && !allowed.includes(v)) throw new Error(`unknown ${what} '${v}' (allowed: ${allowed.join(', ')})`);
  return list;
}

function parseCli() {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string', default: ALL_PEERS.join(',') },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      quick: { type: 'boolean', default: false },
      ops: { type: 'string', default: ALL_OPS.join(',') },
      concurrency: { type: 'string', default: '1,32' },
      disk: { type: 'boolean', default: false },
      'cold-start-runs': { type: 'string', default: '5' },
      rounds: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      generator: { type: 'string' },
      sequential: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const num = (v, name) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const durationSec = num(values.duration ?? (values.quick ? 1 : 5), 'duration');
  if (durationSec < 1 || !Number.isInteger(durationSec))
    throw new Error('--duration must be a whole number of seconds >= 1');
  return {
    peers: parseList(values.peers, ALL_PEERS, 'peer'),
    ops: parseList(values.ops, ALL_OPS, 'op'),
    concurrency: parseList(values.concurrency, null, 'concurrency').map((c) => {
      const n = Number(c);
      if (!Number.isInteger(n) || n < 1 || n > 256) throw new Error(`bad concurrency '${c}'`);
      return n;
    }),
    durationSec,
    warmupSec: num(values.warmup ?? (values.quick ? 1 : 2), 'warmup'),
    disk: values.disk,
    coldStartRuns: Math.floor(num(values['cold-start-runs'], 'cold-start-runs')),
    rounds: (() => {
      const n = Number(values.rounds);
      if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error('--rounds must be a whole number from 1 to 9');
      return n;
    })(),
    json: values.json,
    generator: values.generator,
    sequential: values.sequential,
  };
}

/** Install bench/dynamodb's own dependencies on first use (npm registry only). */
function ensureDeps() {
  const pkg = JSON.parse(readFileSync(path.join(HERE, 'package.json'), 'utf8'));
  const missing = Object.keys(pkg.dependencies).filter(
    (d) => !existsSync(path.join(HERE, 'node_modules', d, 'package.json')),
  );
  if (missing.length === 0) return;
  console.error(`bench/dynamodb: installing dependencies (missing: ${missing.join(', ')}) ...`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: HERE,
    stdio: ['ignore', process.stderr, process.stderr],
    timeout: 5 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`npm install in ${HERE} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

const log = (msg) => console.error(`[bench] ${msg}`);

async function main() {
  const opts = parseCli();
  ensureDeps();
  const peersMod = await import('./peers.mjs');
  const load = await import('./load.mjs');
  const wrk = await import('../wrk.mjs');
  const generator = opts.generator ?? (wrk.hasWrk() ? 'wrk' : 'autocannon');
  if (generator === 'wrk' && !wrk.hasWrk())
    throw new Error('--generator wrk: /usr/bin/wrk not found (apt-get install wrk)');
  if (generator !== 'wrk' && generator !== 'autocannon') throw new Error(`unknown --generator '${generator}'`);
  const runLoad = generator === 'wrk' ? wrk.runLoadWrk : load.runLoad;
  log(`load generator: ${generator}`);
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(HERE, 'package.json'));

  // Cleanup on every way out.
  let stopping = false;
  const shutdown = async (code, why) => {
    if (stopping) return;
    stopping = true;
    if (why) console.error(`[bench] ${why}: stopping children ...`);
    await peersMod.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(130, 'interrupted'));
  process.on('SIGTERM', () => shutdown(143, 'terminated'));
  process.on('exit', peersMod.killAllSync);

  // Hard time bound: generous estimate of the whole run, then give up.
  const perPeerSec =
    opts.rounds * opts.ops.length * (opts.warmupSec + opts.concurrency.length * (opts.durationSec + 1) + 2) + 180;
  const budgetSec = opts.peers.length * perPeerSec + (opts.peers.includes('overcast') ? opts.coldStartRuns * 30 : 0);
  setTimeout(() => shutdown(1, `time budget of ${budgetSec}s exceeded`), budgetSec * 1000).unref();

  const results = {
    config: {
      peers: opts.peers,
      ops: opts.ops,
      concurrency: opts.concurrency,
      durationSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      rounds: opts.rounds,
      disk: opts.disk,
      partitions: load.PARTITIONS,
      itemsPerPartition: load.ITEMS_PER_PARTITION,
      generator,
      autocannonVersion: require('autocannon/package.json').version,
      node: process.versions.node,
      cpus: os.cpus().length,
      loadAvgAtStart: os.loadavg()[0],
      startedAt: new Date().toISOString(),
    },
    coldStart: null,
    peers: [],
  };

  if (opts.peers.includes('overcast') && opts.coldStartRuns > 0) {
    log(`Overcast cold start x${opts.coldStartRuns} ...`);
    try {
      results.coldStart = await peersMod.overcastColdStart(opts.coldStartRuns);
    } catch (err) {
      results.coldStart = { error: err.message };
    }
  }

  /** Peers started and not yet stopped (their CPU while another is measured is logged). */
  const running = [];

  /**
   * Verify, pre-sign, warm up and measure one op on one started peer (one round). With several
   * rounds, each concurrency keeps the round with the median req/s, and `entry.rounds` every one.
   */
  async function measure(entry, peer, op) {
    entry.results[op] ??= {};
    const verdict = await load.verifyOp(peer.url, op);
    if (verdict !== true) {
      log(`${entry.label} ${op}: verification failed: ${verdict}`);
      for (const c of opts.concurrency) entry.results[op][c] = { failed: verdict };
      return;
    }
    const variants = await load.presign(peer.url, op);
    if (opts.warmupSec > 0) {
      await runLoad(peer.url, variants, {
        connections: Math.max(...opts.concurrency),
        durationSec: opts.warmupSec,
      });
    }
    for (const c of opts.concurrency) {
      const othersBefore = othersMs(peer);
      const r = await runLoad(peer.url, variants, { connections: c, durationSec: opts.durationSec });
      const othersCpu = (othersMs(peer) - othersBefore) / 1000 / opts.durationSec;
      const all = (((entry.rounds ??= {})[op] ??= {})[c] ??= []);
      all.push(r);
      entry.results[op][c] = [...all].sort((a, b) => a.rps - b.rps)[(all.length - 1) >> 1];
      log(
        `${entry.label} ${op} c=${c}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms?.toFixed(3)} ms, ` +
          `p99 ${r.p99ms?.toFixed(3)} ms${r.non2xx || r.socketErrors ? `, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''}` +
          `; the other peers used ${(100 * othersCpu).toFixed(0)} % of a CPU meanwhile`,
      );
    }
  }

  /** CPU time (ms) of every started peer but `peer`, from /proc (0 where there is none). */
  function othersMs(peer) {
    let ms = 0;
    for (const p of running) if (p !== peer) ms += cpuMs(p.child?.pid) ?? 0;
    return ms;
  }

  /** A peer failed: its entry carries the error (the report marks it) and later ops skip it. */
  function fail(entry, err) {
    entry.error = err.message;
    log(`${entry.label}: FAILED: ${err.message}`);
  }

  /** Start a peer and load its table; on failure the entry carries the error. */
  async function start(entry) {
    try {
      log(`${entry.label}: starting ...`);
      const peer = await peersMod.startPeer(entry.name, { disk: opts.disk, apiProbe: load.apiProbe });
      Object.assign(entry, { storage: peer.storage, readyMs: peer.readyMs });
      log(`${entry.label}: ready in ${Math.round(peer.readyMs)} ms (${peer.storage}); creating and loading table ...`);
      await load.setupTable(peer.url);
      return peer;
    } catch (err) {
      fail(entry, err);
      return undefined;
    }
  }

  const entries = opts.peers.map((name) => ({ name, label: peersMod.PEERS[name].label, results: {} }));
  results.peers.push(...entries);
  results.order = opts.sequential ? 'sequential' : 'interleaved';
  if (opts.sequential) {
    // One peer at a time, so that it has the machine to itself.
    for (const entry of entries) {
      const peer = await start(entry);
      if (!peer) continue;
      try {
        for (const op of opts.ops) for (let r = 0; r < opts.rounds; r++) await measure(entry, peer, op);
      } catch (err) {
        fail(entry, err);
      } finally {
        await peersMod.stopChild(peer.child);
      }
    }
  } else {
    // Every peer started (idle ones cost the others nothing measurable), then each op measured on
    // each peer in turn, the order rotating from op to op.
    const started = [];
    for (const entry of entries) {
      const peer = await start(entry);
      if (peer) {
        started.push({ entry, peer });
        running.push(peer);
      }
    }
    for (const [i, op] of opts.ops.entries()) {
      for (let round = 0; round < opts.rounds; round++) {
        const k = (i + round) % started.length;
        const turn = [...started.slice(k), ...started.slice(0, k)];
        for (const { entry, peer } of turn) {
          if (entry.error) continue;
          try {
            await measure(entry, peer, op);
          } catch (err) {
            fail(entry, err);
          }
        }
      }
    }
    for (const { peer } of started) await peersMod.stopChild(peer.child);
  }
  await peersMod.stopAll();

  if (opts.json) console.log(JSON.stringify(results, null, 2));
  else console.log('\n' + renderText(results));
  const failed = results.peers.some((p) => p.error);
  process.exit(failed ? 1 : 0);
}

main().catch(async (err) => {
  console.error(`[bench] ${err.stack ?? err}`);
  process.exitCode = 1;
  // peers.mjs may not be loaded yet; the 'exit' handler kills what is left.
  process.exit(1);
});
