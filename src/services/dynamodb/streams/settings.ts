/** DynamoDB Streams timings, on the injected clock. Mutable so tests can shorten them. */
export interface StreamSettings {
  /** Records older than this are trimmed (24 hours). */
  retentionMs: number;
  /** A shard that has records is closed and succeeded by a child once it is this old (4 hours). */
  shardRolloverMs: number;
  /** Shard iterators expire this long after they were handed out (15 minutes). */
  iteratorTtlMs: number;
  /** Trim a stream at most this often when it is read (the background pass trims every stream). */
  trimEveryMs: number;
  /** Stream ENABLING / DISABLING lasts this long (the table status delay). */
  transitionMs: number;
}

export const HOUR = 60 * 60 * 1000;

export function defaultStreamSettings(transitionMs: number): StreamSettings {
  return {
    retentionMs: 24 * HOUR,
    shardRolloverMs: 4 * HOUR,
    iteratorTtlMs: 15 * 60 * 1000,
    trimEveryMs: 60 * 1000,
    transitionMs,
  };
}
