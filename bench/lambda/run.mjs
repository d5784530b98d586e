#!/usr/bin/env node
// Side-by-side Lambda benchmark: a hello-world Node handler behind HTTP in Overcast (Invoke API
// and function URL), serverless-offline and Architect sandbox. See README.md.
// Usage: node bench/lambda/run.mjs [--quick] [--json] [--markdown] ... (see --help)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ALL_TARGETS = ['overcast-httpapi', 'overcast-invoke', 'overcast-url', 'sls', 'arc', 'baseline'];

const HELP = `Usage: node bench/lambda/run.mjs [options]   (or: npm run bench:lambda -- [options])

  --targets LIST        comma list of ${ALL_TARGETS.join(',')} (default: all)
                        (baseline = a bare node:http server calling the handler in process: the
                        floor of HTTP on this machine, not a peer)
  --duration SEC        seconds per measured run (default 5)
  --warmup SEC          unmeasured seconds at the highest concurrency before the first run (default 10)
  --reps N              measured runs per target x concurrency, interleaved; medians reported (default 3)
  --cold-runs N         cold-start samples per system (default 3; Overcast in-server deploys: N + 2)
  --concurrency LIST    connections, comma list (default 1,32)
  --quick               --duration 2 --warmup 2 --reps 1 --cold-runs 1
  --generator NAME      wrk (default when /usr/bin/wrk exists) or autocannon
  --json                print the results object as JSON on stdout (progress on stderr)
  --markdown            print the tables as Markdown (for docs/benchmarks.md)
  -h, --help            this text`;

