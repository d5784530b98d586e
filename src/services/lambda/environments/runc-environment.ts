/**
 * One execution environment of a container-image function: the image's entrypoint (a runtime
 * interface client, e.g. AWS base images' /lambda-entrypoint.sh) runs in a runc container on an
 * overlay over the unpacked image, in its own network namespace on the bridge; it reaches its own
 * Runtime API listener through a forwarder on the bridge gateway. The environment hands it one
 * event at a time, kills the container at the deadline, turns exits into Runtime.ExitError (an
 * unexpected SIGKILL under the memory limit into Runtime.OutOfMemory), and writes the container's
 * output and the platform lines (START, END, REPORT) to the log sink.
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { CGROUP_PARENT } from '../../../runtimes/host.js';
import type { ContainerHost } from '../../../runtimes/host.js';
import type { TaskAttachment, TaskBridge } from '../../../runtimes/network/bridge.js';
import type { RuncContainer } from '../../../runtimes/runc/runc.js';
import type { ImageConfigFile } from '../../ecr/port.js';
import { describeExitStatus } from './exit-text.js';
import { CycleEnvironment, InvocationCycle } from './invocation-cycle.js';
import { LineSplitter } from './platform-log.js';
import { writeBundle } from './runc-bundle.js';
import { RuntimeApiForwarder } from './runc-forward.js';
import type { FunctionImageConfig } from './runc-image.js';
import type { EnvironmentSpec, LogSink } from './types.js';

export interface RuncEnvironmentDeps {
  clock: Clock;
  log: Logger;
  host: ContainerHost;
  bridge: TaskBridge;
  /** The unpacked image (overlay lower directory) and its config. */
  lower: string;
  img: ImageConfigFile;
  imageConfig: FunctionImageConfig | undefined;
  /** This environment's directory (bundle, overlay upper/work, /tmp). */
  dir: string;
  /** Overcast's port (reached from the container at the bridge gateway). */
  serverPort: number;
  initTimeoutMs: number;
  onDestroyed?: () => void;
}

const MIB = 1024 * 1024;
let counter = 0;

export class RuncEnvironment extends CycleEnvironment<number> {
  readonly id: string;
  /** The runc container id (also the cgroup leaf under /overcast). */
  readonly containerId: string;
  private readonly serial: number;
  /** Exits are runc's exit status (a signal death as 128+n). */
  protected readonly cycle: InvocationCycle<number>;
  private proxy: RuntimeApiForwarder | undefined;
  private att: TaskAttachment | undefined;
  private mounted = false;
  private container: RuncContainer | undefined;
  private outDone: LineSplitter[] = [];
  private ioDone: Promise<unknown> = Promise.resolve();

  private killedByUs = false;
  private peakBytes = 0;

  constructor(
    readonly spec: EnvironmentSpec,
    logs: LogSink,
    private readonly deps: RuncEnvironmentDeps,
  ) {
    super();
    this.serial = ++counter;
    const n = this.serial.toString(36);
    this.id = `${spec.functionName}-${process.pid.toString(36)}c${n}`;
    this.containerId = `ovl-${process.pid.toString(16)}-${Date.now().toString(16)}${n}`;
    this.cycle = new InvocationCycle<number>(this.id, spec, logs, deps.clock, deps.log, {
      kill: () => this.killContainer(),
      wasOom: (code) => this.wasOom(code),
      exitText: describeExitStatus,
      killedExit: 137,
      maxMemoryUsedMb: (oom) => this.maxMemoryUsedMb(oom),
      drainOutput: () => this.drainOutput(),
    });
  }

