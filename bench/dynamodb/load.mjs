// Table setup, request templates and the load generator (autocannon).
// Every request is SigV4-signed once, up front: each op has a pool of
// pre-signed variants with different keys, and autocannon cycles through
// them, so signing costs nothing during the timed run.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), 'package.json'));
const { SignatureV4 } = require('@smithy/signature-v4');
const { Hash } = require('@smithy/hash-node');
const autocannon = require('autocannon');

export const TABLE = 'overcast_bench';
export const PARTITIONS = 1000; // pk = p0000 .. p0999
export const ITEMS_PER_PARTITION = 10; // sk = s0 .. s9, so a Query returns 10 items
const VARIANTS = 1000; // pre-signed requests per op
const FILLER_BYTES = 900; // brings each item to ~1 KB of JSON

const signer = new SignatureV4({
  service: 'dynamodb',
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIAOVERCASTBENCH001', secretAccessKey: 'overcast-bench-fake-secret' },
  sha256: Hash.bind(null, 'sha256'),
});

/** A signed request ({ method, path, headers, body }) for `op` with JSON `payload`. */
export async function signRequest(baseUrl, op, payload) {
  const { hostname, port, host } = new URL(baseUrl);
  const body = JSON.stringify(payload);
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    query: {},
    headers: {
      host,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${op}`,
    },
    body,
  });
  return { method: 'POST', path: '/', headers: signed.headers, body };
}

/** One signed API call with fetch (setup and verification only). */
export async function call(baseUrl, op, payload, timeoutMs = 10000) {
  const req = await signRequest(baseUrl, op, payload);
  const headers = { ...req.headers };
  delete headers.host; // fetch sets Host itself (same value)
  const res = await fetch(baseUrl + '/', {
    method: 'POST',
    headers,
    body: req.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function ok(baseUrl, op, payload) {
  const r = await call(baseUrl, op, payload);
  if (r.status !== 200) throw new Error(`${op} -> HTTP ${r.status}: ${r.text.slice(0, 500)}`);
  return r.json;
}

export const apiProbe = async (baseUrl) => (await call(baseUrl, 'ListTables', {}, 1000)).status === 200;

// ---- data model ------------------------------------------------------------

const pk = (p) => `p${String(p % PARTITIONS).padStart(4, '0')}`;
const sk = (s) => `s${s % ITEMS_PER_PARTITION}`;
const key = (p, s) => ({ pk: { S: pk(p) }, sk: { S: sk(s) } });

function filler(seed) {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let x = seed * 2654435761 + 1;
  let out = '';
  for (let i = 0; i < FILLER_BYTES; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += chars[x % chars.length];
  }
  return out;
}

/** A ~1 KB item. Rewriting an existing key keeps every partition at 10 items. */
function item(p, s) {
  return {
    ...key(p, s),
    counter: { N: '0' },
    n: { N: String(p * ITEMS_PER_PARTITION + s) },
    flag: { BOOL: true },
    tags: { SS: ['alpha', 'beta', 'gamma'] },
    data: { S: filler(p * ITEMS_PER_PARTITION + s) },
  };
}

/**
 * A write that really changes the stored item: variants v and v + VARIANTS / 2 target the same
 * key with different content, so cycling through the variants never rewrites identical bytes
 * (which a storage engine may skip).
 */
function changedItem(v, k = 0) {
  const slot = v % (VARIANTS / 2);
  return { ...item(slot * 25 + k, slot), data: { S: filler(1_000_003 + v * 25 + k) } };
}

/** A batch of 25 puts on 25 distinct partitions (BatchWriteItem forbids duplicate keys). */
function batch(v) {
  const puts = [];
  for (let k = 0; k < 25; k++) puts.push({ PutRequest: { Item: changedItem(v, k) } });
  return { RequestItems: { [TABLE]: puts } };
}

/**
 * The benchmarked operations: `payload(i)` builds variant i, `check(json)`
 * validates one response during the pre-run verification.
 */
export const OPS = {
  GetItem: {
    payload: (i) => ({ TableName: TABLE, Key: key(i, i * 7) }),
    check: (r) => r.Item?.data?.S?.length === FILLER_BYTES || 'no Item in response',
  },
  PutItem: {
    payload: (i) => ({ TableName: TABLE, Item: changedItem(i) }),
    check: () => true,
  },
  UpdateItem: {
    payload: (i) => ({
      TableName: TABLE,
      Key: key(i, i * 7),
      // SET counter = counter + :one; COUNTER is a DynamoDB reserved word, hence #c.
      UpdateExpression: 'SET #c = #c + :one',
      ExpressionAttributeNames: { '#c': 'counter' },
      ExpressionAttributeValues: { ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    }),
    check: (r) => Number(r.Attributes?.counter?.N) >= 1 || 'no counter in Attributes',
  },
  Query: {
    payload: (i) => ({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': { S: pk(i) } },
    }),
    check: (r) => (r.Count === 10 && r.Items?.length === 10) || `expected 10 items, got Count=${r.Count}`,
  },
  BatchWriteItem: {
    payload: (i) => batch(i),
    check: (r) =>
      Object.keys(r.UnprocessedItems ?? {}).length === 0 || 'UnprocessedItems not empty',
  },
};

// ---- setup -----------------------------------------------------------------

/** Create a table keyed by `pk` (S) and `sk` (S), on demand, and wait until it is ACTIVE. */
export async function createKeyedTable(baseUrl, name, deadline) {
  await ok(baseUrl, 'CreateTable', {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (;;) {
    const d = await ok(baseUrl, 'DescribeTable', { TableName: name });
    if (d.Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${name} not ACTIVE in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Create the table, wait for ACTIVE, load PARTITIONS x ITEMS_PER_PARTITION items. */
export async function setupTable(baseUrl, { timeoutMs = 120000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  await createKeyedTable(baseUrl, TABLE, deadline);
  // 25 items per BatchWriteItem, 4 requests in flight.
  const batches = [];
  for (let p = 0; p < PARTITIONS; p += 25) {
    for (let s = 0; s < ITEMS_PER_PARTITION; s++) {
      const puts = [];
      for (let k = p; k < Math.min(p + 25, PARTITIONS); k++) puts.push({ PutRequest: { Item: item(k, s) } });
      batches.push({ RequestItems: { [TABLE]: puts } });
    }
  }
  let batchWrite = true; // falls back to PutItem on a server without BatchWriteItem
  const worker = async () => {
    for (let b; (b = batches.pop()); ) {
      if (Date.now() > deadline) throw new Error('pre-population timed out');
      let req = b;
      while (batchWrite && Object.keys(req.RequestItems ?? {}).length > 0) {
        const r = await call(baseUrl, 'BatchWriteItem', req);
        if (r.status === 400 && r.text.includes('UnknownOperation')) batchWrite = false;
        else if (r.status !== 200) throw new Error(`BatchWriteItem -> HTTP ${r.status}: ${r.text.slice(0, 500)}`);
        else req = { RequestItems: r.json.UnprocessedItems ?? {} };
      }
      if (!batchWrite) {
        for (const w of req.RequestItems[TABLE] ?? []) await ok(baseUrl, 'PutItem', { TableName: TABLE, Item: w.PutRequest.Item });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const q = await ok(baseUrl, 'Query', OPS.Query.payload(0));
  if (q.Count !== ITEMS_PER_PARTITION) throw new Error(`pre-population check: Query returned ${q.Count} items`);
}

/** Send variant 0 of `op` once and check the response; returns true or an error string. */
export async function verifyOp(baseUrl, op) {
  const r = await call(baseUrl, op, OPS[op].payload(0));
  if (r.status !== 200) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  const res = OPS[op].check(r.json ?? {});
  return res === true ? true : res;
}

/** Pre-sign VARIANTS requests for `op`. */
export async function presign(baseUrl, op) {
  const out = [];
  for (let i = 0; i < VARIANTS; i++) out.push(await signRequest(baseUrl, op, OPS[op].payload(i)));
  return out;
}

// ---- load ------------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Closed-loop load: `connections` keep-alive connections, each with one
 * request in flight, for `durationSec`. Latencies are kept at full
 * (sub-millisecond) precision; throughput counts 2xx responses only.
 */
export async function runLoad(baseUrl, variants, { connections, durationSec }) {
  let next = 0;
  const latencies = [];
  const statusCounts = {};
  const errorSamples = [];
  const instance = autocannon({
    url: baseUrl,
    connections,
    pipelining: 1,
    duration: durationSec,
    timeout: 10,
    requests: [
      {
        setupRequest: (req) => ({ ...req, ...variants[next++ % variants.length] }),
        onResponse: (status, body) => {
          if ((status < 200 || status > 299) && errorSamples.length < 3) {
            errorSamples.push(`HTTP ${status}: ${String(body).slice(0, 300)}`);
          }
        },
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    if (status >= 200 && status <= 299) latencies.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const okCount = sorted.length;
  const total = Object.values(statusCounts).reduce((a, b) => a + b, 0);
  return {
    connections,
    durationSec: result.duration,
    requests: total,
    ok: okCount,
    non2xx: total - okCount,
    socketErrors: result.errors, // includes timeouts
    timeouts: result.timeouts,
    statusCounts,
    errorSamples,
    rps: okCount / result.duration,
    p50ms: percentile(sorted, 50),
    p99ms: percentile(sorted, 99),
    meanMs: okCount ? sorted.reduce((a, b) => a + b, 0) / okCount : NaN,
  };
}
