import { describe, expect, it } from 'vitest';
import type { EncodedKey } from '../../src/services/dynamodb/keys.js';
import type { Table } from '../../src/services/dynamodb/tables/table.js';
import { ItemWriter, StoredChange, hadOldItem } from '../../src/services/dynamodb/writes.js';

const table = (indexes: unknown[] = []) => ({ id: 1, indexes, record: { extra: {} } }) as unknown as Table;
const key: EncodedKey = { bucket: 0, pk: Buffer.from('p'), sk: Buffer.alloc(0) } as EncodedKey;

describe('ItemWriter: which writes read the old item', () => {
  it('a table without indexes needs it only when a listener says so', () => {
    const w = new ItemWriter();
    expect(w.needsOldItem(table())).toBe(false);
    w.onChange(
      async () => undefined,
      () => false,
    );
    expect(w.needsOldItem(table())).toBe(false);
    w.onChange(
      async () => undefined,
      (t) => t.id === 2,
    );
    expect(w.needsOldItem(table())).toBe(false);
    expect(w.needsOldItem({ ...table(), id: 2 } as Table)).toBe(true);
    w.onChange(async () => undefined); // no predicate: may read any write's old item
    expect(w.needsOldItem(table())).toBe(true);
  });

  it('a table with indexes always needs it (its old index rows go)', () => {
    expect(new ItemWriter().needsOldItem(table([{ name: 'gsi' }]))).toBe(true);
  });
});

describe('StoredChange', () => {
  it('parses a stored old item on first read', () => {
    const c = new StoredChange(table(), key, 2, '{"a":{"S":"x"}}');
    expect(c.oldSize).toBe(2);
    expect(c.oldItem).toEqual({ a: { S: 'x' } });
    expect(hadOldItem(c)).toBe(true);
  });

  it('a size-only change knows whether there was an item and its size, and refuses to invent the item', () => {
    const had = new StoredChange(table(), key, 1050);
    expect(had.oldSize).toBe(1050);
    expect(hadOldItem(had)).toBe(true);
    expect(() => had.oldItem).toThrow(/old item of this write was not read/);
    const none = new StoredChange(table(), key, undefined);
    expect(none.oldSize).toBeUndefined();
    expect(none.oldItem).toBeUndefined();
    expect(hadOldItem(none)).toBe(false);
  });
});
