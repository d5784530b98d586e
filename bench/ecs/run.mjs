#!/usr/bin/env node
// ECS benchmark: RunTask → RUNNING and → first HTTP response for a cached busybox httpd image,
// compared in the same run with a bare `runc run` of an equivalent bundle (the floor).
// Usage: npm run bench:ecs [-- --runs 10]   (root, runc, iproute2, busybox-static)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { startOvercast } from '../../dist/main.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const sha = (b) => 'sha256:' + createHash('sha256').update(b).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const APPLETS = ['sh', 'httpd', 'true', 'sleep'];

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
  const http = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t0 = performance.now();
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: 'bench', networkConfiguration: net }));
    const arn = r.tasks[0].taskArn;
    let t;
    for (;;) {
      t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks[0];
      if (t.lastStatus === 'RUNNING') break;
      if (t.lastStatus === 'STOPPED') throw new Error(t.stoppedReason);
      await sleep(2);
    }
    const t1 = performance.now();
    await firstHttp(t.containers[0].networkBindings[0].hostPort);
    const t2 = performance.now();
    if (i > 0) {
      running.push(t1 - t0);
      http.push(t2 - t0);
    }
    await ecs.send(new StopTaskCommand({ task: arn }));
    for (;;) {
      const s = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks[0];
      if (s.lastStatus === 'STOPPED') break;
      await sleep(20);
    }
  }
  ecs.destroy();
  await oc.stop();
  return { running, http, tar };
}

function runcRun(bundle, id) {
  const child = spawn('runc', ['run', '--bundle', bundle, id], { stdio: 'ignore' });
  return { child, done: new Promise((r) => child.on('exit', r)) };
}

async function benchBareRunc(tar) {
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
  const started = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const id = `ovc-bench-${process.pid}-${i}`;
    const t0 = performance.now();
    const r = runcRun(dir, id);
    await firstHttp(port);
    const t1 = performance.now();
    if (i > 0) started.push(t1 - t0);
    spawn('runc', ['kill', id, 'KILL']);
    await r.done;
  }
  rmSync(dir, { recursive: true, force: true });
  return started;
}

const oc = await benchOvercast();
const bare = await benchBareRunc(oc.tar);
const row = (name, xs) => `| ${name} | ${pct(xs, 50).toFixed(0)} | ${pct(xs, 90).toFixed(0)} |`;
const out = [
  `ECS on Overcast, cached busybox httpd image, ${RUNS} runs (after one warm-up), ms:`,
  '',
  '| measure | p50 | p90 |',
  '| --- | ---: | ---: |',
  row('RunTask → RUNNING (DescribeTasks)', oc.running),
  row('RunTask → first HTTP response on the published port', oc.http),
  row('bare `runc run` → first HTTP response (floor)', bare),
  '',
  `ratio (RunTask → first HTTP) / (bare runc → first HTTP), p50: ${(pct(oc.http, 50) / pct(bare, 50)).toFixed(2)}x`,
];
console.log(values.json ? JSON.stringify({ running: oc.running, http: oc.http, bare }) : out.join('\n'));
