#!/usr/bin/env node
// Deploy benchmark: `overcast deploy` of a generated SAM app (10 functions, 2 tables, 1 HTTP API) from
// the command to its outputs, and a one-handler redeploy in `overcast dev` from the file save to the
// API serving the new code. See README.md.
// Usage: node bench/deploy/run.mjs [--reps N] [--json]   (or: npm run bench:deploy -- [options])
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawn } from '../children.mjs';
import { launcherEnv, launcherNodeFlags } from '../launcher-flags.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const BIN = path.join(ROOT, 'bin', 'overcast.js');

const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '5' },
    functions: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  console.log(`Usage: node bench/deploy/run.mjs [--reps 5] [--functions 10] [--json]

  Starts Overcast (--ephemeral, random port), generates a SAM app with N functions (own CodeUri
  folders, one HttpApi route each), 2 tables (SimpleTable + AWS::DynamoDB::Table with a stream) and
  1 HTTP API, then
    deploy   runs \`overcast deploy\` as a fresh process per rep (new stack each time) and times it
             from spawn to exit (outputs printed), plus the time deploy() itself reports;
    dev      runs \`overcast dev\`, rewrites one handler per rep and times from the file write to the
             first API response carrying the new code, plus the swap time \`overcast dev\` reports.`);
  process.exit(0);
}
const REPS = Number(opts.reps);
const FUNCTIONS = Number(opts.functions);
const log = (...a) => process.stderr.write(a.join(' ') + '\n');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function handler(i, marker) {
  return `export const handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ fn: ${i}, marker: ${JSON.stringify(marker)}, path: event.rawPath }),
});
`;
}

function generateApp(dir) {
  const fns = [];
  for (let i = 1; i <= FUNCTIONS; i++) {
    mkdirSync(path.join(dir, 'src', `fn${i}`), { recursive: true });
    writeFileSync(path.join(dir, 'src', `fn${i}`, 'index.mjs'), handler(i, 'v0'));
    fns.push(`  Fn${i}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/fn${i}/
      Handler: index.handler
      Policies:
        - DynamoDBCrudPolicy: { TableName: !Ref Orders }
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: /fn${i}, Method: GET }`);
  }
  writeFileSync(
    path.join(dir, 'template.yaml'),
    `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    MemorySize: 128
    Timeout: 5
    Environment:
      Variables:
        USERS: !Ref Users
        ORDERS: !Ref Orders
Resources:
  Users:
    Type: AWS::Serverless::SimpleTable
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
        - { AttributeName: sk, AttributeType: S }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
        - { AttributeName: sk, KeyType: RANGE }
      StreamSpecification: { StreamViewType: NEW_IMAGE }
${fns.join('\n')}
Outputs:
  ApiId:
    Value: !Ref ServerlessHttpApi
  ApiUrl:
    Value: !Sub https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/
`,
  );
}

function startServer() {
  const child = spawn(
    process.execPath,
    [...launcherNodeFlags(), BIN, 'start', '--port', '0', '--ephemeral', '--json', '--log-level', 'silent'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: launcherEnv(),
    },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, endpoint: JSON.parse(line).endpoint });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
}

function run(args, cwd) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`overcast ${args.join(' ')} exited ${code}: ${err}${out}`));
      else resolve({ ms, out, err });
    });
  });
}

async function get(url) {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
}

