#!/usr/bin/env node
// Side-by-side SQS benchmark: Overcast (durable, SQLite) vs fauxqs (npm, in memory), each in its
// own process, driven by @aws-sdk/client-sqs (JSON protocol) with keep-alive connections.
// Phases: SendMessage, SendMessageBatch (10 per call), ReceiveMessage (10) + DeleteMessageBatch.
// Usage: npm run bench:sqs -- [--messages N] [--concurrency C] [--json]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
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

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const N = Number(values.messages);
const C = Number(values.concurrency);
const log = (...a) => console.error(...a);

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
    [path.join(ROOT, 'bin/overcast.js'), 'start', '--port', '0', '--json', '--log-level', 'silent', '--data-dir', dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const { endpoint } = await readyLine(child, (l) => JSON.parse(l));
  return {
    name: 'overcast',
    endpoint,
    stop: () =>
      (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))).then(() =>
        rmSync(dir, { recursive: true, force: true }),
      ),
  };
}

async function startFauxqs() {
  const script = `import('${path.join(HERE, 'node_modules/fauxqs/dist/app.js')}').then(async (m) => { const s = await m.startFauxqs({ port: 0, logger: false }); console.log(s.port); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await readyLine(child, (l) => Number(l.trim()));
  return {
    name: 'fauxqs',
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => (child.kill('SIGTERM'), new Promise((r) => child.once('exit', r))),
  };
}

function client(endpoint) {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: C }) }),
  });
}

async function parallel(count, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      for (let i = next++; i < count; i = next++) await fn(i);
    }),
  );
}

async function run(target) {
  const sqs = client(target.endpoint);
  const body = 'x'.repeat(256);
  const results = {};
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'bench' }));
  // warm-up
  await parallel(200, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })));
  await drain(sqs, QueueUrl, 200);
  let t = performance.now();
  await parallel(N, () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body })));
  results.send = N / ((performance.now() - t) / 1000);
  t = performance.now();
  await parallel(N / 10, (i) =>
    sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `m${i}_${k}`, MessageBody: body })),
      }),
    ),
  );
  results.sendBatch = N / ((performance.now() - t) / 1000);
  t = performance.now();
  const got = await drain(sqs, QueueUrl, 2 * N);
  results.receiveDelete = got / ((performance.now() - t) / 1000);
  if (got !== 2 * N) log(`  ${target.name}: drained ${got} of ${2 * N}`);
  sqs.destroy();
  return results;
}

async function drain(sqs, QueueUrl, expected) {
  let got = 0;
  let empty = 0;
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (got < expected && empty < 50) {
        const r = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
        );
        const msgs = r.Messages ?? [];
        if (msgs.length === 0) {
          empty++;
          continue;
        }
        got += msgs.length;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }),
  );
  return got;
}

const out = {};
for (const start of [startOvercast, startFauxqs]) {
  const target = await start();
  log(`${target.name}: ${target.endpoint}`);
  try {
    out[target.name] = await run(target);
  } finally {
    await target.stop();
  }
}
if (values.json) {
  console.log(JSON.stringify({ messages: N, concurrency: C, results: out }, null, 2));
} else {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  console.log(
    `\nSQS throughput, messages/s (${N} messages of 256 B per phase, ${C} concurrent clients, @aws-sdk/client-sqs)\n`,
  );
  console.log('| phase | Overcast (durable) | fauxqs 1.9.2 (in memory) | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [phase, label] of [
    ['send', 'SendMessage'],
    ['sendBatch', 'SendMessageBatch (10)'],
    ['receiveDelete', 'ReceiveMessage (10) + DeleteMessageBatch'],
  ]) {
    const o = out.overcast[phase];
    const f = out.fauxqs[phase];
    console.log(`| ${label} | ${fmt(o)} | ${fmt(f)} | ${(o / f).toFixed(2)}× |`);
  }
}
