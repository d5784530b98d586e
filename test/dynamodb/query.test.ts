import { PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, putAll, queryAll, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const TS = 'query-s';
const TN = 'query-n';
const TB = 'query-b';
const BIG = 'query-big';

/** Sort keys in the order DynamoDB must return them. */
const NUMBERS = [
  '-1E+20',
  '-100',
  '-10.5',
  '-1',
  '-0.001',
  '0',
  '0.001',
  '0.5',
  '1',
  '2',
  '10',
  '10.5',
  '100',
  '1E+20',
];
/** UTF-8 byte order: unlike JS's UTF-16 order, an astral character sorts after U+E000 and U+FFFF. */
const STRINGS = [
  '0',
  'A',
  'B',
  'Z',
  'a',
  'aa',
  'ab',
  'b',
  'z',
  '~',
  '\u00e9',
  '\u4e2d',
  '\ue000',
  '\uffff',
  '\u{1F600}',
  '\u{1F600}a',
];
const BINARIES = [
  [0x00],
  [0x00, 0x00],
  [0x00, 0x01],
  [0x01],
  [0x7f],
  [0x80],
  [0x80, 0x00],
  [0xfe],
  [0xff],
  [0xff, 0x00],
  [0xff, 0xff],
];
const hex = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('hex');

describe('DynamoDB Query', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(TS, 'S', 'S'));
    await createTable(server.ddb, keyedTable(TN, 'S', 'N'));
    await createTable(server.ddb, keyedTable(TB, 'S', 'B'));
    // Insert in a shuffled order so insertion order cannot explain the results.
    const shuffle = <T>(xs: T[]) =>
      xs
        .map((x, i) => [(i * 7919) % 101, x] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, x]) => x);
    await putAll(
      server.ddb,
      TS,
      shuffle(STRINGS).map((sk, i) => ({ pk: S('p'), sk: S(sk), i: N(i) })),
    );
    await putAll(
      server.ddb,
      TN,
      shuffle(NUMBERS).map((sk) => ({ pk: S('p'), sk: N(sk) })),
    );
    await putAll(
      server.ddb,
      TB,
      shuffle(BINARIES).map((sk) => ({ pk: S('p'), sk: { B: Uint8Array.from(sk) } })),
    );
    // Other partitions that must never leak into results.
    await putAll(server.ddb, TS, [
      { pk: S('other'), sk: S('a') },
      { pk: S('p2'), sk: S('a') },
    ]);
    await putAll(server.ddb, TN, [{ pk: S('o'), sk: N(5) }]);
  });
  afterAll(() => server.stop());

  const q = (
    TableName: string,
    KeyConditionExpression: string,
    values: Record<string, AttributeValue>,
    extra: Partial<QueryCommandInput> = {},
  ) =>
    queryAll(server.ddb, {
      TableName,
      KeyConditionExpression,
      ExpressionAttributeValues: { ':p': S('p'), ...values },
      ...extra,
    });
  const sks = (items: Item[]) => items.map((i) => i['sk']!.S ?? i['sk']!.N ?? hex(i['sk']!.B));

  describe('sort order', () => {
    it('orders number sort keys numerically, including negatives and decimals', async () => {
      const { items } = await q(TN, 'pk = :p', {});
      expect(sks(items)).toEqual([
        '-100000000000000000000',
        '-100',
        '-10.5',
        '-1',
        '-0.001',
        '0',
        '0.001',
        '0.5',
        '1',
        '2',
        '10',
        '10.5',
        '100',
        '100000000000000000000',
      ]);
      const back = await q(TN, 'pk = :p', {}, { ScanIndexForward: false });
      expect(sks(back.items)).toEqual(sks(items).reverse());
    });

    it('orders string sort keys by UTF-8 bytes, not UTF-16 code units', async () => {
      const { items } = await q(TS, 'pk = :p', {});
      expect(sks(items)).toEqual(STRINGS);
      // The JS default sort would put the astral character before U+E000 and U+FFFF.
      expect([...STRINGS].sort()).not.toEqual(STRINGS);
      const back = await q(TS, 'pk = :p', {}, { ScanIndexForward: false });
      expect(sks(back.items)).toEqual([...STRINGS].reverse());
    });

    it('orders binary sort keys as unsigned bytes', async () => {
      const { items } = await q(TB, 'pk = :p', {});
      expect(sks(items)).toEqual(BINARIES.map((b) => hex(Uint8Array.from(b))));
    });
  });

  describe('sort key conditions', () => {
    it('comparisons and BETWEEN on numbers', async () => {
      expect(sks((await q(TN, 'pk = :p AND sk < :v', { ':v': N(0) })).items)).toEqual([
        '-100000000000000000000',
        '-100',
        '-10.5',
        '-1',
        '-0.001',
      ]);
      expect(sks((await q(TN, 'pk = :p AND sk <= :v', { ':v': N('-1.0') })).items)).toEqual([
        '-100000000000000000000',
        '-100',
        '-10.5',
        '-1',
      ]);
      expect(sks((await q(TN, 'pk = :p AND sk > :v', { ':v': N(10) })).items)).toEqual([
        '10.5',
        '100',
        '100000000000000000000',
      ]);
      expect(sks((await q(TN, 'pk = :p AND sk >= :v', { ':v': N(100) })).items)).toEqual([
        '100',
        '100000000000000000000',
      ]);
      expect(sks((await q(TN, 'pk = :p AND sk = :v', { ':v': N('1E1') })).items)).toEqual(['10']);
      expect(sks((await q(TN, 'pk = :p AND sk BETWEEN :a AND :b', { ':a': N('-1'), ':b': N('0.5') })).items)).toEqual([
        '-1',
        '-0.001',
        '0',
        '0.001',
        '0.5',
      ]);
    });

    it('begins_with and BETWEEN on strings', async () => {
      expect(sks((await q(TS, 'pk = :p AND begins_with(sk, :b)', { ':b': S('a') })).items)).toEqual(['a', 'aa', 'ab']);
      expect(sks((await q(TS, 'pk = :p AND begins_with(sk, :b)', { ':b': S('\u{1F600}') })).items)).toEqual([
        '\u{1F600}',
        '\u{1F600}a',
      ]);
      expect(sks((await q(TS, 'pk = :p AND sk BETWEEN :a AND :b', { ':a': S('Z'), ':b': S('b') })).items)).toEqual([
        'Z',
        'a',
        'aa',
        'ab',
        'b',
      ]);
      expect(sks((await q(TS, 'pk = :p AND sk > :a', { ':a': S('\uffff') })).items)).toEqual([
        '\u{1F600}',
        '\u{1F600}a',
      ]);
    });

    it('begins_with and BETWEEN on binaries', async () => {
      const B = (b: number[]) => ({ B: Uint8Array.from(b) });
      expect(sks((await q(TB, 'pk = :p AND begins_with(sk, :b)', { ':b': B([0xff]) })).items)).toEqual([
        'ff',
        'ff00',
        'ffff',
      ]);
      expect(sks((await q(TB, 'pk = :p AND begins_with(sk, :b)', { ':b': B([0x00]) })).items)).toEqual([
        '00',
        '0000',
        '0001',
      ]);
      expect(
        sks((await q(TB, 'pk = :p AND sk BETWEEN :a AND :b', { ':a': B([0x01]), ':b': B([0x80, 0x00]) })).items),
      ).toEqual(['01', '7f', '80', '8000']);
    });

    it('key conditions may be written in either order, with #aliases and parentheses', async () => {
      const { items } = await q(
        TN,
        '(#s BETWEEN :a AND :b) AND (#h = :p)',
        { ':a': N(1), ':b': N(2) },
        { ExpressionAttributeNames: { '#s': 'sk', '#h': 'pk' } },
      );
      expect(sks(items)).toEqual(['1', '2']);
    });
  });

  describe('paging', () => {
    const PAGED = 'query-paged';
    const COUNT = 53;
    beforeAll(async () => {
      await createTable(server.ddb, keyedTable(PAGED, 'S', 'N'));
      await putAll(
        server.ddb,
        PAGED,
        Array.from({ length: COUNT }, (_, i) => ({ pk: S('p'), sk: N(i), odd: { BOOL: i % 2 === 1 } })),
      );
      await putAll(server.ddb, PAGED, [{ pk: S('q'), sk: N(0) }]);
    });

    it('Limit + LastEvaluatedKey visits every item exactly once, in order, both directions', async () => {
      for (const forward of [true, false]) {
        const { items, pages } = await queryAll(server.ddb, {
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Limit: 7,
          ScanIndexForward: forward,
        });
        const order = Array.from({ length: COUNT }, (_, i) => String(i));
        expect(sks(items)).toEqual(forward ? order : order.reverse());
        expect(pages).toEqual([7, 7, 7, 7, 7, 7, 7, 4]);
      }
    });

    it('LastEvaluatedKey is the key of the last item read; a page that ends exactly at the end still has one', async () => {
      const first = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Limit: 3,
        }),
      );
      expect(first.LastEvaluatedKey).toEqual({ pk: S('p'), sk: N(2) });
      const last = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ExclusiveStartKey: { pk: S('p'), sk: N(COUNT - 4) },
          Limit: 3,
        }),
      );
      expect(sks(last.Items!)).toEqual([String(COUNT - 3), String(COUNT - 2), String(COUNT - 1)]);
      expect(last.LastEvaluatedKey).toEqual({ pk: S('p'), sk: N(COUNT - 1) });
      const after = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          ExclusiveStartKey: last.LastEvaluatedKey,
          Limit: 3,
        }),
      );
      expect(after.Items).toEqual([]);
      expect(after.Count).toBe(0);
      expect(after.LastEvaluatedKey).toBeUndefined();
    });

    it('Limit counts items read before the filter (ScannedCount), not items returned', async () => {
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'odd = :t',
          ExpressionAttributeValues: { ':p': S('p'), ':t': { BOOL: true } },
          Limit: 10,
        }),
      );
      expect(out.ScannedCount).toBe(10);
      expect(out.Count).toBe(5);
      expect(sks(out.Items!)).toEqual(['1', '3', '5', '7', '9']);
      expect(out.LastEvaluatedKey).toEqual({ pk: S('p'), sk: N(9) });
      const all = await queryAll(server.ddb, {
        TableName: PAGED,
        KeyConditionExpression: 'pk = :p',
        FilterExpression: 'odd = :t',
        ExpressionAttributeValues: { ':p': S('p'), ':t': { BOOL: true } },
        Limit: 10,
      });
      expect(all.items).toHaveLength(26);
    });

    it('Select COUNT returns counts and no items', async () => {
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p AND sk >= :from',
          ExpressionAttributeValues: { ':p': S('p'), ':from': N(50) },
          Select: 'COUNT',
        }),
      );
      expect(out.Count).toBe(3);
      expect(out.ScannedCount).toBe(3);
      expect(out.Items).toBeUndefined();
      const filtered = await server.ddb.send(
        new QueryCommand({
          TableName: PAGED,
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'odd = :t',
          ExpressionAttributeValues: { ':p': S('p'), ':t': { BOOL: false } },
          Select: 'COUNT',
        }),
      );
      expect(filtered.Count).toBe(27);
      expect(filtered.ScannedCount).toBe(COUNT);
    });

    it('ExclusiveStartKey outside the key condition is rejected', async () => {
      await expectError(
        server.ddb.send(
          new QueryCommand({
            TableName: PAGED,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': S('p') },
            ExclusiveStartKey: { pk: S('q'), sk: N(0) },
          }),
        ),
        'ValidationException',
        'The provided starting key is outside query boundaries based on provided conditions',
      );
    });
  });

  describe('the 1 MB page limit', () => {
    const ITEM_BYTES = 100 * 1024;
    const COUNT = 25; // ~2.5 MB in one partition
    beforeAll(async () => {
      await createTable(server.ddb, keyedTable(BIG, 'S', 'N'));
      const blob = 'x'.repeat(ITEM_BYTES);
      for (let i = 0; i < COUNT; i++) {
        await server.ddb.send(new PutItemCommand({ TableName: BIG, Item: { pk: S('p'), sk: N(i), d: S(blob) } }));
      }
    });

    it('a Query without Limit stops at about 1 MB and returns LastEvaluatedKey', async () => {
      const first = await server.ddb.send(
        new QueryCommand({
          TableName: BIG,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
        }),
      );
      const n = first.Items!.length;
      // 1 MB / 100 KB ≈ 10.24 items: AWS returns 10 or 11 (it finishes the item that crosses the limit).
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(11);
      expect(first.LastEvaluatedKey).toEqual({ pk: S('p'), sk: N(n - 1) });
      const { items, pages } = await queryAll(server.ddb, {
        TableName: BIG,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': S('p') },
      });
      expect(pages.length).toBe(3);
      expect(sks(items)).toEqual(Array.from({ length: COUNT }, (_, i) => String(i)));
    });

    it('Select COUNT is limited by the same 1 MB of data read', async () => {
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: BIG,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Select: 'COUNT',
        }),
      );
      expect(out.Count).toBeLessThanOrEqual(11);
      expect(out.LastEvaluatedKey).toBeDefined();
    });

    it('a Scan is limited to about 1 MB per page too', async () => {
      const out = await server.ddb.send(new ScanCommand({ TableName: BIG }));
      expect(out.Items!.length).toBeGreaterThanOrEqual(10);
      expect(out.Items!.length).toBeLessThanOrEqual(11);
      expect(out.LastEvaluatedKey).toBeDefined();
    });
  });

  describe('errors', () => {
    const query = (input: Partial<QueryCommandInput>) => server.ddb.send(new QueryCommand({ TableName: TN, ...input }));

    it('the hash key must be constrained by equality', async () => {
      await expectError(
        query({ KeyConditionExpression: 'sk = :v', ExpressionAttributeValues: { ':v': N(1) } }),
        'ValidationException',
        'Query condition missed key schema element: pk',
      );
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p OR sk = :v',
          ExpressionAttributeValues: { ':p': S('p'), ':v': N(1) },
        }),
        'ValidationException',
        'Invalid operator used in KeyConditionExpression: OR',
      );
      await expectError(
        query({}),
        'ValidationException',
        'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.',
      );
      await expectError(
        query({ KeyConditionExpression: '', ExpressionAttributeValues: { ':p': S('p') } }),
        'ValidationException',
        'Invalid KeyConditionExpression: The expression can not be empty;',
      );
    });

    it('begins_with needs a string or binary key', async () => {
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :v)',
          ExpressionAttributeValues: { ':p': S('p'), ':v': N(1) },
        }),
        'ValidationException',
        'Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N',
      );
    });

    it('FilterExpression may not use key attributes', async () => {
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p',
          FilterExpression: 'sk > :v',
          ExpressionAttributeValues: { ':p': S('p'), ':v': N(1) },
        }),
        'ValidationException',
        'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
      );
    });

    it('Limit and Select are validated', async () => {
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Select: 'NOPE' as 'COUNT',
        }),
        'ValidationException',
        "1 validation error detected: Value 'NOPE' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
      );
      await expectError(
        query({ KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p') }, Limit: 0 }),
        'ValidationException',
        /^1 validation error detected: Value (?:'0' )?at '[lL]imit' failed to satisfy constraint: Member must have value greater than or equal to 1$/,
      );
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Select: 'ALL_PROJECTED_ATTRIBUTES',
        }),
        'ValidationException',
        'ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName',
      );
    });

    it('Select COUNT with a ProjectionExpression: Query prefixes "1 validation error detected", Scan does not', async () => {
      // Observed on real DynamoDB (us-east-1) by ExtendDB's parity tests.
      await expectError(
        server.ddb.send(new ScanCommand({ TableName: TN, Select: 'COUNT', ProjectionExpression: 'sk' })),
        'ValidationException',
        'Cannot specify the ProjectionExpression when choosing to get only the Count',
      );
      await expectError(
        query({
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('p') },
          Select: 'COUNT',
          ProjectionExpression: 'sk',
        }),
        'ValidationException',
        '1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count',
      );
    });

    it('unknown tables and indexes', async () => {
      await expectError(
        server.ddb.send(
          new QueryCommand({
            TableName: 'query-missing',
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': S('p') },
          }),
        ),
        'ResourceNotFoundException',
        'Requested resource not found',
      );
      await expectError(
        query({ IndexName: 'nope', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': S('p') } }),
        'ValidationException',
        'The table does not have the specified index: nope',
      );
    });
  });
});
