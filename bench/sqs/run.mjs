#!/usr/bin/env node
// Side-by-side SQS benchmark: Overcast (durable, SQLite) vs fauxqs (npm, in memory), each in its
// own process, driven by a light awsJson1.0 client (raw node:http keep-alive requests with SigV4) or
// @aws-sdk/client-sqs (`--client sdk`).
// Phases: SendMessage, SendMessageBatch (10 per call), ReceiveMessage (10) + DeleteMessageBatch,
// and (when /usr/bin/wrk exists: `apt-get install wrk`) SendMessage driven by wrk for `--seconds`,
// pre-signed requests on C connections: a generator light enough that the servers set the pace.
// Usage: npm run bench:sqs -- [--messages N] [--concurrency C] [--rounds R] [--client light|sdk] [--seconds S] [--floor] [--json]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawn } from '../children.mjs';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';
import { hasWrk, runLoadWrk } from '../wrk.mjs';
import { cpuMs } from '../proc-cpu.mjs';
import { amzDate, sha256Hex, signature, signingKey } from '../sigv4.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    client: { type: 'string', default: 'light' },
    floor: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: node bench/sqs/run.mjs [options]   (or: npm run bench:sqs -- [options])

  --messages N        messages per Node-client phase (default 4000)
  --concurrency C     keep-alive connections of every phase (default 16)
  --rounds R          rounds, alternating which server goes first; each phase keeps its best (default 3)
  --client NAME       light (raw node:http + SigV4, the default) or sdk (@aws-sdk/client-sqs)
  --seconds S         seconds of each wrk phase (default 5; needs /usr/bin/wrk: apt-get install wrk)
  --floor             add two servers answering a canned SendMessage and doing nothing else
                      (bare node:http, and a raw net socket server): the ceiling of any Node server
  --json              print every round as JSON
  -h, --help          this text

  OVERCAST_BENCH_NODE_ARGS   extra Node flags for the Overcast server (e.g. --cpu-prof)`);
  process.exit(0);
}
const N = Number(values.messages);
const C = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const log = (...a) => console.error(...a);
if (!hasWrk())
  log('bench:sqs: /usr/bin/wrk not found (apt-get install wrk): skipping the wrk-driven SendMessage phase');

// The peer lives in bench/sqs/node_modules (not a dependency of Overcast): installed on first use.
if (!existsSync(path.join(HERE, 'node_modules/fauxqs/dist/app.js'))) {
  log('installing fauxqs into bench/sqs (npm registry) ...');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HERE, stdio: 'inherit' });
}
// Node flags for the Overcast server: those of its launcher (bin/overcast.js's shell line, which a
// `node bin/overcast.js` spawn does not read; its environment is launcherEnv's) plus
// OVERCAST_BENCH_NODE_ARGS (e.g. '--cpu-prof').
const nodeArgs = [
  ...launcherNodeFlags(),
  ...(process.env['OVERCAST_BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
];

function readyLine(child, parse) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('peer did not start')), 30_000);
    child.stdout.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(parse(buf.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
  });
}

async function startOvercast() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'overcast-bench-sqs-'));
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
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
    { stdio: ['ignore', 'pipe', 'inherit'], env: launcherEnv() },
  );
  const { endpoint } = await readyLine(child, (l) => JSON.parse(l));
  return {
    name: 'overcast',
    endpoint,
    pid: child.pid,
    stop: () =>
      (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))).then(() =>
        rmSync(dir, { recursive: true, force: true }),
      ),
  };
}

const CANNED = `JSON.stringify({ MD5OfMessageBody: 'fafb00f5732ab283681e124bf8747ed1', MessageId: '5fea7756-0ea4-451a-a703-a558b933e274' })`;

/**
 * `--floor`: servers that answer every request with a canned SendMessage response and do no SQS
 * work — the ceiling of any Node.js server with these clients on this machine. `floor` is a bare
 * node:http server; `raw` reads requests straight off a `net` socket (finds the end of the headers
 * and skips Content-Length bytes), no HTTP library at all.
 */
const FLOORS = {
  floor: `const b = ${CANNED};
