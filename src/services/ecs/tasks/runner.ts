import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { ContainerHost } from '../../../runtimes/host.js';
import type { TaskAttachment, TaskBridge } from '../../../runtimes/network/bridge.js';
import { TcpProxy } from '../../../runtimes/network/proxy.js';
import type { ExitStatus, RuncContainer } from '../../../runtimes/runc/runc.js';
import { signalNumber } from '../../../runtimes/runc/runc.js';
import type { ServerInfo } from '../../deps.js';
import type { ImagePort, ResolvedImage } from '../../ecr/port.js';
import type { LogsPort } from '../../logs/port.js';
import type { EcsSettings } from '../context.js';
import { taskIdOf } from '../context.js';
import type { EcsState } from '../state.js';
import type { ContainerDefinition, ContainerDoc, TaskDefinitionDoc, TaskDoc } from '../types.js';
import { bundleFor } from './bundle.js';
import { readEnvFiles } from './env-files.js';
import type { ObjectReader } from './env-files.js';
import type { PreparedImage, PreparedRoot } from './bundle.js';
import { parseImage } from './image-ref.js';
import { LogStream } from './log-stream.js';

export interface RunnerDeps {
  state: EcsState;
  clock: Clock;
  log: Logger;
  settings: EcsSettings;
  host: ContainerHost;
  images: ImagePort;
  logs: LogsPort | undefined;
  server: ServerInfo;
  dir: string;
  /** How environmentFiles are read (S3's API as the task's account). */
  objects: ObjectReader;
}

/** A task that failed to start, with AWS's error prefix (CannotPullContainerError, …). */
class StartError extends Error {}

interface Health {
  status: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  failures: number;
  nextAt: number;
  startedAt: number;
  startPeriodOver: boolean;
  busy: boolean;
}

class ContainerRun {
  proc: RuncContainer | undefined;
  started = false;
  exit: ExitStatus | undefined;
  killedByUs = false;
  health: Health | undefined;
  logStream: LogStream | undefined;
  image: PreparedImage | undefined;
  /** The variables of its environmentFiles, read from S3 before the task starts. */
  envFiles: [string, string][] = [];
  /** The container's root (made ready while the task's namespace is being attached). */
  rootfs: Promise<PreparedRoot> | undefined;
  /** Whether the root overlay is mounted on the host (else runc mounts it inside the container). */
  hostMount: boolean | undefined;
  readonly startedP: Promise<void>;
  readonly exitedP: Promise<ExitStatus>;
  resolveStarted!: () => void;
  rejectStarted!: (err: Error) => void;
  resolveExited!: (s: ExitStatus) => void;
  constructor(
    readonly def: ContainerDefinition,
    readonly doc: ContainerDoc,
    readonly runtimeId: string,
    readonly dir: string,
  ) {
    this.startedP = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    this.startedP.catch(() => undefined);
    this.exitedP = new Promise((resolve) => (this.resolveExited = resolve));
  }
}

class TaskInstance {
  att: TaskAttachment | undefined;
  proxies: TcpProxy[] = [];
  stopping = false;
  launching: Promise<void> = Promise.resolve();
  teardown: Promise<void> | undefined;
  constructor(
    readonly task: TaskDoc,
    readonly td: TaskDefinitionDoc,
    readonly containers: ContainerRun[],
    readonly dir: string,
  ) {}
}

export type TaskListener = (task: TaskDoc) => void;

const OOM_REASON = 'OutOfMemoryError: Container killed due to memory usage';

/**
 * Runs ECS tasks on the container host: the lastStatus sequence PROVISIONING → PENDING →
 * ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, one network
 * namespace per task, one runc container per container definition (dependsOn honoured), health
 * checks through `runc exec`, awslogs output, stop codes and reasons as ECS reports them.
 */
export class TaskRunner {
  private readonly live = new Map<string, TaskInstance>();
  private readonly listeners: TaskListener[] = [];
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(readonly deps: RunnerDeps) {
    this.timer = setInterval(() => this.healthTick(), deps.settings.tickMs);
    this.timer.unref();
  }

