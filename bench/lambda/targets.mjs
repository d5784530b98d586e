// The systems under test, and the processes that run them. Every child is spawned in its own
// process group (so the per-request Node processes Architect sandbox spawns go with it), listens
// on free 127.0.0.1 ports, and is stopped (SIGTERM to the group, then SIGKILL) at the end, on
// error and on Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';
import { ApiGatewayV2Client, CreateApiCommand } from '@aws-sdk/client-apigatewayv2';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
// OVERCAST_BIN may point at another build.
export const OVERCAST_BIN = process.env.OVERCAST_BIN || path.join(REPO_ROOT, 'bin/overcast.js');
const require = createRequire(path.join(HERE, 'package.json'));

/** The one handler every system runs, byte for byte (CommonJS, as the issue states it). */
export const HANDLER_SOURCE = "exports.handler = async () => ({ statusCode: 200, body: 'hello' });\n";
/** The runtime each system is told to use; all of them run it on this machine's `node`. */
export const RUNTIME = 'nodejs20.x';

// Dummy credentials: nothing here talks to AWS.
const DUMMY_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIAOVERCASTBENCH001',
  AWS_SECRET_ACCESS_KEY: 'overcast-bench-fake-secret',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};

/** The installed version of a package of bench/lambda (read directly: some packages do not export package.json). */
function pkgVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

const children = new Set();
const tmpDirs = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tmpDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.add(dir);
  return dir;
}

/** Spawn in a new process group; drain and keep the tail of the output. */
function spawnTracked(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
  children.add(child);
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      children.delete(child);
      tail += `\nspawn error: ${err.message}`;
      resolve({ code: null, signal: null, error: err });
    });
  });
  child.outputTail = () => tail;
  child.label = name;
  return child;
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

export async function stopChild(child, graceMs = 3000) {
  if (!child) return;
  if (child.exitCode === null && child.signalCode === null) {
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
    await child.exited;
    clearTimeout(timer);
  }
  // Whatever the leader left behind in its group (Architect's per-request processes).
  killGroup(child, 'SIGKILL');
}

export async function stopAll() {
  await Promise.all([...children].map((c) => stopChild(c)));
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
  tmpDirs.clear();
}

export function killAllSync() {
  for (const c of children) killGroup(c, 'SIGKILL');
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
}

// ---- tiny HTTP client (keep-alive off: each call is what a first request is) -------------------

/** One request; resolves { status, body, ms }. */
export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 15000 } = {}) {
  const u = new URL(url);
  const data = body === undefined ? undefined : Buffer.from(body);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        method,
        path: u.pathname + u.search,
        headers: { ...headers, ...(data ? { 'content-length': String(data.length) } : {}) },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - t0 }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** Resolves when a TCP connection to host:port succeeds; rejects if the child exits or on timeout. */
async function waitListening(child, port, t0, timeoutMs) {
  let exited = false;
  child.exited.then(() => (exited = true));
  while (performance.now() - t0 < timeoutMs) {
    if (exited) throw new Error(`${child.label} exited before listening:\n${child.outputTail()}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return performance.now() - t0;
    await sleep(5);
  }
  throw new Error(`${child.label} not listening on ${port} after ${timeoutMs} ms:\n${child.outputTail()}`);
}

/** Repeat `attempt()` (resolves { ok, ... }) until ok; returns the last result. */
async function untilOk(child, attempt, t0, timeoutMs) {
  let last;
  while (performance.now() - t0 < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${child.label} exited:\n${child.outputTail()}`);
    try {
      last = await attempt();
      if (last.ok) return last;
    } catch (err) {
      last = { ok: false, error: err.message };
    }
    await sleep(5);
  }
  throw new Error(
    `${child.label}: no successful response within ${timeoutMs} ms (last: ${JSON.stringify(last).slice(0, 300)})`,
  );
}

// ---- Overcast: the Lambda API, signed -----------------------------------------------------------

const { SignatureV4 } = require('@smithy/signature-v4');
const { Hash } = require('@smithy/hash-node');
const yazl = require('yazl');

const signer = new SignatureV4({
  service: 'lambda',
  region: 'us-east-1',
  credentials: { accessKeyId: DUMMY_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: DUMMY_ENV.AWS_SECRET_ACCESS_KEY },
  sha256: Hash.bind(null, 'sha256'),
});

/** A SigV4-signed Lambda REST request: { method, path, headers (with Host), body }. */
export async function signLambda(baseUrl, method, pathname, payload, contentType = 'application/json') {
  const { hostname, port, host } = new URL(baseUrl);
  const body = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: pathname,
    query: {},
    headers: { host, 'content-type': contentType },
    body,
  });
  return { method, path: pathname, headers: signed.headers, body };
}

