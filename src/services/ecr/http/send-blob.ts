import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { CHUNK_BYTES, giveChunk, takeChunk } from '../registry/buffer-pool.js';

/**
 * Write bytes `start`..`end` (inclusive) of an open file as the body of `res` (whose head is
 * already written), then end it and close the file. Two pooled buffers alternate: one is read
 * from disk while the other is being written to the socket, and a buffer is reused only once the
 * socket has taken its bytes (the write callback). If the client goes away or the file is shorter
 * than expected, the response is destroyed and the buffers are left to the garbage collector
 * rather than risk reusing one the socket may still reference. Resolves to whether the whole
 * range was sent.
 */
export async function sendFileRange(fh: FileHandle, start: number, end: number, res: ServerResponse): Promise<boolean> {
  const bufs = [takeChunk(), takeChunk()] as const;
  const pending: [Promise<void> | undefined, Promise<void> | undefined] = [undefined, undefined];
  let onClose!: () => void;
  const closed = new Promise<never>((_, reject) => {
    onClose = () => reject(new Error('response closed before the body was sent'));
    res.once('close', onClose);
  });
  closed.catch(() => undefined);
  let pos = start;
  let slot: 0 | 1 = 0;
  try {
    while (pos <= end) {
      const inFlight = pending[slot];
      if (inFlight) await Promise.race([inFlight, closed]);
      const buf = bufs[slot];
      const want = Math.min(CHUNK_BYTES, end + 1 - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw new Error('blob file is shorter than its recorded size');
      if (res.destroyed) throw new Error('response closed before the body was sent');
      pos += bytesRead;
      const chunk = bytesRead === CHUNK_BYTES ? buf : buf.subarray(0, bytesRead);
      const written = new Promise<void>((resolve, reject) =>
        res.write(chunk, (err) => (err ? reject(err) : resolve())),
      );
      written.catch(() => undefined);
      pending[slot] = written;
      slot = slot === 0 ? 1 : 0;
    }
    await Promise.race([Promise.all(pending), closed]);
    res.off('close', onClose);
    res.end();
    giveChunk(bufs[0]);
    giveChunk(bufs[1]);
    return true;
  } catch {
    res.off('close', onClose);
    res.destroy();
    return false;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
