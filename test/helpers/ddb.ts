import {
  BatchWriteItemCommand,
  CreateTableCommand,
  QueryCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type {
  AttributeValue,
  CreateTableCommandInput,
  DynamoDBClient,
  QueryCommandInput,
  ScanCommandInput,
  ScalarAttributeType,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { errorOf } from './errors.js';

export type Item = Record<string, AttributeValue>;

/** The account every test client maps to (non-numeric access key → default account). */
export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const tableArn = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;

/** Poll fast: the test server's tables become ACTIVE in milliseconds. */
export const FAST_WAITER = { maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.25 } as const;

/** CreateTable, then the SDK's own `waitUntilTableExists` waiter (polls DescribeTable until ACTIVE). */
export async function createTable(ddb: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await ddb.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client: ddb, ...FAST_WAITER }, { TableName: input.TableName! });
}

/** A PAY_PER_REQUEST table with a hash key `pk` and optionally a range key `sk`. */
export function keyedTable(
  name: string,
  hashType: ScalarAttributeType = 'S',
  rangeType?: ScalarAttributeType,
): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: hashType },
      ...(rangeType ? [{ AttributeName: 'sk', AttributeType: rangeType }] : []),
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      ...(rangeType ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : []),
    ],
  };
}

/** Write items with BatchWriteItem, 25 at a time, retrying UnprocessedItems. */
export async function putAll(ddb: DynamoDBClient, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: any = { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
    while (pending && Object.keys(pending).length > 0) {
      const out = await ddb.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

/** Follow LastEvaluatedKey to the end; returns every item and every page's size. */
export async function queryAll(
  ddb: DynamoDBClient,
  input: QueryCommandInput,
): Promise<{ items: Item[]; pages: number[] }> {
  const items: Item[] = [];
  const pages: number[] = [];
  let start: Item | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const out = await ddb.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    pages.push(out.Items?.length ?? out.Count ?? 0);
    start = out.LastEvaluatedKey;
    if (!start) return { items, pages };
  }
  throw new Error('query never finished paging');
}

export async function scanAll(
  ddb: DynamoDBClient,
  input: ScanCommandInput,
): Promise<{ items: Item[]; pages: number[] }> {
  const items: Item[] = [];
  const pages: number[] = [];
  let start: Item | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const out = await ddb.send(new ScanCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    items.push(...(out.Items ?? []));
    pages.push(out.Items?.length ?? out.Count ?? 0);
    start = out.LastEvaluatedKey;
    if (!start) return { items, pages };
  }
  throw new Error('scan never finished paging');
}

/**
 * Assert a call fails with AWS error `name` and (when given) exactly `message`
 * (a RegExp is matched instead). Returns the error for further checks.
 */
export async function expectError(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<any> {
  const err = await errorOf(promise);
  expect({ name: err.name, message: err.message }).toMatchObject({
    name,
    ...(typeof message === 'string' ? { message } : {}),
  });
  if (message instanceof RegExp) expect(err.message).toMatch(message);
  return err;
}

/** Shorthands for AttributeValues. */
export const S = (s: string): AttributeValue => ({ S: s });
export const N = (n: number | string): AttributeValue => ({ N: String(n) });
export const B = (bytes: number[] | Uint8Array): AttributeValue => ({ B: Uint8Array.from(bytes) });
