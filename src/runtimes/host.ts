import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageCache } from './images/cache.js';
import { TaskBridge } from './network/bridge.js';
import { TcpProxy } from './network/proxy.js';
import { Runc, findRunc, runtimeUnavailable } from './runc/runc.js';

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')}: ${Buffer.concat(err).toString().trim()}`)),
    );
  });
}

/** The cgroup parent every container of this host goes under (v1 controllers: one directory each). */
export const CGROUP_PARENT = 'overcast';

/**
 * What runs containers on this machine for Overcast: runc (its own state root), the unpacked
 * image cache, overlay root filesystems, and the task bridge with a forwarder from the bridge
 * gateway to Overcast's endpoint (so containers reach the API at AWS_ENDPOINT_URL).
 */
export class ContainerHost {
  readonly images: ImageCache;
  readonly runc: Runc | undefined;
  readonly unavailable: string | undefined;
  private bridgeP: Promise<TaskBridge> | undefined;
  private gateway: TcpProxy | undefined;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly endpointPort: () => number,
  ) {
    this.images = new ImageCache(join(dir, 'images'));
    this.unavailable = runtimeUnavailable();
    const bin = findRunc();
    this.runc = this.unavailable || !bin ? undefined : new Runc(bin, join(dir, 'runc'));
  }

  /** The bridge (created on first use), with the gateway forwarder to Overcast listening. */
  bridge(): Promise<TaskBridge> {
    this.bridgeP ??= (async () => {
      const b = await TaskBridge.create();
      try {
        const port = this.endpointPort();
        this.gateway = await TcpProxy.listen(b.gateway, port, { host: '127.0.0.1', port });
      } catch (err) {
        await b.close();
        throw err;
      }
      return b;
    })();
    this.bridgeP.catch(() => (this.bridgeP = undefined));
    return this.bridgeP;
  }

  /** Mount an overlay over an unpacked image at `<dir>/rootfs` (upper and work beside it). */
  async mountRootfs(dir: string, lower: string): Promise<string> {
    const upper = join(dir, 'upper');
    const work = join(dir, 'work');
    const target = join(dir, 'rootfs');
    for (const d of [upper, work, target]) mkdirSync(d, { recursive: true });
    await run('mount', [
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${lower},upperdir=${upper},workdir=${work}`,
      target,
    ]);
    return target;
  }

  async unmountRootfs(dir: string): Promise<void> {
    const target = join(dir, 'rootfs');
    if (existsSync(target)) await run('umount', ['-l', target]).catch(() => undefined);
  }

  /** Remove a container directory after its root is unmounted (never crossing into a mount). */
  async removeDir(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.gateway?.close();
    const b = await this.bridgeP?.catch(() => undefined);
    await b?.close();
    // Empty cgroup parents this host's containers used (runc removes the leaves).
    for (const ctl of [
      'memory',
      'cpu',
      'cpuacct',
      'pids',
      'blkio',
      'devices',
      'freezer',
      'cpuset',
      'net_cls',
      'perf_event',
      'hugetlb',
      'systemd',
    ]) {
      const p = `/sys/fs/cgroup/${ctl}/${CGROUP_PARENT}`;
      try {
        if (readdirSync(p, { withFileTypes: true }).some((e) => e.isDirectory())) continue;
        rmdirSync(p);
      } catch {
        // not there or still in use by another Overcast
      }
    }
  }
}