  onChange(l: TaskListener): void {
    this.listeners.push(l);
  }

  isLive(taskArn: string): boolean {
    return this.live.has(taskArn);
  }

  /** Start a task's lifecycle (the task document is stored in PROVISIONING). */
  launch(task: TaskDoc, td: TaskDefinitionDoc): void {
    const id = taskIdOf(task.taskArn);
    const dir = join(this.deps.dir, id);
    const runs = td.containerDefinitions.map((def, i) => {
      const doc = task.containers[i]!;
      return new ContainerRun(def, doc, `${id}-${def.name}`, join(dir, def.name));
    });
    const inst = new TaskInstance(task, td, runs, dir);
    this.live.set(task.taskArn, inst);
    let failure: string | undefined;
    inst.launching = this.start(inst).catch((err: unknown) => {
      failure = err instanceof Error ? err.message : String(err);
      if (!(err instanceof StartError)) this.deps.log.warn({ err, task: task.taskArn }, 'task failed to start');
    });
    // Stopping waits for the launch to settle, so the failure path must not be part of it.
    void inst.launching.then(() => {
      if (failure !== undefined) void this.stopInstance(inst, 'TaskFailedToStart', failure);
    });
  }

  /** Stop a task (StopTask, the service scheduler). Resolves once it is STOPPED. */
  async stop(taskArn: string, stopCode: string, reason: string): Promise<void> {
    const inst = this.live.get(taskArn);
    if (!inst) return;
    await this.stopInstance(inst, stopCode, reason);
  }

  /** Run a command in a task's container (`overcast exec`, tests). */
  async exec(taskArn: string, container: string, args: string[], timeoutMs = 30_000) {
    const inst = this.live.get(taskArn);
    const run = inst?.containers.find((c) => c.def.name === container);
    if (!run?.started || run.exit || !this.deps.host.runc) throw new Error(`container ${container} is not running`);
    return this.deps.host.runc.exec(run.runtimeId, args, { timeoutMs });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(
      [...this.live.values()].map((inst) => this.stopInstance(inst, 'TaskFailedToStart', 'Overcast stopped', 0)),
    );
  }

  // ---- state

  private async update(task: TaskDoc, changes: Partial<TaskDoc>): Promise<void> {
    this.apply(task, changes);
    await this.deps.state.put('task', task.taskArn, task);
    this.notify(task);
  }

  /**
   * An intermediate change on the start path (PENDING, ACTIVATING, pull times): visible and
   * announced at once, written in order behind the others without waiting for the commit.
   */
  private note(task: TaskDoc, changes: Partial<TaskDoc>): void {
    this.apply(task, changes);
    this.deps.state.put('task', task.taskArn, task).catch((err: unknown) => {
      this.deps.log.warn({ err, task: task.taskArn }, 'task state write failed');
    });
    this.notify(task);
  }

  private apply(task: TaskDoc, changes: Partial<TaskDoc>): void {
    const statusChanged = changes.lastStatus !== undefined && changes.lastStatus !== task.lastStatus;
    Object.assign(task, changes);
    if (statusChanged || changes.desiredStatus !== undefined || changes.healthStatus !== undefined) task.version++;
  }

  private notify(task: TaskDoc): void {
    for (const l of this.listeners) {
      try {
        l(task);
      } catch (err) {
        this.deps.log.warn({ err }, 'task listener failed');
      }
    }
  }

  private now(): number {
    return this.deps.clock.now();
  }

  // ---- start

  private async start(inst: TaskInstance): Promise<void> {
    const { host } = this.deps;
    if (host.unavailable || !host.runc) {
      throw new StartError(`ResourceInitializationError: unable to run containers on this host: ${host.unavailable}`);
    }
    void host.runc.mountsRootOverlay();
    const bridge = await host.bridge().catch((err: Error) => {
      throw new StartError(`ResourceInitializationError: failed to create the task network: ${err.message}`);
    });
    try {
      await this.provision(inst, bridge);
    } finally {
      // Namespaces for the next tasks are made while this one runs, off their start path.
      void bridge.prewarm().catch((err: unknown) => this.deps.log.warn({ err }, 'task network prewarm failed'));
    }
  }

