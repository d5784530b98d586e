import { readdirSync } from 'node:fs';

/** Where TaskBridge records which process owns which bridge slice (`<base>.<octet>` holding a pid). */
export const LOCK_DIR = '/run/overcast-net';

export const NETNS_DIR = '/var/run/netns';

/** Whether a process exists (EPERM: it does, under another user). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names of the task namespaces made ahead of time (`ovc-p<slice octet>-<host>`), of every process. */
export function spareNamespaces(): string[] {
  try {
    return readdirSync(NETNS_DIR).filter((n) => /^ovc-p\d+-\d+$/.test(n));
  } catch {
    return [];
  }
}
