// A process's CPU time from /proc (Linux), for benches that report what a server spent beside
// what a client measured: utime + stime of all its threads, plus its reaped children's, in ms.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU milliseconds `pid` has used so far, or undefined where /proc does not say (not Linux, gone). */
export function cpuMs(pid) {
  if (!pid) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime, stime, and the reaped children's cutime, cstime
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
  } catch {
    return undefined;
  }
}