  /**
   * Network namespace, Runtime API (+ its forwarder on the gateway), overlay root, bundle, then
   * `runc run`; init runs in the background. Throws (after cleaning up) when the container cannot start.
   */
  async start(): Promise<void> {
    const { deps, spec, cycle } = this;
    mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
    cycle.beginInit();
    const local = await cycle.api.listen();
    const gateway = deps.bridge.gateway;
    // Namespace `ovc-<pid><n>` (hex): one Overcast process's environments are recognisable.
    this.att = await deps.bridge.attach(netnsKey(this.serial));
    this.proxy = await RuntimeApiForwarder.listen(gateway, this.att.ip, Number(local.split(':')[1]));
    const rootfs = await deps.host.mountRootfs(deps.dir, deps.lower);
    this.mounted = true;
    const { args } = await writeBundle({
      spec,
      img: deps.img,
      imageConfig: deps.imageConfig,
      dir: deps.dir,
      rootfs,
      containerId: this.containerId,
      netnsPath: this.att.path,
      runtimeApi: `${gateway}:${this.proxy.port}`,
      endpointUrl: `http://${gateway}:${deps.serverPort}`,
    });
    if (args.length === 0) {
      cycle.failInit(
        'Runtime.InvalidEntrypoint',
        'ProcessSpawnFailed: the image has no ENTRYPOINT or CMD and the function no ImageConfig',
      );
      return;
    }
    const out = new LineSplitter((lines) => cycle.emitFunction(lines));
    const err = new LineSplitter((lines) => cycle.emitFunction(lines));
    this.outDone = [out, err];
    const c = deps.host.runc!.run(this.containerId, deps.dir, {
      stdout: (b) => out.push(b),
      stderr: (b) => err.push(b),
    });
    this.container = c;
    this.ioDone = Promise.all([c.child.stdout!, c.child.stderr!].map((s) => new Promise((r) => s.once('close', r))));
    void c.exited.then((s) => this.onExit(s.code));
    try {
      await c.started;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      cycle.failInit('Runtime.InvalidEntrypoint', `ProcessSpawnFailed: ${message}`);
      return;
    }
    cycle.startInitTimer(deps.initTimeoutMs);
  }

  // -------------------------------------------------------------------------------------------

  private onExit(code: number): void {
    if (this.cycle.exit !== undefined) return;
    this.deps.log.debug({ env: this.id, code }, 'lambda: container exited');
    this.cycle.exited(code);
  }

  /** Output written before the exit is in (bounded: a stray process may hold the pipes). */
  private async drainOutput(): Promise<void> {
    await Promise.race([this.ioDone, new Promise((r) => setTimeout(r, 100).unref())]);
    for (const s of this.outDone) s.flush();
  }

  /** A SIGKILL we did not send, under the memory limit: the kernel's OOM killer (runc reports 137). */
  private wasOom(code: number): boolean {
    return code === 137 && !this.killedByUs;
  }

  /** Peak memory of the container's cgroup (v1 max_usage_in_bytes, v2 memory.peak), read while it exists. */
  private async maxMemoryUsedMb(oom: boolean): Promise<number> {
    if (oom) return this.spec.memoryMb;
    if (this.cycle.alive) {
      for (const p of [
        `/sys/fs/cgroup/memory/${CGROUP_PARENT}/${this.containerId}/memory.max_usage_in_bytes`,
        `/sys/fs/cgroup/${CGROUP_PARENT}/${this.containerId}/memory.peak`,
      ]) {
        const text = await readFile(p, 'utf8').catch(() => '');
        if (text.trim()) {
          this.peakBytes = Math.max(this.peakBytes, Number(text.trim()) || 0);
          break;
        }
      }
    }
    return Math.min(Math.round(this.peakBytes / MIB), this.spec.memoryMb);
  }

  /** SIGKILL to the container (its pid namespace dies with its init); waits for `runc run` to return. */
  private async killContainer(): Promise<void> {
    const c = this.container;
    if (c && this.cycle.exit === undefined) {
      this.killedByUs = true;
      await this.deps.host.runc!.kill(this.containerId, 'KILL');
      await this.cycle.waitForExit(2000);
      if (this.cycle.exit === undefined) c.child.kill('SIGKILL');
    }
    this.cycle.markDead();
  }

  protected async teardown(): Promise<void> {
    await this.cycle.shutdown();
    const { host, bridge, log } = this.deps;
    if (this.container) await host.runc!.delete(this.containerId);
    await this.cycle.api.close();
    await this.proxy?.close();
    if (this.att) await bridge.detach(this.att);
    if (this.mounted) await host.unmountRootfs(this.deps.dir);
    await host
      .removeDir(this.deps.dir)
      .catch((err: unknown) => log.warn({ err, env: this.id }, 'lambda: could not remove environment directory'));
    this.deps.onDestroyed?.();
  }
}

/** 12 hex digits: this process's pid, then the environment's serial number. */
export function netnsKey(serial: number, pid = process.pid): string {
  return (pid % 0x1000000).toString(16).padStart(6, '0') + (serial % 0x1000000).toString(16).padStart(6, '0');
}