function parseCli() {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string', default: ALL_TARGETS.join(',') },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      reps: { type: 'string' },
      'cold-runs': { type: 'string' },
      concurrency: { type: 'string', default: '1,32' },
      quick: { type: 'boolean', default: false },
      generator: { type: 'string' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (v, def, name, min = 0) => {
    const n = Number(v ?? def);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  const q = values.quick;
  const targets = values.targets
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of targets)
    if (!ALL_TARGETS.includes(t)) throw new Error(`unknown target '${t}' (allowed: ${ALL_TARGETS.join(', ')})`);
  return {
    targets,
    durationSec: int(values.duration, q ? 2 : 5, 'duration', 1),
    warmupSec: int(values.warmup, q ? 2 : 10, 'warmup'),
    reps: int(values.reps, q ? 1 : 3, 'reps', 1),
    coldRuns: int(values['cold-runs'], q ? 1 : 3, 'cold-runs'),
    concurrency: values.concurrency.split(',').map((c) => int(c, 0, 'concurrency', 1)),
    generator: values.generator,
    json: values.json,
    markdown: values.markdown,
  };
}

/** Install bench/lambda's own dependencies on first use (npm registry only). */
function ensureDeps() {
  const pkg = JSON.parse(readFileSync(path.join(HERE, 'package.json'), 'utf8'));
  const missing = Object.keys(pkg.dependencies).filter(
    (d) => !existsSync(path.join(HERE, 'node_modules', d, 'package.json')),
  );
  if (missing.length === 0) return;
  console.error(`bench/lambda: installing dependencies (missing: ${missing.join(', ')}) ...`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: HERE,
    stdio: ['ignore', process.stderr, process.stderr],
    timeout: 5 * 60 * 1000,
  });
  if (r.status !== 0) throw new Error(`npm install in ${HERE} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

const log = (msg) => console.error(`[bench] ${msg}`);
export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Medians of each numeric field over samples. */
function medians(samples) {
  const out = { n: samples.length, samples };
  for (const k of Object.keys(samples[0] ?? {}))
    if (typeof samples[0][k] === 'number') out[k] = median(samples.map((s) => s[k]));
  return out;
}

function machineFacts(generator) {
  const cpus = os.cpus();
  let wrkVersion;
  try {
    execFileSync('/usr/bin/wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    wrkVersion = /wrk (\S+)/.exec(String(err.stdout ?? ''))?.[1];
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.trim(),
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    generator,
    wrkVersion,
    loadAvgAtStart: os.loadavg()[0],
    startedAt: new Date().toISOString(),
  };
}

async function main() {
  const opts = parseCli();
  ensureDeps();
  const T = await import('./targets.mjs');
  const L = await import('./load.mjs');
  const { renderText, renderMarkdown, OC_NAMES, short } = await import('./report.mjs');
  const generator = opts.generator ?? (L.hasWrk() ? 'wrk' : 'autocannon');
  if (generator === 'wrk' && !L.hasWrk())
    throw new Error('--generator wrk: /usr/bin/wrk not found (apt-get install wrk)');
  if (generator !== 'wrk' && generator !== 'autocannon') throw new Error(`unknown --generator '${generator}'`);
  const runLoad = generator === 'wrk' ? L.runLoadWrk : L.runLoadAutocannon;
  log(`load generator: ${generator}`);

  let stopping = false;
  const shutdown = async (code, why) => {
    if (stopping) return;
    stopping = true;
    if (why) log(`${why}: stopping children ...`);
    await T.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(130, 'interrupted'));
  process.on('SIGTERM', () => shutdown(143, 'terminated'));
  process.on('exit', T.killAllSync);
  const budgetSec =
    opts.targets.length * (opts.warmupSec + opts.reps * opts.concurrency.length * (opts.durationSec + 2)) +
    opts.coldRuns * 90 +
    240;
  setTimeout(() => shutdown(1, `time budget of ${budgetSec}s exceeded`), budgetSec * 1000).unref();

  const want = (t) => opts.targets.includes(t);
  const wantOvercast = want('overcast-httpapi') || want('overcast-invoke') || want('overcast-url');
  const peerNames = ['sls', 'arc', 'baseline'].filter(want);
  const results = {
    config: { ...opts, handler: T.HANDLER_SOURCE.trim(), runtime: T.RUNTIME },
    machine: machineFacts(generator),
    versions: {
      overcast: T.overcastVersion(),
      ...Object.fromEntries(peerNames.map((p) => [p, T.PEERS[p].versions()])),
    },
    cold: {},
    warm: {},
    errors: [],
  };

  // ---- cold starts: each system from nothing, one at a time -------------------------------------
  const dirs = {};
  for (const p of peerNames) dirs[p] = await T.PEERS[p].prepare();
  if (opts.coldRuns > 0) {
    if (wantOvercast) {
      log(`Overcast from nothing (spawn -> CreateFunction -> first Invoke) x${opts.coldRuns} ...`);
      const samples = [];
      try {
        for (let i = 0; i < opts.coldRuns; i++) samples.push(await T.overcastColdFromProcess());
        results.cold.overcastProcess = medians(samples);
      } catch (err) {
        results.errors.push(`Overcast cold start from process: ${err.message}`);
      }
    }
    for (const p of peerNames) {
      log(`${T.PEERS[p].label}: process start -> first 'hello' x${opts.coldRuns} ...`);
      const samples = [];
      try {
        for (let i = 0; i < opts.coldRuns; i++) samples.push(await T.peerColdStart(p, dirs[p]));
        results.cold[p] = medians(samples);
      } catch (err) {
        results.errors.push(`${T.PEERS[p].label} cold start: ${err.message}`);
      }
    }
  }

  // ---- the long-running systems -----------------------------------------------------------------
  const targets = []; // { name, label, url, variants, check }
  const running = [];
  if (wantOvercast) {
    try {
      const server = await T.startOvercast();
      running.push(server.child);
      const inServer = Math.max(opts.coldRuns + 2, 1);
      for (const via of ['httpapi', 'invoke', 'url']) {
        if (!want(`overcast-${via}`) || opts.coldRuns === 0) continue;
        log(`Overcast: deploy -> first response via ${short(`overcast-${via}`)} x${inServer} (new function each) ...`);
        const samples = [];
        for (let i = 0; i < inServer; i++) samples.push(await T.overcastColdInServer(server, `cold-${via}-${i}`, via));
        for (let i = 0; i < inServer; i++) await T.deleteFunction(server.url, `cold-${via}-${i}`);
        results.cold[`overcast-${via}`] = medians(samples);
      }
      await T.createFunction(server.url, 'hello');
      const urlPath = await T.createFunctionUrl(server.url, 'hello');
      if (want('overcast-httpapi')) {
        targets.push({
          name: 'overcast-httpapi',
          label: OC_NAMES['overcast-httpapi'][0],
          url: server.url,
          variants: [{ method: 'GET', path: await T.createHttpApi(server.url, 'hello'), headers: {} }],
          check: (r) => r.status === 200 && r.body === 'hello',
        });
      }
      if (want('overcast-invoke')) {
        targets.push({
          name: 'overcast-invoke',
          label: OC_NAMES['overcast-invoke'][0],
          url: server.url,
          variants: [await T.signLambda(server.url, 'POST', T.invokePath('hello'), T.INVOKE_PAYLOAD)],
          check: (r) => r.status === 200 && /"body":"hello"/.test(r.body),
        });
      }
      if (want('overcast-url')) {
        targets.push({
          name: 'overcast-url',
          label: OC_NAMES['overcast-url'][0],
          url: server.url,
          variants: [{ method: 'GET', path: urlPath, headers: {} }],
          check: (r) => r.status === 200 && r.body === 'hello',
        });
      }
    } catch (err) {
      results.errors.push(`Overcast: ${err.message}`);
      log(`Overcast FAILED: ${err.message}`);
    }
  }
  for (const p of peerNames) {
    try {
      log(`${T.PEERS[p].label}: starting for the warm runs ...`);
      const peer = await T.startPeer(p, dirs[p]);
      running.push(peer.child);
      targets.push({
        name: p,
        label: T.PEERS[p].label,
        url: peer.url,
        variants: [{ method: 'GET', path: '/', headers: {} }],
        check: (r) => r.status === 200 && r.body === 'hello',
      });
    } catch (err) {
      results.errors.push(`${T.PEERS[p].label}: ${err.message}`);
      log(`${T.PEERS[p].label} FAILED: ${err.message}`);
    }
  }

  // ---- warm: verify, warm up, then interleaved measured runs ------------------------------------
  const ready = [];
  for (const t of targets) {
    const v = t.variants[0];
    const r = await T.request(t.url + v.path, {
      method: v.method,
      headers: Object.fromEntries(Object.entries(v.headers).filter(([k]) => k !== 'host')),
      body: v.body,
    });
    if (!t.check(r)) {
      results.errors.push(`${t.label}: unexpected answer HTTP ${r.status}: ${r.body.slice(0, 200)}`);
      continue;
    }
    if (opts.warmupSec > 0) {
      log(`${t.label}: warm-up ${opts.warmupSec}s at c=${Math.max(...opts.concurrency)} ...`);
      await runLoad(t.url, t.variants, { connections: Math.max(...opts.concurrency), durationSec: opts.warmupSec });
    }
    ready.push(t);
    results.warm[t.name] = { label: t.label, runs: Object.fromEntries(opts.concurrency.map((c) => [c, []])) };
  }
  for (let rep = 0; rep < opts.reps; rep++) {
    // Rotate the order each round so drift in the machine's load does not favour one system.
    const order = ready.map((_, i) => ready[(i + rep) % ready.length]);
    for (const t of order) {
      for (const c of opts.concurrency) {
        await L.waitQuiet(log);
        const r = await runLoad(t.url, t.variants, { connections: c, durationSec: opts.durationSec });
        results.warm[t.name].runs[c].push(r);
        log(
          `round ${rep + 1}/${opts.reps} ${t.label} c=${c}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50ms.toFixed(3)} ms, p99 ${r.p99ms.toFixed(3)} ms` +
            (r.non2xx || r.socketErrors ? `, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : ''),
        );
      }
    }
  }
  for (const t of ready) {
    const w = results.warm[t.name];
    w.median = {};
    for (const c of opts.concurrency) {
      const runs = w.runs[c];
      w.median[c] = {
        rps: median(runs.map((r) => r.rps)),
        p50ms: median(runs.map((r) => r.p50ms)),
        p99ms: median(runs.map((r) => r.p99ms)),
        errors: runs.reduce((a, r) => a + r.non2xx + r.socketErrors, 0),
      };
    }
  }
  results.machine.loadAvgAtEnd = os.loadavg()[0];
  await Promise.all(running.map((c) => T.stopChild(c)));
  await T.stopAll();

  if (opts.json) console.log(JSON.stringify(results, null, 2));
  else console.log('\n' + renderText(results));
  if (opts.markdown) console.log('\n' + renderMarkdown(results));
  process.exit(results.errors.length ? 1 : 0);
}

main().catch((err) => {
  console.error(`[bench] ${err.stack ?? err}`);
  process.exit(1);
});
