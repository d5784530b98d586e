// The servers a bench starts go down with it: interrupted (Ctrl-C), killed by a `timeout`, or
// ended by an uncaught error. Without this a bench stopped mid-run leaves its servers running
// (a signal to the bench alone does not reach its children).
import { spawn as spawnChild } from 'node:child_process';

const live = new Set();
let installed = false;

/** Track a spawned child: SIGKILLed if the bench exits while the child is still running. */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const c of live) {
        try {
          c.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    });
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ])
      process.on(signal, () => process.exit(code));
  }
  return child;
}

/** child_process.spawn, tracked. */
export function spawn(command, args, options) {
  return track(spawnChild(command, args, options));
}
