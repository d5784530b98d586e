#!/usr/bin/env node
// Side-by-side S3 benchmark: Overcast (objects on disk, metadata in SQLite, durable) vs s3rver
// (npm; objects and metadata as files), each in its own process. PUT and GET of 4 KB and 8 MB
// objects are driven by wrk (C, pre-signed requests; `apt-get install wrk`) for `--seconds` each
// when /usr/bin/wrk exists, else (or with `--generator node`) by raw node:http keep-alive requests
// with a minimal SigV4 signer; a full ListObjectsV2 of a 10,000-key bucket (10 pages of 1,000,
// following continuation tokens) always by the node client. Rounds alternate between the servers.
// Usage: npm run bench:s3 -- [--generator wrk|node] [--seconds S] [--small N] [--large N] [--concurrency C] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn } from '../children.mjs';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';
import { cpuMs } from '../proc-cpu.mjs';
import { hasWrk, runLoadWrk } from '../wrk.mjs';
import { amzDate, sha256Hex, signature, signingKey } from '../sigv4.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '2000' },
    large: { type: 'string', default: '24' },
    keys: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    generator: { type: 'string', default: hasWrk() ? 'wrk' : 'node' },
    seconds: { type: 'string', default: '4' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: node bench/s3/run.mjs [options]   (or: npm run bench:s3 -- [options])

  --small N           4 KB objects per Node-client PUT/GET phase (default 2000)
  --large N           8 MB objects per large PUT/GET phase (default 24)
  --keys N            keys in the bucket listed by the LIST phase (default 10000)
  --concurrency C     keep-alive connections (default 16)
  --rounds R          rounds, alternating which server goes first; each phase keeps its best (default 3)
  --generator NAME    wrk (default when /usr/bin/wrk exists: apt-get install wrk) or node
  --seconds S         seconds of each wrk phase (default 4)
  --json              print every round as JSON
  -h, --help          this text

  OVERCAST_BENCH_NODE_ARGS   extra Node flags for the Overcast server (e.g. --cpu-prof)`);
  process.exit(0);
}
const SMALL = Number(values.small);
const LARGE = Number(values.large);
const KEYS = Number(values.keys);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const WRK = values.generator === 'wrk';
const SECONDS = Number(values.seconds);
if (!WRK && values.generator !== 'node') throw new Error(`--generator must be wrk or node, not ${values.generator}`);
if (!WRK)
  console.error('bench:s3: /usr/bin/wrk not found (apt-get install wrk): using the node:http client for every phase');
const log = (...a) => console.error(...a);

if (!existsSync(path.join(HERE, 'node_modules/s3rver'))) {
  log('installing s3rver into bench/s3 (npm registry) ...');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HERE, stdio: 'inherit' });
}

function readyLine(child) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('server did not start')), 30_000);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

async function start(name) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `overcast-bench-s3-${name}-`));
  const child =
    name === 'overcast'
      ? spawn(
          process.execPath,
          [
            // bin/overcast.js's flags and environment (a `node bin/overcast.js` spawn does not read them).
            ...launcherNodeFlags(),
            ...(process.env['OVERCAST_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
            process.env['OVERCAST_BENCH_ENTRY'] ?? path.join(ROOT, 'bin/overcast.js'),
            'start',
            '--port',
            '0',
            '--json',
            '--log-level',
            'silent',
            '--data-dir',
            dir,
          ],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
            env: launcherEnv(),
          },
        )
      : // s3rver encrypts its continuation tokens with a cipher OpenSSL 3 keeps in the legacy provider.
        spawn(process.execPath, ['--openssl-legacy-provider', path.join(HERE, 's3rver-peer.cjs'), dir], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
  const { endpoint } = await readyLine(child);
  return {
    name,
    endpoint,
    pid: child.pid,
    async stop() {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const ACCESS = 'S3RVER';
const SECRET = 'S3RVER';
/** SigV4 (UNSIGNED-PAYLOAD) for one request: a light client, so the servers are what is measured. */
function sign(method, host, pathAndQuery) {
  const { now, day } = amzDate();
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query =
    q < 0
      ? ''
      : pathAndQuery
          .slice(q + 1)
          .split('&')
          .sort()
          .map((kv) => (kv.includes('=') ? kv : kv + '='))
          .join('&');
  const canonical = `${method}\n${path}\n${query}\nhost:${host}\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:${now}\n\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD`;
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const sig = signature(
    signingKey(SECRET, day, 'us-east-1', 's3'),
    `AWS4-HMAC-SHA256\n${now}\n${scope}\n${sha256Hex(canonical)}`,
  );
  return {
    'x-amz-date': now,
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${sig}`,
  };
}

