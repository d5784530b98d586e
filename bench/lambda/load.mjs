// The load generator, the same for every system: wrk (C, one thread) when /usr/bin/wrk exists,
// else autocannon (in this process). Closed loop: `connections` keep-alive connections with one
// request in flight each. Requests are { method, path, headers, body }, built (and, for Overcast's
// Invoke API, SigV4-signed) once up front.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
export const WRK = '/usr/bin/wrk';
export const hasWrk = () => existsSync(WRK);

/** Busy share of all CPUs over `ms` (from /proc/stat; undefined where there is none). */
async function cpuBusy(ms) {
  const read = () => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
      return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
    } catch {
      return undefined;
    }
  };
  const a = read();
  await new Promise((r) => setTimeout(r, ms));
  const b = read();
  if (!a || !b || b.total === a.total) return undefined;
  return 1 - (b.idle - a.idle) / (b.total - a.total);
}

/**
 * Waits until the machine is quiet (under `threshold` busy over a 250 ms window) or `maxMs` passed,
 * so that work a system left behind (a peer still draining queued requests in processes it spawned,
 * a garbage collection) is not measured against the next one. Tells `log` when it had to wait
 * (or gave up); resolves the ms waited and the last busy share seen.
 */
export async function waitQuiet(log, { threshold = 0.15, maxMs = 15_000 } = {}) {
  const t0 = Date.now();
  let busy;
  do {
    busy = await cpuBusy(250);
    if (busy === undefined || busy < threshold) break;
  } while (Date.now() - t0 < maxMs);
  const waitedMs = Date.now() - t0;
  if (waitedMs > 1000 || (busy ?? 0) >= threshold)
    log(`waited ${(waitedMs / 1000).toFixed(1)} s for a quiet machine (${Math.round((busy ?? 0) * 100)} % busy)`);
  return { waitedMs, busy };
}

function requestFile(variants) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'overcast-wrk-'));
  const file = path.join(dir, 'requests.txt');
  const parts = [];
  for (const v of variants) {
    // wrk adds Host and Content-Length itself unless `Host` (capitalised) is given.
    const headers = Object.entries(v.headers ?? {})
      .filter(([k]) => k.toLowerCase() !== 'content-length')
      .map(([k, val]) => [k.toLowerCase() === 'host' ? 'Host' : k, val]);
    const body = v.body ?? '';
    parts.push(
      `R ${v.method} ${v.path}\nH ${headers.length}\n${headers.map(([k, val]) => `${k}: ${val}\n`).join('')}B ${Buffer.byteLength(body)}\n${body}\n`,
    );
  }
  writeFileSync(file, parts.join(''));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function runLoadWrk(baseUrl, variants, { connections, durationSec }) {
  const { file, cleanup } = requestFile(variants);
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${durationSec}s`,
    '--timeout',
    '10s',
    '-s',
    path.join(HERE, 'wrk.lua'),
    baseUrl,
    '--',
    file,
  ];
  return new Promise((resolve, reject) => {
    execFile(WRK, args, { timeout: (durationSec + 30) * 1000 }, (err, stdout) => {
      cleanup();
      if (err) return reject(new Error(`wrk failed: ${err.message}`));
      const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (!line) return reject(new Error(`wrk printed no summary: ${stdout.slice(0, 300)}`));
      const s = JSON.parse(line.slice(8));
      const seconds = s.duration_us / 1e6;
      const ok = s.requests - s.status_errors;
      resolve({
        connections,
        durationSec: seconds,
        requests: s.requests,
        ok,
        non2xx: s.status_errors,
        socketErrors: s.connect_errors + s.read_errors + s.write_errors + s.timeouts,
        rps: ok / seconds,
        p50ms: s.p50_us / 1000,
        p99ms: s.p99_us / 1000,
        meanMs: s.mean_us / 1000,
      });
    });
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runLoadAutocannon(baseUrl, variants, { connections, durationSec }) {
  const autocannon = require('autocannon');
  let next = 0;
  const latencies = [];
  let total = 0;
  const instance = autocannon({
    url: baseUrl,
    connections,
    pipelining: 1,
    duration: durationSec,
    timeout: 10,
    requests: [{ setupRequest: (req) => ({ ...req, ...variants[next++ % variants.length] }) }],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    total++;
    if (status >= 200 && status <= 299) latencies.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  return {
    connections,
    durationSec: result.duration,
    requests: total,
    ok: sorted.length,
    non2xx: total - sorted.length,
    socketErrors: result.errors,
    rps: sorted.length / result.duration,
    p50ms: percentile(sorted, 50),
    p99ms: percentile(sorted, 99),
    meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN,
  };
}
