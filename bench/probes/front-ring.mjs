// Probe (not a benchmark of Overcast): what a "front thread" would cost the main thread per
// request. A worker stands in for a thread that owns the sockets and parses HTTP; it keeps 32
// requests of 1.1 KB outstanding (like wrk -c32) and hands each to the main thread, which spends
// W µs on it (the service's work) and hands back a 200-byte answer. Two hand-overs:
//   sab   a SharedArrayBuffer ring each way; the main thread sleeps in Atomics.waitAsync and drains
//         every request waiting before it wakes the worker once
//   post  one postMessage each way per request (structured clone)
// Prints requests/s and the main thread's time per request beyond W (docs/benchmarks.md, DynamoDB,
// stop 20).
//
//   node bench/probes/front-ring.mjs sab|post [W µs, default 40] [requests, default 60000]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const SLOTS = 64;
const SLOT = 2048;
const CONNECTIONS = 32;

if (isMainThread) {
  const mode = process.argv[2] ?? 'sab';
  const W = Number(process.argv[3] ?? 40);
  const N = Number(process.argv[4] ?? 60000);
  const reqSab = new SharedArrayBuffer(SLOTS * SLOT + 64);
  const resSab = new SharedArrayBuffer(SLOTS * SLOT + 64);
  const reqCtl = new Int32Array(reqSab, SLOTS * SLOT, 4);
  const resCtl = new Int32Array(resSab, SLOTS * SLOT, 4);
  const reqBuf = Buffer.from(reqSab, 0, SLOTS * SLOT);
  const resBuf = Buffer.from(resSab, 0, SLOTS * SLOT);
  const worker = new Worker(new URL(import.meta.url), { workerData: { reqSab, resSab, mode, N } });
  const answer = Buffer.alloc(200, 'r');
  const handle = () => {
    const end = performance.now() + W / 1000;
    while (performance.now() < end);
    return answer;
  };
  let done = 0;
  const t0 = performance.now();
  const finish = () => {
    const us = ((performance.now() - t0) * 1000) / N;
    console.log(
      `${mode} W=${W} µs: ${Math.round(1e6 / us)} req/s; main thread ${us.toFixed(1)} µs a request, ${(us - W).toFixed(1)} µs beyond W`,
    );
    void worker.terminate();
  };
  if (mode === 'post') {
    worker.on('message', (m) => {
      Buffer.from(m.buf).toString('latin1');
      worker.postMessage({ id: m.id, buf: handle() });
      if (++done === N) finish();
    });
  } else {
    // Atomics.waitAsync keeps no event loop alive.
    const keep = setInterval(() => {}, 1 << 30);
    let head = 0;
    void (async () => {
      for (;;) {
        const written = Atomics.load(reqCtl, 0);
        if (written === head) {
          const r = Atomics.waitAsync(reqCtl, 0, head);
          if (r.async) await r.value;
          continue;
        }
        while (head < written) {
          const off = (head % SLOTS) * SLOT;
          reqBuf.toString('latin1', off + 4, off + 4 + reqBuf.readUInt32LE(off));
          const out = handle();
          resBuf.writeUInt32LE(out.length, off);
          out.copy(resBuf, off + 4);
          Atomics.store(resCtl, 0, ++head);
          if (++done === N) {
            Atomics.notify(resCtl, 0);
            clearInterval(keep);
            return finish();
          }
        }
        Atomics.notify(resCtl, 0);
      }
    })();
  }
} else {
  const { reqSab, resSab, mode, N } = workerData;
  const request = Buffer.alloc(1100, 'q');
  if (mode === 'post') {
    let sent = 0;
    const send = () => parentPort.postMessage({ id: sent++, buf: Buffer.from(request) });
    for (let i = 0; i < CONNECTIONS; i++) send();
    parentPort.on('message', () => sent < N && send());
  } else {
    const reqCtl = new Int32Array(reqSab, SLOTS * SLOT, 4);
    const resCtl = new Int32Array(resSab, SLOTS * SLOT, 4);
    const reqBuf = Buffer.from(reqSab, 0, SLOTS * SLOT);
    let written = 0;
    const write = () => {
      const off = (written % SLOTS) * SLOT;
      reqBuf.writeUInt32LE(request.length, off);
      request.copy(reqBuf, off + 4);
      written++;
    };
    for (let i = 0; i < CONNECTIONS; i++) write();
    Atomics.store(reqCtl, 0, written);
    Atomics.notify(reqCtl, 0);
    const keep = setInterval(() => {}, 1 << 30);
    let seen = 0;
    void (async () => {
      while (seen < N) {
        const r = Atomics.waitAsync(resCtl, 0, seen);
        if (r.async) await r.value;
        const now = Atomics.load(resCtl, 0);
        for (let i = seen; i < now && written < N; i++) write();
        seen = now;
        Atomics.store(reqCtl, 0, written);
        Atomics.notify(reqCtl, 0);
      }
      clearInterval(keep);
    })();
  }
}
