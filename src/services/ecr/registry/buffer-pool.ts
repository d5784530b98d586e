/**
 * Reused chunk buffers for moving blob bytes between sockets and disk. A read stream or a write
 * stream allocates a buffer per chunk (or keeps the socket's chunks alive until its queue drains);
 * each is external memory to V8, and churning a 100 MB blob through it makes V8 run full
 * mark-compacts of the whole Overcast heap every few dozen megabytes ("external memory
 * pressure") — measured, that GC was more than half of what a large GET cost. Blob transfers use
 * a few fixed buffers instead, so memory stays bounded and a transfer allocates nothing per chunk.
 */
export const CHUNK_BYTES = 512 * 1024;
const MAX_POOLED = 16;
const pool: Buffer[] = [];

export function takeChunk(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

/** Return a buffer nothing references any more (no write pending on it). */
export function giveChunk(buf: Buffer): void {
  if (pool.length < MAX_POOLED && buf.length === CHUNK_BYTES) pool.push(buf);
}

/** How many buffers are idle in the pool (tests). */
export function pooledChunks(): number {
  return pool.length;
}
