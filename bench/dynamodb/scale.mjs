#!/usr/bin/env node
// Scale benchmark: GetItem and Query latency on tables of growing size, and TransactWriteItems
// (4 puts) throughput, for Overcast and the peers side by side.
// Usage: node bench/dynamodb/scale.mjs [--sizes 1000,100000,1000000] [--peers overcast,dynalite,ddblocal]
//        [--duration 3] [--json]
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,100000,1000000' },
    peers: { type: 'string', default: 'overcast,dynalite,ddblocal' },
    duration: { type: 'string', default: '3' },
    'load-timeout': { type: 'string', default: '900' },
    json: { type: 'boolean', default: false },
  },
});
const sizes = values.sizes.split(',').map(Number);
const peerNames = values.peers.split(',');
const durationSec = Number(values.duration);
const log = (m) => console.error(`[scale] ${m}`);

const peers = await import('./peers.mjs');
const load = await import('./load.mjs');
const wrk = await import('../wrk.mjs');
if (!wrk.hasWrk()) throw new Error('scale.mjs needs /usr/bin/wrk (apt-get install wrk)');
process.on('exit', peers.killAllSync);

const TABLE = 'scale_bench';
const ITEMS_PER_PARTITION = 10;
const item = (i) => ({
  pk: { S: `p${Math.floor(i / ITEMS_PER_PARTITION)}` },
  sk: { S: `s${i % ITEMS_PER_PARTITION}` },
  n: { N: String(i) },
  data: { S: 'x'.repeat(100) },
});

async function ok(url, op, payload) {
  const r = await load.call(url, op, payload, 30000);
  if (r.status !== 200) throw new Error(`${op}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
  return r.json;
}

/** Grow the table to `target` items with 25-item batches, 8 in flight. */
async function growTo(url, from, target, deadline) {
  let next = from;
  const worker = async () => {
    while (next < target) {
      const start = next;
      next = Math.min(target, next + 25);
      const puts = [];
      for (let i = start; i < next; i++) puts.push({ PutRequest: { Item: item(i) } });
      for (let req = { RequestItems: { [TABLE]: puts } }; ; ) {
        if (Date.now() > deadline) throw new Error(`loading timed out at ${next} items`);
        const r = await ok(url, 'BatchWriteItem', req);
        if (!r.UnprocessedItems || Object.keys(r.UnprocessedItems).length === 0) break;
        req = { RequestItems: r.UnprocessedItems };
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function measure(url, op, payload, connections) {
  const variants = [];
  for (let v = 0; v < 500; v++) variants.push(await load.signRequest(url, op, payload(v)));
  await wrk.runLoadWrk(url, variants, { connections, durationSec: 1 });
  return wrk.runLoadWrk(url, variants, { connections, durationSec });
}

const results = [];
for (const name of peerNames) {
  let peer;
  try {
    peer = await peers.startPeer(name, { disk: false, apiProbe: load.apiProbe });
    log(`${name}: ready (${peer.storage})`);
    await load.createKeyedTable(peer.url, TABLE, Date.now() + 60000);
    let loaded = 0;
    for (const size of sizes) {
      const t0 = Date.now();
      await growTo(peer.url, loaded, size, Date.now() + Number(values['load-timeout']) * 1000);
      log(`${name}: ${size} items loaded (+${size - loaded} in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      loaded = size;
      const parts = Math.max(1, Math.floor(size / ITEMS_PER_PARTITION));
      const get = await measure(peer.url, 'GetItem', (v) => ({ TableName: TABLE, Key: { pk: { S: `p${(v * 7919) % parts}` }, sk: { S: 's3' } } }), 1);
      const query = await measure(
        peer.url,
        'Query',
        (v) => ({ TableName: TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${(v * 7919) % parts}` } } }),
        1,
      );
      results.push({ peer: name, size, op: 'GetItem', p50: get.p50ms, p99: get.p99ms, rps: get.rps, errors: get.non2xx });
      results.push({ peer: name, size, op: 'Query', p50: query.p50ms, p99: query.p99ms, rps: query.rps, errors: query.non2xx });
      log(`${name} @${size}: GetItem p50 ${get.p50ms.toFixed(3)} ms, Query p50 ${query.p50ms.toFixed(3)} ms`);
    }
    const tx = await measure(
      peer.url,
      'TransactWriteItems',
      (v) => ({
        TransactItems: Array.from({ length: 4 }, (_, k) => ({ Put: { TableName: TABLE, Item: { ...item(v * 4 + k), n: { N: String(v * 1000 + k) } } } })),
      }),
      32,
    );
    results.push({ peer: name, size: sizes[sizes.length - 1], op: 'TransactWriteItems(4) c=32', p50: tx.p50ms, p99: tx.p99ms, rps: tx.rps, errors: tx.non2xx });
    log(`${name}: TransactWriteItems(4) c=32 ${tx.rps.toFixed(0)} req/s`);
  } catch (err) {
    log(`${name}: FAILED: ${err.message}`);
    results.push({ peer: name, error: err.message });
  } finally {
    if (peer) await peers.stopChild(peer.child);
  }
}
await peers.stopAll();

if (values.json) console.log(JSON.stringify(results, null, 2));
else {
  console.log('\npeer       items      op                           p50 ms   p99 ms    req/s  errors');
  for (const r of results) {
    if (r.error) console.log(`${r.peer.padEnd(10)} FAILED: ${r.error}`);
    else console.log(`${r.peer.padEnd(10)} ${String(r.size).padStart(9)}  ${r.op.padEnd(28)} ${r.p50.toFixed(3).padStart(7)} ${r.p99.toFixed(3).padStart(8)} ${r.rps.toFixed(0).padStart(8)}  ${r.errors}`);
  }
}
process.exit(0);
