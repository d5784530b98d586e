import { gzipSync, deflateSync, crc32 } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTable, keyedTable, putAll, S } from '../helpers/ddb.js';
import { closeRawAgent, dynamoRaw, rawSend, signedDynamoHeaders } from '../helpers/raw-http.js';
import type { RawResponse } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

/**
 * Thousands of random and malformed requests against a real server. Whatever arrives, the answer
 * must be a 200 with a JSON object or a 4xx with an AWS JSON error, never a 5xx, and the server
 * must keep serving. Fixed seeds keep every run identical.
 */

const SEED = 20_120_810;
const NAMESPACE =
  /^(com\.amazon\.coral\.validate|com\.amazon\.coral\.service|com\.amazonaws\.dynamodb\.v20120810)#[A-Za-z]+$/;
const PREFIX = 'DynamoDB_20120810';
const OPS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DescribeTable',
  'DescribeLimits',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'UpdateItem',
  'UpdateTable',
  'TransactGetItems',
  'TransactWriteItems',
];
/** Real DynamoDB operations Overcast may not implement, plus nonsense. */
const OTHER_OPS = [
  'DescribeTimeToLive',
  'UpdateTimeToLive',
  'TagResource',
  'ExecuteStatement',
  'DescribeEndpoints',
  'CreateBackup',
  'ImportTable',
  'DescribeImport',
  'ListImports',
  'getitem',
  'GetItem ',
  '',
  'Get.Item',
];

function describeResponse(res: RawResponse): string {
  return `${res.status} ${res.body.toString('utf8').slice(0, 300)}`;
}

/** The contract every response must meet. Throws (with the response) when it does not. */
function checkResponse(res: RawResponse, what: string): void {
  const fail = (why: string) => {
    throw new Error(`${why}\n  request: ${what.slice(0, 400)}\n  response: ${describeResponse(res)}`);
  };
  if (res.status >= 500) fail('5xx response');
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    fail('response body is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('response body is not a JSON object');
  if (res.status === 200) {
    if ('__type' in (body as object)) fail('200 with an error body');
  } else {
    if (res.status < 400) fail(`unexpected status ${res.status}`);
    const type = (body as { __type?: unknown }).__type;
    if (typeof type !== 'string' || !NAMESPACE.test(type)) fail('error without a valid __type');
  }
  const crc = res.headers['x-amz-crc32'];
  if (crc !== undefined && Number(crc) !== crc32(res.body))
    fail(`x-amz-crc32 ${String(crc)} does not match the body (${crc32(res.body)})`);
}

/**
 * Failures grouped by what went wrong (operation, status, error), keeping the shortest request
 * seen for each, so one server bug does not stop the fuzzer from finding the next one.
 */
class Findings {
  private readonly byKind = new Map<string, { size: number; message: string }>();
  /** Record `res` if it breaks the contract; returns whether it was fine. */
  check(res: RawResponse, label: string, what: string): boolean {
    try {
      checkResponse(res, what);
      return true;
    } catch (err) {
      const kind = `${label} → ${res.status} ${res.body.toString('utf8').slice(0, 160)}`;
      const prev = this.byKind.get(kind);
      if (prev === undefined || what.length < prev.size)
        this.byKind.set(kind, { size: what.length, message: (err as Error).message });
      return false;
    }
  }
  /** Fail with every distinct finding. */
  assertNone(): void {
    expect([...this.byKind.values()].map((f) => f.message)).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const weirdString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\ud800',
    '💥',
    'a'.repeat(300),
    '#',
    ':',
    '.',
    '[0]',
    'fuzz',
    'pk',
    'NaN',
    '-0',
    '1e400',
  ),
);
const numberString = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom(
    '1E+126',
    '1E-131',
    '123456789012345678901234567890123456789',
    '',
    '-',
    '.',
    '1e',
    '0x1F',
    ' 1',
    '9'.repeat(500),
  ),
);
const b64 = fc.oneof(
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('base64')),
  weirdString,
);
const attrName = fc.oneof(
  fc.constantFrom('pk', 'sk', 'a', 'b', 'status', 'n', 'l', 'm', '', '#x', ':y', 'a.b', 'x'.repeat(70_000)),
  fc.string({ maxLength: 6 }),
);
const TYPE_KEYS = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const;

/** AttributeValue-ish objects: right and wrong type keys, right and wrong member types, nesting. */
const { av } = fc.letrec<{ av: unknown }>((tie) => ({
  av: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ S: weirdString }),
    fc.record({ N: numberString }),
    fc.record({ B: b64 }),
    fc.record({ BOOL: fc.oneof(fc.boolean(), weirdString) }),
    fc.record({ NULL: fc.oneof(fc.boolean(), fc.constant('true')) }),
    fc.record({ SS: fc.array(weirdString, { maxLength: 4 }) }),
    fc.record({ NS: fc.array(numberString, { maxLength: 4 }) }),
    fc.record({ BS: fc.array(b64, { maxLength: 3 }) }),
    fc.record({ L: fc.array(tie('av'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(attrName, tie('av'), { maxKeys: 3 }) }),
    // Wrong shapes: several members, unknown members, wrong member types, non-objects.
    fc.dictionary(
      fc.oneof(fc.constantFrom(...TYPE_KEYS), fc.string({ maxLength: 3 })),
      fc.oneof(fc.jsonValue({ maxDepth: 1 }), tie('av')),
      { maxKeys: 3 },
    ),
    fc.jsonValue({ maxDepth: 1 }),
  ),
}));
const itemMap = fc.dictionary(attrName, av, { maxKeys: 5 });
const keyMap = fc.oneof(
  fc.record({ pk: av }),
  fc.record({ pk: fc.record({ S: weirdString }) }),
  fc.record({ pk: fc.record({ S: weirdString }), sk: av }),
  itemMap,
);