async function lambdaCall(baseUrl, method, pathname, payload) {
  const req = await signLambda(baseUrl, method, pathname, payload);
  const res = await request(baseUrl + pathname, { method, headers: req.headers, body: req.body });
  let json;
  try {
    json = JSON.parse(res.body);
  } catch {}
  return { ...res, json };
}

let zipCache;
/** index.js holding HANDLER_SOURCE, as zip bytes (base64). */
function handlerZipBase64() {
  if (zipCache) return Promise.resolve(zipCache);
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(HANDLER_SOURCE), 'index.js', { mode: 0o100644 });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks = [];
    zip.outputStream.on('data', (c) => chunks.push(c));
    zip.outputStream.on('end', () => resolve((zipCache = Buffer.concat(chunks).toString('base64'))));
    zip.outputStream.on('error', reject);
  });
}

export const INVOKE_PAYLOAD = '{}';
export const invokePath = (name) => `/2015-03-31/functions/${name}/invocations`;

/** CreateFunction (nodejs, index.handler, the hello zip). Resolves the response time in ms. */
export async function createFunction(baseUrl, name) {
  const r = await lambdaCall(baseUrl, 'POST', '/2015-03-31/functions', {
    FunctionName: name,
    Runtime: RUNTIME,
    Role: 'arn:aws:iam::000000000000:role/lambda-role',
    Handler: 'index.handler',
    Code: { ZipFile: await handlerZipBase64() },
  });
  if (r.status !== 201) throw new Error(`CreateFunction ${name} -> HTTP ${r.status}: ${r.body.slice(0, 300)}`);
  return r.ms;
}

export async function deleteFunction(baseUrl, name) {
  const r = await lambdaCall(baseUrl, 'DELETE', `/2015-03-31/functions/${name}`);
  // AWS answers 204; accept any 2xx.
  if (r.status < 200 || r.status > 299)
    throw new Error(`DeleteFunction ${name} -> HTTP ${r.status}: ${r.body.slice(0, 300)}`);
}

/**
 * An HTTP API in front of the function, made with CreateApi's quick create (`Target`: the
 * function's ARN; an AWS_PROXY integration with payload 2.0, a `$default` route, an auto-deployed
 * `$default` stage); resolves the path-style invoke URL path `/_aws/execute-api/<api-id>/`.
 */
export async function createHttpApi(baseUrl, name) {
  const client = new ApiGatewayV2Client({
    endpoint: baseUrl,
    region: DUMMY_ENV.AWS_REGION,
    credentials: { accessKeyId: DUMMY_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: DUMMY_ENV.AWS_SECRET_ACCESS_KEY },
  });
  try {
    const api = await client.send(
      new CreateApiCommand({
        Name: name,
        ProtocolType: 'HTTP',
        Target: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      }),
    );
    return `/_aws/execute-api/${api.ApiId}/`;
  } finally {
    client.destroy();
  }
}

/** CreateFunctionUrlConfig with AuthType NONE; resolves the path-style URL path `/_aws/lambda-url/<id>/`. */
export async function createFunctionUrl(baseUrl, name) {
  const r = await lambdaCall(baseUrl, 'POST', `/2021-10-31/functions/${name}/url`, { AuthType: 'NONE' });
  if (r.status !== 201) throw new Error(`CreateFunctionUrlConfig ${name} -> HTTP ${r.status}: ${r.body.slice(0, 300)}`);
  const id = /^https?:\/\/([a-z0-9]{32})\./.exec(r.json?.FunctionUrl ?? '')?.[1];
  if (!id) throw new Error(`CreateFunctionUrlConfig: unexpected FunctionUrl ${r.json?.FunctionUrl}`);
  return `/_aws/lambda-url/${id}/`;
}

/** One synchronous Invoke; ok when the handler's answer came back. */
export async function invokeOnce(baseUrl, name) {
  const r = await lambdaCall(baseUrl, 'POST', invokePath(name), INVOKE_PAYLOAD);
  return {
    ok: r.status === 200 && r.json?.body === 'hello' && r.json?.statusCode === 200,
    status: r.status,
    ms: r.ms,
    body: r.body.slice(0, 200),
  };
}

