import { describe, expect, it } from 'vitest';
import { csvRecords, dynamoDbJsonRecords, ionRecords } from '../../../src/services/dynamodb/imports/formats.js';

const all = <T>(g: Iterable<T>): T[] => [...g];

describe('ImportTable source formats', () => {
  it('reads Ion text as DynamoDB maps it', () => {
    const text = `$ion_1_0
      // a comment
      {Item: {
        'pk': "a\\u00e9\\n",
        plain: symbolValue,
        long: '''one ''' /* between */ '''two''',
        hex: 0x1F, neg: -0b101, big: 1_000_000, dec: 1.50, exp: 12d-3, frac: 0.5,
        blob: {{ AAEC }}, clob: {{ "hi" }},
        t: true, n: null, tn: null.string,
        l: [1, "x", [], {}],
        ss: $dynamodb_SS::["a", "b"], ns: $dynamodb_NS::[1, 2.5], bs: $dynamodb_BS::[{{AQ==}}],
        "quoted field": 'sym'
      }}
      {Item: {pk: "b"}}`;
    expect(all(ionRecords(text))).toEqual([
      {
        item: {
          pk: { S: 'aé\n' },
          plain: { S: 'symbolValue' },
          long: { S: 'one two' },
          hex: { N: '31' },
          neg: { N: '-5' },
          big: { N: '1000000' },
          dec: { N: '1.50' },
          exp: { N: '12E-3' },
          frac: { N: '0.5' },
          blob: { B: 'AAEC' },
          clob: { B: Buffer.from('hi').toString('base64') },
          t: { BOOL: true },
          n: { NULL: true },
          tn: { NULL: true },
          l: { L: [{ N: '1' }, { S: 'x' }, { L: [] }, { M: {} }] },
          ss: { SS: ['a', 'b'] },
          ns: { NS: ['1', '2.5'] },
          bs: { BS: ['AQ=='] },
          'quoted field': { S: 'sym' },
        },
      },
      { item: { pk: { S: 'b' } } },
    ]);
  });

  it('reports Ion values DynamoDB has no type for, records without Item, and syntax errors', () => {
    expect(all(ionRecords('{Item: {f: 1.5e3}}'))).toEqual([
      { error: 'Invalid item: Ion float values have no DynamoDB type' },
    ]);
    expect(all(ionRecords('{Item: {t: 2007-02-23T12:14:33.079-08:00}}'))).toEqual([
      { error: 'Invalid item: Ion timestamp values have no DynamoDB type' },
    ]);
    expect(all(ionRecords('{Item: {s: $dynamodb_SS::[1]}}'))).toEqual([
      { error: 'Invalid item: A SS member is a number' },
    ]);
    expect(all(ionRecords('{pk: "x"} {Item: {pk: "y"}}'))).toEqual([
      { error: 'Invalid item: each record must be an Ion struct with the single field Item holding a struct' },
      { item: { pk: { S: 'y' } } },
    ]);
    const broken = all(ionRecords('{Item: {pk: "x"}} {Item: {pk: "unterminated}}'));
    expect(broken[0]).toEqual({ item: { pk: { S: 'x' } } });
    expect(broken[1]).toMatchObject({ fatal: true });
    expect(broken).toHaveLength(2);
    const deep = all(ionRecords(`{Item: {a: ${'['.repeat(100_000)}${']'.repeat(100_000)}}}`));
    expect(deep).toEqual([{ error: expect.stringContaining('nested more than 64 levels'), fatal: true }]);
  });

  it('reads DynamoDB JSON objects on lines or back to back, and stops an object at broken JSON', () => {
    expect(all(dynamoDbJsonRecords('{"Item":{"a":{"S":"}{"}}}{"Item":{"b":{"N":"1"}}}\n\n[1]'))).toEqual([
      { item: { a: { S: '}{' } } },
      { item: { b: { N: '1' } } },
      { error: 'Invalid item: each record must be a JSON object with the single key "Item"' },
    ]);
    const deep = `{"Item":{"a":${'{"L":['.repeat(100_000)}${']}'.repeat(100_000)}}}`;
    expect(all(dynamoDbJsonRecords(`${deep}\n{"Item":{}}`))).toEqual([
      {
        error:
          'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
      },
      { item: {} },
    ]);
    const broken = all(dynamoDbJsonRecords('{"Item":{}}\n{"Item": {"x": }}\n{"Item":{}}'));
    expect(broken).toHaveLength(2);
    expect(broken[1]).toMatchObject({ fatal: true });
  });

  it('reads CSV quoting and reports bad quoting and column counts', () => {
    const keys = new Map([['id', 'N']]);
    expect(all(csvRecords('id,v\n1,"a,b"\n2\n3,""\n', undefined, keys))).toEqual([
      { item: { id: { N: '1' }, v: { S: 'a,b' } } },
      { error: 'Invalid CSV record: 1 columns where the header has 2' },
      { item: { id: { N: '3' } } },
    ]);
    const bad = all(csvRecords('id,v\n1,x"y\n2,z\n', undefined, keys));
    expect(bad).toEqual([{ error: 'Invalid CSV: unescaped double quote in a field', fatal: true }]);
    expect(all(csvRecords('1\t"tab\tin"', { Delimiter: '\t', HeaderList: ['id', 'v'] }, keys))).toEqual([
      { item: { id: { N: '1' }, v: { S: 'tab\tin' } } },
    ]);
  });
});
