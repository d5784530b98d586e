import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { digester, makeDigesters } from './checksums.js';
import { CRC64_WASM } from './crc64-wasm.js';
import type { DigestAlgorithm } from './checksums.js';

/**
 * MD5 (every object's ETag), the signed payload's SHA-256 and the flexible checksum of large
 * bodies, computed on a worker thread while the main thread keeps reading sockets and writing
 * files: MD5 alone is 12 ms of CPU per 8 MiB here, more than half of what a large PUT costs the
 * main thread, and a CRC-64/NVME (every object's checksum when the client sends none) 5 ms more.
 *
 * Bodies arrive in order, batch by batch, in SharedArrayBuffer-backed buffers (posted without a
 * copy; nobody writes to them once posted). A worker keeps one set of hashes per body; with
 * several uploads at once, bodies are spread over (at most) two workers.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const digester = (${makeDigesters.toString()})(
  require('node:crypto').createHash,
  require('node:zlib').crc32,
  Buffer.from('${Buffer.from(CRC64_WASM).toString('base64')}', 'base64'),
);
const bodies = new Map();
parentPort.on('message', (m) => {
  if (m.start) { bodies.set(m.id, m.start.map((a) => digester(a))); return; }
  const hashes = bodies.get(m.id);
  if (m.data) {
    if (hashes) for (const h of hashes) h.update(m.data);
    if (m.ack) parentPort.postMessage({ freed: m.ack });
    return;
  }
  if (!hashes) return;
  bodies.delete(m.id);
  if (m.end) parentPort.postMessage({ id: m.id, digests: hashes.map((h) => h.digest()) });
});
`;

export type HashAlgorithm = DigestAlgorithm;

/** The hashes of one body, in the order of the algorithms asked for. */
export interface BodyHashes {
  /** Hash `data` next; `release` is called once nothing will read `data` any more. */
  update(data: Buffer, release?: () => void): void;
  digest(): Promise<Buffer[]>;
  /** Forget the body (an upload that failed); its digest is never asked for. */
  abort(): void;
}

interface Waiter {
  resolve: (digests: Buffer[]) => void;
  reject: (err: Error) => void;
}

/** One worker and the digests it owes. */
interface Lane {
  worker: Worker;
  /** Bodies started on it and not yet finished or aborted. */
  open: number;
  waiting: Map<number, Waiter>;
  /** Buffers the worker has yet to hash, by the token it acknowledges them with. */
  releases: Map<number, () => void>;
  nextToken: number;
  dead: boolean;
}

export class HashThread {
  private readonly lanes: (Lane | undefined)[];
  private nextId = 1;

  /** `threads` workers at most (started when first needed); a body goes to the least busy one. */
  constructor(threads: number = Math.max(1, Math.min(2, availableParallelism()))) {
    this.lanes = new Array<Lane | undefined>(threads).fill(undefined);
  }

  /** Hashes fed from `update` in order; `data` must be SharedArrayBuffer-backed and never rewritten. */
  start(algorithms: HashAlgorithm[]): BodyHashes {
    const lane = this.pickLane();
    const id = this.nextId++;
    lane.worker.postMessage({ id, start: algorithms });
    lane.open++;
    let done = false;
    const finish = (): void => {
      done = true;
      lane.open--;
    };
    return {
      update: (data, release) => {
        if (!release) return lane.worker.postMessage({ id, data });
        const ack = lane.nextToken++;
        lane.releases.set(ack, release);
        lane.worker.postMessage({ id, data, ack });
      },
      digest: () => {
        finish();
        if (lane.dead) return Promise.reject(new Error('hash worker stopped'));
        return new Promise<Buffer[]>((resolve, reject) => {
          lane.waiting.set(id, { resolve, reject });
          lane.worker.postMessage({ id, end: true });
        });
      },
      abort: () => {
        if (done) return;
        finish();
        lane.worker.postMessage({ id, abort: true });
      },
    };
  }

  async close(): Promise<void> {
    const lanes = this.lanes.filter((l): l is Lane => l !== undefined);
    this.lanes.fill(undefined);
    await Promise.all(lanes.map((l) => l.worker.terminate()));
  }

  private pickLane(): Lane {
    let best: Lane | undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      let lane = this.lanes[i];
      if (!lane || lane.dead) {
        // An idle lane is used before another worker is started.
        if (best && best.open === 0) return best;
        lane = this.lanes[i] = startLane();
      }
      if (!best || lane.open < best.open) best = lane;
      if (best.open === 0) return best;
    }
    return best!;
  }
}

function startLane(): Lane {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  const lane: Lane = { worker, open: 0, waiting: new Map(), releases: new Map(), nextToken: 1, dead: false };
  worker.on('message', (m: { id: number; digests: Uint8Array[]; freed?: number }) => {
    if (m.freed !== undefined) {
      const release = lane.releases.get(m.freed);
      lane.releases.delete(m.freed);
      release?.();
      return;
    }
    const waiter = lane.waiting.get(m.id);
    if (!waiter) return;
    lane.waiting.delete(m.id);
    waiter.resolve(m.digests.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength)));
  });
  const fail = (err: Error): void => {
    lane.dead = true;
    for (const waiter of lane.waiting.values()) waiter.reject(err);
    lane.waiting.clear();
    // A stopped worker reads nothing more.
    for (const release of lane.releases.values()) release();
    lane.releases.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`hash worker exited with code ${code}`)));
  return lane;
}

/** The same interface on the calling thread (small bodies: a round trip would cost more than the hashing). */
export function hashesHere(algorithms: HashAlgorithm[]): BodyHashes {
  const hashes = algorithms.map((a) => digester(a));
  return {
    update: (data, release) => {
      for (const h of hashes) h.update(data);
      release?.();
    },
    digest: () => Promise.resolve(hashes.map((h) => h.digest())),
    abort: () => undefined,
  };
}
