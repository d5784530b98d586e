import { describe, expect, it } from 'vitest';
import { T, tokenize } from '../../../src/services/dynamodb/expressions/tokenizer.js';
import { isReservedWord, RESERVED_WORDS } from '../../../src/services/dynamodb/expressions/index.js';

const types = (text: string) => tokenize(text).map((t) => [T[t.type], t.text]);

describe('tokenizer', () => {
  it('splits identifiers, placeholders, keywords and punctuation', () => {
    expect(types('SET #a.b[10] = :v1 + c')).toEqual([
      ['Set', 'SET'],
      ['Name', '#a'],
      ['Dot', '.'],
      ['Id', 'b'],
      ['LBracket', '['],
      ['Index', '10'],
      ['RBracket', ']'],
      ['Eq', '='],
      ['Value', ':v1'],
      ['Plus', '+'],
      ['Id', 'c'],
      ['Eof', ''],
    ]);
  });

  it('recognises keywords case-insensitively and only as whole words', () => {
    expect(types('and AnD andy between in index not or set add delete remove')).toEqual([
      ['And', 'and'],
      ['And', 'AnD'],
      ['Id', 'andy'],
      ['Between', 'between'],
      ['In', 'in'],
      ['Id', 'index'],
      ['Not', 'not'],
      ['Or', 'or'],
      ['Set', 'set'],
      ['Add', 'add'],
      ['Delete', 'delete'],
      ['Remove', 'remove'],
      ['Eof', ''],
    ]);
  });

  it('lexes comparators', () => {
    expect(types('<><=>=<>=').map((t) => t[0])).toEqual(['Ne', 'Le', 'Ge', 'Ne', 'Eq', 'Eof']);
  });

  it('produces UNKNOWN tokens for anything else', () => {
    expect(types('_a # : ! ü 😀')).toEqual([
      ['Unknown', '_'],
      ['Id', 'a'],
      ['Unknown', '#'],
      ['Unknown', ':'],
      ['Unknown', '!'],
      ['Unknown', 'ü'],
      ['Unknown', '😀'],
      ['Eof', ''],
    ]);
  });

  it('lexes list indexes without leading zeros', () => {
    expect(types('007 120 0').map((t) => t[1])).toEqual(['0', '0', '7', '120', '0', '']);
    expect(types('123a')).toEqual([
      ['Index', '123'],
      ['Id', 'a'],
      ['Eof', ''],
    ]);
  });

  it('allows placeholder names starting with digits or underscores', () => {
    expect(types('#1 :_ #A_b9').map((t) => t[0])).toEqual(['Name', 'Value', 'Name', 'Eof']);
  });
});

describe('reserved words', () => {
  it('has all 573 of them', () => {
    expect(RESERVED_WORDS.size).toBe(573);
  });

  it('matches case-insensitively', () => {
    for (const word of ['status', 'Name', 'DATA', 'count', 'items', 'missing', 'comment', 'ttl', 'zone', 'abort']) {
      expect(isReservedWord(word), word).toBe(true);
    }
    for (const word of ['pk', 'sk', 'attr1', 'val', 'tags', 'score', 'counter2']) {
      expect(isReservedWord(word), word).toBe(false);
    }
  });
});
