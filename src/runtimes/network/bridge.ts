import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ipBatch } from './ip.js';
import { alive, LOCK_DIR, NETNS_DIR, spareNamespaces } from './slices.js';

/** One task's network namespace: its address on the bridge and the namespace path containers join. */
export interface TaskAttachment {
  netns: string;
  path: string;
  ip: string;
  mac: string;
  hostVeth: string;
}

/** How many ready namespaces `prewarm` keeps (enough for a small service's tasks starting at once). */
const SPARES = 2;

/** Claim a free /24 of the base /16 across Overcast processes on this machine (lock files with pids). */
function claimSlice(base: string): { octet: number; release: () => void } {
  mkdirSync(LOCK_DIR, { recursive: true });
  for (let attempt = 0; attempt < 600; attempt++) {
    const octet = 1 + ((process.pid + attempt * 7) % 254);
    const file = join(LOCK_DIR, `${base}.${octet}`);
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { octet, release: () => unlinkSync(file) };
    } catch {
      let pid = 0;
      try {
        pid = Number(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      if (pid && !alive(pid)) {
        try {
          unlinkSync(file);
        } catch {
          // raced with another claimer
        }
      }
    }
  }
  throw new Error(`no free /24 left in ${base}.0.0/16`);
}

/** Whether a live process (this one included: it may run several servers) holds bridge slice `octet`. */
function heldByLive(base: string, octet: number): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK_DIR, `${base}.${octet}`), 'utf8'));
    return pid > 0 && alive(pid);
  } catch {
    return false;
  }
}

/**
 * The awsvpc emulation: a Linux bridge owned by this Overcast process (its own /24 of
 * `OVERCAST_TASK_SUBNET`, default 10.213.0.0/16), one network namespace per task with a veth on
 * the bridge, and bridge ports isolated from each other (tasks reach the gateway — Overcast — and
 * nothing else; nothing is routed off the machine).
 *
 * Setting a namespace up takes two `ip` processes (a few tens of milliseconds), so `take()` hands
 * out namespaces made ahead of time by `prewarm()` (named `ovc-p<slice>-<host>`), each fully
 * configured and never used before: a namespace is deleted after its task, never reused.
 */
export class TaskBridge {
  private readonly used = new Set<number>();
  /** Ready namespaces, oldest first, and the one being made. */
  private readonly spares: TaskAttachment[] = [];
  private making: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly name: string,
    readonly subnetPrefix: string,
    readonly gateway: string,
    private readonly octet: number,
    private readonly release: () => void,
  ) {}

  static async create(): Promise<TaskBridge> {
    const base = (process.env['OVERCAST_TASK_SUBNET'] ?? '10.213.0.0/16').split('.').slice(0, 2).join('.');
    const slice = claimSlice(base);
    const prefix = `${base}.${slice.octet}`;
    const name = `ovcbr${slice.octet}`;
    const gateway = `${prefix}.1`;
    try {
      await ipBatch([`link del ${name}`]).catch(() => undefined);
      await ipBatch([`link add ${name} type bridge`, `addr add ${gateway}/24 dev ${name}`, `link set ${name} up`]);
    } catch (err) {
      slice.release();
      throw err;
    }
    // Namespaces from take()/prewarm() a killed process left, spare or in use (its slice is ours now, or nobody's).
    const stale = TaskBridge.spareNames().filter((n) => {
      const octet = Number(/^ovc-p(\d+)-/.exec(n)![1]);
      return octet === slice.octet || !heldByLive(base, octet);
    });
    if (stale.length)
      await ipBatch(
        stale.map((n) => `netns del ${n}`),
        undefined,
        true,
      ).catch(() => undefined);
    return new TaskBridge(name, prefix, gateway, slice.octet, slice.release);
  }

  private static spareNames(): string[] {
    return spareNamespaces();
  }

  /** Create a task's namespace with an address on the bridge. `key` is unique per task (hex). */
  attach(key: string): Promise<TaskAttachment> {
    const id = key.replace(/[^0-9a-f]/g, '').slice(0, 12);
    return this.setUp(this.allocate(), `ovc-${id}`, `ovh${id}`);
  }

  /** A ready namespace (one made by `prewarm`, else a new one). */
  async take(): Promise<TaskAttachment> {
    for (let spare = this.spares.shift(); spare; spare = this.spares.shift()) {
      if (existsSync(spare.path)) return spare;
      // Removed behind our back (by hand, or a cleanup gone wrong): its address is free again.
      await this.detach(spare);
    }
    const host = this.allocate();
    return this.setUp(host, `ovc-p${this.octet}-${host}`, `ovhp${this.octet}-${host}`);
  }

  /** Make namespaces ahead of time, one at a time, until `SPARES` are ready (call when idle). */
  prewarm(): Promise<void> {
    this.making ??= (async () => {
      try {
        while (!this.closed && this.spares.length < SPARES) {
          const host = this.allocate();
          const a = await this.setUp(host, `ovc-p${this.octet}-${host}`, `ovhp${this.octet}-${host}`);
          if (this.closed) await this.detach(a);
          else this.spares.push(a);
        }
      } finally {
        this.making = undefined;
      }
    })();
    return this.making;
  }

  private allocate(): number {
    let host = 2;
    while (this.used.has(host) && host < 255) host++;
    if (host >= 255) throw new Error('no free task address on the bridge');
    this.used.add(host);
    return host;
  }

  private async setUp(host: number, netns: string, hostVeth: string): Promise<TaskAttachment> {
    const ip = `${this.subnetPrefix}.${host}`;
    const mac = `02:42:${this.subnetPrefix
      .split('.')
      .slice(1)
      .concat(String(host))
      .map((n) => Number(n).toString(16).padStart(2, '0'))
      .join(':')}:00`;
    try {
      await ipBatch([
        `netns add ${netns}`,
        `link add ${hostVeth} type veth peer name eth0 netns ${netns}`,
        `link set ${hostVeth} master ${this.name}`,
        `link set ${hostVeth} type bridge_slave isolated on`,
        `link set ${hostVeth} up`,
      ]);
      await ipBatch(
        [
          'link set lo up',
          `link set eth0 address ${mac}`,
          `addr add ${ip}/24 dev eth0`,
          'link set eth0 up',
          `route add default via ${this.gateway}`,
        ],
        netns,
      );
    } catch (err) {
      await ipBatch([`netns del ${netns}`]).catch(() => undefined);
      this.used.delete(host);
      throw err;
    }
    return { netns, path: `${NETNS_DIR}/${netns}`, ip, mac, hostVeth };
  }

  async detach(a: TaskAttachment): Promise<void> {
    // Deleting the namespace destroys eth0 and with it the host end of the pair.
    await ipBatch([`netns del ${a.netns}`]).catch(() => undefined);
    await ipBatch([`link del ${a.hostVeth}`]).catch(() => undefined);
    this.used.delete(Number(a.ip.split('.').pop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.making?.catch(() => undefined);
    const spares = this.spares.splice(0);
    if (spares.length)
      await ipBatch(
        spares.map((a) => `netns del ${a.netns}`),
        undefined,
        true,
      ).catch(() => undefined);
    await ipBatch([`link del ${this.name}`]).catch(() => undefined);
    try {
      this.release();
    } catch {
      // already gone
    }
  }
}
