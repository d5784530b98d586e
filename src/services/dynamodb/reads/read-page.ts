import type { Db } from '../../../storage/store.js';
import { encodeKeyOf } from '../keys.js';
import { itemsSql } from '../storage/items.js';
import type { IndexPosition, PackedRows, PartitionRead, Row, SortRange, TablePosition } from '../storage/items.js';
import type { IndexInfo, Table } from '../tables/table.js';
import type { Item } from '../types.js';

/** DynamoDB stops a Query or Scan page once it has read 1 MB. */
export const PAGE_BYTES = 1024 * 1024;
const CHUNK = 256;

export type Position = { table: TablePosition } | { index: IndexPosition };

export interface ReadSource {
  table: Table;
  index: IndexInfo | undefined;
  /** Query: one partition (bucket + encoded hash key) and a sort-key range. */
  partition?: { bucket: number; pk: Buffer; range: SortRange; forward: boolean };
  /** Scan: the bucket range of the segment. */
  buckets?: { low: number; high: number };
  start: Position | undefined;
  /** Items to evaluate at most (before the filter). */
  limit: number | undefined;
}

export interface PageResult {
  /** Stored items evaluated, in order (before filtering), as their stored JSON text. */
  raws: string[];
  /** The same items parsed (parsed on first use: a plain Query/Scan page never needs them). */
  readonly items: Item[];
  /** Bytes read (pre-filter), for capacity. */
  bytes: number;
  /** Where the page stopped, when it stopped on Limit or the 1 MB budget. */
  last: Item | undefined;
}

/** Read one page of a Query or Scan: up to Limit items or 1 MB, whichever comes first. */
export async function readPage(db: Db, source: ReadSource): Promise<PageResult> {
  const raws: string[] = [];
  let bytes = 0;
  let position = source.start;
  const result = (last: string | undefined): PageResult => {
    let parsed: Item[] | undefined;
    return {
      raws,
      get items() {
        return (parsed ??= raws.map((r) => JSON.parse(r) as Item));
      },
      bytes,
      last: last === undefined ? undefined : (JSON.parse(last) as Item),
    };
  };
  for (;;) {
    const want = source.limit === undefined ? CHUNK : Math.min(CHUNK, source.limit - raws.length);
    const rows = await fetchRows(db, source, position, want);
    for (const row of rows) {
      raws.push(row.item);
      bytes += row.size;
      if ((source.limit !== undefined && raws.length >= source.limit) || bytes >= PAGE_BYTES) return result(row.item);
    }
    if (rows.length < want) return result(undefined);
    position = positionAfter(source, JSON.parse(rows[rows.length - 1]!.item) as Item);
  }
}

/**
 * A Query page read in one statement (see PackedRows), when that is the whole page: no Limit,
 * fewer items than one chunk and under 1 MB, so it has no LastEvaluatedKey. Otherwise undefined,
 * and the page is read row by row (readPage). Scans, which mostly run past a chunk, always are.
 */
export async function readPagePacked(db: Db, source: ReadSource): Promise<PackedRows | undefined> {
  if (!source.partition || source.limit !== undefined) return undefined;
  const packed = await itemsSql.queryPartitionPacked(db, partitionRead(source, source.start), CHUNK);
  return packed.count < CHUNK && packed.bytes < PAGE_BYTES ? packed : undefined;
}

/** The partition a Query reads (source.partition must be set), from after `position`. */
function partitionRead(s: ReadSource, position: Position | undefined): PartitionRead {
  const p = s.partition!;
  const read = { tableId: s.table.id, bucket: p.bucket, pk: p.pk, range: p.range, forward: p.forward };
  if (s.index)
    return { ...read, index: s.index.name, after: position && 'index' in position ? position.index : undefined };
  return { ...read, after: position && 'table' in position ? position.table.sk : undefined };
}

/** Where the next chunk starts: the stored key of the chunk's last item, encoded again from it. */
function positionAfter(s: ReadSource, item: Item): Position {
  const key = encodeKeyOf(s.table.key, item);
  if (!s.index) return { table: key };
  const ikey = encodeKeyOf(s.index.key, item);
  return { index: { bucket: ikey.bucket, ipk: ikey.pk, isk: ikey.sk, tpk: key.pk, tsk: key.sk } };
}

function fetchRows(db: Db, s: ReadSource, position: Position | undefined, limit: number): Promise<Row[]> {
  const t = s.table.id;
  if (s.partition) return itemsSql.queryPartition(db, partitionRead(s, position), limit);
  const b = s.buckets ?? { low: 0, high: 2 ** 32 };
  if (s.index) {
    const after = position && 'index' in position ? position.index : undefined;
    return itemsSql.scanIndex(db, t, s.index.name, b.low, b.high, after, limit);
  }
  const after = position && 'table' in position ? position.table : undefined;
  return itemsSql.scanTableItems(db, t, b.low, b.high, after, limit);
}