  private async provision(inst: TaskInstance, bridge: TaskBridge): Promise<void> {
    const { task } = inst;
    // The ENI (network namespace) and the images (pull, overlay mounts) are made ready side by side;
    // both settle before this returns, so a stop never races a half-made namespace or mount.
    const pullStartedAt = this.now();
    const attached = (async () => {
      inst.att = await bridge.take().catch((err: Error) => {
        throw new StartError(`ResourceInitializationError: failed to configure ENI: ${err.message}`);
      });
      const att = inst.att;
      const eni = task.attachments[0]!;
      eni.status = 'ATTACHED';
      eni.details.push(
        { name: 'macAddress', value: att.mac },
        { name: 'privateDnsName', value: `ip-${att.ip.replace(/\./g, '-')}.ec2.internal` },
        { name: 'privateIPv4Address', value: att.ip },
      );
      for (const c of task.containers) c.networkInterfaces = [{ attachmentId: eni.id, privateIpv4Address: att.ip }];
      if (inst.stopping) return;
      // The pull below is under way (from a ready namespace, usually from the start).
      this.note(task, { lastStatus: 'PENDING' });
      this.note(task, { lastStatus: 'ACTIVATING', pullStartedAt });
    })();
    const pulled = this.pullImages(inst).then(() => {
      if (inst.stopping) return;
      mkdirSync(inst.dir, { recursive: true });
      for (const run of inst.containers) {
        mkdirSync(run.dir, { recursive: true });
        run.rootfs = this.prepareRoot(run);
        run.rootfs.catch(() => undefined);
      }
    });
    try {
      const [a, p] = await Promise.allSettled([attached, pulled]);
      if (a.status === 'rejected') throw a.reason;
      if (p.status === 'rejected') throw p.reason;
      if (inst.stopping) return;
      this.note(task, { pullStoppedAt: this.now() });
      await this.startContainers(inst);
    } finally {
      // Mounts still in flight (a failed start) settle before the task is torn down.
      await Promise.allSettled(inst.containers.map((run) => run.rootfs));
    }
  }

  /** The container's overlay root: described for runc to mount when it can, else mounted here. */
  private async prepareRoot(run: ContainerRun): Promise<PreparedRoot> {
    const { host } = this.deps;
    const lower = run.image!.lower;
    if (await host.runc!.mountsRootOverlay()) {
      const overlay = { lower, upper: join(run.dir, 'upper'), work: join(run.dir, 'work') };
      const path = join(run.dir, 'rootfs');
      for (const d of [overlay.upper, overlay.work, path]) mkdirSync(d, { recursive: true });
      run.hostMount = false;
      return { path, overlay };
    }
    run.hostMount = true;
    return { path: await host.mountRootfs(run.dir, lower) };
  }

  private async startContainers(inst: TaskInstance): Promise<void> {
    const { task } = inst;
    const att = inst.att!;
    this.writeNetworkFiles(inst);
    for (const run of inst.containers) {
      run.doc.networkBindings = [];
      for (const p of run.def.portMappings ?? []) {
        if (p.containerPort === undefined || (p.protocol ?? 'tcp') !== 'tcp') continue;
        const proxy = await TcpProxy.listen('127.0.0.1', 0, { host: att.ip, port: p.containerPort });
        inst.proxies.push(proxy);
        run.doc.networkBindings.push({
          bindIP: '127.0.0.1',
          containerPort: p.containerPort,
          hostPort: proxy.port,
          protocol: 'tcp',
        });
      }
    }
    await Promise.all(inst.containers.map((run) => this.startContainer(inst, run)));
    if (inst.stopping) return;
    const now = this.now();
    await this.update(task, {
      lastStatus: 'RUNNING',
      startedAt: now,
      connectivity: 'CONNECTED',
      connectivityAt: now,
      healthStatus: this.taskHealth(inst),
    });
  }

