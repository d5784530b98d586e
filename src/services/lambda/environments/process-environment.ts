/**
 * One execution environment as a local process tree: the runtime (our Node or Python client, or a
 * custom `bootstrap`) talks to its own Runtime API listener; the environment hands it one event at
 * a time, enforces the deadline (SIGKILL of everything it started), detects crashes and OOM kills,
 * captures stdout/stderr line by line and writes the platform lines (INIT_START, START, END,
 * REPORT) as AWS does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { IPC_ENV, IPC_FD, RuntimeIpcChannel } from '../runtime-api/ipc.js';
import type { CgroupFactory, EnvironmentCgroup } from './cgroups.js';
import { buildEnvironment } from './env-vars.js';
import { describeExit } from './exit-text.js';
import { linkNodeModules, prepareFiles, type Owner } from './filesystem.js';
import { CycleEnvironment, InvocationCycle } from './invocation-cycle.js';
import { planLaunch, wrapperScript } from './launch.js';
import { LineSplitter } from './platform-log.js';
import { PeakRssReader, processesOfUid, treeRss } from './proc-memory.js';
import { initStartLine, type RuntimeInfo } from './runtimes.js';
import type { EnvironmentSpec, LogSink } from './types.js';

export interface ProcessEnvironmentDeps {
  clock: Clock;
  log: Logger;
  info: RuntimeInfo;
  /** This environment's private directory (task copy, /opt, /tmp). */
  envDir: string;
  /** The user and group the function runs as (isolation), or undefined to run as Overcast's user. */
  owner?: Owner;
  cgroups?: CgroupFactory;
  nodeBinary: string;
  pythonBinary?: string;
  sdkNodeModules?: string;
  initTimeoutMs: number;
  maxProcesses: number;
  /** Called once the environment is destroyed. */
  onDestroyed?: () => void;
}

const MIB = 1024 * 1024;
const HEAP_OOM = /JavaScript heap out of memory|Fatal JavaScript out of memory|FATAL ERROR: .*Allocation failed/;

let counter = 0;

export class ProcessEnvironment extends CycleEnvironment<ProcessExit> {
  readonly id: string;
  protected readonly cycle: InvocationCycle<ProcessExit>;
  /** The framed channel to our own runtime clients (the HTTP Runtime API stays open beside it). */
  private channel: RuntimeIpcChannel | undefined;
  private child: ChildProcess | undefined;
  private cgroup: EnvironmentCgroup | undefined;
  private stdoutDone: Promise<void> = Promise.resolve();
  private stderrDone: Promise<void> = Promise.resolve();

