import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** DynamoDB-style request id: 52 characters of [0-9A-Z]. */
let pool = Buffer.alloc(0);
let offset = 0;

export function requestId52(): string {
  if (offset + 52 > pool.length) {
    pool = randomBytes(52 * 512);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < 52; i++) out += ALPHABET[pool[offset + i]! % 36];
  offset += 52;
  return out;
}

/** UUID-style request id used by most other AWS services. */
export function requestIdUuid(): string {
  return randomUUID();
}

let bytePool = Buffer.alloc(0);
let byteOffset = 0;

/**
 * `n` random bytes (n ≤ 256) from a pooled draw: for ids made on every request (trace ids, API
 * Gateway's extended request ids), where one crypto call each costs more than the rest of the id.
 */
export function pooledRandomBytes(n: number): Buffer {
  if (byteOffset + n > bytePool.length) {
    bytePool = randomBytes(8192);
    byteOffset = 0;
  }
  const out = Buffer.from(bytePool.subarray(byteOffset, byteOffset + n));
  byteOffset += n;
  return out;
}
