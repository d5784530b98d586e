// The servers a bench starts go down with it: interrupted (Ctrl-C), killed by a `timeout`, or
// ended by an uncaught error. Without this a bench stopped mid-run leaves its servers running
// (a signal to the bench alone does not reach its children).
import { spawn as spawnChild } from 'node:child_process';

const live = new Set();
const cleanups = [];

/** Run `cleanup` (synchronous) when the bench exits, however it exits. */
export function onBenchExit(cleanup) {
  if (cleanups.length === 0) {
    process.on('exit', () => {
      for (const f of cleanups) f();
    });
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ])
      process.on(signal, () => process.exit(code));
  }
  cleanups.push(cleanup);
}

/** Track a spawned child: SIGKILLed if the bench exits while the child is still running. */
export function track(child) {
  if (!cleanups.includes(killLive)) onBenchExit(killLive);
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

function killLive() {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** child_process.spawn, tracked. */
export function spawn(command, args, options) {
  return track(spawnChild(command, args, options));
}
