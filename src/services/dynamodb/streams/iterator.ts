import { crc32 } from 'node:zlib';

/** Where a shard iterator points: read records of the shard after `after`; issued at `issuedAt`. */
export interface IteratorPosition {
  streamId: number;
  shardNo: number;
  after: number;
  issuedAt: number;
}

/**
 * Shard iterators are opaque strings shaped like AWS's (`<stream ARN>|1|<base64>`); the payload
 * carries the position and the issue time (they expire after 15 minutes) with a checksum.
 */
export function encodeIterator(streamArn: string, p: IteratorPosition): string {
  const body = `${p.streamId}.${p.shardNo}.${p.after}.${p.issuedAt}`;
  const payload = Buffer.from(`${body}.${crc32(`${streamArn}|${body}`)}`).toString('base64');
  return `${streamArn}|1|${payload}`;
}

/** The stream ARN and position of an iterator; undefined when it is not one of ours. */
export function decodeIterator(iterator: string): { streamArn: string; position: IteratorPosition } | undefined {
  const last = iterator.lastIndexOf('|1|');
  if (last <= 0) return undefined;
  const streamArn = iterator.slice(0, last);
  const fields = Buffer.from(iterator.slice(last + 3), 'base64')
    .toString('latin1')
    .split('.');
  if (fields.length !== 5 || !fields.every((f) => /^\d+$/.test(f))) return undefined;
  const [streamId, shardNo, after, issuedAt, check] = fields.map(Number) as [number, number, number, number, number];
  if (crc32(`${streamArn}|${fields.slice(0, 4).join('.')}`) !== check) return undefined;
  return { streamArn, position: { streamId, shardNo, after, issuedAt } };
}
