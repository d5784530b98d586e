// Closed-loop load with wrk (C, one thread), shared by the benchmarks: the generator takes far
// less CPU than a Node one, so on a 2-core machine more of the second core is left to the server
// under test. A variant is { method, path, headers, body }: method and path default to POST /
// (the AWS JSON protocols), body is a string or a Buffer (bench:s3 sends 8 MiB ones).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WRK = '/usr/bin/wrk';
export const hasWrk = () => existsSync(WRK);

function requestFile(variants) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'overcast-wrk-'));
  const file = path.join(dir, 'requests.txt');
  const parts = [];
  for (const v of variants) {
    // wrk adds Host and Content-Length itself unless `Host` (capitalised) is given: name it so, or a
    // strict server (DynamoDB Local's Jetty) sees two Host headers and answers 400.
    const headers = Object.entries(v.headers ?? {})
      .filter(([k]) => k.toLowerCase() !== 'content-length')
      .map(([k, val]) => [k.toLowerCase() === 'host' ? 'Host' : k, val]);
    const body = v.body ?? '';
    parts.push(
      Buffer.from(
        `R ${v.method ?? 'POST'} ${v.path ?? '/'}\nH ${headers.length}\n${headers.map(([k, val]) => `${k}: ${val}\n`).join('')}B ${Buffer.byteLength(body)}\n`,
      ),
      typeof body === 'string' ? Buffer.from(body) : body,
      Buffer.from('\n'),
    );
  }
  writeFileSync(file, Buffer.concat(parts));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `connections` connections, one request in flight each, cycling through `variants`. */
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
      const ok = s.requests - s.status_errors;
      const seconds = s.duration_us / 1e6;
      resolve({
        connections,
        durationSec: seconds,
        requests: s.requests,
        ok,
        non2xx: s.status_errors,
        socketErrors: s.connect_errors + s.read_errors + s.write_errors + s.timeouts,
        timeouts: s.timeouts,
        statusCounts: {},
        errorSamples: s.status_errors
          ? ['(wrk counts non-2xx responses but keeps no bodies; rerun with --generator autocannon to see them)']
          : [],
        rps: ok / seconds,
        p50ms: s.p50_us / 1000,
        p99ms: s.p99_us / 1000,
        meanMs: s.mean_us / 1000,
      });
    });
  });
}
