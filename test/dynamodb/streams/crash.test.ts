import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST_WAITER, keyedTable } from '../../helpers/ddb.js';
import { startOvercastProcess } from '../../helpers/process.js';
import type { OvercastProcess } from '../../helpers/process.js';
import { tempDir, TEST_CREDENTIALS } from '../../helpers/server.js';
import { latestStreamArn, readStream, streamsClient } from './helpers.js';

const TABLE = 'crash-stream';
const client = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { requestTimeout: 10_000 },
  });

/** Per key: versions acknowledged, and the one in flight when the server died (if any). */
interface KeyLedger {
  acked: number[];
  inflight?: number;
}

/**
 * Writers that each own their keys and write strictly increasing versions (every write changes
 * its item, so each must produce exactly one record): PutItem, PutItem then DeleteItem, and
 * two-item TransactWriteItems.
 */
function runWriters(
  endpoint: string,
  round: number,
  ledger: Map<string, KeyLedger>,
  state: { stop: boolean; killing: boolean },
) {
  const slot = (key: string) => {
    let l = ledger.get(key);
    if (!l) ledger.set(key, (l = { acked: [] }));
    return l;
  };
  const jobs: Promise<void>[] = [];
  const loop = (step: (ddb: DynamoDBClient, v: number) => Promise<void>) => {
    const ddb = client(endpoint);
    jobs.push(
      (async () => {
        try {
          for (let v = round * 1_000_000 + 1; !state.stop; v++) await step(ddb, v);
        } catch (err) {
          if (!state.killing) throw err;
        } finally {
          ddb.destroy();
        }
      })(),
    );
  };
  for (let w = 0; w < 4; w++) {
    loop(async (ddb, v) => {
      const key = `put-${w}-${v % 3}`;
      const l = slot(key);
      l.inflight = v;
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: key }, v: { N: String(v) } } }));
      l.acked.push(v);
      l.inflight = undefined;
    });
  }
  loop(async (ddb, v) => {
    // Put version v, then delete it: the REMOVE record's OldImage is version v, noted as -v.
    const key = 'del';
    const l = slot(key);
    l.inflight = v;
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: key }, v: { N: String(v) } } }));
    l.acked.push(v);
    l.inflight = -v;
    await ddb.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: key } } }));
    l.acked.push(-v);
    l.inflight = undefined;
  });
  loop(async (ddb, v) => {
    const keys = [`tx-a`, `tx-b`];
    for (const k of keys) slot(k).inflight = v;
    await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: keys.map((k) => ({ Put: { TableName: TABLE, Item: { pk: { S: k }, v: { N: String(v) } } } })),
      }),
    );
    for (const k of keys) {
      slot(k).acked.push(v);
      slot(k).inflight = undefined;
    }
  });
  return Promise.all(jobs);
}

describe('DynamoDB Streams across a crash (kill -9) and restart', () => {
  const dir = tempDir('overcast-streams-crash-');
  let proc: OvercastProcess | undefined;
  afterAll(async () => {
    await proc?.stop().catch(() => undefined);
    dir.cleanup();
  });

  it('holds every acknowledged write exactly once, in order per item', async () => {
    proc = await startOvercastProcess(['--data-dir', dir.path]);
    const setup = client(proc.endpoint);
    await setup.send(
      new CreateTableCommand({
        ...keyedTable(TABLE),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await waitUntilTableExists({ client: setup, ...FAST_WAITER }, { TableName: TABLE });
    setup.destroy();

    const ledger = new Map<string, KeyLedger>();
    const state = { stop: false, killing: false };
    const load = runWriters(proc.endpoint, 1, ledger, state);
    await new Promise((r) => setTimeout(r, 1200));
    state.killing = true;
    await proc.kill9();
    state.stop = true;
    await load;
    const inflight = new Map([...ledger].filter(([, l]) => l.inflight !== undefined).map(([k, l]) => [k, l.inflight!]));

    proc = await startOvercastProcess(['--data-dir', dir.path]);
    const after = new Map<string, KeyLedger>();
    const state2 = { stop: false, killing: false };
    const load2 = runWriters(proc.endpoint, 2, after, state2);
    await new Promise((r) => setTimeout(r, 300));
    state2.stop = true;
    await load2;

    const ddb = client(proc.endpoint);
    const streams = streamsClient(proc.endpoint);
    const records = await readStream(streams, await latestStreamArn(ddb, TABLE), 1000);
    ddb.destroy();
    streams.destroy();

    // Sequence numbers increase through the whole stream (shards in order), across the restart.
    const seqs = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]! > seqs[i - 1]!).toBe(true);

    const seen = new Map<string, number[]>();
    for (const r of records) {
      const key = r.dynamodb!.Keys!['pk']!.S!;
      const version =
        r.eventName === 'REMOVE' ? -Number(r.dynamodb!.OldImage!['v']!.N) : Number(r.dynamodb!.NewImage!['v']!.N);
      const list = seen.get(key) ?? [];
      list.push(version);
      seen.set(key, list);
    }
    let acknowledged = 0;
    for (const [key, before] of ledger) {
      const expected = [...before.acked];
      const got = seen.get(key) ?? [];
      // The write in flight at the kill may or may not have committed; if it did, once.
      const pending = inflight.get(key);
      const round1 = got.filter((v) => Math.abs(v) < 2_000_000);
      if (pending !== undefined && round1.length === expected.length + 1) expected.push(pending);
      expect(round1, key).toEqual(expected);
      acknowledged += before.acked.length;
      const round2 = got.filter((v) => Math.abs(v) >= 2_000_000);
      expect(round2, key).toEqual(after.get(key)?.acked ?? []);
    }
    expect(acknowledged).toBeGreaterThan(50);
  }, 60_000);
});
