import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ipBatch, ipJson } from './ip.js';
import { alive, LOCK_DIR, spareNamespaces } from './slices.js';

/** Octets of the bridges a live process holds a lock for. */
function liveOctets(): Set<string> {
  const live = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(LOCK_DIR);
  } catch {
    return live;
  }
  for (const f of files) {
    try {
      const pid = Number(readFileSync(join(LOCK_DIR, f), 'utf8'));
      if (pid && alive(pid)) live.add(f.slice(f.lastIndexOf('.') + 1));
    } catch {
      // released meanwhile
    }
  }
  return live;
}

/** Whether /sys/class/net (this network namespace's interfaces) shows no `ovcbr…` bridge. */
function noTaskBridges(): boolean {
  try {
    return !readdirSync('/sys/class/net').some((name) => name.startsWith('ovcbr'));
  } catch {
    return false; // no sysfs: ask ip
  }
}

/**
 * Delete task bridges (`ovcbr<N>`) no live Overcast process owns: what a killed (kill -9)
 * process leaves behind. A bridge whose lock names a live process is never touched.
 */
export async function removeStaleBridges(): Promise<string[]> {
  // Every start runs this; when sysfs lists no task bridge at all, `ip` (a child process: ~7 ms of
  // `overcast start`) has nothing to find.
  if (noTaskBridges()) return [];
  const links = await ipJson<{ ifname?: string }[]>(['link', 'show', 'type', 'bridge']).catch(() => []);
  const live = liveOctets();
  const removed: string[] = [];
  for (const l of links) {
    const m = /^ovcbr(\d+)$/.exec(l.ifname ?? '');
    if (!m || live.has(m[1]!)) continue;
    // Check again right before: a process may have claimed the slice since.
    if (liveOctets().has(m[1]!)) continue;
    await ipBatch([`link del ${l.ifname}`]).then(
      () => removed.push(l.ifname!),
      () => undefined,
    );
  }
  return removed;
}

/**
 * Delete the spare task namespaces (`ovc-p<octet>-<n>`, made ahead of time by TaskBridge.prewarm)
 * of slices no live process holds (TaskBridge.create does the same, but only once a bridge is made).
 */
export async function removeStaleSpares(): Promise<void> {
  const live = liveOctets();
  await removeNetns(spareNamespaces().filter((n) => !live.has(/^ovc-p(\d+)-/.exec(n)![1]!)));
}

/** Delete network namespaces by name (missing ones are ignored); their veth pairs go with them. */
export async function removeNetns(names: Iterable<string>): Promise<void> {
  for (const n of new Set(names)) await ipBatch([`netns del ${n}`]).catch(() => undefined);
}