require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(b), 'x-amzn-requestid': 'floor' }); res.end(b); }); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  raw: `const b = ${CANNED};
const answer = Buffer.from('HTTP/1.1 200 OK\\r\\ncontent-type: application/x-amz-json-1.0\\r\\ncontent-length: ' + Buffer.byteLength(b) + '\\r\\nx-amzn-requestid: raw\\r\\nconnection: keep-alive\\r\\n\\r\\n' + b);
require('node:net').createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    let n = 0;
    for (;;) {
      const end = buf.indexOf('\\r\\n\\r\\n');
      if (end < 0) break;
      const m = /content-length: *(\\d+)/i.exec(buf.toString('latin1', 0, end));
      const total = end + 4 + (m ? Number(m[1]) : 0);
      if (buf.length < total) break;
      buf = buf.subarray(total);
      n++;
    }
    if (n) s.write(n === 1 ? answer : Buffer.concat(Array(n).fill(answer)));
  });
  s.on('error', () => {});
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
};

async function startFloor(name) {
  const child = spawn(process.execPath, ['-e', FLOORS[name]], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await readyLine(child, (l) => Number(l.trim()));
  return {
    name,
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))),
  };
}

async function startFauxqs() {
  const script = `import('${path.join(HERE, 'node_modules/fauxqs/dist/app.js')}').then(async (m) => { const s = await m.startFauxqs({ port: 0, logger: false }); console.log(s.port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await readyLine(child, (l) => Number(l.trim()));
  return {
    name: 'fauxqs',
    endpoint: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stop: () => (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))),
  };
}

