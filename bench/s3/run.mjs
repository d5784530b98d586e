#!/usr/bin/env node
// Side-by-side S3 benchmark: Overcast (objects on disk, metadata in SQLite, durable) vs s3rver
// (npm; objects and metadata as files), each in its own process, driven by @aws-sdk/client-s3 with
// keep-alive connections. Phases: PUT and GET of 4 KB objects, PUT and GET of 8 MB objects, and a
// full ListObjectsV2 of a 10,000-key bucket (10 pages of 1,000).
// Usage: npm run bench:s3 -- [--small N] [--large N] [--concurrency C] [--json]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '2000' },
    large: { type: 'string', default: '24' },
    keys: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const SMALL = Number(values.small);
const LARGE = Number(values.large);
const KEYS = Number(values.keys);
const C = Number(values.concurrency);
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
      ? spawn(process.execPath, [path.join(ROOT, 'bin/overcast.js'), 'start', '--port', '0', '--json', '--log-level', 'silent', '--data-dir', dir], {
          stdio: ['ignore', 'pipe', 'inherit'],
        })
      : // s3rver encrypts its continuation tokens with a cipher OpenSSL 3 keeps in the legacy provider.
        spawn(process.execPath, ['--openssl-legacy-provider', path.join(HERE, 's3rver-peer.cjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { endpoint } = await readyLine(child);
  return {
    name,
    endpoint,
    async stop() {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function client(endpoint) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    maxAttempts: 1,
    // The same client work for both servers: no flexible checksums (s3rver has none).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }), requestTimeout: 120_000 }),
  });
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

async function drain(body) {
  let n = 0;
  for await (const chunk of body) n += chunk.length;
  return n;
}

async function bench(target) {
  const s3 = client(target.endpoint);
  const results = {};
  await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
  const small = Buffer.alloc(4096, 's');
  const large = Buffer.alloc(8 * 1024 * 1024, 'L');
  // Warm-up.
  await pool(200, C, (i) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `warm/${i}`, Body: small })));

  let t = await pool(SMALL, C, (i) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `small/${i}`, Body: small })));
  results['PUT 4 KB (ops/s)'] = SMALL / t;
  t = await pool(SMALL, C, async (i) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `small/${i}` }));
    if ((await drain(r.Body)) !== 4096) throw new Error('short read');
  });
  results['GET 4 KB (ops/s)'] = SMALL / t;
  const LC = Math.min(C, 4);
  t = await pool(LARGE, LC, (i) => s3.send(new PutObjectCommand({ Bucket: 'bench', Key: `large/${i}`, Body: large })));
  results['PUT 8 MB (MB/s)'] = (LARGE * 8) / t;
  t = await pool(LARGE, LC, async (i) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: `large/${i}` }));
    if ((await drain(r.Body)) !== large.length) throw new Error('short read');
  });
  results['GET 8 MB (MB/s)'] = (LARGE * 8) / t;

  log(`  ${target.name}: filling a bucket with ${KEYS} keys ...`);
  const tiny = Buffer.from('k');
  await pool(KEYS, C, (i) => s3.send(new PutObjectCommand({ Bucket: 'listing', Key: `key-${String(i).padStart(6, "0")}`, Body: tiny })));
  const LISTS = 5;
  t = await pool(LISTS, 1, async () => {
    let token;
    let n = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', ContinuationToken: token, MaxKeys: 1000 }));
      n += page.KeyCount ?? page.Contents?.length ?? 0;
      token = page.NextContinuationToken;
    } while (token);
    if (n !== KEYS) throw new Error(`listed ${n} of ${KEYS} keys`);
  });
  results[`LIST ${KEYS} keys (full listings/s)`] = LISTS / t;
  s3.destroy();
  return results;
}

const rows = {};
for (const name of ['overcast', 's3rver']) {
  log(`starting ${name} ...`);
  const target = await start(name);
  try {
    rows[name] = await bench(target);
  } finally {
    await target.stop();
  }
}
const metrics = Object.keys(rows.overcast);
const table = metrics.map((m) => ({ metric: m, overcast: rows.overcast[m], s3rver: rows.s3rver[m], ratio: rows.overcast[m] / rows.s3rver[m] }));
const summary = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, small: SMALL, large: LARGE, keys: KEYS, concurrency: C, table };
writeFileSync(path.join(HERE, 'last-run.json'), JSON.stringify(summary, null, 2) + '\n');
if (values.json) console.log(JSON.stringify(summary, null, 2));
else {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\n${pad('metric', 36)}${pad('overcast', 12)}${pad('s3rver', 12)}ratio`);
  for (const r of table) console.log(`${pad(r.metric, 36)}${pad(r.overcast.toFixed(1), 12)}${pad(r.s3rver.toFixed(1), 12)}${r.ratio.toFixed(2)}x`);
}
