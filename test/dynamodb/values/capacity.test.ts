import { describe, expect, it } from 'vitest';
import { readUnits, writeUnits } from '../../../src/services/dynamodb/values/capacity.js';

describe('readUnits', () => {
  it.each([
    [0, true, 1],
    [0, false, 0.5],
    [1, true, 1],
    [1, false, 0.5],
    [4096, true, 1],
    [4097, true, 2],
    [4097, false, 1],
    [12288, false, 1.5],
    [409600, true, 100],
  ])('%i bytes, consistent %s → %d', (size, consistent, units) => {
    expect(readUnits(size, consistent)).toBe(units);
  });
});

describe('writeUnits', () => {
  it.each([
    [0, 1],
    [1, 1],
    [1024, 1],
    [1025, 2],
    [2049, 3],
    [409600, 400],
  ])('%i bytes → %i', (size, units) => {
    expect(writeUnits(size)).toBe(units);
  });
});