const EXPR_TOKENS = [
  'SET',
  'REMOVE',
  'ADD',
  'DELETE',
  'AND',
  'OR',
  'NOT',
  'BETWEEN',
  'IN',
  '(',
  ')',
  '[',
  ']',
  '[0]',
  '[99999999999]',
  '.',
  ',',
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  ':v',
  ':a',
  ':missing',
  '#n',
  '#a',
  '#missing',
  'a',
  'b',
  'pk',
  'sk',
  'status',
  'size',
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'if_not_exists',
  'list_append',
  'nope',
  '0',
  '1',
  '-1',
  '"s"',
  "'",
  '$',
  '@',
  '\u00e9',
  '::',
  '##',
  '',
  ' ',
  '\t',
  '\n',
];
const exprSoup = fc.oneof(
  fc.array(fc.constantFrom(...EXPR_TOKENS), { maxLength: 14 }).map((t) => t.join(' ')),
  fc.array(fc.constantFrom(...EXPR_TOKENS), { maxLength: 14 }).map((t) => t.join('')),
  fc.constantFrom(
    'SET a = :v',
    'a = :v',
    'pk = :v',
    'SET #n = list_append(#n, :v)',
    'ADD a :v',
    'attribute_exists(#n)',
    'a.b[1].c',
    '('.repeat(500) + 'a' + ')'.repeat(500),
  ),
  weirdString,
);
const names = fc.oneof(
  fc.dictionary(fc.constantFrom('#n', '#a', '#x', 'n', '#', '#n.x', '##'), weirdString, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const values = fc.oneof(
  fc.dictionary(fc.constantFrom(':v', ':a', ':x', 'v', ':', '::'), av, { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const tableName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('fuzz', 'fuzz-range', 'fuzz-absent') },
  { weight: 1, arbitrary: weirdString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const enumish = (...valid: string[]) => fc.oneof(fc.constantFrom(...valid), weirdString, fc.jsonValue({ maxDepth: 1 }));
const numberish = fc.oneof(
  fc.integer({ min: -5, max: 200 }),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1e300, 1.5, -0),
  weirdString,
  fc.jsonValue({ maxDepth: 1 }),
);
const boolish = fc.oneof(fc.boolean(), weirdString, fc.jsonValue({ maxDepth: 1 }));
const keySchema = fc.oneof(
  fc.array(
    fc.record({
      AttributeName: fc.oneof(fc.constantFrom('pk', 'sk', 'g'), weirdString),
      KeyType: enumish('HASH', 'RANGE'),
    }),
    { maxLength: 3 },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const attrDefs = fc.oneof(
  fc.array(
    fc.record({
      AttributeName: fc.oneof(fc.constantFrom('pk', 'sk', 'g'), weirdString),
      AttributeType: enumish('S', 'N', 'B'),
    }),
    { maxLength: 3 },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const throughput = fc.oneof(
  fc.record({ ReadCapacityUnits: numberish, WriteCapacityUnits: numberish }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 1 }),
);
const projection = fc.record(
  { ProjectionType: enumish('ALL', 'KEYS_ONLY', 'INCLUDE'), NonKeyAttributes: fc.array(weirdString, { maxLength: 3 }) },
  { requiredKeys: [] },
);

/** Every member an operation might read, each plausible or wrongly typed, each optional. */
const members = {
  TableName: tableName,
  Key: keyMap,
  Item: fc.oneof(
    itemMap,
    fc.record({ pk: fc.record({ S: weirdString }) }).chain((k) => itemMap.map((i) => ({ ...i, ...k }))),
  ),
  UpdateExpression: exprSoup,
  ConditionExpression: exprSoup,
  KeyConditionExpression: exprSoup,
  FilterExpression: exprSoup,
  ProjectionExpression: exprSoup,
  ExpressionAttributeNames: names,
  ExpressionAttributeValues: values,
  ReturnValues: enumish('NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'),
  ReturnConsumedCapacity: enumish('INDEXES', 'TOTAL', 'NONE'),
  ReturnItemCollectionMetrics: enumish('SIZE', 'NONE'),
  ReturnValuesOnConditionCheckFailure: enumish('ALL_OLD', 'NONE'),
  Limit: numberish,
  ExclusiveStartKey: keyMap,
  Select: enumish('ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES', 'SPECIFIC_ATTRIBUTES', 'COUNT'),
  ScanIndexForward: boolish,
  ConsistentRead: boolish,
  IndexName: fc.oneof(fc.constantFrom('byG', 'nope'), weirdString),
  Segment: numberish,
  TotalSegments: numberish,
  RequestItems: fc.oneof(
    fc.dictionary(
      tableName.filter((t): t is string => typeof t === 'string'),
      fc.oneof(
        fc.record(
          { Keys: fc.array(keyMap, { maxLength: 4 }), ProjectionExpression: exprSoup, ConsistentRead: boolish },
          { requiredKeys: [] },
        ),
        fc.array(
          fc.oneof(
            fc.record({ PutRequest: fc.record({ Item: itemMap }) }),
            fc.record({ DeleteRequest: fc.record({ Key: keyMap }) }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          { maxLength: 4 },
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      { maxKeys: 2 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  TransactItems: fc.oneof(
    fc.array(
      fc.oneof(
        fc.record({
          Get: fc.record({ TableName: tableName, Key: keyMap, ProjectionExpression: exprSoup }, { requiredKeys: [] }),
        }),
        fc.record({
          Put: fc.record(
            { TableName: tableName, Item: itemMap, ConditionExpression: exprSoup, ExpressionAttributeValues: values },
            { requiredKeys: [] },
          ),
        }),
        fc.record({
          Update: fc.record(
            {
              TableName: tableName,
              Key: keyMap,
              UpdateExpression: exprSoup,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            },
            { requiredKeys: [] },
          ),
        }),
        fc.record({
          Delete: fc.record({ TableName: tableName, Key: keyMap, ConditionExpression: exprSoup }, { requiredKeys: [] }),
        }),
        fc.record({
          ConditionCheck: fc.record(
            { TableName: tableName, Key: keyMap, ConditionExpression: exprSoup },
            { requiredKeys: [] },
          ),
        }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      { maxLength: 4 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  ClientRequestToken: weirdString,
  AttributeDefinitions: attrDefs,
  KeySchema: keySchema,
  BillingMode: enumish('PROVISIONED', 'PAY_PER_REQUEST'),
  ProvisionedThroughput: throughput,
  GlobalSecondaryIndexes: fc.oneof(
    fc.array(
      fc.record(
        { IndexName: weirdString, KeySchema: keySchema, Projection: projection, ProvisionedThroughput: throughput },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  LocalSecondaryIndexes: fc.oneof(
    fc.array(
      fc.record({ IndexName: weirdString, KeySchema: keySchema, Projection: projection }, { requiredKeys: [] }),
      { maxLength: 2 },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  GlobalSecondaryIndexUpdates: fc.jsonValue({ maxDepth: 3 }),
  ExclusiveStartTableName: tableName,
  AttributesToGet: fc.oneof(fc.array(weirdString, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
  Expected: fc.oneof(
    fc.dictionary(
      attrName,
      fc.record(
        {
          Value: av,
          Exists: boolish,
          ComparisonOperator: enumish('EQ', 'NE', 'NULL', 'BETWEEN'),
          AttributeValueList: fc.array(av, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  ConditionalOperator: enumish('AND', 'OR'),
  KeyConditions: fc.oneof(
    fc.dictionary(
      attrName,
      fc.record(
        {
          ComparisonOperator: enumish('EQ', 'BEGINS_WITH', 'BETWEEN', 'GT'),
          AttributeValueList: fc.array(av, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  QueryFilter: fc.jsonValue({ maxDepth: 3 }),
  ScanFilter: fc.oneof(
    fc.dictionary(
      attrName,
      fc.record(
        {
          ComparisonOperator: enumish('EQ', 'CONTAINS', 'IN', 'NOT_NULL'),
          AttributeValueList: fc.array(av, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
    fc.jsonValue({ maxDepth: 1 }),
  ),
  AttributeUpdates: fc.oneof(
    fc.dictionary(attrName, fc.record({ Action: enumish('PUT', 'ADD', 'DELETE'), Value: av }, { requiredKeys: [] }), {
      maxKeys: 2,
    }),
    fc.jsonValue({ maxDepth: 1 }),
  ),
};

/** Which members each operation reads (the rest are still sent sometimes, as unknown members). */
const OP_MEMBERS: Record<string, (keyof typeof members)[]> = {
  GetItem: [
    'TableName',
    'Key',
    'ProjectionExpression',
    'ExpressionAttributeNames',
    'ConsistentRead',
    'ReturnConsumedCapacity',
    'AttributesToGet',
  ],
  PutItem: [
    'TableName',
    'Item',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'ReturnValues',
    'ReturnConsumedCapacity',
    'ReturnItemCollectionMetrics',
    'ReturnValuesOnConditionCheckFailure',
    'Expected',
    'ConditionalOperator',
  ],
  DeleteItem: [
    'TableName',
    'Key',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'ReturnValues',
    'ReturnValuesOnConditionCheckFailure',
    'Expected',
  ],
  UpdateItem: [
    'TableName',
    'Key',
    'UpdateExpression',
    'ConditionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'ReturnValues',
    'ReturnConsumedCapacity',
    'AttributeUpdates',
    'Expected',
  ],
  Query: [
    'TableName',
    'IndexName',
    'KeyConditionExpression',
    'FilterExpression',
    'ProjectionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'Limit',
    'ExclusiveStartKey',
    'Select',
    'ScanIndexForward',
    'ConsistentRead',
    'ReturnConsumedCapacity',
    'KeyConditions',
    'QueryFilter',
    'AttributesToGet',
    'ConditionalOperator',
  ],
  Scan: [
    'TableName',
    'IndexName',
    'FilterExpression',
    'ProjectionExpression',
    'ExpressionAttributeNames',
    'ExpressionAttributeValues',
    'Limit',
    'ExclusiveStartKey',
    'Select',
    'Segment',
    'TotalSegments',
    'ConsistentRead',
    'ScanFilter',
    'AttributesToGet',
    'ConditionalOperator',
  ],
  BatchGetItem: ['RequestItems', 'ReturnConsumedCapacity'],
  BatchWriteItem: ['RequestItems', 'ReturnConsumedCapacity', 'ReturnItemCollectionMetrics'],
  TransactGetItems: ['TransactItems', 'ReturnConsumedCapacity'],
  TransactWriteItems: ['TransactItems', 'ClientRequestToken', 'ReturnConsumedCapacity', 'ReturnItemCollectionMetrics'],
  CreateTable: [
    'TableName',
    'AttributeDefinitions',
    'KeySchema',
    'BillingMode',
    'ProvisionedThroughput',
    'GlobalSecondaryIndexes',
    'LocalSecondaryIndexes',
  ],
  UpdateTable: [
    'TableName',
    'AttributeDefinitions',
    'BillingMode',
    'ProvisionedThroughput',
    'GlobalSecondaryIndexUpdates',
  ],
  DescribeTable: ['TableName'],
  ListTables: ['ExclusiveStartTableName', 'Limit'],
  DescribeLimits: [],
};

const shapedRequest = fc.constantFrom(...Object.keys(OP_MEMBERS)).chain((op) => {
  const own = OP_MEMBERS[op]!;
  const pick = (ks: (keyof typeof members)[]) =>
    Object.fromEntries(ks.map((k) => [k, members[k]])) as Record<string, fc.Arbitrary<unknown>>;
  const others = (Object.keys(members) as (keyof typeof members)[]).filter((k) => !own.includes(k));
  return fc.tuple(
    fc.constant(op),
    fc.record(pick(own), { requiredKeys: [] }),
    fc.oneof(
      { weight: 5, arbitrary: fc.constant({}) },
      { weight: 1, arbitrary: fc.record(pick(others), { requiredKeys: [] }) },
    ),
  );
});

/** Bodies that are not JSON objects, or not JSON at all. */
const junkBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((v) => JSON.stringify({ TableName: 'fuzz', x: v }))
    .chain((s) => fc.nat({ max: s.length }).map((n) => s.slice(0, n))),
  fc.constantFrom(
    '',
    '{',
    '}',
    '{}',
    '[]',
    'null',
    'true',
    '"str"',
    '1e999',
    '{"TableName":}',
    '{"TableName":"fuzz",}',
    '{"a":1}{"b":2}',
    '\ufeff{}',
    '{"TableName":"fuzz"}\u0000',
    '{"__proto__":{"x":1}}',
    '{"TableName":"fuzz","TableName":"x"}',
  ),
);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path inside a JSON value except the root (object keys and array indexes). */
function jsonPaths(v: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push([...prefix, i], ...jsonPaths(x, [...prefix, i])));
  else if (v !== null && typeof v === 'object')
    for (const k of Object.keys(v)) out.push([...prefix, k], ...jsonPaths(v[k]!, [...prefix, k]));
  return out.length ? out : [];
}

function setAt(root: Json, path: (string | number)[], value: unknown): void {
  let cur: any = root;
  for (const p of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = cur[p];
  }
  if (cur !== null && typeof cur === 'object') cur[path[path.length - 1]!] = value;
}

const K = { pk: { S: 'a' } };
const KR = { pk: { S: 'a' }, sk: { N: '1' } };
/** One valid request per operation (and per legacy form), the seeds of the mutation fuzzer. */
const CORPUS: [string, Json][] = [
  [
    'GetItem',
    {
      TableName: 'fuzz',
      Key: K,
      ProjectionExpression: '#a, l[0], m.b',
      ExpressionAttributeNames: { '#a': 'a' },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'INDEXES',
    },
  ],
  ['GetItem', { TableName: 'fuzz', Key: K, AttributesToGet: ['a', 'l'] }],
  [
    'PutItem',
    {
      TableName: 'fuzz',
      Item: {
        pk: { S: 'm' },
        n: { N: '1' },
        b: { B: 'AQI=' },
        ss: { SS: ['a'] },
        ns: { NS: ['1'] },
        bs: { BS: ['AQ=='] },
        l: { L: [{ S: 'x' }, { M: { y: { BOOL: true } } }] },
        nul: { NULL: true },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR n < :v',
      ExpressionAttributeValues: { ':v': { N: '5' } },
      ReturnValues: 'ALL_OLD',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  ],
  [
    'PutItem',
    {
      TableName: 'fuzz',
      Item: { pk: { S: 'm2' } },
      Expected: {
        a: { Exists: false },
        b: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ N: '1' }, { N: '2' }] },
      },
      ConditionalOperator: 'OR',
    },
  ],
  [
    'DeleteItem',
    {
      TableName: 'fuzz',
      Key: { pk: { S: 'gone' } },
      ConditionExpression: 'size(l) > :z',
      ExpressionAttributeValues: { ':z': { N: '0' } },
      ReturnValues: 'ALL_OLD',
    },
  ],
  ['DeleteItem', { TableName: 'fuzz', Key: { pk: { S: 'gone' } }, Expected: { a: { Value: { N: '1' } } } }],
  [
    'UpdateItem',
    {
      TableName: 'fuzz',
      Key: K,
      UpdateExpression: 'SET a = if_not_exists(a, :z) + :one, l = list_append(l, :l) REMOVE m.b ADD s :s',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':z': { N: '0' },
        ':one': { N: '1' },
        ':l': { L: [{ S: 'y' }] },
        ':s': { SS: ['r'] },
      },
      ReturnValues: 'UPDATED_NEW',
    },
  ],
  [
    'UpdateItem',
    {
      TableName: 'fuzz',
      Key: K,
      AttributeUpdates: {
        a: { Action: 'ADD', Value: { N: '1' } },
        z: { Action: 'PUT', Value: { S: 'z' } },
        y: { Action: 'DELETE' },
      },
    },
  ],
  [
    'Query',
    {
      TableName: 'fuzz-range',
      KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
      FilterExpression: 'attribute_exists(g)',
      ExpressionAttributeValues: { ':p': { S: 'a' }, ':a': { N: '0' }, ':b': { N: '9' } },
      Limit: 5,
      ScanIndexForward: false,
      ExclusiveStartKey: { pk: { S: 'a' }, sk: { N: '0' } },
      Select: 'ALL_ATTRIBUTES',
    },
  ],
  [
    'Query',
    {
      TableName: 'fuzz-range',
      IndexName: 'byG',
      KeyConditions: { g: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'g' }] } },
      QueryFilter: { sk: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '0' }] } },
    },
  ],
  [
    'Scan',
    {
      TableName: 'fuzz',
      FilterExpression: 'contains(s, :q)',
      ProjectionExpression: 'pk',
      ExpressionAttributeValues: { ':q': { S: 'q' } },
      Segment: 0,
      TotalSegments: 2,
      Limit: 10,
      ExclusiveStartKey: K,
    },
  ],
  [
    'Scan',
    {
      TableName: 'fuzz',
      ScanFilter: { a: { ComparisonOperator: 'IN', AttributeValueList: [{ N: '1' }, { N: '2' }] } },
      ConditionalOperator: 'AND',
      AttributesToGet: ['pk'],
    },
  ],
  [
    'BatchGetItem',
    {
      RequestItems: {
        fuzz: {
          Keys: [K, { pk: { S: 'b' } }],
          ProjectionExpression: '#p',
          ExpressionAttributeNames: { '#p': 'pk' },
          ConsistentRead: true,
        },
        'fuzz-range': { Keys: [KR] },
      },
      ReturnConsumedCapacity: 'TOTAL',
    },
  ],
  [
    'BatchWriteItem',
    {
      RequestItems: {
        fuzz: [
          { PutRequest: { Item: { pk: { S: 'bw' }, v: { N: '1' } } } },
          { DeleteRequest: { Key: { pk: { S: 'bw2' } } } },
        ],
        'fuzz-range': [{ PutRequest: { Item: { pk: { S: 'bw' }, sk: { N: '2' } } } }],
      },
      ReturnItemCollectionMetrics: 'SIZE',
    },
  ],
  [
    'TransactWriteItems',
    {
      TransactItems: [
        { Put: { TableName: 'fuzz', Item: { pk: { S: 't1' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: 'fuzz',
            Key: { pk: { S: 't2' } },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
        { Delete: { TableName: 'fuzz', Key: { pk: { S: 't3' } } } },
        {
          ConditionCheck: {
            TableName: 'fuzz',
            Key: K,
            ConditionExpression: 'attribute_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      ClientRequestToken: 'tok',
      ReturnConsumedCapacity: 'TOTAL',
    },
  ],
  [
    'TransactGetItems',
    {
      TransactItems: [
        { Get: { TableName: 'fuzz', Key: K, ProjectionExpression: 'pk' } },
        { Get: { TableName: 'fuzz-range', Key: KR } },
      ],
    },
  ],
  [
    'CreateTable',
    {
      TableName: 'fuzz-new',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'lsi',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'g', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    },
  ],
  [
    'UpdateTable',
    {
      TableName: 'fuzz-range',
      AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'byH',
            KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        },
      ],
    },
  ],
  [
    'UpdateTable',
    {
      TableName: 'fuzz-range',
      GlobalSecondaryIndexUpdates: [
        { Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } } },
        { Delete: { IndexName: 'nope' } },
      ],
    },
  ],
  [
    'UpdateTable',
    {
      TableName: 'fuzz',
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 3 },
    },
  ],
  ['DescribeTable', { TableName: 'fuzz' }],
  ['ListTables', { ExclusiveStartTableName: 'a', Limit: 5 }],
];

// ---------------------------------------------------------------------------------------------

describe('fuzz: malformed requests never cause a 5xx', { timeout: 90_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable('fuzz'));
    await createTable(server.ddb, {
      ...keyedTable('fuzz-range', 'S', 'N'),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    await putAll(server.ddb, 'fuzz', [
      { pk: S('a'), a: { N: '1' }, l: { L: [S('x')] }, m: { M: { b: S('c') } }, s: { SS: ['q'] } },
      { pk: S('\u00e9') },
    ]);
    await putAll(server.ddb, 'fuzz-range', [{ pk: S('a'), sk: { N: '1' }, g: S('g') }]);
  });
  afterAll(async () => {
    closeRawAgent();
    await server.stop();
  });

  const stillHealthy = async () => {
    const res = await fetch(`${server.endpoint}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^healthy: /);
  };

  it('random JSON and non-JSON bodies to every operation (and unknown ones)', async () => {
    const findings = new Findings();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom(...OPS, ...OTHER_OPS) },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        ),
        junkBody,
        async (op, body) => {
          findings.check(await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, body), op, `${op} ${body}`);
        },
      ),
      { seed: SEED, numRuns: 1200 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  it('operation-shaped requests with wrong JSON types for every member', async () => {
    const findings = new Findings();
    await fc.assert(
      fc.asyncProperty(shapedRequest, async ([op, own, extra]) => {
        const body = JSON.stringify({ ...extra, ...own });
        findings.check(await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, body), op, `${op} ${body}`);
      }),
      { seed: SEED + 1, numRuns: 2500 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  it('expression token soup against real tables', async () => {
    const findings = new Findings();
    const exprOp = fc.constantFrom('UpdateItem', 'PutItem', 'DeleteItem', 'GetItem', 'Query', 'Scan');
    await fc.assert(
      fc.asyncProperty(
        exprOp,
        fc.constantFrom('fuzz', 'fuzz-range'),
        exprSoup,
        exprSoup,
        names,
        values,
        async (op, table, e1, e2, n, v) => {
          const key = table === 'fuzz' ? { pk: { S: 'a' } } : { pk: { S: 'a' }, sk: { N: '1' } };
          const req: Record<string, unknown> = {
            TableName: table,
            ExpressionAttributeNames: n,
            ExpressionAttributeValues: v,
          };
          if (op === 'UpdateItem')
            Object.assign(req, { Key: key, UpdateExpression: e1, ConditionExpression: e2, ReturnValues: 'ALL_NEW' });
          if (op === 'PutItem') Object.assign(req, { Item: { ...key, x: { S: 'y' } }, ConditionExpression: e1 });
          if (op === 'DeleteItem')
            Object.assign(req, {
              Key: { pk: { S: 'never' }, ...(table === 'fuzz' ? {} : { sk: { N: '9' } }) },
              ConditionExpression: e1,
            });
          if (op === 'GetItem') Object.assign(req, { Key: key, ProjectionExpression: e1 });
          if (op === 'Query') Object.assign(req, { KeyConditionExpression: e1, FilterExpression: e2 });
          if (op === 'Scan') Object.assign(req, { FilterExpression: e1, ProjectionExpression: e2 });
          const body = JSON.stringify(req);
          findings.check(await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, body), op, `${op} ${body}`);
        },
      ),
      { seed: SEED + 2, numRuns: 1500 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  it('random AttributeValue shapes in items, keys and expression values', async () => {
    const findings = new Findings();
    await fc.assert(
      fc.asyncProperty(itemMap, keyMap, av, async (item, key, value) => {
        const put = JSON.stringify({ TableName: 'fuzz', Item: { ...item, pk: { S: 'shape' } } });
        findings.check(await dynamoRaw(server.endpoint, `${PREFIX}.PutItem`, put), 'PutItem', `PutItem ${put}`);
        const get = JSON.stringify({ TableName: 'fuzz-range', Key: key });
        findings.check(await dynamoRaw(server.endpoint, `${PREFIX}.GetItem`, get), 'GetItem', `GetItem ${get}`);
        const upd = JSON.stringify({
          TableName: 'fuzz',
          Key: { pk: { S: 'a' } },
          UpdateExpression: 'SET z = :v',
          ExpressionAttributeValues: { ':v': value },
        });
        findings.check(
          await dynamoRaw(server.endpoint, `${PREFIX}.UpdateItem`, upd),
          'UpdateItem',
          `UpdateItem ${upd}`,
        );
      }),
      { seed: SEED + 3, numRuns: 700 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  it('valid requests with one to three members replaced by null or a wrongly typed value', async () => {
    const findings = new Findings();
    const mutation = fc.record({
      at: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      to: fc.array(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom<unknown>(
              null,
              0,
              -1,
              1.5,
              '',
              'x',
              true,
              [],
              {},
              [null],
              { a: null },
              [[]],
              [{}],
            ),
          },
          { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        ),
        { minLength: 3, maxLength: 3 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: CORPUS.length - 1 }), mutation, async (which, { at, to }) => {
        const [op, template] = CORPUS[which]!;
        const body = structuredClone(template) as Json;
        const changes: { path: (string | number)[]; value: unknown }[] = [];
        at.forEach((n, i) => {
          const paths = jsonPaths(body);
          const path = paths[n % paths.length]!;
          setAt(body, path, structuredClone(to[i]));
          changes.push({ path, value: to[i] });
        });
        const describeChange = (c: (typeof changes)[number]) =>
          `${c.path.map((p) => (typeof p === 'number' ? '[]' : p)).join('.')} := ${JSON.stringify(c.value)?.slice(0, 20)}`;
        const text = JSON.stringify(body);
        const res = await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, text);
        if (res.status < 500) {
          findings.check(res, op, `${op} ${text}`);
          return;
        }
        // Minimise: report the single change that alone reproduces the 5xx, when there is one.
        const templatePaths = new Set(jsonPaths(template).map((p) => JSON.stringify(p)));
        for (const c of changes) {
          if (!templatePaths.has(JSON.stringify(c.path))) continue;
          const single = structuredClone(template) as Json;
          setAt(single, c.path, structuredClone(c.value));
          const singleText = JSON.stringify(single);
          const again = await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, singleText);
          if (again.status >= 500) {
            findings.check(again, `${op} ${describeChange(c)}`, `${op} ${singleText}`);
            return;
          }
        }
        findings.check(res, `${op} ${changes.map(describeChange).join(' & ')}`, `${op} ${text}`);
      }),
      { seed: SEED + 6, numRuns: 2500 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  it('bad Content-Type, Authorization, X-Amz-Date and Content-Encoding headers', async () => {
    const findings = new Findings();
    const goodBody = JSON.stringify({ TableName: 'fuzz', Key: { pk: { S: 'a' } } });
    const contentType = fc.constantFrom(
      undefined,
      '',
      'application/x-amz-json-1.0',
      'application/x-amz-json-1.1',
      'application/json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      '\u00ff',
    );
    const auth = fc.oneof(
      fc.constantFrom(
        'signed',
        'missing',
        'AWS4-HMAC-SHA256',
        'AWS4-HMAC-SHA256 Credential=',
        'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=zz',
        'Basic dXNlcjpwYXNz',
        'AWS4-HMAC-SHA1 Credential=x',
        'AWS4-HMAC-SHA256 Credential=AKID/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=, Signature=',
      ),
      fc.string({ maxLength: 80 }).map((s) => `AWS4-HMAC-SHA256 ${s}`),
      fc.string({ maxLength: 40 }),
    );
    const date = fc.constantFrom(undefined, 'garbage', '20200101T000000Z', '', '99999999T999999Z');
    const target = fc.oneof(
      fc.constantFrom(
        `${PREFIX}.GetItem`,
        `${PREFIX}.ListTables`,
        `${PREFIX}.`,
        PREFIX,
        'DynamoDB_20111205.GetItem',
        'Foo.Bar',
        '',
        '.',
        undefined,
      ),
      fc.string({ maxLength: 20 }),
    );
    const encoding = fc.constantFrom(
      undefined,
      'identity',
      'gzip:valid',
      'gzip:garbage',
      'deflate:valid',
      'deflate:garbage',
      'br',
      'gzip, deflate',
    );
    await fc.assert(
      fc.asyncProperty(
        contentType,
        auth,
        date,
        target,
        encoding,
        fc.uint8Array({ maxLength: 64 }),
        async (ct, au, dt, tg, enc, junk) => {
          let body: Buffer = Buffer.from(goodBody);
          const headers: Record<string, string> = {};
          if (enc === 'gzip:valid') body = gzipSync(body);
          if (enc === 'deflate:valid') body = deflateSync(body);
          if (enc === 'gzip:garbage' || enc === 'deflate:garbage')
            body = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(junk)]);
          if (enc !== undefined) headers['content-encoding'] = enc.split(':')[0]!;
          if (au === 'signed')
            Object.assign(headers, signedDynamoHeaders(server.endpoint, tg ?? `${PREFIX}.GetItem`, goodBody));
          else if (au !== 'missing') headers['authorization'] = au;
          if (tg === undefined) delete headers['x-amz-target'];
          else headers['x-amz-target'] = tg;
          if (ct === undefined) delete headers['content-type'];
          else headers['content-type'] = ct;
          if (dt !== undefined) headers['x-amz-date'] = dt;
          let res: RawResponse;
          try {
            res = await rawSend(server.endpoint, { headers, body });
          } catch (err) {
            // Node refuses to send some header values (e.g. control characters): not a server response.
            if (err instanceof TypeError || (err as { code?: string }).code === 'ERR_INVALID_CHAR') return;
            throw err;
          }
          findings.check(
            res,
            `headers ${enc ?? ''} ${ct ?? ''}`,
            JSON.stringify({ headers, body: body.toString('base64') }),
          );
        },
      ),
      { seed: SEED + 4, numRuns: 1000 },
    );
    await stillHealthy();
    findings.assertNone();
  });

  describe('extreme sizes and depths', () => {
    let findings = new Findings();
    beforeEach(() => {
      findings = new Findings();
    });
    afterEach(() => findings.assertNone());
    const send = async (op: string, body: string | Buffer, headers: Record<string, string> = {}, label = op) => {
      const text = typeof body === 'string' ? body : '';
      const res = await rawSend(server.endpoint, {
        headers: { ...signedDynamoHeaders(server.endpoint, `${PREFIX}.${op}`, text), ...headers },
        body,
      });
      findings.check(res, label, `${label}: ${op} (${body.length} bytes) ${body.slice(0, 120).toString()}`);
      return res;
    };
    const typeOf = (res: RawResponse) => (JSON.parse(res.body.toString()) as { __type?: string }).__type;

    it('huge strings, numbers and attribute names', async () => {
      expect(
        (
          await send(
            'PutItem',
            JSON.stringify({ TableName: 'fuzz', Item: { pk: { S: 'big' }, s: { S: 'x'.repeat(2_000_000) } } }),
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await send(
            'PutItem',
            JSON.stringify({ TableName: 'fuzz', Item: { pk: { S: 'big' }, n: { N: '9'.repeat(100_000) } } }),
          )
        ).status,
      ).toBe(400);
      await send(
        'PutItem',
        JSON.stringify({ TableName: 'fuzz', Item: { pk: { S: 'big' }, ['a'.repeat(100_000)]: { S: 'x' } } }),
      );
      expect(
        (await send('GetItem', JSON.stringify({ TableName: 'x'.repeat(100_000), Key: { pk: { S: 'a' } } }))).status,
      ).toBe(400);
      expect(
        (await send('Scan', JSON.stringify({ TableName: 'fuzz', Limit: 1e308, Segment: -1e308, TotalSegments: 1.5 })))
          .status,
      ).toBe(400);
      expect((await send('Scan', `{"TableName":"fuzz","Limit":${'9'.repeat(400)}}`)).status).toBe(400);
      expect(
        (
          await send(
            'UpdateItem',
            JSON.stringify({
              TableName: 'fuzz',
              Key: { pk: { S: 'a' } },
              UpdateExpression: 'SET ' + Array.from({ length: 5000 }, (_, i) => `a${i} = :v`).join(', '),
              ExpressionAttributeValues: { ':v': { S: 'x' } },
            }),
          )
        ).status,
      ).toBe(400);
      expect(
        (
          await send(
            'Scan',
            JSON.stringify({
              TableName: 'fuzz',
              FilterExpression: 'a IN (' + Array.from({ length: 5000 }, () => ':v').join(',') + ')',
              ExpressionAttributeValues: { ':v': { S: 'x' } },
            }),
          )
        ).status,
      ).toBe(400);
    });

    it('deep nesting: JSON, AttributeValues, expressions', async () => {
      for (const depth of [100, 1_000, 3_000, 10_000, 100_000]) {
        const d = `depth ${depth}`;
        await send('GetItem', '['.repeat(depth) + ']'.repeat(depth), {}, `${d}: JSON arrays`);
        await send(
          'GetItem',
          `{"TableName":"fuzz","Key":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
          {},
          `${d}: JSON objects in Key`,
        );
        let m = '{"S":"leaf"}';
        for (let i = 0; i < depth; i++) m = `{"M":{"n":${m}}}`;
        const l = '{"L":['.repeat(depth) + '{"S":"x"}' + ']}'.repeat(depth);
        expect
          .soft(
            (
              await send(
                'PutItem',
                `{"TableName":"fuzz","Item":{"pk":{"S":"deep"},"d":${m}}}`,
                {},
                `${d}: PutItem nested M`,
              )
            ).status,
          )
          .toBe(400);
        expect
          .soft(
            (
              await send(
                'PutItem',
                `{"TableName":"fuzz","Item":{"pk":{"S":"deep"},"d":${l}}}`,
                {},
                `${d}: PutItem nested L`,
              )
            ).status,
          )
          .toBe(400);
        await send('GetItem', `{"TableName":"fuzz","Key":{"pk":${m}}}`, {}, `${d}: GetItem Key nested M`);
        await send(
          'TransactWriteItems',
          `{"TransactItems":[{"Put":{"TableName":"fuzz","Item":{"pk":{"S":"t"},"d":${m}}}}]}`,
          {},
          `${d}: TransactWriteItems nested M`,
        );
        await send(
          'BatchWriteItem',
          `{"RequestItems":{"fuzz":[{"PutRequest":{"Item":{"pk":{"S":"b"},"d":${l}}}}]}}`,
          {},
          `${d}: BatchWriteItem nested L`,
        );
        await send(
          'Scan',
          `{"TableName":"fuzz","FilterExpression":"a = :v","ExpressionAttributeValues":{":v":${l}}}`,
          {},
          `${d}: Scan value nested L`,
        );
        // (Whether a deep expression value is refused is checked in limits.test.ts; here only robustness.)
        await send(
          'UpdateItem',
          `{"TableName":"fuzz","Key":{"pk":{"S":"fuzz-deep"}},"UpdateExpression":"SET a = :v","ExpressionAttributeValues":{":v":${m}}}`,
          {},
          `${d}: UpdateItem value nested M`,
        );
        await send(
          'Scan',
          JSON.stringify({ TableName: 'fuzz', FilterExpression: 'attribute_exists(a)' }),
          {},
          `${d}: Scan after`,
        );
        const parens = '('.repeat(Math.min(depth, 20_000)) + 'a = :v' + ')'.repeat(Math.min(depth, 20_000));
        const byParens = await send(
          'Scan',
          JSON.stringify({
            TableName: 'fuzz',
            FilterExpression: parens,
            ExpressionAttributeValues: { ':v': { S: 'x' } },
          }),
          {},
          `${d}: parentheses`,
        );
        const path = 'a' + '.b'.repeat(Math.min(depth, 20_000));
        const byPath = await send(
          'GetItem',
          JSON.stringify({ TableName: 'fuzz', Key: { pk: { S: 'a' } }, ProjectionExpression: path }),
          {},
          `${d}: document path`,
        );
        if (depth >= 10_000) {
          // Past the 4 KB expression limit.
          expect(byParens.status).toBe(400);
          expect(byPath.status).toBe(400);
        }
      }
    });

    it('bodies over 20 MB, also when only the decompressed body is that big', async () => {
      const big = await send('PutItem', Buffer.alloc(21 * 1024 * 1024, 0x20));
      expect(big.status).toBe(413);
      expect(typeOf(big)).toBe('com.amazon.coral.service#RequestEntityTooLarge');
      const bomb = gzipSync(Buffer.alloc(40 * 1024 * 1024, 0x20));
      expect(bomb.length).toBeLessThan(100 * 1024);
      const res = await send('PutItem', bomb, { 'content-encoding': 'gzip' });
      expect(res.status).toBe(413);
    });
  });

  it('the server still answers GET / and real requests afterwards, with DynamoDB wire headers', async () => {
    await stillHealthy();
    const res = await dynamoRaw(
      server.endpoint,
      `${PREFIX}.GetItem`,
      JSON.stringify({ TableName: 'fuzz', Key: { pk: { S: 'a' } }, ConsistentRead: true }),
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).Item.pk).toEqual({ S: 'a' });
    // Success and error answers both carry the content type, a request id and a correct CRC32.
    const bad = await dynamoRaw(server.endpoint, `${PREFIX}.GetItem`, '{"TableName":1}');
    for (const r of [res, bad]) {
      expect(r.headers['content-type']).toBe('application/x-amz-json-1.0');
      expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9A-Z]{52}$/);
      expect(Number(r.headers['x-amz-crc32'])).toBe(crc32(r.body));
    }
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).__type).toBe('com.amazon.coral.service#SerializationException');
  });
});

/**
 * Minimal reproductions of the crashes the fuzzers above found, kept as plain cases so each one is
 * a named test. JSON `null` members and list elements are legal JSON that Coral treats as absent;
 * every case must be a 200 or a 4xx, never an InternalServerError.
 */
const CRASHERS: [string, string][] = [
  ['Scan', '{"TableName":"fuzz","ProjectionExpression":null}'],
  ['Query', '{"TableName":"fuzz-range","KeyConditionExpression":null,"FilterExpression":"attribute_exists(g)"}'],
  [
    'UpdateItem',
    '{"TableName":"fuzz","Key":{"pk":{"S":"a"}},"UpdateExpression":null,"ConditionExpression":"attribute_exists(pk)"}',
  ],
  ['UpdateItem', '{"TableName":"fuzz","Key":{"pk":{"S":"a"}},"UpdateExpression":null,"ReturnValues":"UPDATED_NEW"}'],
  ['GetItem', '{"TableName":"fuzz","Key":{"pk":{"S":"a"}},"AttributesToGet":["a",null]}'],
  ['PutItem', '{"TableName":"fuzz","Item":{"pk":{"S":"a"}},"Expected":{"x":null}}'],
  ['UpdateItem', '{"TableName":"fuzz","Key":{"pk":{"S":"a"}},"AttributeUpdates":{"x":null}}'],
  ['Query', '{"TableName":"fuzz","KeyConditions":{"pk":null}}'],
  [
    'Query',
    '{"TableName":"fuzz-range","IndexName":"byG","KeyConditions":{"g":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"g"}]}},"QueryFilter":{"a":null}}',
  ],
  ['Scan', '{"TableName":"fuzz","ScanFilter":{"a":null}}'],
  ['BatchGetItem', '{"RequestItems":{"fuzz":null}}'],
  ['BatchWriteItem', '{"RequestItems":{"fuzz":null}}'],
  ['BatchWriteItem', '{"RequestItems":{"fuzz":[null]}}'],
  ['TransactWriteItems', '{"TransactItems":[null]}'],
  ['TransactGetItems', '{"TransactItems":[null]}'],
  [
    'CreateTable',
    '{"TableName":"crash","AttributeDefinitions":[null],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}',
  ],
  [
    'CreateTable',
    '{"TableName":"crash","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[null],"BillingMode":"PAY_PER_REQUEST"}',
  ],
  [
    'CreateTable',
    '{"TableName":"crash","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],"KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST","GlobalSecondaryIndexes":[null]}',
  ],
  ['UpdateTable', '{"TableName":"fuzz-range","GlobalSecondaryIndexUpdates":[null]}'],
  [
    'UpdateTable',
    '{"TableName":"fuzz-range","AttributeDefinitions":[null],"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"byH","KeySchema":[{"AttributeName":"h","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}}]}',
  ],
  [
    'PutItem',
    `{"TableName":"fuzz","Item":{"pk":{"S":"deep"},"d":${'{"M":{"n":'.repeat(10_000)}{"S":"x"}${'}}'.repeat(10_000)}}}`,
  ],
  [
    'PutItem',
    `{"TableName":"fuzz","Item":{"pk":{"S":"deep"},"d":${'{"L":['.repeat(10_000)}{"S":"x"}${']}'.repeat(10_000)}}}`,
  ],
  ['GetItem', `{"TableName":"fuzz","Key":{"pk":${'{"M":{"n":'.repeat(10_000)}{"S":"x"}${'}}'.repeat(10_000)}}}`],
  [
    'UpdateItem',
    `{"TableName":"fuzz","Key":{"pk":{"S":"a"}},"UpdateExpression":"SET d = :v","ExpressionAttributeValues":{":v":${'{"M":{"n":'.repeat(10_000)}{"S":"x"}${'}}'.repeat(10_000)}}}`,
  ],
  [
    'Scan',
    `{"TableName":"fuzz","FilterExpression":"d = :v","ExpressionAttributeValues":{":v":${'{"L":['.repeat(10_000)}{"S":"x"}${']}'.repeat(10_000)}}}`,
  ],
  [
    'TransactWriteItems',
    `{"TransactItems":[{"Put":{"TableName":"fuzz","Item":{"pk":{"S":"t"},"d":${'{"M":{"n":'.repeat(10_000)}{"S":"x"}${'}}'.repeat(10_000)}}}}]}`,
  ],
];

describe('fuzz: minimal reproductions of crashes', { timeout: 90_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable('fuzz'));
    await createTable(server.ddb, {
      ...keyedTable('fuzz-range', 'S', 'N'),
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
  });
  afterAll(() => server.stop());

  it.each(
    CRASHERS.map(([op, body]) => [
      op,
      body.length > 160 ? `${body.slice(0, 100)}… (${body.length} bytes)` : body,
      body,
    ]),
  )('%s %s', async (op, _shown, body) => {
    checkResponse(await dynamoRaw(server.endpoint, `${PREFIX}.${op}`, body), `${op} ${body.slice(0, 300)}`);
  });
});

describe('fuzz: garbled SigV4 in --auth enforce mode', { timeout: 90_000 }, () => {
  let server: TestServer;
  const KEY = { accessKeyId: 'AKIAFUZZENFORCE', secretAccessKey: 'fuzz-secret', account: '123456789012' };
  beforeAll(async () => {
    server = await startTestServer({ auth: 'enforce', credentials: [KEY] });
  });
  afterAll(() => server.stop());

  it('every mangled Authorization header is a 4xx AWS error', async () => {
    const body = JSON.stringify({});
    const good = signedDynamoHeaders(server.endpoint, `${PREFIX}.ListTables`, body, {}, KEY);
    const authorization = good['authorization']!;
    const mangle = fc.oneof(
      // Flip, drop or insert one character anywhere in a valid header.
      fc
        .tuple(fc.nat({ max: authorization.length - 1 }), fc.string({ minLength: 0, maxLength: 1 }))
        .map(([i, c]) => authorization.slice(0, i) + c + authorization.slice(i + 1)),
      fc.nat({ max: authorization.length }).map((n) => authorization.slice(0, n)),
      fc.string({ maxLength: 120 }),
    );
    await fc.assert(
      fc.asyncProperty(mangle, fc.boolean(), async (auth, dropDate) => {
        const headers = { ...good, authorization: auth };
        if (dropDate) delete (headers as Record<string, string>)['x-amz-date'];
        let res: RawResponse;
        try {
          res = await rawSend(server.endpoint, { headers, body });
        } catch (err) {
          if (err instanceof TypeError || (err as { code?: string }).code === 'ERR_INVALID_CHAR') return;
          throw err;
        }
        checkResponse(res, auth);
        if (auth !== authorization || dropDate) expect(res.status, auth).not.toBe(200);
      }),
      { seed: SEED + 5, numRuns: 600 },
    );
    const ok = await rawSend(server.endpoint, {
      headers: signedDynamoHeaders(server.endpoint, `${PREFIX}.ListTables`, body, {}, KEY),
      body,
    });
    expect(ok.status).toBe(200);
  });
});
