/**
 * A memory + pids cgroup per execution environment: memory limit = MemorySize (the kernel's OOM
 * killer ends the environment, as on AWS), a pids limit against fork bombs, the real peak memory
 * for REPORT, and a list of every process to kill. cgroup v1 (memory and pids hierarchies) or v2
 * (unified, when it has the memory and pids controllers). Groups are made under Overcast's own
 * cgroup, so the limits of whatever runs Overcast still apply.
 */
import { chown, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../../core/log.js';
import { PinnedFile } from './pinned-file.js';

export interface CgroupLimits {
  memoryBytes: number;
  maxPids: number;
}

export interface EnvironmentCgroup {
  /** Files a process writes its pid to, to join (the spawn wrapper does). */
  readonly procsFiles: string[];
  /** Let `uid` move itself in (the wrapper runs as the function's user). */
  allow(uid: number, gid: number): Promise<void>;
  /** Peak memory of the group in bytes. */
  peakBytes(): Promise<number | undefined>;
  /** How many times the OOM killer fired in the group. */
  oomKills(): Promise<number>;
  pids(): Promise<number[]>;
  /** SIGKILLs every process in the group until it is empty (bounded). */
  killAll(): Promise<void>;
  remove(): Promise<void>;
}

function selfPath(controller: string): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, ctrls, path] = line.split(':');
      if (ctrls === undefined || path === undefined) continue;
      if (controller === '' ? ctrls === '' : ctrls.split(',').includes(controller)) return path;
    }
  } catch {
    // no /proc
  }
  return undefined;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function readPids(file: string): Promise<number[]> {
  try {
    return (await readFile(file, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function killLoop(procsFiles: string[]): Promise<void> {
  for (let round = 0; round < 200; round++) {
    const pids = new Set<number>();
    for (const f of procsFiles) for (const p of await readPids(f)) pids.add(p);
    if (pids.size === 0) return;
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, round < 10 ? 5 : 25));
  }
}

async function removeDir(dir: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    try {
      await rmdir(dir);
      return;
    } catch (err: any) {
      if (err?.code === 'ENOENT') return;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** Creates cgroups for environments; `detect` answers undefined when none can be made here. */
export abstract class CgroupFactory {
  abstract readonly kind: 'v1' | 'v2';
  abstract create(name: string, limits: CgroupLimits): Promise<EnvironmentCgroup | undefined>;
  abstract close(): Promise<void>;

  static detect(log: Logger, root = '/sys/fs/cgroup'): CgroupFactory | undefined {
    const mem = join(root, 'memory');
    const pids = join(root, 'pids');
    const memSelf = selfPath('memory');
    const pidsSelf = selfPath('pids');
    if (memSelf !== undefined && existsSync(join(mem, 'memory.limit_in_bytes'))) {
      const memBase = join(mem, memSelf);
      const pidsBase =
        pidsSelf !== undefined && existsSync(join(pids, 'cgroup.procs')) ? join(pids, pidsSelf) : undefined;
      if (writable(memBase)) {
        return new V1Factory(memBase, pidsBase && writable(pidsBase) ? pidsBase : undefined, log);
      }
    }
    for (const unified of [root, join(root, 'unified')]) {
      const self = selfPath('');
      if (self === undefined) continue;
      const base = join(unified, self);
      try {
        const controllers = readFileSync(join(unified, 'cgroup.controllers'), 'utf8').split(/\s+/);
        if (controllers.includes('memory') && controllers.includes('pids') && writable(base)) {
          return new V2Factory(base, log);
        }
      } catch {
        // not a v2 mount
      }
    }
    return undefined;
  }
}

class V1Factory extends CgroupFactory {
  readonly kind = 'v1';
  private readonly memParent: string;
  private readonly pidsParent: string | undefined;
  private ready: Promise<boolean> | undefined;

  constructor(
    memBase: string,
    pidsBase: string | undefined,
    private readonly log: Logger,
  ) {
    super();
    const name = `overcast-lambda-${process.pid}`;
    this.memParent = join(memBase, name);
    this.pidsParent = pidsBase ? join(pidsBase, name) : undefined;
  }

  private prepare(): Promise<boolean> {
    this.ready ??= (async () => {
      try {
        await mkdir(this.memParent, { recursive: true });
        if (this.pidsParent) await mkdir(this.pidsParent, { recursive: true });
        return true;
      } catch (err) {
        this.log.warn({ err }, 'lambda: cannot create cgroups; falling back to rlimits and an RSS watchdog');
        return false;
      }
    })();
    return this.ready;
  }

  async create(name: string, limits: CgroupLimits): Promise<EnvironmentCgroup | undefined> {
    if (!(await this.prepare())) return undefined;
    const mem = join(this.memParent, name);
    const pids = this.pidsParent ? join(this.pidsParent, name) : undefined;
    try {
      await mkdir(mem);
      await writeFile(join(mem, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // No swap on top of the limit (fails harmlessly where swap accounting is off).
      await writeFile(join(mem, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
      await writeFile(join(mem, 'memory.swappiness'), '0').catch(() => undefined);
      if (pids) {
        await mkdir(pids);
        await writeFile(join(pids, 'pids.max'), String(limits.maxPids));
      }
    } catch (err) {
      this.log.warn({ err, name }, 'lambda: cgroup setup failed');
      await removeDir(mem);
      if (pids) await removeDir(pids);
      return undefined;
    }
    const procsFiles = [join(mem, 'cgroup.procs'), ...(pids ? [join(pids, 'cgroup.procs')] : [])];
    const peak = new PinnedFile(join(mem, 'memory.max_usage_in_bytes'), 64);
    return {
      procsFiles,
      allow: async (uid, gid) => {
        for (const f of procsFiles) await chown(f, uid, gid);
      },
      peakBytes: async () => peak.int(),
      oomKills: async () => {
        try {
          const text = readFileSync(join(mem, 'memory.oom_control'), 'utf8');
          const m = /oom_kill (\d+)/.exec(text);
          if (m) return Number(m[1]);
        } catch {
          // fall through
        }
        return 0;
      },
      pids: () => readPids(procsFiles[0]!),
      killAll: () => killLoop(procsFiles),
      remove: async () => {
        peak.close();
        await killLoop(procsFiles);
        await removeDir(mem);
        if (pids) await removeDir(pids);
      },
    };
  }

  async close(): Promise<void> {
    if (!this.ready || !(await this.ready)) return;
    await removeDir(this.memParent);
    if (this.pidsParent) await removeDir(this.pidsParent);
  }
}

class V2Factory extends CgroupFactory {
  readonly kind = 'v2';
  private readonly parent: string;
  private ready: Promise<boolean> | undefined;

  constructor(
    base: string,
    private readonly log: Logger,
  ) {
    super();
    this.parent = join(base, `overcast-lambda-${process.pid}`);
  }

  private prepare(): Promise<boolean> {
    this.ready ??= (async () => {
      try {
        await mkdir(this.parent, { recursive: true });
        // Our own group must delegate the controllers (fails when it holds processes: cgroup v2's
        // no-internal-process rule; then we fall back).
        await writeFile(join(this.parent, '..', 'cgroup.subtree_control'), '+memory +pids').catch(() => undefined);
        await writeFile(join(this.parent, 'cgroup.subtree_control'), '+memory +pids');
        return true;
      } catch (err) {
        this.log.warn(
          { err },
          'lambda: cgroup v2 controllers not available; falling back to rlimits and an RSS watchdog',
        );
        await removeDir(this.parent);
        return false;
      }
    })();
    return this.ready;
  }

  async create(name: string, limits: CgroupLimits): Promise<EnvironmentCgroup | undefined> {
    if (!(await this.prepare())) return undefined;
    const dir = join(this.parent, name);
    try {
      await mkdir(dir);
      await writeFile(join(dir, 'memory.max'), String(limits.memoryBytes));
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => undefined);
      await writeFile(join(dir, 'pids.max'), String(limits.maxPids));
    } catch (err) {
      this.log.warn({ err, name }, 'lambda: cgroup v2 setup failed');
      await removeDir(dir);
      return undefined;
    }
    const procs = join(dir, 'cgroup.procs');
    let peakSeen = 0;
    const peak = new PinnedFile(join(dir, 'memory.peak'), 64);
    // Kernels without memory.peak: the highest memory.current seen after an invocation.
    const current = new PinnedFile(join(dir, 'memory.current'), 64);
    return {
      procsFiles: [procs],
      allow: (uid, gid) => chown(procs, uid, gid),
      peakBytes: async () => {
        const bytes = peak.int();
        if (bytes !== undefined) return bytes;
        const cur = current.int() ?? 0;
        peakSeen = Math.max(peakSeen, cur);
        return peakSeen;
      },
      oomKills: async () => {
        try {
          const m = /oom_kill (\d+)/.exec(readFileSync(join(dir, 'memory.events'), 'utf8'));
          return m ? Number(m[1]) : 0;
        } catch {
          return 0;
        }
      },
      pids: () => readPids(procs),
      killAll: async () => {
        await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => undefined);
        await killLoop([procs]);
      },
      remove: async () => {
        peak.close();
        current.close();
        await writeFile(join(dir, 'cgroup.kill'), '1').catch(() => undefined);
        await killLoop([procs]);
        await removeDir(dir);
      },
    };
  }

  async close(): Promise<void> {
    if (!this.ready || !(await this.ready)) return;
    await removeDir(this.parent);
  }
}
