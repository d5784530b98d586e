import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, expectError, keyedTable, N, S } from '../helpers/ddb.js';
import type { Item } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const T = 'limits-hash';
const C = 'limits-num-range';
const SB = 'limits-s-range';

const MAX_ITEM = 400 * 1024;

describe('DynamoDB value limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await createTable(server.ddb, keyedTable(T));
    await createTable(server.ddb, keyedTable(C, 'S', 'N'));
    await createTable(server.ddb, keyedTable(SB, 'S', 'B'));
  });
  afterAll(() => server.stop());

  const put = (Item: Item) => server.ddb.send(new PutItemCommand({ TableName: T, Item }));
  const get = async (pk: string) =>
    (await server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S(pk) }, ConsistentRead: true }))).Item;
  const roundTrip = async (n: string) => {
    await put({ pk: S('num'), v: N(n) });
    return (await get('num'))!['v']!.N;
  };

  describe('numbers', () => {
    it.each([
      ['12345678901234567890123456789012345678', '12345678901234567890123456789012345678'],
      ['-12345678901234567890123456789012345678', '-12345678901234567890123456789012345678'],
      ['0.12345678901234567890123456789012345678', '0.12345678901234567890123456789012345678'],
      ['1234567890123456789.0123456789012345678', '1234567890123456789.0123456789012345678'],
      [
        '9.9999999999999999999999999999999999999E+125',
        '999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
      ],
      [
        '-9.9999999999999999999999999999999999999E+125',
        '-999999999999999999999999999999999999990000000000000000000000000000000000000000000000000000000000000000000000000000000000000000',
      ],
      [
        '1E-130',
        '0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001',
      ],
      ['00042', '42'],
      ['1.0', '1'],
      ['3.1400', '3.14'],
      ['1.5E2', '150'],
      ['-0', '0'],
      ['0.000', '0'],
      ['+7', '7'],
      ['.5', '0.5'],
      ['5.', '5'],
      ['1e3', '1000'],
      ['123456789012345678901234567890123456780000', '123456789012345678901234567890123456780000'],
    ])('%s round-trips as %s', async (input, expected) => {
      expect(await roundTrip(input)).toBe(expected);
    });

    it('38 significant digits survive exactly where a double would not', async () => {
      const n = '98765432109876543210987654321098765432';
      expect(await roundTrip(n)).toBe(n);
      expect(String(Number(n))).not.toBe(n);
    });

    it.each([
      ['123456789012345678901234567890123456789', 'Attempting to store more than 38 significant digits in a Number'],
      ['1.23456789012345678901234567890123456789', 'Attempting to store more than 38 significant digits in a Number'],
      ['1E+126', 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
      ['-1E+126', 'Number overflow. Attempting to store a number with magnitude larger than supported range'],
      ['1E-131', 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
      ['-1E-131', 'Number underflow. Attempting to store a number with magnitude smaller than supported range'],
      ['abc', 'The parameter cannot be converted to a numeric value: abc'],
      ['1.2.3', 'The parameter cannot be converted to a numeric value: 1.2.3'],
      ['NaN', 'The parameter cannot be converted to a numeric value: NaN'],
      ['Infinity', 'The parameter cannot be converted to a numeric value: Infinity'],
      ['0x10', 'The parameter cannot be converted to a numeric value: 0x10'],
      ['', 'The parameter cannot be converted to a numeric value'],
    ])('rejects %j: %s', async (input, message) => {
      await expectError(put({ pk: S('bad-num'), v: N(input) }), 'ValidationException', message);
    });

    it('validates numbers inside sets, lists, maps and expression values', async () => {
      await expectError(
        put({ pk: S('bad-num'), v: { NS: ['1', '1E+126'] } }),
        'ValidationException',
        'Number overflow. Attempting to store a number with magnitude larger than supported range',
      );
      await expectError(
        put({ pk: S('bad-num'), v: { L: [{ M: { x: N('nope') } }] } }),
        'ValidationException',
        'The parameter cannot be converted to a numeric value: nope',
      );
      await expectError(
        server.ddb.send(
          new UpdateItemCommand({
            TableName: T,
            Key: { pk: S('bad-num') },
            UpdateExpression: 'SET v = :v',
            ExpressionAttributeValues: { ':v': N('1E+126') },
          }),
        ),
        'ValidationException',
        'ExpressionAttributeValues contains invalid value: Number overflow. Attempting to store a number with magnitude larger than supported range for key :v',
      );
      expect(await get('bad-num')).toBeUndefined();
    });

    it('arithmetic that leaves the supported range is rejected', async () => {
      await put({
        pk: S('arith'),
        big: N('9.9999999999999999999999999999999999999E+125'),
        p: N('12345678901234567890123456789012345678'),
      });
      await expectError(
        server.ddb.send(
          new UpdateItemCommand({ TableName: T, Key: { pk: S('arith') }, UpdateExpression: 'SET big = big + big' }),
        ),
        'ValidationException',
        'Number overflow. Attempting to store a number with magnitude larger than supported range',
      );
      // Adding a small fraction to 38 digits would need 39 significant digits.
      await expectError(
        server.ddb.send(
          new UpdateItemCommand({
            TableName: T,
            Key: { pk: S('arith') },
            UpdateExpression: 'ADD p :f',
            ExpressionAttributeValues: { ':f': N('0.5') },
          }),
        ),
        'ValidationException',
        'Number overflow. Attempting to store a number with magnitude larger than supported range',
      );
    });

    it('number sort keys order correctly at the extremes of precision and range', async () => {
      const keys = [
        '-9.9999999999999999999999999999999999999E+125',
        '-1',
        '-1E-130',
        '0',
        '1E-130',
        '0.1',
        '1',
        '99999999999999999999999999999999999999',
        '9.9999999999999999999999999999999999999E+125',
      ];
      for (const k of [...keys].reverse())
        await server.ddb.send(new PutItemCommand({ TableName: C, Item: { pk: S('edge'), sk: N(k) } }));
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: C,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('edge') },
        }),
      );
      const got = out.Items!.map((i) => i['sk']!.N!);
      expect(got).toHaveLength(keys.length);
      const asBig = got.map((x) => x.replace(/^-/, ''));
      expect(got[0]!.startsWith('-9999999999999999999999999999999999999900')).toBe(true);
      expect(got.slice(1, 8)).toEqual([
        '-1',
        `-0.${'0'.repeat(129)}1`,
        '0',
        `0.${'0'.repeat(129)}1`,
        '0.1',
        '1',
        '99999999999999999999999999999999999999',
      ]);
      expect(asBig[8]!.length).toBe(126);
    });

    it('equal numbers written differently are the same key', async () => {
      await server.ddb.send(new PutItemCommand({ TableName: C, Item: { pk: S('same'), sk: N('100'), v: S('first') } }));
      await server.ddb.send(
        new PutItemCommand({ TableName: C, Item: { pk: S('same'), sk: N('1.00E2'), v: S('second') } }),
      );
      const out = await server.ddb.send(
        new QueryCommand({
          TableName: C,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S('same') },
        }),
      );
      expect(out.Items).toEqual([{ pk: S('same'), sk: N(100), v: S('second') }]);
    });
  });

  describe('item size', () => {
    it('accepts an item of exactly 400 KB and rejects one byte more', async () => {
      // Size = attribute name bytes + value bytes: pk(2) + 'x'(1) + d(1) + payload.
      const payload = MAX_ITEM - 2 - 1 - 1;
      await put({ pk: S('x'), d: S('a'.repeat(payload)) });
      expect((await get('x'))!['d']!.S!.length).toBe(payload);
      await expectError(
        put({ pk: S('y'), d: S('a'.repeat(payload + 1)) }),
        'ValidationException',
        'Item size has exceeded the maximum allowed size',
      );
      expect(await get('y')).toBeUndefined();
    });

    it('counts UTF-8 bytes, attribute names, nested names, sets and binaries', async () => {
      const msg = 'Item size has exceeded the maximum allowed size';
      // 140,000 three-byte characters = 420,000 bytes.
      await expectError(put({ pk: S('u'), d: S('\u4e2d'.repeat(140_000)) }), 'ValidationException', msg);
      const names: Item = {};
      for (let i = 0; i < 100; i++) names[`${'n'.repeat(200)}${i}`] = S('v'.repeat(3900));
      await expectError(put({ pk: S('u'), ...names }), 'ValidationException', msg);
      await expectError(
        put({ pk: S('u'), m: { M: { [`k${'k'.repeat(10_000)}`]: S('v'.repeat(400_000)) } } }),
        'ValidationException',
        msg,
      );
      await expectError(
        put({ pk: S('u'), s: { SS: Array.from({ length: 100 }, (_, i) => `${'s'.repeat(4200)}${i}`) } }),
        'ValidationException',
        msg,
      );
      await expectError(put({ pk: S('u'), b: { B: new Uint8Array(MAX_ITEM) } }), 'ValidationException', msg);
      await put({ pk: S('u'), b: { B: new Uint8Array(350_000) } });
      expect((await get('u'))!['b']!.B!.length).toBe(350_000);
    });

    it('an update that would grow the item past 400 KB is rejected', async () => {
      await put({ pk: S('grow'), d: S('a'.repeat(300_000)) });
      await expectError(
        server.ddb.send(
          new UpdateItemCommand({
            TableName: T,
            Key: { pk: S('grow') },
            UpdateExpression: 'SET e = :e',
            ExpressionAttributeValues: { ':e': S('b'.repeat(120_000)) },
          }),
        ),
        'ValidationException',
        'Item size to update has exceeded the maximum allowed size',
      );
      expect(Object.keys((await get('grow'))!).sort()).toEqual(['d', 'pk']);
    });
  });

  describe('keys', () => {
    it('empty strings are fine outside keys, but not as key values', async () => {
      await put({
        pk: S('empty-ok'),
        s: S(''),
        l: { L: [S('')] },
        m: { M: { e: S('') } },
        b: { B: new Uint8Array(0) },
      });
      expect(await get('empty-ok')).toEqual({
        pk: S('empty-ok'),
        s: S(''),
        l: { L: [S('')] },
        m: { M: { e: S('') } },
        b: { B: new Uint8Array(0) },
      });
      await expectError(
        put({ pk: S('') }),
        'ValidationException',
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
      );
      await expectError(
        server.ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S('') } })),
        'ValidationException',
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk',
      );
      await expectError(
        server.ddb.send(new PutItemCommand({ TableName: SB, Item: { pk: S('p'), sk: { B: new Uint8Array(0) } } })),
        'ValidationException',
        'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk',
      );
    });

    it('attribute names may not be empty', async () => {
      // AWS answers 'Empty attribute name' (dynamodb-conformance deep-request ordering tests, 10 regions).
      await expectError(put({ pk: S('n'), '': S('x') }), 'ValidationException', 'Empty attribute name');
      expect(await get('n')).toBeUndefined();
    });

    it('hash keys up to 2048 bytes and range keys up to 1024 bytes', async () => {
      await put({ pk: S('h'.repeat(2048)) });
      await expectError(
        put({ pk: S('h'.repeat(2049)) }),
        'ValidationException',
        'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes',
      );
      await server.ddb.send(
        new PutItemCommand({ TableName: SB, Item: { pk: S('p'), sk: { B: new Uint8Array(1024).fill(1) } } }),
      );
      await expectError(
        server.ddb.send(
          new PutItemCommand({ TableName: SB, Item: { pk: S('p'), sk: { B: new Uint8Array(1025).fill(1) } } }),
        ),
        'ValidationException',
        'One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes',
      );
    });
  });

  describe('nesting', () => {
    const deep = (levels: number): AttributeValue => {
      let v: AttributeValue = S('leaf');
      for (let i = 0; i < levels; i++) v = { M: { n: v } };
      return v;
    };

    it('accepts deep documents and rejects ones past the 32-level limit', async () => {
      await put({ pk: S('deep'), d: deep(31) });
      expect((await get('deep'))!['d']).toEqual(deep(31));
      await expectError(
        put({ pk: S('deeper'), d: deep(33) }),
        'ValidationException',
        'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
      );
    });

    // Real DynamoDB names the offending placeholder in most regions and gives the bare message in a
    // few (dynamodb-conformance deep-request tests, captured in ten regions).
    const NEST =
      'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
    const either = new RegExp(`^(ExpressionAttributeValues contains invalid value: ${NEST} for key :v|${NEST})$`);

    it('applies the same limit to an UpdateItem SET value (the item must not end up 40 levels deep)', async () => {
      await put({ pk: S('deep-eav') });
      await expectError(
        server.ddb.send(
          new UpdateItemCommand({
            TableName: T,
            Key: { pk: S('deep-eav') },
            UpdateExpression: 'SET d = :v',
            ExpressionAttributeValues: { ':v': deep(40) },
          }),
        ),
        'ValidationException',
        either,
      );
      expect(await get('deep-eav')).toEqual({ pk: S('deep-eav') });
    });

    it('applies the same limit to condition and filter values', async () => {
      await expectError(
        server.ddb.send(
          new PutItemCommand({
            TableName: T,
            Item: { pk: S('deep-eav2') },
            ConditionExpression: 'd <> :v',
            ExpressionAttributeValues: { ':v': deep(40) },
          }),
        ),
        'ValidationException',
        either,
      );
      expect(await get('deep-eav2')).toBeUndefined();
    });
  });
});