const env = { ...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1' };
Object.assign(process.env, env);

const dir = mkdtempSync(path.join(os.tmpdir(), 'overcast-bench-deploy-'));
const server = await startServer();
const results = { functions: FUNCTIONS, reps: REPS, node: process.version, cpus: os.cpus().length };
let devChild;
try {
  generateApp(dir);
  log(`app: ${FUNCTIONS} functions, 2 tables, 1 HTTP API in ${dir}; server ${server.endpoint}`);

  // 1. overcast deploy, a new stack per rep (the first rep also warms the server).
  const wall = [];
  const reported = [];
  for (let i = 0; i <= REPS; i++) {
    const r = await run(['deploy', '--stack-name', `bench-${i}`, '--endpoint', server.endpoint, '--json'], dir);
    const out = JSON.parse(r.out.trim().split('\n').pop());
    if (out.StackStatus !== 'CREATE_COMPLETE' || !out.Outputs.ApiId) throw new Error(`deploy: ${r.out}`);
    const check = await get(`${server.endpoint}/_aws/execute-api/${out.Outputs.ApiId}/fn1`);
    if (check.status !== 200) throw new Error(`deployed API answered ${check.status}: ${check.text}`);
    log(`deploy ${i === 0 ? '(warm-up)' : i}: ${r.ms.toFixed(0)} ms wall (CLI process), ${out.ms} ms in deploy()`);
    if (i > 0) {
      wall.push(r.ms);
      reported.push(out.ms);
    }
  }
  const noop = await run(['deploy', '--stack-name', `bench-1`, '--endpoint', server.endpoint, '--json'], dir);
  log(`deploy unchanged (no-op): ${noop.ms.toFixed(0)} ms wall`);
  results.deploy = {
    wallMsMedian: Math.round(median(wall)),
    wallMs: wall.map(Math.round),
    deployMsMedian: Math.round(median(reported)),
    noopWallMs: Math.round(noop.ms),
  };

  // 2. overcast dev: one handler rewritten per rep.
  devChild = spawn(process.execPath, [BIN, 'dev', '--stack-name', 'bench-dev', '--endpoint', server.endpoint], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let devErr = '';
  let devOut = '';
  devChild.stderr.on('data', (d) => (devErr += d));
  devChild.stdout.on('data', (d) => (devOut += d));
  const until = async (fn, ms, what) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await fn()) return;
      await sleep(2);
    }
    throw new Error(`timed out waiting for ${what}\n${devOut}\n${devErr}`);
  };
  await until(() => devErr.includes('watching for changes'), 30_000, 'overcast dev to deploy');
  const apiId = /ApiId\s+(\S+)/.exec(devOut)?.[1];
  if (!apiId) throw new Error(`no ApiId in overcast dev output: ${devOut}`);
  const url = `${server.endpoint}/_aws/execute-api/${apiId}/fn3`;
  await get(url); // warm
  const served = [];
  const swap = [];
  for (let i = 1; i <= REPS + 1; i++) {
    const marker = `v${i}`;
    const before = devErr.length;
    await sleep(300); // let the previous change settle (fs.watch may report a write twice)
    const t0 = performance.now();
    writeFileSync(path.join(dir, 'src', 'fn3', 'index.mjs'), handler(3, marker));
    await until(async () => (await get(url)).text.includes(`"marker":"${marker}"`), 20_000, `marker ${marker}`);
    const ms = performance.now() - t0;
    await until(() => /updated Fn3 in (\d+) ms/.test(devErr.slice(before)), 5_000, 'the updated line');
    const reportedMs = Number(/updated Fn3 in (\d+) ms/.exec(devErr.slice(before))[1]);
    log(`dev redeploy ${i === 1 ? '(warm-up)' : i - 1}: ${ms.toFixed(0)} ms save→served, ${reportedMs} ms code swap`);
    if (i > 1) {
      served.push(ms);
      swap.push(reportedMs);
    }
  }
  results.dev = {
    savedToServedMsMedian: Math.round(median(served)),
    savedToServedMs: served.map(Math.round),
    swapMsMedian: Math.round(median(swap)),
  };
} finally {
  if (devChild) devChild.kill('SIGTERM');
  server.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

if (opts.json) process.stdout.write(JSON.stringify(results) + '\n');
else {
  const d = results.deploy;
  const v = results.dev;
  console.log(`overcast deploy (${FUNCTIONS} functions, 2 tables, 1 HTTP API), median of ${REPS}:`);
  console.log(
    `  command to outputs (CLI process)  ${d.wallMsMedian} ms   (target < 1000 ms)   runs: ${d.wallMs.join(', ')}`,
  );
  console.log(`  inside deploy()                   ${d.deployMsMedian} ms`);
  console.log(`  unchanged redeploy (no-op)        ${d.noopWallMs} ms`);
  console.log(`overcast dev, one handler changed, median of ${REPS}:`);
  console.log(
    `  file saved to new code serving    ${v.savedToServedMsMedian} ms   (target < 200 ms)   runs: ${v.savedToServedMs.join(', ')}`,
  );
  console.log(`  code swap reported by dev         ${v.swapMsMedian} ms`);
}
