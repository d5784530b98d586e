/**
 * Memory of a process tree from /proc, for when no cgroup is available: the RSS of every process
 * under the root (via /proc/<pid>/task/<tid>/children), and the peak (VmHWM) of the root.
 */
import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { PinnedFile } from './pinned-file.js';

// procfs reads are answered from kernel memory: a synchronous read (~20 µs) is far cheaper than
// a trip through the thread pool (~400 µs under load) on the hot path of every invoke.
async function statusField(pid: number, field: string): Promise<number> {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The root and all its descendants. */
export async function processTree(root: number): Promise<number[]> {
  const out: number[] = [];
  const queue = [root];
  while (queue.length && out.length < 4096) {
    const pid = queue.shift()!;
    out.push(pid);
    try {
      for (const tid of await readdir(`/proc/${pid}/task`)) {
        const kids = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
        for (const k of kids.split(' ').filter(Boolean)) queue.push(Number(k));
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** Current RSS of the tree, bytes. */
export async function treeRss(root: number): Promise<number> {
  let total = 0;
  for (const pid of await processTree(root)) total += await statusField(pid, 'VmRSS');
  return total;
}

/** Peak RSS (VmHWM) of one process, bytes. */
export const peakRss = (pid: number): Promise<number> => statusField(pid, 'VmHWM');

const HWM = /^VmHWM:\s+(\d+) kB/m;
const RSS = /^VmRSS:\s+(\d+) kB/m;

let pageSize: number | undefined;
/** Bytes per page of /proc/<pid>/statm, from this process's own VmRSS and statm (4 KiB where unreadable). */
function statmPageSize(): number {
  if (pageSize !== undefined) return pageSize;
  pageSize = 4096;
  try {
    const kb = Number(RSS.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]);
    const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[1]);
    if (kb > 0 && pages > 0) {
      const ratio = (kb * 1024) / pages;
      // The two reads are a moment apart: take the nearest page size Linux uses.
      pageSize = [4096, 16384, 65536].reduce((a, b) => (Math.abs(b - ratio) < Math.abs(a - ratio) ? b : a));
    }
  } catch {
    // keep 4 KiB
  }
  return pageSize;
}

/**
 * Peak RSS (VmHWM) of one process, read after every invocation. The status file is costly for the
 * kernel to produce (~9 µs, it formats some fifty fields), so it is read only when the peak may
 * have moved: when the current RSS (statm, ~2 µs) is above the last peak read, or when the caller
 * knows memory grew meanwhile (its cgroup's peak moved). Both files stay open (PinnedFile).
 */
export class PeakRssReader {
  private readonly status: PinnedFile;
  private readonly statm: PinnedFile;
  private hwm = 0;

  constructor(pid: number) {
    this.status = new PinnedFile(`/proc/${pid}/status`);
    this.statm = new PinnedFile(`/proc/${pid}/statm`, 256);
  }

  /** Bytes; 0 once the process is gone. `mayHaveGrown` false lets a statm read stand in. */
  read(mayHaveGrown = true): number {
    if (!mayHaveGrown && this.hwm > 0) {
      const text = this.statm.text();
      if (text === undefined) return 0;
      const rss = Number(text.split(' ')[1]) * statmPageSize();
      if (rss <= this.hwm) return this.hwm;
    }
    const m = HWM.exec(this.status.text() ?? '');
    this.hwm = m ? Number(m[1]) * 1024 : 0;
    return this.hwm;
  }

  close(): void {
    this.status.close();
    this.statm.close();
  }
}

/** Every process whose real uid is `uid` (to sweep an isolated environment's strays). */
export async function processesOfUid(uid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${name}/status`, 'utf8'));
      if (m && Number(m[1]) === uid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}
