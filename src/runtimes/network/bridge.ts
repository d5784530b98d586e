import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ipBatch } from './ip.js';

/** One task's network namespace: its address on the bridge and the namespace path containers join. */
export interface TaskAttachment {
  netns: string;
  path: string;
  ip: string;
  mac: string;
  hostVeth: string;
}

const LOCK_DIR = '/run/overcast-net';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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

/**
 * The awsvpc emulation: a Linux bridge owned by this Overcast process (its own /24 of
 * `OVERCAST_TASK_SUBNET`, default 10.213.0.0/16), one network namespace per task with a veth on
 * the bridge, and bridge ports isolated from each other (tasks reach the gateway — Overcast — and
 * nothing else; nothing is routed off the machine).
 */
export class TaskBridge {
  private readonly used = new Set<number>();
  private closed = false;

  private constructor(
    readonly name: string,
    readonly subnetPrefix: string,
    readonly gateway: string,
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
    return new TaskBridge(name, prefix, gateway, slice.release);
  }

  /** Create a task's namespace with an address on the bridge. `key` is unique per task (hex). */
  async attach(key: string): Promise<TaskAttachment> {
    let host = 2;
    while (this.used.has(host) && host < 255) host++;
    if (host >= 255) throw new Error('no free task address on the bridge');
    this.used.add(host);
    const id = key.replace(/[^0-9a-f]/g, '').slice(0, 12);
    const netns = `ovc-${id}`;
    const hostVeth = `ovh${id}`;
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
    return { netns, path: `/var/run/netns/${netns}`, ip, mac, hostVeth };
  }

  async detach(a: TaskAttachment): Promise<void> {
    await ipBatch([`netns del ${a.netns}`]).catch(() => undefined);
    await ipBatch([`link del ${a.hostVeth}`]).catch(() => undefined);
    this.used.delete(Number(a.ip.split('.').pop()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await ipBatch([`link del ${this.name}`]).catch(() => undefined);
    try {
      this.release();
    } catch {
      // already gone
    }
  }
}
