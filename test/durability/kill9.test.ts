import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_WAITER, keyedTable } from '../helpers/ddb.js';
import { startOvercastProcess } from '../helpers/process.js';
import type { OvercastProcess } from '../helpers/process.js';
import { tempDir, TEST_CREDENTIALS } from '../helpers/server.js';

type Item = Record<string, AttributeValue>;

const ITEMS = 'k9-items';
const COUNTERS = 'k9-counters';
const LOAD_MS = 1500;
const WORKERS_PER_KIND = 2;

const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 10_000 },
  });

/** A payload tied to a version, so a torn item (half old, half new) cannot pass verification. */
const payload = (v: number) => `v${v}:`.repeat(100);

async function scanTable(ddb: DynamoDBClient, TableName: string): Promise<Map<string, Item>> {
  const out = new Map<string, Item>();
  let start: Item | undefined;
  do {
    const page = await ddb.send(
      new ScanCommand({ TableName, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const i of page.Items ?? []) out.set(i['pk']!.S!, i);
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** What each writer had acknowledged, and what it had in flight, when the server was killed. */
interface Ledger {
  puts: { key: string; acked?: number; inflight?: number }[];
  counters: { key: string; acked: number; inflight: boolean }[];
  batches: { prefix: string; acked: number[]; inflight?: number }[];
  txs: { prefix: string; counter: string; acked: number[]; inflight?: number }[];
}

/** Run every writer against `endpoint` until `state.stopped`; `done` resolves once all writers have stopped. */
function runLoad(
  endpoint: string,
  round: string,
  state: { killing: boolean; stopped: boolean },
): { ledger: Ledger; done: Promise<unknown> } {
  const ledger: Ledger = { puts: [], counters: [], batches: [], txs: [] };
  const jobs: Promise<void>[] = [];
  const loop = async (ddb: DynamoDBClient, step: () => Promise<void>) => {
    try {
      while (!state.stopped) await step();
    } catch (err) {
      // Only a failure caused by the kill is expected.
      if (!state.killing) throw err;
    } finally {
      ddb.destroy();
    }
  };

  for (let w = 0; w < WORKERS_PER_KIND; w++) {
    // PutItem: overwrite a handful of keys with increasing versions.
    {
      const ddb = client(endpoint);
      const slots = Array.from({ length: 5 }, (_, k) => ({ key: `${round}-put-${w}-${k}` }) as Ledger['puts'][number]);
      ledger.puts.push(...slots);
      let v = 0;
      jobs.push(
        loop(ddb, async () => {
          v++;
          const slot = slots[v % slots.length]!;
          slot.inflight = v;
          await ddb.send(
            new PutItemCommand({
              TableName: ITEMS,
              Item: { pk: { S: slot.key }, v: { N: String(v) }, p: { S: payload(v) } },
            }),
          );
          slot.acked = v;
          slot.inflight = undefined;
        }),
      );
    }
    // UpdateItem ADD: a counter.
    {
      const ddb = client(endpoint);
      const c = { key: `${round}-ctr-${w}`, acked: 0, inflight: false };
      ledger.counters.push(c);
      jobs.push(
        loop(ddb, async () => {
          c.inflight = true;
          await ddb.send(
            new UpdateItemCommand({
              TableName: COUNTERS,
              Key: { pk: { S: c.key } },
              UpdateExpression: 'ADD n :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            }),
          );
          c.acked++;
          c.inflight = false;
        }),
      );
    }
    // BatchWriteItem: 25 new items per call.
    {
      const ddb = client(endpoint);
      const b = { prefix: `${round}-batch-${w}`, acked: [] as number[], inflight: undefined as number | undefined };
      ledger.batches.push(b);
      let j = 0;
      jobs.push(
        loop(ddb, async () => {
          j++;
          b.inflight = j;
          const out = await ddb.send(
            new BatchWriteItemCommand({
              RequestItems: {
                [ITEMS]: Array.from({ length: 25 }, (_, k) => ({
                  PutRequest: {
                    Item: { pk: { S: `${b.prefix}-${j}-${k}` }, v: { N: String(j) }, p: { S: payload(j) } },
                  },
                })),
              },
            }),
          );
          // Unprocessed items would not be acknowledged writes; the server should not leave any.
          expect(out.UnprocessedItems ?? {}).toEqual({});
          b.acked.push(j);
          b.inflight = undefined;
        }),
      );
    }
    // TransactWriteItems: two puts and a counter, all or nothing.
    {
      const ddb = client(endpoint);
      const t = {
        prefix: `${round}-tx-${w}`,
        counter: `${round}-txctr-${w}`,
        acked: [] as number[],
        inflight: undefined as number | undefined,
      };
      ledger.txs.push(t);
      let j = 0;
      jobs.push(
        loop(ddb, async () => {
          j++;
          t.inflight = j;
          await ddb.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                { Put: { TableName: ITEMS, Item: { pk: { S: `${t.prefix}-${j}-a` }, v: { N: String(j) } } } },
                { Put: { TableName: ITEMS, Item: { pk: { S: `${t.prefix}-${j}-b` }, v: { N: String(j) } } } },
                {
                  Update: {
                    TableName: COUNTERS,
                    Key: { pk: { S: t.counter } },
                    UpdateExpression: 'ADD n :one SET #last = :j',
                    ExpressionAttributeNames: { '#last': 'last' },
                    ExpressionAttributeValues: { ':one': { N: '1' }, ':j': { N: String(j) } },
                  },
                },
              ],
            }),
          );
          t.acked.push(j);
          t.inflight = undefined;
        }),
      );
    }
  }
  return { ledger, done: Promise.all(jobs) };
}

/** Check every acknowledged write is present with its value, and no transaction is half-applied. */
function verify(
  ledger: Ledger,
  items: Map<string, Item>,
  counters: Map<string, Item>,
): { acked: number; inflight: number } {
  let acked = 0;
  let inflight = 0;
  const num = (i: Item | undefined, attr: string) => (i?.[attr]?.N === undefined ? undefined : Number(i[attr]!.N));

  for (const slot of ledger.puts) {
    const item = items.get(slot.key);
    const allowed = [slot.acked, slot.inflight].filter((x) => x !== undefined);
    if (slot.inflight !== undefined) inflight++;
    if (slot.acked !== undefined) acked++;
    if (allowed.length === 0) {
      expect(item, slot.key).toBeUndefined();
      continue;
    }
    if (slot.acked === undefined && item === undefined) continue; // only an unacknowledged put, lost
    expect(item, `acknowledged put ${slot.key}=${slot.acked}`).toBeDefined();
    const v = num(item, 'v')!;
    expect(allowed, `${slot.key}: v=${v}, acked=${slot.acked}, inflight=${slot.inflight}`).toContain(v);
    expect(item!['p']!.S, `${slot.key} payload matches its version`).toBe(payload(v));
  }

  for (const c of ledger.counters) {
    const n = num(counters.get(c.key), 'n') ?? 0;
    acked += c.acked;
    if (c.inflight) inflight++;
    expect(c.inflight ? [c.acked, c.acked + 1] : [c.acked], `counter ${c.key} = ${n}`).toContain(n);
  }

  for (const b of ledger.batches) {
    for (const j of b.acked) {
      for (let k = 0; k < 25; k++) {
        const item = items.get(`${b.prefix}-${j}-${k}`);
        expect(item, `acknowledged batch item ${b.prefix}-${j}-${k}`).toBeDefined();
        expect(item!['p']!.S).toBe(payload(j));
      }
      acked++;
    }
    if (b.inflight !== undefined) inflight++;
    // Nothing beyond what was ever sent.
    const last = b.inflight ?? b.acked[b.acked.length - 1] ?? 0;
    expect(items.has(`${b.prefix}-${last + 1}-0`)).toBe(false);
  }

  for (const t of ledger.txs) {
    const max = t.inflight ?? t.acked[t.acked.length - 1] ?? 0;
    let applied = 0;
    let lastApplied = 0;
    for (let j = 1; j <= max; j++) {
      const a = items.has(`${t.prefix}-${j}-a`);
      const b = items.has(`${t.prefix}-${j}-b`);
      expect(a, `transaction ${t.prefix}-${j} is all or nothing`).toBe(b);
      if (t.acked.includes(j)) expect(a, `acknowledged transaction ${t.prefix}-${j}`).toBe(true);
      if (a) {
        applied++;
        lastApplied = j;
      }
    }
    expect(items.has(`${t.prefix}-${max + 1}-a`)).toBe(false);
    const counter = counters.get(t.counter);
    expect(num(counter, 'n') ?? 0, `transaction counter ${t.counter} counts exactly the applied transactions`).toBe(
      applied,
    );
    if (applied > 0) expect(num(counter, 'last')).toBe(lastApplied);
    acked += t.acked.length;
    if (t.inflight !== undefined) inflight++;
  }
  return { acked, inflight };
}

describe('durability: SIGKILL under concurrent load', () => {
  const dir = tempDir('overcast-kill9-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.kill9();
    dir.cleanup();
  });

  it('keeps every acknowledged write across two kill -9 / restart cycles', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    {
      const ddb = client(proc.endpoint);
      for (const t of [ITEMS, COUNTERS]) {
        await ddb.send(new CreateTableCommand(keyedTable(t)));
        await waitUntilTableExists({ client: ddb, ...FAST_WAITER }, { TableName: t });
      }
      ddb.destroy();
    }

    const rounds: { ledger: Ledger; items?: Map<string, Item>; counters?: Map<string, Item> }[] = [];
    for (const round of ['r1', 'r2']) {
      const state = { killing: false, stopped: false };
      const { ledger, done } = runLoad(proc.endpoint, round, state);
      await new Promise((r) => setTimeout(r, LOAD_MS));
      // Kill while the writers keep going: whatever they had in flight stays in flight.
      state.killing = true;
      await proc.kill9();
      state.stopped = true;
      await done;
      rounds.push({ ledger });

      proc = await startOvercastProcess(['--data-dir', dir.path]);
      const ddb = client(proc.endpoint);
      const items = await scanTable(ddb, ITEMS);
      const counters = await scanTable(ddb, COUNTERS);
      ddb.destroy();
      const { acked, inflight } = verify(ledger, items, counters);
      // The kill really landed mid-load.
      expect(acked).toBeGreaterThan(50);
      expect(inflight).toBeGreaterThan(0);
      // Earlier rounds are unchanged by later crashes and recoveries.
      for (const earlier of rounds.slice(0, -1)) {
        for (const [k, v] of earlier.items!) expect(items.get(k), k).toEqual(v);
        for (const [k, v] of earlier.counters!) expect(counters.get(k), k).toEqual(v);
      }
      rounds[rounds.length - 1]!.items = items;
      rounds[rounds.length - 1]!.counters = counters;
    }

    // A clean stop after recovery works too, and the data is still there.
    await proc.stop();
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    const ddb = client(proc.endpoint);
    const items = await scanTable(ddb, ITEMS);
    ddb.destroy();
    expect(items.size).toBe(rounds[1]!.items!.size);
  }, 90_000);
});