function spawnOvercast(port) {
  if (!existsSync(OVERCAST_BIN)) throw new Error(`${OVERCAST_BIN} not found: run \`node scripts/build.mjs\` first`);
  return spawnTracked(
    'Overcast',
    process.execPath,
    // The V8 flags and environment bin/overcast.js's shell line sets when run directly.
    // OVERCAST_NODE_FLAGS: extra Node flags for profiling (e.g. --cpu-prof --cpu-prof-dir=DIR).
    [
      ...launcherNodeFlags(),
      ...(process.env.OVERCAST_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
      OVERCAST_BIN,
      'start',
      '--ephemeral',
      '--port',
      String(port),
      '--log-level',
      'warn',
    ],
    { cwd: REPO_ROOT, env: launcherEnv({ ...process.env, ...DUMMY_ENV }) },
  );
}

async function overcastHealthy(url) {
  const r = await request(url + '/', { timeoutMs: 1000 });
  return { ok: r.status === 200 };
}

/**
 * Overcast from nothing: spawn the server, wait for GET / = 200, CreateFunction, Invoke until the
 * handler answers, then invoke once more (warm).
 */
export async function overcastColdFromProcess({ timeoutMs = 30000 } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawnOvercast(port);
  try {
    await untilOk(child, () => overcastHealthy(url), t0, timeoutMs);
    const readyMs = performance.now() - t0;
    const t1 = performance.now();
    const createMs = await createFunction(url, 'cold');
    const first = await untilOk(child, () => invokeOnce(url, 'cold'), t1, timeoutMs);
    const deployToFirstMs = performance.now() - t1;
    const totalMs = performance.now() - t0;
    const second = await invokeOnce(url, 'cold');
    return { readyMs, createMs, firstMs: first.ms, deployToFirstMs, totalMs, secondMs: second.ms };
  } finally {
    await stopChild(child);
  }
}

/** A long-running Overcast for the warm runs. */
export async function startOvercast() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawnOvercast(port);
  await untilOk(child, () => overcastHealthy(url), t0, 30000);
  return { child, url, port, version: overcastVersion() };
}

/**
 * In a running Overcast, deploy a new function and time until its first answer: `via` 'invoke'
 * (CreateFunction → first successful Invoke) or 'url' (CreateFunction + CreateFunctionUrlConfig →
 * first 200 'hello' from the function URL) or 'httpapi' (CreateFunction + CreateApi quick create →
 * first 200 'hello' through the HTTP API).
 */
export async function overcastColdInServer(server, name, via = 'invoke') {
  const t0 = performance.now();
  const createMs = await createFunction(server.url, name);
  let attempt;
  if (via === 'url' || via === 'httpapi') {
    const urlPath = via === 'url' ? await createFunctionUrl(server.url, name) : await createHttpApi(server.url, name);
    attempt = async () => {
      const r = await request(server.url + urlPath);
      return { ok: r.status === 200 && r.body === 'hello', status: r.status, ms: r.ms, body: r.body.slice(0, 200) };
    };
  } else attempt = () => invokeOnce(server.url, name);
  const first = await untilOk(server.child, attempt, t0, 30000);
  const deployToFirstMs = performance.now() - t0;
  const second = await attempt();
  return { createMs, firstMs: first.ms, deployToFirstMs, secondMs: second.ms };
}

export function overcastVersion() {
  try {
    return require(path.join(REPO_ROOT, 'package.json')).version;
  } catch {
    return '?';
  }
}

// ---- serverless-offline --------------------------------------------------------------------------

