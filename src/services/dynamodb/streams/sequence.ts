import type { Db } from '../../../storage/store.js';

/**
 * Stream sequence numbers: one counter for every stream of the store, so numbers grow in commit
 * order (every item write runs in the store's serialised transactions). On the wire a number is
 * `10^20 + n` in decimal: 21 digits, numeric and lexicographic order agree, and clients that
 * compare them as big integers (the KCL adapter, Lambda) see them increase.
 */
const BASE = 10n ** 20n;
const WIRE = /^[0-9]{21,40}$/;

export function formatSequence(n: number): string {
  return (BASE + BigInt(n)).toString();
}

/** The counter value of a wire sequence number; undefined when it is not one of ours. */
export function parseSequence(wire: string): number | undefined {
  if (!WIRE.test(wire)) return undefined;
  const n = BigInt(wire) - BASE;
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(n);
}

const COUNTER = 'stream-sequence';
const BLOCK = 1000;

/**
 * The sequence counter, kept in memory and persisted in blocks (one write per 1000 numbers). A
 * rolled-back transaction leaves a gap, which AWS's numbers have too.
 */
export class SequenceCounter {
  private next = 1;
  private reserved = 0;

  /**
   * Start above every number handed out: the persisted block, every shard's range, and the last
   * record of each open shard (a rolled-back block reservation can leave records above the block).
   */
  async load(db: Db): Promise<void> {
    const row = await db.get<{ stored: number | null; starts: number | null; ends: number | null }>(
      `SELECT (SELECT value FROM ddb_sequence WHERE name = '${COUNTER}') AS stored,
              (SELECT MAX(start_seq) FROM ddb_stream_shards) AS starts,
              (SELECT MAX(end_seq) FROM ddb_stream_shards) AS ends`,
    );
    let max = Math.max(Number(row?.stored ?? 0), Number(row?.starts ?? 0), Number(row?.ends ?? 0));
    const open = await db.all<{ stream_id: number; shard_no: number }>(
      'SELECT stream_id, shard_no FROM ddb_stream_shards WHERE end_seq IS NULL',
    );
    for (const s of open) {
      const last = await db.get<{ seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM ddb_stream_records WHERE stream_id = ? AND shard_no = ?',
        [s.stream_id, s.shard_no],
      );
      max = Math.max(max, Number(last?.seq ?? 0));
    }
    this.next = max + 1;
    this.reserved = max;
  }

  /** The next number; must run inside the write's transaction. */
  async take(tx: Db): Promise<number> {
    if (this.next > this.reserved) {
      this.reserved = this.next + BLOCK - 1;
      await tx.run(
        `INSERT INTO ddb_sequence (name, value) VALUES ('${COUNTER}', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
        [this.reserved],
      );
    }
    return this.next++;
  }
}

/** `shardId-<20-digit creation ms>-<8 hex>`: shard ids of a stream sort in creation order. */
export function shardIdOf(createdAt: number, startSeq: number): string {
  return `shardId-${String(createdAt).padStart(20, '0')}-${(startSeq % 2 ** 32).toString(16).padStart(8, '0')}`;
}

/** A stream label: the creation time as ISO 8601 without the zone, e.g. `2026-01-01T00:00:00.000`. */
export function streamLabelOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, -1);
}