  private oomSuspected = false;
  private peakBytes = 0;
  private cgroupPeak = -1;
  private peakRss: PeakRssReader | undefined;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    readonly spec: EnvironmentSpec,
    logs: LogSink,
    private readonly deps: ProcessEnvironmentDeps,
  ) {
    super();
    this.id = `${spec.functionName}-${process.pid.toString(36)}${(++counter).toString(36)}`;
    this.cycle = new InvocationCycle<ProcessExit>(this.id, spec, logs, deps.clock, deps.log, {
      kill: () => this.killProcesses(),
      wasOom: () => this.wasOom(),
      exitText: (e) => describeExit(e.code, e.signal),
      killedExit: { code: null, signal: 'SIGKILL' },
      maxMemoryUsedMb: (oom) => this.maxMemoryUsedMb(oom),
      drainOutput: () => this.waitIo(),
      onFunctionLines: (lines) => {
        if (!this.oomSuspected && lines.some((l) => HEAP_OOM.test(l))) this.oomSuspected = true;
      },
    });
  }

  /** Lays out the files, opens the Runtime API and spawns the runtime (init runs in the background). */
  async start(): Promise<void> {
    const { spec, deps, cycle } = this;
    const files = await prepareFiles(deps.envDir, spec.codeDir, spec.layerDirs, deps.owner);
    const runtimeApi = await cycle.api.listen();
    cycle.emitPlatform(initStartLine(deps.info, spec.region));
    cycle.beginInit();
    const plan = planLaunch({
      info: deps.info,
      runtime: spec.runtime,
      memoryMb: spec.memoryMb,
      taskRoot: files.taskRoot,
      optDir: files.optDir,
      nodeBinary: deps.nodeBinary,
      pythonBinary: deps.pythonBinary,
    });
    if ('errorType' in plan) {
      cycle.failInit(plan.errorType, plan.errorMessage);
      return;
    }
    this.cgroup = await deps.cgroups?.create(this.id, {
      memoryBytes: spec.memoryMb * MIB,
      maxPids: deps.maxProcesses,
    });
    if (this.cgroup && deps.owner) await this.cgroup.allow(deps.owner.uid, deps.owner.gid);
    const env = buildEnvironment(spec, deps.info, {
      runtimeApi,
      taskRoot: files.taskRoot,
      runtimeDir: plan.runtimeDir,
      optDir: files.optDir,
      tmpDir: files.tmpDir,
      langBinDir: plan.langBinDir,
      sdkNodeModules: deps.sdkNodeModules,
    });
    if (deps.info.family === 'nodejs' && files.taskRoot !== spec.codeDir) {
      // The task root is our copy: give ES modules the layers and the SDK through <envDir>/node_modules.
      await linkNodeModules(join(deps.envDir, 'node_modules'), env['NODE_PATH']?.split(':') ?? []);
    }
    const procs = this.cgroup?.procsFiles ?? [];
    // A process limit by rlimit only where no pids cgroup does it and the uid is the environment's own.
    const nproc = deps.owner && procs.length < 2 ? deps.maxProcesses : undefined;
    if (plan.ownClient) env[IPC_ENV] = String(IPC_FD);
    const child = spawn(
      '/bin/sh',
      ['-c', wrapperScript(nproc), 'overcast-lambda', ...procs, '--', plan.command, ...plan.args],
      {
        cwd: files.taskRoot,
        env,
        detached: true,
        stdio: plan.ownClient ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
        ...(deps.owner ? { uid: deps.owner.uid, gid: deps.owner.gid } : {}),
      },
    );
    this.child = child;
    if (plan.ownClient) this.channel = new RuntimeIpcChannel(child.stdio[IPC_FD] as Socket, cycle.api.state, deps.log);
    const out = new LineSplitter((lines) => cycle.emitFunction(lines));
    const err = new LineSplitter((lines) => cycle.emitFunction(lines));
    this.stdoutDone = pipeLines(child.stdout!, out);
    this.stderrDone = pipeLines(child.stderr!, err);
    child.on('error', (e) => {
      deps.log.warn({ err: e, env: this.id }, 'lambda: runtime failed to start');
      this.onExit(127, null);
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    cycle.startInitTimer(deps.initTimeoutMs);
    if (!this.cgroup) this.startWatchdog();
  }

  // -------------------------------------------------------------------------------------------

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.cycle.exit) return;
    if (this.watchdog) clearInterval(this.watchdog);
    this.peakRss?.close();
    this.deps.log.debug({ env: this.id, code, signal }, 'lambda: runtime exited');
    this.cycle.exited({ code, signal });
  }

  /** Output written before the process ended is in; bounded, since a stray child may hold the pipes. */
  private waitIo(): Promise<void> {
    return Promise.race([
      Promise.all([this.stdoutDone, this.stderrDone]).then(() => undefined),
      new Promise<void>((r) => setTimeout(r, 100).unref()),
    ]);
  }

  private async wasOom(): Promise<boolean> {
    if (this.oomSuspected) return true;
    if (this.cgroup && (await this.cgroup.oomKills()) > 0) return true;
    return false;
  }

  private async maxMemoryUsedMb(oom: boolean): Promise<number> {
    // The cgroup's peak counts only pages charged to it (shared, already-cached pages of the
    // interpreter are not); the runtime's own peak RSS (VmHWM) counts them, as Lambda's figure does.
    let bytes = this.peakBytes;
    // Without a cgroup, or when its peak moved, the process's own peak is read afresh.
    let grew = true;
    if (this.cgroup) {
      const peak = (await this.cgroup.peakBytes()) ?? 0;
      grew = peak !== this.cgroupPeak;
      this.cgroupPeak = peak;
      bytes = Math.max(bytes, peak);
    }
    if (this.child?.pid && this.cycle.alive && !this.cycle.exit) {
      this.peakRss ??= new PeakRssReader(this.child.pid);
      bytes = Math.max(bytes, this.peakRss.read(grew));
    }
    this.peakBytes = bytes;
    const mb = Math.round(bytes / MIB);
    return oom ? this.spec.memoryMb : Math.min(mb, this.spec.memoryMb);
  }

  /** Without a memory cgroup: poll the tree's RSS, keep the peak, kill it past MemorySize. */
  private startWatchdog(): void {
    const limit = this.spec.memoryMb * MIB;
    let running = false;
    this.watchdog = setInterval(() => {
      const pid = this.child?.pid;
      if (running || !pid || !this.cycle.alive) return;
      running = true;
      void treeRss(pid)
        .then((rss) => {
          this.peakBytes = Math.max(this.peakBytes, rss);
          if (rss > limit) {
            this.oomSuspected = true;
            void this.killProcesses();
          }
        })
        .finally(() => (running = false));
    }, 50);
    this.watchdog.unref();
  }

  private async killProcesses(): Promise<void> {
    const pid = this.child?.pid;
    if (pid && !this.cycle.exit) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await this.cgroup?.killAll();
    if (this.deps.owner) {
      for (const p of await processesOfUid(this.deps.owner.uid)) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    if (this.child && !this.cycle.exit) await this.cycle.waitForExit(2000);
    this.cycle.markDead();
  }

  protected async teardown(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await this.cycle.shutdown();
    this.channel?.close();
    this.peakRss?.close();
    await this.cycle.api.close();
    await this.cgroup?.remove();
    await rm(this.deps.envDir, { recursive: true, force: true }).catch((err) =>
      this.deps.log.warn({ err, env: this.id }, 'lambda: could not remove environment directory'),
    );
    this.deps.onDestroyed?.();
  }
}

/** How a runtime process ended, as Node reports it. */
interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function pipeLines(stream: NodeJS.ReadableStream, splitter: LineSplitter): Promise<void> {
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    const done = () => {
      splitter.flush();
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
