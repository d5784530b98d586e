import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { writeFileRange } from '../../../core/http/send-file.js';
import { giveChunk, takeChunk } from '../registry/buffer-pool.js';

/**
 * Write bytes `start`..`end` (inclusive) of an open file as the body of `res` (whose head is
 * already written), then end it and close the file, through two pooled buffers that alternate
 * (core/http/send-file.ts). If the client goes away or the file is shorter than expected, the
 * response is destroyed and the buffers are left to the garbage collector rather than risk
 * reusing one the socket may still reference. Resolves to whether the whole range was sent.
 */
export async function sendFileRange(fh: FileHandle, start: number, end: number, res: ServerResponse): Promise<boolean> {
  const bufs = [takeChunk(), takeChunk()];
  try {
    await writeFileRange(fh, start, end, res, bufs);
    res.end();
    for (const b of bufs) giveChunk(b);
    return true;
  } catch {
    res.destroy();
    return false;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