const ACCESS = 'test';
const SECRET = 'test';
/** SigV4 headers (payload hash included) for one awsJson1.0 SQS call. */
function signedHeaders(op, host, body) {
  const { now, day } = amzDate();
  const target = `AmazonSQS.${op}`;
  const type = 'application/x-amz-json-1.0';
  const canonical = `POST\n/\n\ncontent-type:${type}\nhost:${host}\nx-amz-date:${now}\nx-amz-target:${target}\n\ncontent-type;host;x-amz-date;x-amz-target\n${sha256Hex(body)}`;
  const scope = `${day}/us-east-1/sqs/aws4_request`;
  const sig = signature(
    signingKey(SECRET, day, 'us-east-1', 'sqs'),
    `AWS4-HMAC-SHA256\n${now}\n${scope}\n${sha256Hex(canonical)}`,
  );
  return {
    host,
    'content-type': type,
    'content-length': String(Buffer.byteLength(body)),
    'x-amz-date': now,
    'x-amz-target': target,
    authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS}/${scope}, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${sig}`,
  };
}

/**
 * A light awsJson1.0 client: raw `node:http` keep-alive requests signed with SigV4 (payload hash
 * included), so the servers and not the client are what is measured. `--client sdk` uses
 * @aws-sdk/client-sqs instead (on a 2-core machine it is the bottleneck for both servers).
 */
function lightClient(endpoint) {
  const url = new URL(endpoint);
  const host = url.host;
  const agent = new Agent({ keepAlive: true, maxSockets: C });
  const call = (op, input) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify(input);
      const headers = signedHeaders(op, host, body);
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) reject(new Error(`${op}: ${res.statusCode} ${text}`));
          else resolve(text ? JSON.parse(text) : {});
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return { call, destroy: () => agent.destroy() };
}

function sdkClient(endpoint) {
  const sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: C }) }),
  });
  const commands = {
    CreateQueue: CreateQueueCommand,
    SendMessage: SendMessageCommand,
    SendMessageBatch: SendMessageBatchCommand,
    ReceiveMessage: ReceiveMessageCommand,
    DeleteMessageBatch: DeleteMessageBatchCommand,
  };
  return { call: (op, input) => sqs.send(new commands[op](input)), destroy: () => sqs.destroy() };
}

const client = values.client === 'sdk' ? sdkClient : lightClient;

async function parallel(count, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < count; i = next++) await fn(i);
    }),
  );
}

/** One round against one server on a fresh queue: the three phases, in messages/s. */
async function run(target, round) {
  const sqs = client(target.endpoint);
  const body = 'x'.repeat(256);
  const results = {};
  const { QueueUrl } = await sqs.call('CreateQueue', { QueueName: `bench-${round}` });
  const sendOne = async () => {
    if (!(await sqs.call('SendMessage', { QueueUrl, MessageBody: body })).MessageId) throw new Error('no MessageId');
  };
  // warm-up
  await parallel(200, sendOne);
  await drain(sqs, QueueUrl, 200);
  await measure(target, results, 'send', async () => (await parallel(N, sendOne), N));
  await measure(target, results, 'sendBatch', async () => {
    await parallel(N / 10, async (i) => {
      const out = await sqs.call('SendMessageBatch', {
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `m${i}_${k}`, MessageBody: body })),
      });
      if ((out.Successful ?? []).length !== 10) throw new Error(`batch: ${JSON.stringify(out.Failed)}`);
    });
    return N;
  });
  await measure(target, results, 'receiveDelete', async () => {
    const got = await drain(sqs, QueueUrl, 2 * N);
    if (got !== 2 * N) log(`  ${target.name}: drained ${got} of ${2 * N}`);
    return got;
  });
  if (hasWrk()) {
    await measure(target, results, 'sendWrk', () =>
      sendWithWrk(target.endpoint, 'SendMessage', (i) => ({ QueueUrl, MessageBody: `${body}${i}` })),
    );
    await measure(target, results, 'sendBatchWrk', async () =>
      perBatch(
        10,
        await sendWithWrk(target.endpoint, 'SendMessageBatch', (i) => ({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `m${k}`, MessageBody: `${body}${i}` })),
        })),
      ),
    );
  }
  sqs.destroy();
  return results;
}

/**
 * Run one phase against `target`: `fn` answers the messages it handled, or (a wrk phase) wrk's
 * own count and rate. Records messages/s as `name` and, where /proc tells, the server's CPU time per
 * message in µs as `name`Cpu: what the server spent, whichever process set the pace.
 */
async function measure(target, results, name, fn) {
  const c0 = cpuMs(target.pid);
  const t = performance.now();
  const r = await fn();
  const seconds = (performance.now() - t) / 1000;
  const c1 = cpuMs(target.pid);
  const messages = typeof r === 'number' ? r : r.messages;
  results[name] = typeof r === 'number' ? messages / seconds : r.rate;
  if (c0 !== undefined && c1 !== undefined && messages > 0) results[`${name}Cpu`] = ((c1 - c0) * 1000) / messages;
}

/** A wrk run of calls that carry `n` messages each, in messages. */
function perBatch(n, w) {
  return { messages: n * w.messages, rate: n * w.rate };
}

/**
 * One operation under wrk: 100 pre-signed variants (SigV4 with the payload hash, valid for the
 * run), C connections for SECONDS; every answer must be a 200. Returns the calls made and their rate.
 */
async function sendWithWrk(endpoint, op, input) {
  const host = new URL(endpoint).host;
  const variants = Array.from({ length: 100 }, (_, i) => {
    const payload = JSON.stringify(input(i));
    return { headers: signedHeaders(op, host, payload), body: payload };
  });
  const r = await runLoadWrk(endpoint, variants, { connections: C, durationSec: SECONDS });
  if (r.non2xx || r.socketErrors) {
    // wrk keeps no bodies: send one variant again to show what the server said.
    const v = variants[0];
    const sample = await fetch(endpoint, { method: 'POST', headers: v.headers, body: v.body }).then(
      async (res) => `${res.status} ${(await res.text()).slice(0, 300)}`,
      (e) => String(e),
    );
    throw new Error(
      `wrk ${op} against ${endpoint}: ${r.non2xx} non-2xx, ${r.socketErrors} socket errors; e.g. ${sample}`,
    );
  }
  return { messages: r.ok, rate: r.rps };
}

/** The SendMessage phases against a floor server (it has no queues: only the HTTP exchange). */
async function runFloor(target) {
  const sqs = client(target.endpoint);
  const body = 'x'.repeat(256);
  const QueueUrl = `${target.endpoint}/000000000000/q`;
  const send = () => sqs.call('SendMessage', { QueueUrl, MessageBody: body });
  await parallel(200, send);
  const results = {};
  await measure(target, results, 'send', async () => (await parallel(N, send), N));
  sqs.destroy();
  if (hasWrk())
    await measure(target, results, 'sendWrk', () =>
      sendWithWrk(target.endpoint, 'SendMessage', (i) => ({ QueueUrl, MessageBody: `${body}${i}` })),
    );
  return results;
}

async function drain(sqs, QueueUrl, expected) {
  let got = 0;
  let empty = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (got < expected && empty < 50) {
        const r = await sqs.call('ReceiveMessage', { QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 });
        const msgs = r.Messages ?? [];
        if (msgs.length === 0) {
          empty++;
          continue;
        }
        got += msgs.length;
        const d = await sqs.call('DeleteMessageBatch', {
          QueueUrl,
          Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
        });
        if ((d.Successful ?? []).length !== msgs.length) throw new Error(`delete: ${JSON.stringify(d.Failed)}`);
      }
    }),
  );
  return got;
}

const FLOOR_NAMES = values.floor ? Object.keys(FLOORS) : [];
const targets = [await startOvercast(), await startFauxqs()];
for (const name of FLOOR_NAMES) targets.push(await startFloor(name));
for (const t of targets) log(`${t.name}: ${t.endpoint}`);
const out = { overcast: {}, fauxqs: {}, floor: {}, raw: {} };
const all = { overcast: [], fauxqs: [], floor: [], raw: [] };
try {
  // Rounds alternate which server goes first, so a busy moment of the shared machine hits both
  // alike; each phase keeps its best round.
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
      const r = FLOOR_NAMES.includes(t.name) ? await runFloor(t) : await run(t, round);
      all[t.name].push(r);
      // Each phase keeps its best round: the highest rate, the least CPU a message.
      for (const [k, v] of Object.entries(r))
        out[t.name][k] = k.endsWith('Cpu') ? Math.min(out[t.name][k] ?? v, v) : Math.max(out[t.name][k] ?? 0, v);
    }
  }
} finally {
  for (const t of targets) await t.stop();
}
if (values.json) {
  console.log(
    JSON.stringify(
      { messages: N, concurrency: C, client: values.client, load: os.loadavg(), results: out, rounds: all },
      null,
      2,
    ),
  );
} else {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `\nSQS throughput, messages/s (${N} messages of 256 B per phase, ${C} concurrent clients, ${values.client} client, best of ${ROUNDS} rounds, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})\n`,
  );
  console.log(
    '| phase | Overcast (durable) | fauxqs 1.9.2 (in memory) | ratio | server CPU µs/message, Overcast / fauxqs | CPU ratio |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [phase, label] of [
    ['send', 'SendMessage'],
    ['sendBatch', 'SendMessageBatch (10)'],
    ['receiveDelete', 'ReceiveMessage (10) + DeleteMessageBatch'],
    ...(out.overcast.sendWrk
      ? [
          ['sendWrk', `SendMessage, wrk (${C} connections, ${SECONDS} s)`],
          ['sendBatchWrk', `SendMessageBatch (10), wrk`],
        ]
      : []),
  ]) {
    const o = out.overcast[phase];
    const f = out.fauxqs[phase];
    const oc = out.overcast[`${phase}Cpu`];
    const fc = out.fauxqs[`${phase}Cpu`];
    const cpu = oc && fc ? `${oc.toFixed(1)} / ${fc.toFixed(1)} | ${(fc / oc).toFixed(2)}×` : '– | –';
    console.log(`| ${label} | ${fmt(o)} | ${fmt(f)} | ${(o / f).toFixed(2)}× | ${cpu} |`);
  }
  for (const [name, label] of [
    ['floor', 'node:http floor'],
    ['raw', 'raw net floor'],
  ]) {
    const f = out[name];
    if (!f.send) continue;
    const cpu = (k) => (f[`${k}Cpu`] ? ` (${f[`${k}Cpu`].toFixed(1)} µs of server CPU each)` : '');
    const wrk = f.sendWrk
      ? `; under wrk ${fmt(f.sendWrk)}${cpu('sendWrk')} = ${(f.sendWrk / out.fauxqs.sendWrk).toFixed(2)}× fauxqs`
      : '';
    console.log(
      `${name === 'floor' ? '\n' : ''}${label} (canned SendMessage answer): ${fmt(f.send)} requests/s${cpu('send')} = ${(f.send / out.fauxqs.send).toFixed(2)}× fauxqs${wrk}`,
    );
  }
}
