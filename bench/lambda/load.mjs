// The load generator, the same for every system: wrk (C, one thread) when /usr/bin/wrk exists,
// else autocannon (in this process). Closed loop: `connections` keep-alive connections with one
// request in flight each. Requests are { method, path, headers, body }, built (and, for Overcast's
// Invoke API, SigV4-signed) once up front.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
export { hasWrk, runLoadWrk, WRK } from '../wrk.mjs';

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
