#!/usr/bin/env node
// ECS benchmark: RunTask → RUNNING and → first HTTP response for a cached busybox httpd image,
// compared with a bare `runc run` of the same root filesystem (the floor, run after each task, so
// both see the same load on a shared machine), then a 3-task rolling deployment with 1 s health
// checks.
// Usage: npm run bench:ecs [-- --runs 10 --poll 10 --deployments 3]   (root, runc, iproute2, busybox-static)
//
// --poll is how often DescribeTasks is called while waiting for RUNNING. The client runs in the
// server's process on a 2-core machine: a 2 ms loop of signed SDK calls keeps a core busy and
// slows the very container start it measures (about 2x here), so the default is 10 ms; RUNNING
// is also taken from the task's own startedAt (the instant DescribeTasks starts answering
// RUNNING), which no polling interval blurs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  ListTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startOvercast } from '../../dist/main.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    poll: { type: 'string', default: '10' },
    deployments: { type: 'string', default: '3' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: node bench/ecs/run.mjs [options]   (or: npm run bench:ecs -- [options])

  --runs N            RunTask → RUNNING samples, after one warm-up (default 10)
  --poll MS           DescribeTasks polling interval in ms (default 10)
  --deployments N     service rolling deployments measured (default 3)
  --json              print the results as JSON
  -h, --help          this text`);
  process.exit(0);
}
const RUNS = Number(values.runs);
const POLL = Number(values.poll);
const DEPLOYMENTS = Number(values.deployments);
const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const APPLETS = ['sh', 'httpd', 'true', 'sleep', 'wget'];

async function tarOf(entries) {
  const p = pack();
  for (const e of entries) {
    if (e.type === 'symlink') p.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else if (e.type === 'directory') p.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else p.entry({ name: e.name, size: e.content.length, mode: e.mode ?? 0o644 }, e.content);
  }
  p.finalize();
  const chunks = [];
  for await (const c of p) chunks.push(c);
  return Buffer.concat(chunks);
}

function raw(endpoint, path, method, body, headers = {}) {
  const u = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method,
        headers: { 'content-length': body ? body.length : 0, ...headers },
      },
      (res) => {
        const c = [];
        res.on('data', (d) => c.push(d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(c) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function pushBlob(endpoint, repo, bytes) {
  const post = await raw(endpoint, `/v2/${repo}/blobs/uploads/`, 'POST');
  const loc = post.headers.location;
  await raw(endpoint, `${loc}${loc.includes('?') ? '&' : '?'}digest=${sha(bytes)}`, 'PUT', bytes);
}

async function pushImage(endpoint) {
  const tar = await tarOf([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
    ...APPLETS.map((a) => ({ name: `bin/${a}`, type: 'symlink', linkname: 'busybox' })),
    { name: 'www/', type: 'directory' },
    { name: 'www/index.html', content: Buffer.from('hello\n') },
  ]);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha(tar)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(layer), size: layer.length }],
    }),
  );
  await pushBlob(endpoint, 'bench', layer);
  await pushBlob(endpoint, 'bench', config);
  await raw(endpoint, '/v2/bench/manifests/v1', 'PUT', manifest, {
    'content-type': 'application/vnd.oci.image.manifest.v1+json',
  });
  return tar;
}

async function firstHttp(port, deadline = 10_000) {
  const start = Date.now();
  for (;;) {
    const ok = await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200));
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (ok) return;
    if (Date.now() - start > deadline) throw new Error('no HTTP response');
    await sleep(2);
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function benchOvercast() {
  const oc = await startOvercast({ config: { port: 0, ephemeral: true, logLevel: 'silent' } });
  const ecs = new ECSClient({
    endpoint: oc.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  const tar = await pushImage(oc.endpoint);
  const floor = await bareRunc(tar);
  const bare = [];
  await ecs.send(new CreateClusterCommand({}));
  const image = `localhost:${oc.port}/bench:v1`;
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'bench',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          image,
          command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
          portMappings: [{ containerPort: 8080 }],
          stopTimeout: 1,
        },
      ],
    }),
  );
  const net = { awsvpcConfiguration: { subnets: ['s'] } };
  const running = [];
  const seen = [];
  const http = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const sentAt = Date.now();
    const t0 = performance.now();
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench', networkConfiguration: net }));
    const arn = r.tasks[0].taskArn;
    // The published port is probed as soon as DescribeTasks lists it (HTTP answers when the app does).
    let port;
    let polling = true;
    const answered = (async () => {
      while (!port && polling) await sleep(1);
      if (!port) return undefined;
      await firstHttp(port);
      return performance.now();
    })();
    let t;
    try {
      for (;;) {
        t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks[0];
        port ??= t.containers[0].networkBindings?.[0]?.hostPort;
        if (t.lastStatus === 'RUNNING') break;
        if (t.lastStatus === 'STOPPED') throw new Error(t.stoppedReason);
        await sleep(POLL);
      }
    } finally {
      polling = false;
    }
    const t1 = performance.now();
    const t2 = await answered;
    if (i > 0) {
      running.push(t.startedAt.getTime() - sentAt);
      seen.push(t1 - t0);
      http.push(t2 - t0);
    }
    await ecs.send(new StopTaskCommand({ task: arn }));
    for (;;) {
      const s = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks[0];
      if (s.lastStatus === 'STOPPED') break;
      await sleep(20);
    }
    const b = await floor.once();
    if (i > 0) bare.push(b);
  }
  floor.cleanup();
  ecs.destroy();
  await oc.stop();
  return { running, seen, http, bare };
}

// A 3-task service rolled to a new task definition revision: UpdateService → the 3 new tasks
// HEALTHY, and → the deployment COMPLETED (old tasks stopped). Health checks every second: the API's
// minimum interval is 5 s, so this server's clock runs 5x real time (as the services test does);
// container starts, health-check commands and stops all take their real time.
async function benchDeployments() {
  const SPEED = 5;
  const base = Date.now();
  const clock = { now: () => base + (Date.now() - base) * SPEED };
  const oc = await startOvercast({ config: { port: 0, ephemeral: true, logLevel: 'silent' }, clock });
  const ecs = new ECSClient({
    endpoint: oc.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
  await pushImage(oc.endpoint);
  await ecs.send(new CreateClusterCommand({}));
  const image = `localhost:${oc.port}/bench:v1`;
  const register = (rev) =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'bench-svc',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'web',
            image,
            command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
            environment: [{ name: 'REVISION', value: String(rev) }],
            portMappings: [{ containerPort: 8080 }],
            stopTimeout: 2,
            healthCheck: {
              command: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1'],
              interval: 5,
              timeout: 2,
              retries: 2,
            },
          },
        ],
      }),
    );
  const describe = async () => (await ecs.send(new DescribeServicesCommand({ services: ['svc'] }))).services[0];
  const completed = async (deadline = 60_000) => {
    const start = Date.now();
    for (;;) {
      const svc = await describe();
      const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
      if (primary.rolloutState === 'COMPLETED' && svc.deployments.length === 1) return primary;
      if (primary.rolloutState === 'FAILED') throw new Error(primary.rolloutStateReason);
      if (Date.now() - start > deadline) throw new Error('deployment did not complete');
      await sleep(20);
    }
  };
  await register(0);
  await ecs.send(
    new CreateServiceCommand({
      serviceName: 'svc',
      taskDefinition: 'bench-svc',
      desiredCount: 3,
      networkConfiguration: { awsvpcConfiguration: { subnets: ['s'] } },
    }),
  );
  await completed();
  const healthy = [];
  const done = [];
  for (let i = 1; i <= DEPLOYMENTS; i++) {
    const td = (await register(i)).taskDefinition.taskDefinitionArn;
    const t0 = performance.now();
    const svc = (await ecs.send(new UpdateServiceCommand({ service: 'svc', taskDefinition: td }))).service;
    const id = svc.deployments.find((d) => d.status === 'PRIMARY').id;
    let tHealthy;
    for (;;) {
      const s = await describe();
      const primary = s.deployments.find((d) => d.id === id);
      if (tHealthy === undefined) {
        const arns = (await ecs.send(new ListTasksCommand({ serviceName: 'svc', startedBy: id }))).taskArns;
        const tasks = arns.length ? (await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks : [];
        if (tasks.filter((t) => t.healthStatus === 'HEALTHY' && t.lastStatus === 'RUNNING').length === 3)
          tHealthy = performance.now();
      }
      if (primary.rolloutState === 'COMPLETED' && s.deployments.length === 1) break;
      if (primary.rolloutState === 'FAILED') throw new Error(primary.rolloutStateReason);
      if (performance.now() - t0 > 60_000) throw new Error('deployment did not complete');
      await sleep(20);
    }
    healthy.push(tHealthy - t0);
    done.push(performance.now() - t0);
  }
  await ecs.send(new UpdateServiceCommand({ service: 'svc', desiredCount: 0 }));
  ecs.destroy();
  await oc.stop();
  return { healthy, done };
}

function runcRun(bundle, id) {
  const child = spawn('runc', ['run', '--bundle', bundle, id], { stdio: 'ignore' });
  return { child, done: new Promise((r) => child.on('exit', r)) };
}

// The floor, measured between the RunTask runs (same load on a shared machine): `once()` runs the
// same root filesystem under a bare `runc run` until its HTTP answers.
async function bareRunc(tar) {
  const dir = mkdtempSync(join(tmpdir(), 'ovc-bench-'));
  const rootfs = join(dir, 'rootfs');
  mkdirSync(rootfs);
  writeFileSync(join(dir, 'layer.tar'), tar);
  await new Promise((r) => spawn('tar', ['-xf', join(dir, 'layer.tar'), '-C', rootfs]).on('exit', r));
  const port = 18000 + Math.floor(Math.random() * 1000);
  // Same process, host network namespace (the floor: no netns, no overlay, no API).
  const config = {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['httpd', '-f', '-p', `127.0.0.1:${port}`, '-h', '/www'],
      env: ['PATH=/bin'],
      cwd: '/',
      noNewPrivileges: true,
    },
    root: { path: rootfs, readonly: false },
    hostname: 'bench',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'mode=755'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      resources: { memory: { limit: 512 * 1024 * 1024 } },
    },
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  let n = 0;
  return {
    async once() {
      const id = `ovc-bench-${process.pid}-${n++}`;
      const t0 = performance.now();
      const r = runcRun(dir, id);
      await firstHttp(port);
      const t1 = performance.now();
      spawn('runc', ['kill', id, 'KILL']);
      await r.done;
      return t1 - t0;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const oc = await benchOvercast();
const bare = oc.bare;
const deploy = DEPLOYMENTS > 0 ? await benchDeployments() : { healthy: [], done: [] };
const row = (name, xs) => `| ${name} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 90).toFixed(0)} |`;
const ratio = (xs) => (pct(xs, 50) / pct(bare, 50)).toFixed(2);
// Each run against the floor measured right after it, then the median of those ratios.
const paired = (xs) =>
  pct(
    xs.map((x, i) => x / bare[i]),
    50,
  ).toFixed(2);
const out = [
  `ECS on Overcast, cached busybox httpd image, ${RUNS} runs (after one warm-up), ms:`,
  '',
  '| measure | p50 | p90 |',
  '| --- | ---: | ---: |',
  row("RunTask → RUNNING (the task's startedAt)", oc.running),
  row(`RunTask → RUNNING seen by DescribeTasks (polled every ${POLL} ms)`, oc.seen),
  row('RunTask → first HTTP response on the published port', oc.http),
  row('bare `runc run` → first HTTP response (floor)', bare),
  '',
  `ratio to the floor, p50: RUNNING ${ratio(oc.running)}x, RUNNING seen ${ratio(oc.seen)}x, first HTTP ${ratio(oc.http)}x`,
  `median of per-run ratios: RUNNING ${paired(oc.running)}x, RUNNING seen ${paired(oc.seen)}x, first HTTP ${paired(oc.http)}x`,
];
if (DEPLOYMENTS > 0) {
  out.push(
    '',
    `3-task rolling deployment, 1 s health checks, ${DEPLOYMENTS} deployments, ms:`,
    '',
    '| measure | p50 | max |',
    '| --- | ---: | ---: |',
    `| UpdateService → 3 new tasks HEALTHY | ${pct(deploy.healthy, 50).toFixed(0)} | ${Math.max(...deploy.healthy).toFixed(0)} |`,
    `| UpdateService → deployment COMPLETED (old tasks stopped) | ${pct(deploy.done, 50).toFixed(0)} | ${Math.max(...deploy.done).toFixed(0)} |`,
  );
}
console.log(
  values.json ? JSON.stringify({ running: oc.running, seen: oc.seen, http: oc.http, bare, deploy }) : out.join('\n'),
);
