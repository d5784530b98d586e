import { describe, expect, it } from 'vitest';
import type { AttributeValue, Item } from '../../../src/services/dynamodb/types.js';
import {
  attributeValueSize,
  itemSize,
  keyValueSize,
  MAX_ITEM_SIZE,
  numberSize,
} from '../../../src/services/dynamodb/values/size.js';

describe('numberSize', () => {
  // Byte-exact sizes measured against AWS (published with dynoxide's item-size fix).
  it.each([
    ['1', 2],
    ['12', 2],
    ['123', 3],
    ['1234', 3],
    ['12345', 4],
    ['123456', 4],
    ['1234567', 5],
    ['12345678', 5],
    ['123456789', 6],
    ['1234567891', 6],
    ['12345678912', 7],
    ['123456789123', 7],
    ['1234567890123456789', 11],
    ['12345678901234567890123456789012345678', 20],
    ['0042', 2],
    ['100', 2],
    ['1010', 3],
    ['0.0000001', 2],
    ['0', 1],
    ['1E125', 2],
    ['1E-100', 2],
    ['1.5', 3],
    ['1.2', 3],
    ['1.200', 3],
    ['1.234', 4],
    ['3.14159', 5],
    ['100.5', 4],
    ['0.15', 2],
    ['15', 2],
    ['-42', 3],
    ['-12345', 5],
    ['-1E125', 3],
    ['-0.15', 3],
    ['-0', 1],
  ])('%s is %i bytes', (n, size) => {
    expect(numberSize(n)).toBe(size);
  });

  it('counts base-100 pairs aligned on the decimal point', () => {
    expect(numberSize('12000')).toBe(3); // 1|20|00
    expect(numberSize('0.012')).toBe(3); // .01|20
    expect(numberSize('0.0012')).toBe(2); // .00|12
    expect(numberSize('1.5e-130')).toBe(3);
  });
});

describe('attributeValueSize', () => {
  it.each<[AttributeValue, number]>([
    [{ S: '' }, 0],
    [{ S: 'abc' }, 3],
    [{ S: 'é' }, 2],
    [{ S: '中' }, 3],
    [{ S: '\u{1f600}' }, 4],
    [{ B: '' }, 0],
    [{ B: 'AQID' }, 3],
    [{ B: 'Yg==' }, 1],
    [{ B: 'YWI=' }, 2],
    [{ BOOL: false }, 1],
    [{ NULL: true }, 1],
    [{ SS: ['a', 'bc'] }, 3],
    [{ NS: ['1', '-42'] }, 5],
    [{ BS: ['Yg==', 'AQID'] }, 4],
    [{ L: [] }, 3],
    [{ M: {} }, 3],
    [{ L: [{ S: 'ab' }, { BOOL: true }] }, 3 + 3 + 2],
    [{ M: { x: { N: '1' } } }, 3 + 1 + 1 + 2],
    [{ M: { é: { M: { k: { S: 'v' } } } } }, 3 + 1 + 2 + (3 + 1 + 1 + 1)],
  ])('%j', (v, size) => {
    expect(attributeValueSize(v)).toBe(size);
  });
});

describe('itemSize', () => {
  it('sums UTF-8 attribute names and values', () => {
    const item: Item = { pk: { S: 'abc' }, né: { N: '12' }, l: { L: [{ NULL: true }] } };
    expect(itemSize(item)).toBe(2 + 3 + 3 + 2 + 1 + (3 + 1 + 1));
  });

  it('puts a 400 KB string item right at the limit', () => {
    const name = 'data';
    const item: Item = { [name]: { S: 'x'.repeat(MAX_ITEM_SIZE - name.length) } };
    expect(itemSize(item)).toBe(MAX_ITEM_SIZE);
  });
});

describe('keyValueSize', () => {
  it('counts S as UTF-8 and B as raw bytes', () => {
    expect(keyValueSize({ S: 'é'.repeat(1024) })).toBe(2048);
    expect(keyValueSize({ B: Buffer.alloc(1025).toString('base64') })).toBe(1025);
    expect(keyValueSize({ N: '123' })).toBe(3);
  });
});
