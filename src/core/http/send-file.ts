import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/**
 * Writes bytes `start`..`end` (inclusive) of an open file to `out` (a response whose head is
 * already written), reading into `buffers` in turn: one is read into from disk while the others
 * are being written, and a buffer is read into again only once the socket has taken its last
 * bytes (the write callback). A read stream would allocate a fresh buffer per chunk instead; at
 * hundreds of MB/s the page faults on that new memory and V8's external-memory GCs cost the
 * server more than the copies themselves. Resolves once everything is written, and the buffers
 * may be reused. Rejects if `out` closes first or the file is shorter than the range; a write may
 * then still reference a buffer, so the caller must not reuse them (they are left to the GC).
 */
export async function writeFileRange(
  fh: FileHandle,
  start: number,
  end: number,
  out: Writable,
  buffers: readonly Buffer[],
): Promise<void> {
  let onClose!: () => void;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('response closed before the body was sent'));
    out.once('close', onClose);
  });
  closed.catch(() => undefined);
  const pending: (Promise<void> | undefined)[] = buffers.map(() => undefined);
  let slot = 0;
  try {
    for (let pos = start; pos <= end;) {
      const inFlight = pending[slot];
      if (inFlight) await Promise.race([inFlight, closed]);
      const buf = buffers[slot]!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end + 1 - pos), pos);
      if (bytesRead === 0) throw new Error('file is shorter than the range to send');
      if (out.destroyed) throw new Error('response closed before the body was sent');
      pos += bytesRead;
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      const written = new Promise<void>((resolve, reject) =>
        out.write(chunk, (err) => (err ? reject(err) : resolve())),
      );
      written.catch(() => undefined);
      pending[slot] = written;
      slot = (slot + 1) % buffers.length;
    }
    await Promise.race([Promise.all(pending), closed]);
  } finally {
    out.off('close', onClose);
  }
}
