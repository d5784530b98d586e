import {
  DynamoDBClient,
  ScanCommand,
  TransactWriteItemsCommand,
  BatchWriteItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, keyedTable } from '../helpers/ddb.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

/** The issue asks for 30 s; OVERCAST_BANK_SECONDS shortens it for a quick local run. */
const SECONDS = Number(process.env['OVERCAST_BANK_SECONDS'] ?? 30);
const ACCOUNTS = 100;
const CLIENTS = 20;
const START = 1_000;

describe('TransactWriteItems under concurrency: 20 clients move money between 100 accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable('bank'));
    await createTable(server.ddb, keyedTable('bank_transfers'));
    for (let i = 0; i < ACCOUNTS; i += 25) {
      const puts = Array.from({ length: 25 }, (_, k) => ({
        PutRequest: { Item: { pk: { S: `acct-${i + k}` }, balance: { N: String(START) } } },
      }));
      await server.ddb.send(new BatchWriteItemCommand({ RequestItems: { bank: puts } }));
    }
  });
  afterAll(() => server.stop());

  it(
    `conserves the total, keeps balances non-negative and applies no transfer twice (${SECONDS} s)`,
    { timeout: (SECONDS + 60) * 1000 },
    async () => {
      const acknowledged = new Map<string, { from: number; to: number; amount: number }>();
      let cancelled = 0;
      let retriedSame = 0;
      const deadline = Date.now() + SECONDS * 1000;
      const worker = async (w: number) => {
        const ddb = new DynamoDBClient({
          endpoint: server.endpoint,
          region: 'us-east-1',
          credentials: TEST_CREDENTIALS,
          maxAttempts: 1,
        });
        let n = 0;
        let seed = w * 7919 + 1;
        const rand = (m: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % m;
        while (Date.now() < deadline) {
          const from = rand(ACCOUNTS);
          let to = rand(ACCOUNTS);
          if (to === from) to = (to + 1) % ACCOUNTS;
          const amount = 1 + rand(400);
          const id = `t-${w}-${n++}`;
          const amt: Record<string, AttributeValue> = { ':a': { N: String(amount) } };
          const command = new TransactWriteItemsCommand({
            ClientRequestToken: id,
            TransactItems: [
              {
                Update: {
                  TableName: 'bank',
                  Key: { pk: { S: `acct-${from}` } },
                  UpdateExpression: 'SET balance = balance - :a',
                  ConditionExpression: 'balance >= :a',
                  ExpressionAttributeValues: amt,
                },
              },
              {
                Update: {
                  TableName: 'bank',
                  Key: { pk: { S: `acct-${to}` } },
                  UpdateExpression: 'SET balance = balance + :a',
                  ExpressionAttributeValues: amt,
                },
              },
              {
                Put: {
                  TableName: 'bank_transfers',
                  Item: {
                    pk: { S: id },
                    from: { N: String(from) },
                    to: { N: String(to) },
                    amount: { N: String(amount) },
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          });
          try {
            await ddb.send(command);
            acknowledged.set(id, { from, to, amount });
            // A client retry with the same token must not apply the transfer again.
            if (n % 50 === 0) {
              await ddb.send(command);
              retriedSame++;
            }
          } catch (err) {
            const name = (err as Error).name;
            if (name !== 'TransactionCanceledException' && name !== 'TransactionConflictException') throw err;
            cancelled++;
          }
        }
        ddb.destroy();
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, w) => worker(w)));

      const scanAll = async (table: string) => {
        const items: Record<string, AttributeValue>[] = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
          const page = await server.ddb.send(
            new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
          );
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        return items;
      };
      const accounts = await scanAll('bank');
      const transfers = await scanAll('bank_transfers');
      const balance = new Map(accounts.map((a) => [a['pk']!.S!, Number(a['balance']!.N)]));

      expect(acknowledged.size).toBeGreaterThan(100);
      expect(retriedSame).toBeGreaterThan(0);
      expect(cancelled).toBeGreaterThan(0); // balances do run low: the condition really bites
      // Conservation and no negative balance.
      expect([...balance.values()].reduce((a, b) => a + b, 0)).toBe(ACCOUNTS * START);
      for (const v of balance.values()) expect(v).toBeGreaterThanOrEqual(0);
      // Exactly the acknowledged transfers were applied, each once: replaying the recorded transfers
      // from the starting balances gives every account's balance.
      expect(transfers.length).toBe(acknowledged.size);
      const expected = new Map(Array.from({ length: ACCOUNTS }, (_, i) => [`acct-${i}`, START]));
      for (const t of transfers) {
        const id = t['pk']!.S!;
        const ack = acknowledged.get(id);
        expect(ack, id).toBeDefined();
        expected.set(`acct-${ack!.from}`, expected.get(`acct-${ack!.from}`)! - ack!.amount);
        expected.set(`acct-${ack!.to}`, expected.get(`acct-${ack!.to}`)! + ack!.amount);
      }
      expect(balance).toEqual(expected);
    },
  );
});
