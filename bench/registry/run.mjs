#!/usr/bin/env node
// Registry benchmark: skopeo push and pull of a ~100 MB multi-layer image and of a 50-layer small
// image, and manifest GETs per second, against Overcast and Debian's docker-registry (the
// Distribution registry 2.8) side by side. Overcast's RSS is sampled while it receives the 100 MB
// image. Usage: npm run bench:registry [-- --quick] [-- --reps N]
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { spawn } from '../children.mjs';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';

const run = promisify(execFile);
const USAGE = `Usage: node bench/registry/run.mjs [--quick] [--reps N]   (or: npm run bench:registry -- [options])

  --quick             one push and one pull per image and server instead of medians
  --reps N            pushes per image and server (default 5; each pushed image is pulled 3 times)
  -h, --help          this text

Needs /usr/bin/skopeo and /usr/bin/docker-registry (apt-get install skopeo docker-registry).`;
{
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter(
    (a, i) => a.startsWith('-') && a !== '--quick' && a !== '--reps' && args[i - 1] !== '--reps',
  );
  if (unknown.length > 0) {
    console.error(`bench:registry: unknown option ${unknown[0]}\n\n${USAGE}`);
    process.exit(2);
  }
}
const quick = process.argv.includes('--quick');
// Each copy of the 100 MB image takes about 0.3 s here, and one slow copy moves a median of three
// by 10 %: five by default.
const repsAt = process.argv.indexOf('--reps');
const REPS = repsAt > 0 ? Math.max(1, Number(process.argv[repsAt + 1]) || 1) : quick ? 1 : 5;
// A pull costs skopeo 0.35–0.57 s of CPU that varies from copy to copy more than the servers differ
// (they use 0.04–0.15 s): each pushed image is pulled three times, alternating the servers, and the
// pull figure is the median of all of them.
const PULLS = quick ? 1 : 3;
const SKOPEO = '/usr/bin/skopeo';
const DISTRIBUTION = '/usr/bin/docker-registry';
for (const [bin, pkg] of [
  [SKOPEO, 'skopeo'],
  [DISTRIBUTION, 'docker-registry'],
]) {
  if (!existsSync(bin)) {
    console.error(`${bin} not found: apt-get install -y ${pkg} (.ci/run installs it)`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'overcast-bench-registry-'));
const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function tarOf(files) {
  const p = pack();
  for (const [name, buf] of Object.entries(files))
    p.entry({ name, size: buf.length, mode: 0o644, mtime: new Date(0) }, buf);
  p.finalize();
  const chunks = [];
  for await (const c of p) chunks.push(c);
  return Buffer.concat(chunks);
}

/** An OCI layout with one image of the given layer sizes (random, so incompressible). */
async function layout(dir, layerSizes) {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (b) => writeFileSync(join(dir, 'blobs', 'sha256', sha256(b).slice(7)), b);
  const layers = [];
  const diffIds = [];
  for (let i = 0; i < layerSizes.length; i++) {
    const tar = await tarOf({ [`layer-${i}.bin`]: randomBytes(layerSizes[i]) });
    const gz = gzipSync(tar, { level: 1 });
    put(gz);
    diffIds.push(sha256(tar));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length });
  }
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }),
  );
  put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers,
    }),
  );
  put(manifest);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: sha256(manifest),
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'bench' },
        },
      ],
    }),
  );
  return layers.reduce((n, l) => n + l.size, 0);
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function waitHttp(url) {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

async function startOvercast(port) {
  const dataDir = join(work, 'overcast-data');
  const child = spawn(
    process.execPath,
    [
      ...launcherNodeFlags(),
      'bin/overcast.js',
      'start',
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: launcherEnv() },
  );
  await waitHttp(`http://127.0.0.1:${port}/v2/`);
  return child;
}

async function startDistribution(port) {
  const root = join(work, 'distribution-data');
  const config = join(work, 'distribution.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${root}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn(DISTRIBUTION, ['serve', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitHttp(`http://127.0.0.1:${port}/v2/`);
  return child;
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

const skopeo = (args) => run(SKOPEO, args, { maxBuffer: 64 << 20 });

async function manifestGets(host, repo, seconds, concurrency = 16) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const [hostname, port] = host.split(':');
  let count = 0;
  const end = Date.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = request(
        { hostname, port, path: `/v2/${repo}/manifests/bench`, agent, headers: { accept } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`manifest GET ${res.statusCode}`));
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await one();
        count++;
      }
    }),
  );
  agent.destroy();
  return count / seconds;
}