function client(endpoint) {
  const url = new URL(endpoint);
  const host = url.host;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  /** One request; resolves with the status and (for GET) the body length or text. */
  const send = (method, pathAndQuery, body, wantText = false) =>
    new Promise((resolve, reject) => {
      const headers = { host, ...sign(method, host, pathAndQuery) };
      if (body) headers['content-length'] = String(body.length);
      const req = request({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers, agent }, (res) => {
        let n = 0;
        const chunks = [];
        res.on('data', (c) => {
          n += c.length;
          if (wantText) chunks.push(c);
        });
        res.on('end', () => {
          if (res.statusCode >= 300)
            reject(new Error(`${method} ${pathAndQuery}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
          else resolve({ bytes: n, text: wantText ? Buffer.concat(chunks).toString() : '' });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { send, destroy: () => agent.destroy() };
}

/** Runs `task(i)` for i in [0, n) with `c` in flight; returns seconds. */
async function pool(n, c, task) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const small = Buffer.alloc(4096, 's');
const large = Buffer.alloc(8 * 1024 * 1024, 'L');

async function prepare(target) {
  const s3 = client(target.endpoint);
  await s3.send('PUT', '/bench');
  await s3.send('PUT', '/listing');
  await pool(200, C, (i) => s3.send('PUT', `/bench/warm/${i}`, small));
  log(`  ${target.name}: filling a bucket with ${KEYS} keys ...`);
  const tiny = Buffer.from('k');
  await pool(KEYS, C, (i) => s3.send('PUT', `/listing/key-${String(i).padStart(6, '0')}`, tiny));
  s3.destroy();
}

/**
 * A phase under wrk: `variants` requests cycled by `connections` connections for SECONDS;
 * returns requests per second (every answer must be a 2xx).
 */
async function wrkPhase(endpoint, connections, variants) {
  const host = new URL(endpoint).host;
  const signed = variants.map(({ method, path, body }) => ({
    method,
    path,
    headers: { Host: host, ...sign(method, host, path) },
    body,
  }));
  const r = await runLoadWrk(endpoint, signed, { connections, durationSec: SECONDS });
  if (r.non2xx || r.socketErrors) throw new Error(`wrk: ${r.non2xx} non-2xx answers, ${r.socketErrors} socket errors`);
  return r.rps;
}
const keys = (n, prefix) => Array.from({ length: n }, (_, i) => `${prefix}/${i}`);

/** The phases under wrk, each run against one target; returns the rate. */
const WRK_PHASES = {
  'PUT 4 KB (ops/s)': (t, round) =>
    wrkPhase(
      t.endpoint,
      C,
      keys(200, `/bench/small/${round}`).map((path) => ({ method: 'PUT', path, body: small })),
    ),
  'GET 4 KB (ops/s)': (t, round) =>
    wrkPhase(
      t.endpoint,
      C,
      keys(200, `/bench/small/${round}`).map((path) => ({ method: 'GET', path })),
    ),
  'PUT 8 MB (MB/s)': async (t, round) =>
    8 *
    (await wrkPhase(
      t.endpoint,
      Math.min(C, 4),
      keys(4, `/bench/large/${round}`).map((path) => ({ method: 'PUT', path, body: large })),
    )),
  'GET 8 MB (MB/s)': async (t, round) =>
    8 *
    (await wrkPhase(
      t.endpoint,
      Math.min(C, 4),
      keys(4, `/bench/large/${round}`).map((path) => ({ method: 'GET', path })),
    )),
};

/** The phases, each run against one target; returns the rate. */
const PHASES = {
  'PUT 4 KB (ops/s)': async (s3, round) =>
    SMALL / (await pool(SMALL, C, (i) => s3.send('PUT', `/bench/small/${round}/${i}`, small))),
  'GET 4 KB (ops/s)': async (s3, round) =>
    SMALL /
    (await pool(SMALL, C, async (i) => {
      if ((await s3.send('GET', `/bench/small/${round}/${i}`)).bytes !== small.length) throw new Error('short read');
    })),
  'PUT 8 MB (MB/s)': async (s3, round) =>
    (LARGE * 8) / (await pool(LARGE, Math.min(C, 4), (i) => s3.send('PUT', `/bench/large/${round}/${i}`, large))),
  'GET 8 MB (MB/s)': async (s3, round) =>
    (LARGE * 8) /
    (await pool(LARGE, Math.min(C, 4), async (i) => {
      if ((await s3.send('GET', `/bench/large/${round}/${i}`)).bytes !== large.length) throw new Error('short read');
    })),
  [`LIST ${KEYS} keys (full listings/s)`]: async (s3) => {
    const LISTS = 3;
    const t = await pool(LISTS, 1, async () => {
      let token;
      let n = 0;
      do {
        const q = `list-type=2&max-keys=1000${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
        const { text } = await s3.send('GET', `/listing?${q}`, undefined, true);
        n += (text.match(/<Contents>/g) ?? []).length;
        token = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(text)?.[1];
      } while (token);
      if (n !== KEYS) throw new Error(`listed ${n} of ${KEYS} keys`);
    });
    return LISTS / t;
  },
};

log('starting overcast and s3rver ...');
const targets = [await start('overcast'), await start('s3rver')];
const rows = { overcast: {}, s3rver: {} };
/** The server's CPU time per unit of each phase's rate (µs per op, per MB, per listing), its least over the rounds. */
const cpu = { overcast: {}, s3rver: {} };
/** Every round's rate, per server and phase (the JSON output keeps them: the spread is the noise). */
const rounds = { overcast: {}, s3rver: {} };
try {
  for (const t of targets) await prepare(t);
  // Rounds alternate between the two servers so a busy moment of the machine hits both alike; best of ROUNDS.
  for (const [metric, phase] of Object.entries(PHASES)) {
    const viaWrk = WRK ? WRK_PHASES[metric] : undefined;
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
        const s3 = client(t.endpoint);
        const c0 = cpuMs(t.pid);
        const t0 = performance.now();
        const rate = viaWrk ? await viaWrk(t, round) : await phase(s3, round);
        const seconds = (performance.now() - t0) / 1000;
        const c1 = cpuMs(t.pid);
        s3.destroy();
        rows[t.name][metric] = Math.max(rows[t.name][metric] ?? 0, rate);
        if (c0 !== undefined && c1 !== undefined) {
          const perUnit = ((c1 - c0) * 1000) / (rate * seconds);
          cpu[t.name][metric] = Math.min(cpu[t.name][metric] ?? perUnit, perUnit);
        }
        (rounds[t.name][metric] ??= []).push(rate);
      }
    }
    log(`  ${metric}: overcast ${rows.overcast[metric].toFixed(1)}, s3rver ${rows.s3rver[metric].toFixed(1)}`);
  }
} finally {
  for (const t of targets) await t.stop();
}
const metrics = Object.keys(rows.overcast);
const table = metrics.map((m) => ({
  metric: m,
  overcast: rows.overcast[m],
  s3rver: rows.s3rver[m],
  ratio: rows.overcast[m] / rows.s3rver[m],
  cpuUnit: `µs/${/\((?:full )?(\S+?)s?\/s\)/.exec(m)?.[1] ?? 'unit'}`,
  overcastCpu: cpu.overcast[m],
  s3rverCpu: cpu.s3rver[m],
}));
const summary = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  load: os.loadavg(),
  small: SMALL,
  large: LARGE,
  keys: KEYS,
  concurrency: C,
  rounds: ROUNDS,
  generator: values.generator,
  seconds: WRK ? SECONDS : undefined,
  table,
  perRound: rounds,
};
writeFileSync(path.join(HERE, 'last-run.json'), JSON.stringify(summary, null, 2) + '\n');
if (values.json) console.log(JSON.stringify(summary, null, 2));
else {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(
    `\nS3, best of ${ROUNDS} rounds; PUT/GET by ${WRK ? `wrk (${SECONDS} s per run)` : 'the node:http client'}, LIST by the node:http client`,
  );
  console.log(
    `\n${pad('metric', 36)}${pad('overcast', 12)}${pad('s3rver', 12)}${pad('ratio', 9)}server CPU, overcast / s3rver`,
  );
  for (const r of table) {
    const c =
      r.overcastCpu && r.s3rverCpu
        ? `${r.overcastCpu.toFixed(0)} / ${r.s3rverCpu.toFixed(0)} ${r.cpuUnit} (${(r.s3rverCpu / r.overcastCpu).toFixed(2)}x)`
        : '';
    console.log(
      `${pad(r.metric, 36)}${pad(r.overcast.toFixed(1), 12)}${pad(r.s3rver.toFixed(1), 12)}${pad(`${r.ratio.toFixed(2)}x`, 9)}${c}`,
    );
  }
}