/** A serverless v3 service: the handler behind an httpApi GET / route, with serverless-offline. */
function scaffoldServerless() {
  const dir = tmpDir('bench-sls-');
  writeFileSync(path.join(dir, 'handler.js'), HANDLER_SOURCE);
  writeFileSync(
    path.join(dir, 'serverless.yml'),
    [
      'service: overcast-bench',
      "frameworkVersion: '3'",
      'provider:',
      '  name: aws',
      `  runtime: ${RUNTIME}`,
      '  region: us-east-1',
      'functions:',
      '  hello:',
      '    handler: handler.handler',
      '    events:',
      '      - httpApi:',
      '          path: /',
      '          method: get',
      'plugins:',
      '  - serverless-offline',
      '',
    ].join('\n'),
  );
  // The plugin and the framework resolve from bench/lambda/node_modules.
  symlinkSync(path.join(HERE, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

const PEER_ENV = {
  ...DUMMY_ENV,
  // serverless v3: no telemetry, no update notifications, no dashboard calls.
  SLS_TELEMETRY_DISABLED: '1',
  SLS_TRACKING_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
  FORCE_COLOR: '0',
  NO_COLOR: '1',
  CI: '1',
};

export const PEERS = {
  sls: {
    label: 'serverless-offline',
    versions() {
      return `serverless-offline ${pkgVersion('serverless-offline')}, serverless ${pkgVersion('serverless')}`;
    },
    async prepare() {
      return scaffoldServerless();
    },
    async spawn(dir) {
      const [httpPort, lambdaPort, websocketPort, albPort] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const cli = path.join(HERE, 'node_modules/serverless/bin/serverless.js');
      // `serverless offline start` is the documented way to run it (README of serverless-offline).
      const child = spawnTracked(
        'serverless-offline',
        process.execPath,
        [
          cli,
          'offline',
          'start',
          '--host',
          '127.0.0.1',
          '--httpPort',
          String(httpPort),
          '--lambdaPort',
          String(lambdaPort),
          '--websocketPort',
          String(websocketPort),
          '--albPort',
          String(albPort),
        ],
        { cwd: dir, env: { ...process.env, ...PEER_ENV } },
      );
      return { child, port: httpPort, url: `http://127.0.0.1:${httpPort}` };
    },
  },
  arc: {
    label: 'Architect sandbox',
    versions() {
      return `@architect/sandbox ${pkgVersion('@architect/sandbox')}`;
    },
    async prepare() {
      const dir = tmpDir('bench-arc-');
      writeFileSync(
        path.join(dir, 'app.arc'),
        ['@app', 'overcast-bench', '', '@http', 'get /', '', '@aws', `runtime ${RUNTIME}`, 'region us-east-1', ''].join(
          '\n',
        ),
      );
      mkdirSync(path.join(dir, 'src/http/get-index'), { recursive: true });
      writeFileSync(path.join(dir, 'src/http/get-index/index.js'), HANDLER_SOURCE);
      return dir;
    },
    async spawn(dir) {
      const [port, internal] = [await freePort(), await freePort()];
      const cli = path.join(HERE, 'node_modules/@architect/sandbox/src/cli/cli.js');
      // `npx sandbox --port P` (Architect's docs); ARC_INTERNAL_PORT moves its _arc service off 2222.
      const child = spawnTracked(
        'Architect sandbox',
        process.execPath,
        [cli, '--port', String(port), '--host', '127.0.0.1'],
        {
          cwd: dir,
          env: { ...process.env, ...PEER_ENV, ARC_INTERNAL_PORT: String(internal) },
        },
      );
      return { child, port, url: `http://127.0.0.1:${port}` };
    },
  },
  baseline: {
    label: 'bare node:http',
    versions() {
      return `node:http ${process.versions.node}`;
    },
    async prepare() {
      const dir = tmpDir('bench-base-');
      // Calls the same handler in process and writes its body: the floor of HTTP on this machine.
      writeFileSync(path.join(dir, 'index.js'), HANDLER_SOURCE);
      writeFileSync(
        path.join(dir, 'server.js'),
        [
          "const { handler } = require('./index.js');",
          "require('node:http').createServer(async (req, res) => {",
          '  const r = await handler({});',
          "  res.writeHead(r.statusCode, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(r.body) });",
          '  res.end(r.body);',
          "}).listen(Number(process.argv[2]), '127.0.0.1');",
          '',
        ].join('\n'),
      );
      return dir;
    },
    async spawn(dir) {
      const port = await freePort();
      const child = spawnTracked('bare node:http', process.execPath, [path.join(dir, 'server.js'), String(port)], {
        cwd: dir,
      });
      return { child, port, url: `http://127.0.0.1:${port}` };
    },
  },
};

/**
 * A peer from nothing: spawn, wait until its HTTP port accepts, then GET / until 200 'hello'.
 * Returns { listenMs, firstMs (the first request, which may load the handler), totalMs, secondMs }.
 */
export async function peerColdStart(name, dir, { timeoutMs = 60000 } = {}) {
  const def = PEERS[name];
  const t0 = performance.now();
  const p = await def.spawn(dir);
  try {
    const listenMs = await waitListening(p.child, p.port, t0, timeoutMs);
    let firstMs;
    await untilOk(
      p.child,
      async () => {
        const r = await request(p.url + '/');
        firstMs ??= r.ms; // latency of the first request that got an answer
        return { ok: r.status === 200 && r.body === 'hello', status: r.status, body: r.body.slice(0, 200) };
      },
      t0,
      timeoutMs,
    );
    const totalMs = performance.now() - t0;
    const second = await request(p.url + '/');
    return { listenMs, firstMs, totalMs, secondMs: second.ms };
  } finally {
    await stopChild(p.child);
  }
}

/** A long-running peer for the warm runs. */
export async function startPeer(name, dir) {
  const def = PEERS[name];
  const t0 = performance.now();
  const p = await def.spawn(dir);
  await waitListening(p.child, p.port, t0, 60000);
  await untilOk(
    p.child,
    async () => {
      const r = await request(p.url + '/');
      return { ok: r.status === 200 && r.body === 'hello', status: r.status };
    },
    t0,
    60000,
  );
  return p;
}