/** One push of `img` to `host`; RSS of `pid` (if given) sampled during the push. */
async function push(host, pid, img, repo) {
  const base = pid ? rssMb(pid) : 0;
  let peak = base;
  const sampler = pid ? setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20) : undefined;
  const seconds = await timed(() =>
    skopeo(['copy', '--dest-tls-verify=false', `oci:${img.dir}:bench`, `docker://${host}/${repo}:bench`]),
  );
  if (sampler) clearInterval(sampler);
  return { seconds, rssGrowth: peak - base };
}

/** One pull of `repo` from `host` into a fresh OCI layout (removed after). */
async function pull(label, host, repo, name, rep, k) {
  const dest = join(work, `pull-${label}-${name}-${rep}-${k}`);
  const seconds = await timed(() =>
    skopeo(['copy', '--src-tls-verify=false', `docker://${host}/${repo}:bench`, `oci:${dest}:bench`]),
  );
  rmSync(dest, { recursive: true, force: true });
  return seconds;
}

/**
 * Both registries run the same steps interleaved (Overcast first on even repetitions,
 * Distribution first on odd ones), so load from anything else on the machine lands on both.
 */
async function benchBoth(servers, images) {
  const out = Object.fromEntries(servers.map((s) => [s.label, {}]));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, reps] of Object.entries(images)) {
    const runs = Object.fromEntries(servers.map((s) => [s.label, { pushes: [], pulls: [], rssGrowth: 0 }]));
    for (let rep = 0; rep < REPS; rep++) {
      const order = rep % 2 === 0 ? servers : [...servers].reverse();
      for (const s of order) {
        const r = await push(s.host, s.pid, reps[rep], `bench/${name}-${rep}`);
        const acc = runs[s.label];
        acc.pushes.push(r.seconds);
        acc.rssGrowth = Math.max(acc.rssGrowth, r.rssGrowth);
      }
      for (let k = 0; k < PULLS; k++) {
        for (const s of (rep + k) % 2 === 0 ? servers : [...servers].reverse()) {
          runs[s.label].pulls.push(await pull(s.label, s.host, `bench/${name}-${rep}`, name, rep, k));
        }
      }
    }
    for (const s of servers) {
      const acc = runs[s.label];
      out[s.label][name] = {
        push: median(acc.pushes),
        pull: median(acc.pulls),
        mb: reps[0].bytes / 1024 / 1024,
        rssGrowth: acc.rssGrowth,
        pushes: acc.pushes,
        pulls: acc.pulls,
      };
    }
  }
  // Manifest GETs in A-B-B-A halves, summed.
  const half = (quick ? 2 : 5) / 2;
  const counts = Object.fromEntries(servers.map((s) => [s.label, 0]));
  for (const s of [...servers, ...[...servers].reverse()])
    counts[s.label] += (await manifestGets(s.host, 'bench/large-0', half)) * half;
  for (const s of servers) out[s.label].manifestGets = counts[s.label] / (2 * half);
  return out;
}

const OVERCAST_PORT = 5466;
const DIST_PORT = 5467;
console.log(`generating images in ${work} …`);
// Fresh images for every repetition: skopeo remembers where it has seen a blob and would mount it
// instead of uploading it again.
const images = { large: [], small50: [] };
for (let rep = 0; rep < REPS; rep++) {
  const large = join(work, `large-${rep}`);
  const small = join(work, `small50-${rep}`);
  images.large.push({
    dir: large,
    bytes: await layout(
      large,
      [40, 25, 15, 10, 6, 3, 1].map((m) => m * 1024 * 1024),
    ),
  });
  images.small50.push({
    dir: small,
    bytes: await layout(
      small,
      Array.from({ length: 50 }, (_, i) => 8 * 1024 + i * 97),
    ),
  });
}
const warmup = join(work, 'warmup');
await layout(warmup, [4096, 4096]);