  private async pullImages(inst: TaskInstance): Promise<void> {
    const { task } = inst;
    const [, , , region = '', account = ''] = task.taskArn.split(':');
    const resolved = new Map<string, Promise<PreparedImage>>();
    const prepare = async (image: string): Promise<PreparedImage> => {
      const loc = parseImage(image, account, region);
      const prefix = `CannotPullContainerError: pull image manifest has been retried 1 time(s): `;
      if ('error' in loc) throw new StartError(prefix + loc.error);
      const r = await this.deps.images.resolve(loc.account, loc.region, loc.repo, loc.ref);
      if (!r.ok) throw new StartError(`${prefix}failed to resolve ref ${image}: ${r.message}`);
      const img = r as ResolvedImage;
      try {
        const lower = await this.deps.host.images.ensure(img.digest, img.layers, (d) => this.deps.images.blobPath(d));
        return { lower, config: img.config, digest: img.resolvedDigest };
      } catch (err) {
        throw new StartError(
          `CannotPullContainerError: failed to extract layer of ${image}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    };
    await Promise.all(
      inst.containers.map(async (run) => {
        let p = resolved.get(run.def.image);
        if (!p) {
          p = prepare(run.def.image);
          resolved.set(run.def.image, p);
        }
        const files = run.def.environmentFiles ?? [];
        const env = files.length
          ? readEnvFiles(this.deps.objects, account, region, files).catch((err: Error) => {
              throw new StartError(err.message);
            })
          : undefined;
        // Promise.all observes both: a failure of the other one is never an unhandled rejection.
        const [image, vars] = await Promise.all([p, env]);
        run.image = image;
        run.doc.imageDigest = image.digest;
        if (vars) run.envFiles = vars;
      }),
    );
  }

  private writeNetworkFiles(inst: TaskInstance): void {
    const att = inst.att!;
    const hostname = `ip-${att.ip.replace(/\./g, '-')}.ec2.internal`;
    writeFileSync(
      join(inst.dir, 'hosts'),
      `127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n${att.ip} ${hostname} ${hostname.split('.')[0]}\n`,
    );
    writeFileSync(join(inst.dir, 'hostname'), `${hostname}\n`);
    writeFileSync(join(inst.dir, 'resolv.conf'), `# Overcast tasks have no DNS resolver\noptions ndots:0\n`);
  }

  private async waitDependencies(inst: TaskInstance, run: ContainerRun): Promise<void> {
    for (const d of run.def.dependsOn ?? []) {
      const dep = inst.containers.find((c) => c.def.name === d.containerName)!;
      if (d.condition === 'START') await dep.startedP;
      else if (d.condition === 'COMPLETE') {
        await dep.startedP;
        await dep.exitedP;
      } else if (d.condition === 'SUCCESS') {
        await dep.startedP;
        const s = await dep.exitedP;
        if (s.code !== 0)
          throw new StartError(
            `CannotStartContainerError: dependency ${dep.def.name} exited with code ${s.code} (condition SUCCESS)`,
          );
      } else if (d.condition === 'HEALTHY') {
        await dep.startedP;
        for (;;) {
          if (inst.stopping) return;
          if (dep.health?.status === 'HEALTHY') break;
          if (dep.exit || dep.health?.status === 'UNHEALTHY')
            throw new StartError(`CannotStartContainerError: dependency ${dep.def.name} did not become HEALTHY`);
          await new Promise((r) => setTimeout(r, this.deps.settings.tickMs));
        }
      }
    }
  }

  private async startContainer(inst: TaskInstance, run: ContainerRun): Promise<void> {
    try {
      await this.waitDependencies(inst, run);
      if (inst.stopping) throw new StartError('task stopping');
      const { host } = this.deps;
      // The bundle is written while the overlay mounts.
      const [mounted, written] = await Promise.allSettled([run.rootfs!, bundleFor(inst, run, run.rootfs!, this.deps)]);
      if (mounted.status === 'rejected') throw mounted.reason;
      if (written.status === 'rejected') {
        const err = written.reason as Error;
        throw new StartError(`CannotStartContainerError: Error response from daemon: ${err.message}`);
      }
      const bundle = written.value;
      run.logStream = this.logStreamFor(inst, run);
      run.proc = host.runc!.run(run.runtimeId, bundle.dir, {
        stdout: (b) => run.logStream?.write(b),
        stderr: (b) => run.logStream?.write(b),
      });
      void run.proc.exited.then((s) => this.containerExited(inst, run, s));
      try {
        await run.proc.started;
      } catch (err) {
        throw new StartError(
          `CannotStartContainerError: Error response from daemon: failed to create task for container: ${(err as Error).message}`,
        );
      }
      run.started = true;
      run.doc.runtimeId = run.runtimeId;
      run.doc.lastStatus = 'RUNNING';
      const hc = run.def.healthCheck;
      if (hc && hc.command[0] !== 'NONE') {
        const now = this.now();
        run.health = {
          status: 'UNKNOWN',
          failures: 0,
          nextAt: now + (hc.interval ?? 30) * 1000,
          startedAt: now,
          startPeriodOver: !hc.startPeriod,
          busy: false,
        };
        run.doc.healthStatus = 'UNKNOWN';
      }
      run.resolveStarted();
    } catch (err) {
      run.rejectStarted(err as Error);
      throw err;
    }
  }

  private logStreamFor(inst: TaskInstance, run: ContainerRun): LogStream | undefined {
    const lc = run.def.logConfiguration;
    if (!lc || lc.logDriver !== 'awslogs' || !this.deps.logs) return undefined;
    const o = lc.options ?? {};
    const group = o['awslogs-group'];
    if (!group) return undefined;
    const [, , , region = '', account = ''] = inst.task.taskArn.split(':');
    const prefix = o['awslogs-stream-prefix'];
    const id = taskIdOf(inst.task.taskArn);
    const stream = prefix ? `${prefix}/${run.def.name}/${id}` : `${run.def.name}/${id}`;
    return new LogStream(this.deps.logs, this.deps.clock, account, o['awslogs-region'] ?? region, group, stream);
  }

  // ---- exits and stops

  private async containerExited(inst: TaskInstance, run: ContainerRun, s: ExitStatus): Promise<void> {
    run.exit = s;
    await run.logStream?.close();
    // A container that exits at once can be gone before its start is recorded: wait for the start
    // to settle, or the exit would be taken for a failed start and the task would never stop.
    if (!run.started) await run.startedP.catch(() => undefined);
    if (!run.started) {
      run.resolveExited(s);
      return;
    }
    const memoryLimited = Boolean(run.def.memory || inst.task.memory);
    run.doc.lastStatus = 'STOPPED';
    run.doc.exitCode = s.code;
    if (s.code === 137 && !run.killedByUs && memoryLimited) run.doc.reason = OOM_REASON;
    run.resolveExited(s);
    if (run.def.essential !== false && !inst.stopping) {
      void this.stopInstance(inst, 'EssentialContainerExited', 'Essential container in task exited');
    } else if (!inst.stopping) {
      await this.update(inst.task, {});
    }
  }

  private stopInstance(inst: TaskInstance, stopCode: string, reason: string, graceOverrideSec?: number): Promise<void> {
    if (inst.teardown) return inst.teardown;
    inst.stopping = true;
    inst.teardown = (async () => {
      const { task } = inst;
      const wasRunning = task.lastStatus === 'RUNNING';
      await this.update(task, {
        desiredStatus: 'STOPPED',
        stopCode: task.stopCode ?? stopCode,
        stoppedReason: task.stoppedReason ?? reason,
        stoppingAt: this.now(),
      });
      await inst.launching.catch(() => undefined);
      if (wasRunning) await this.update(task, { lastStatus: 'DEACTIVATING' });
      if (task.lastStatus !== 'PROVISIONING' && task.lastStatus !== 'PENDING')
        await this.update(task, { lastStatus: 'STOPPING' });
      await this.stopContainers(inst, graceOverrideSec);
      await this.update(task, { executionStoppedAt: this.now(), lastStatus: 'DEPROVISIONING' });
      await this.release(inst);
      for (const c of task.containers) {
        if (c.lastStatus !== 'STOPPED') c.lastStatus = 'STOPPED';
        c.networkBindings = [];
      }
      const eni = task.attachments[0];
      if (eni) eni.status = 'DELETED';
      this.live.delete(task.taskArn);
      await this.update(task, { lastStatus: 'STOPPED', stoppedAt: this.now(), connectivity: undefined });
    })();
    return inst.teardown;
  }

  private async stopContainers(inst: TaskInstance, graceOverrideSec?: number): Promise<void> {
    const runc = this.deps.host.runc;
    if (!runc) return;
    await Promise.all(
      inst.containers.map(async (run) => {
        if (!run.proc || run.exit) return;
        // A container whose start is still in flight is waited for (its exit resolves below either way).
        await run.proc.started.catch(() => undefined);
        if (run.exit) return;
        run.killedByUs = true;
        const signal = run.image?.config.config?.StopSignal ?? 'SIGTERM';
        await runc.kill(run.runtimeId, signalNumber(signal));
        const graceSec = graceOverrideSec ?? run.def.stopTimeout ?? 30;
        const timer = setTimeout(() => void runc.kill(run.runtimeId, 9), graceSec * 1000);
        await run.proc.exited;
        clearTimeout(timer);
      }),
    );
  }

  private async release(inst: TaskInstance): Promise<void> {
    const { host } = this.deps;
    await Promise.all(inst.proxies.map((p) => p.close()));
    for (const run of inst.containers) {
      if (run.proc) {
        await run.proc.exited;
        await host.runc?.delete(run.runtimeId);
      }
      await run.logStream?.close();
      if (run.hostMount !== false) await host.unmountRootfs(run.dir);
    }
    if (inst.att) {
      const bridge = await host.bridge().catch(() => undefined);
      await bridge?.detach(inst.att);
    }
    await host.removeDir(inst.dir).catch(() => undefined);
  }

  // ---- health

  private taskHealth(inst: TaskInstance): 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' {
    const checked = inst.containers.filter((c) => c.def.essential !== false && c.health);
    if (checked.length === 0) return 'UNKNOWN';
    if (checked.some((c) => c.health!.status === 'UNHEALTHY')) return 'UNHEALTHY';
    if (checked.every((c) => c.health!.status === 'HEALTHY')) return 'HEALTHY';
    return 'UNKNOWN';
  }

  private healthTick(): void {
    if (this.closed) return;
    const now = this.now();
    for (const inst of this.live.values()) {
      if (inst.stopping) continue;
      for (const run of inst.containers) {
        const h = run.health;
        if (!h || h.busy || run.exit || now < h.nextAt) continue;
        h.busy = true;
        void this.check(inst, run, h).finally(() => (h.busy = false));
      }
    }
  }

  private async check(inst: TaskInstance, run: ContainerRun, h: Health): Promise<void> {
    const hc = run.def.healthCheck!;
    const [kind, ...rest] = hc.command;
    const args = kind === 'CMD-SHELL' ? ['/bin/sh', '-c', rest.join(' ')] : rest;
    const r = await this.deps.host.runc!.exec(run.runtimeId, args, { timeoutMs: (hc.timeout ?? 5) * 1000 });
    const now = this.now();
    h.nextAt = now + (hc.interval ?? 30) * 1000;
    if (inst.stopping || run.exit) return;
    const before = h.status;
    if (r.code === 0 && !r.timedOut) {
      h.failures = 0;
      h.startPeriodOver = true;
      h.status = 'HEALTHY';
    } else {
      if (!h.startPeriodOver && now - h.startedAt >= (hc.startPeriod ?? 0) * 1000) h.startPeriodOver = true;
      if (h.startPeriodOver) {
        h.failures++;
        if (h.failures >= (hc.retries ?? 3)) h.status = 'UNHEALTHY';
      }
    }
    if (h.status !== before) {
      run.doc.healthStatus = h.status;
      await this.update(inst.task, { healthStatus: this.taskHealth(inst) });
    }
  }
}