const overcast = await startOvercast(OVERCAST_PORT);
const distribution = await startDistribution(DIST_PORT);
let results;
try {
  // warm-up pushes so neither server pays first-request costs inside the measurement
  for (const host of [`127.0.0.1:${OVERCAST_PORT}`, `127.0.0.1:${DIST_PORT}`]) {
    await skopeo(['copy', '--dest-tls-verify=false', `oci:${warmup}:bench`, `docker://${host}/warmup/x:bench`]);
  }
  const servers = [
    { label: 'overcast', host: `127.0.0.1:${OVERCAST_PORT}`, pid: overcast.pid },
    { label: 'distribution', host: `127.0.0.1:${DIST_PORT}`, pid: undefined },
  ];
  const both = await benchBoth(servers, images);
  const o = both.overcast;
  const d = both.distribution;
  results = { overcast: o, distribution: d };
} finally {
  overcast.kill('SIGTERM');
  distribution.kill('SIGTERM');
}

const rows = [];
const fmt = (n, unit) => `${n.toFixed(unit === 's' ? 2 : 0)} ${unit}`;
for (const [name, label] of [
  ['large', `push ${images.large[0].bytes >> 20} MB, 7 layers`],
  ['small50', 'push 50 small layers'],
]) {
  const o = results.overcast[name];
  const d = results.distribution[name];
  rows.push([label, fmt(o.push, 's'), fmt(d.push, 's'), (d.push / o.push).toFixed(2)]);
  rows.push([label.replace('push', 'pull'), fmt(o.pull, 's'), fmt(d.pull, 's'), (d.pull / o.pull).toFixed(2)]);
}
rows.push([
  'manifest GETs (16 conns)',
  fmt(results.overcast.manifestGets, '/s'),
  fmt(results.distribution.manifestGets, '/s'),
  (results.overcast.manifestGets / results.distribution.manifestGets).toFixed(2),
]);
const widths = [0, 1, 2, 3].map((i) =>
  Math.max(...[['', 'Overcast', 'Distribution 2.8', 'ratio (>1: Overcast faster)'], ...rows].map((r) => r[i].length)),
);
const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
console.log(`\nskopeo copy, median of ${REPS} pushes and ${REPS * PULLS} pulls; ${quick ? 'quick' : 'full'} run\n`);
console.log(line(['', 'Overcast', 'Distribution 2.8', 'ratio (>1: Overcast faster)']));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const r of rows) console.log(line(r));
console.log(
  `\nOvercast RSS growth while receiving the ${images.large[0].bytes >> 20} MB image: ${results.overcast.large.rssGrowth.toFixed(1)} MB`,
);
// Each pull of one server has a partner of the other's, run back to back (same image, same minute):
// how often Overcast's was the faster one, and the chance of at least that many by a coin toss
// (one-sided sign test), since single medians of a client-bound pull swing around parity.
for (const [name, label] of [
  ['large', `${images.large[0].bytes >> 20} MB`],
  ['small50', '50 small layers'],
]) {
  const o = results.overcast[name].pulls;
  const d = results.distribution[name].pulls;
  const n = Math.min(o.length, d.length);
  let wins = 0;
  for (let i = 0; i < n; i++) if (o[i] < d[i]) wins++;
  console.log(
    `pull ${label}: Overcast faster in ${wins} of ${n} back-to-back pairs (sign test p = ${signTest(wins, n).toFixed(3)})`,
  );
}
writeFileSync(
  join('bench', 'registry', 'last-run.json'),
  JSON.stringify({ date: new Date().toISOString(), reps: REPS, pulls: REPS * PULLS, results }, null, 2) + '\n',
);
rmSync(work, { recursive: true, force: true });

/** P(X >= k) for X ~ Binomial(n, 1/2). */
function signTest(k, n) {
  let p = 0;
  let c = 1; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= k) p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return p / 2 ** n;
}
