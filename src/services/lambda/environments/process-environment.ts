/**
 * One execution environment as a local process tree: the runtime (our Node or Python client, or a
 * custom `bootstrap`) talks to its own Runtime API listener; the environment hands it one event at
 * a time, enforces the deadline (SIGKILL of everything it started), detects crashes and OOM kills,
 * captures stdout/stderr line by line and writes the platform lines (INIT_START, START, END,
 * REPORT) as AWS does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Socket } from 'node:net';
import { IPC_ENV, IPC_FD, RuntimeIpcChannel } from '../runtime-api/ipc.js';
import { RuntimeApiServer } from '../runtime-api/server.js';
import { responseTooLargeError } from '../runtime-api/errors.js';
import type { CgroupFactory, EnvironmentCgroup } from './cgroups.js';
import { buildEnvironment } from './env-vars.js';
import { join } from 'node:path';
import { linkNodeModules, prepareFiles, type Owner } from './filesystem.js';
import { planLaunch, wrapperScript } from './launch.js';
import {
  LineSplitter,
  endInvocation,
  initReportLine,
  startLine,
  timeoutLogLine,
  type InvocationEnd,
} from './platform-log.js';
import { PeakRssReader, processesOfUid, treeRss } from './proc-memory.js';
import { initStartLine, type RuntimeInfo } from './runtimes.js';
import type {
  EnvironmentSpec,
  ExecutionEnvironment,
  Invocation,
  InvocationResult,
  InvocationStatus,
  LogSink,
} from './types.js';

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

type Outcome =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer; errorType?: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timeout' };

type InitOutcome =
  | { ok: true }
  | {
      ok: false;
      status: 'error' | 'timeout';
      errorType: string;
      /** The runtime's own error document (init/error), when it posted one. */
      payload?: Buffer;
      /** Otherwise the platform's message, prefixed `RequestId: <id> Error: ` at invoke time. */
      message?: string;
    };

const MIB = 1024 * 1024;
const HEAP_OOM = /JavaScript heap out of memory|Fatal JavaScript out of memory|FATAL ERROR: .*Allocation failed/;

let counter = 0;

export class ProcessEnvironment implements ExecutionEnvironment {
  readonly id: string;
  private _busy = false;
  private _alive = true;
  private _lastUsedAt: number;

  private readonly api: RuntimeApiServer;
  /** The framed channel to our own runtime clients (the HTTP Runtime API stays open beside it). */
  private channel: RuntimeIpcChannel | undefined;
  private child: ChildProcess | undefined;
  private cgroup: EnvironmentCgroup | undefined;
  private stdoutDone: Promise<void> = Promise.resolve();
  private stderrDone: Promise<void> = Promise.resolve();

  private initStartedAt = 0;
  private initDurationMs: number | undefined;
  private initOutcome: InitOutcome | undefined;
  private readonly initWaiters: ((o: InitOutcome) => void)[] = [];
  private initTimer: NodeJS.Timeout | undefined;
  private initBilled = false;
  /** The function's lines during init, replayed into an init-error invocation's tail. */
  private readonly initLines: string[] = [];

  private current: { requestId: string; settle: (o: Outcome) => void } | undefined;
  private tail: string[] | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  private readonly pollWaiters: (() => void)[] = [];
  private oomSuspected = false;
  private peakBytes = 0;
  private peakRss: PeakRssReader | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private destroying: Promise<void> | undefined;

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly logs: LogSink,
    private readonly deps: ProcessEnvironmentDeps,
  ) {
    this.id = `${spec.functionName}-${process.pid.toString(36)}${(++counter).toString(36)}`;
    this._lastUsedAt = deps.clock.now();
    this.api = new RuntimeApiServer(
      {
        onReady: () => this.settleInit({ ok: true }),
        onPoll: () => this.pollWaiters.splice(0).forEach((w) => w()),
        onResponse: (id, body) => this.settle(id, { kind: 'response', body }),
        onResponseTooLarge: (id, size) => this.settle(id, { kind: 'too-large', size }),
        onError: (id, body, errorType) => this.settle(id, { kind: 'error', body, errorType }),
        onInitError: (body, errorType) =>
          this.settleInit({
            ok: false,
            status: 'error',
            errorType: errorType ?? errorTypeOf(body) ?? 'Runtime.Unknown',
            payload: body,
          }),
      },
      deps.log,
    );
  }

  get busy(): boolean {
    return this._busy;
  }
  get alive(): boolean {
    return this._alive;
  }
  get lastUsedAt(): number {
    return this._lastUsedAt;
  }

  /** Lays out the files, opens the Runtime API and spawns the runtime (init runs in the background). */
  async start(): Promise<void> {
    const { spec, deps } = this;
    const files = await prepareFiles(deps.envDir, spec.codeDir, spec.layerDirs, deps.owner);
    const runtimeApi = await this.api.listen();
    this.emitPlatform(initStartLine(deps.info, spec.region));
    this.initStartedAt = performance.now();
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
      this.settleInit({ ok: false, status: 'error', errorType: plan.errorType, message: plan.errorMessage });
      this._alive = false;
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
    if (plan.ownClient) this.channel = new RuntimeIpcChannel(child.stdio[IPC_FD] as Socket, this.api.state, deps.log);
    const out = new LineSplitter((lines) => this.emitFunction(lines));
    const err = new LineSplitter((lines) => this.emitFunction(lines));
    this.stdoutDone = pipeLines(child.stdout!, out);
    this.stderrDone = pipeLines(child.stderr!, err);
    child.on('error', (e) => {
      deps.log.warn({ err: e, env: this.id }, 'lambda: runtime failed to start');
      this.onExit(127, null);
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    this.initTimer = setTimeout(() => {
      this.settleInit({
        ok: false,
        status: 'timeout',
        errorType: 'Sandbox.Timedout',
        message: `Task timed out after ${(deps.initTimeoutMs / 1000).toFixed(2)} seconds`,
      });
    }, deps.initTimeoutMs);
    this.initTimer.unref();
    if (!this.cgroup) this.startWatchdog();
  }

  async invoke(invocation: Invocation): Promise<InvocationResult> {
    if (this._busy) throw new Error(`execution environment ${this.id} is busy`);
    this._busy = true;
    try {
      return await this.run(invocation);
    } finally {
      this._busy = false;
      this._lastUsedAt = this.deps.clock.now();
    }
  }

  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  // -------------------------------------------------------------------------------------------

  private async run(inv: Invocation): Promise<InvocationResult> {
    const { spec, deps } = this;
    const id = inv.requestId;
    const init = await this.waitInit();
    const cold = !this.initBilled;
    this.initBilled = true;
    const initDurationMs = cold ? this.initDurationMs : undefined;
    const tail: string[] = [];
    this.tail = tail;
    this.emitPlatform(startLine(id, spec.version));

    if (!init.ok) {
      // AWS runs init again inside the invocation; its output (the error) shows between START and END.
      tail.push(...this.initLines);
      const payload =
        init.payload && init.payload.length
          ? init.payload
          : jsonBuffer({
              errorType: init.errorType,
              errorMessage: `RequestId: ${id} Error: ${init.message ?? 'Unknown'}`,
            });
      await this.killProcesses();
      return this.finish(id, {
        status: 'init-error',
        payload,
        errorType: init.errorType,
        durationMs: this.initDurationMs ?? 0,
        reportStatus: init.status,
        reusable: false,
      });
    }

    const timeoutMs = spec.timeoutSec * 1000;
    const deadlineMs = deps.clock.now() + timeoutMs;
    const t0 = performance.now();
    const outcomeP = new Promise<Outcome>((resolve) => {
      let done = false;
      this.current = {
        requestId: id,
        settle: (o) => {
          if (done) return;
          done = true;
          resolve(o);
        },
      };
    });
    if (!this._alive || this.exitInfo) {
      this.current!.settle({
        kind: 'exit',
        code: this.exitInfo?.code ?? null,
        signal: this.exitInfo?.signal ?? 'SIGKILL',
      });
    } else {
      this.api.deliver({
        requestId: id,
        payload: inv.payload,
        deadlineMs,
        invokedFunctionArn: inv.invokedFunctionArn,
        traceId: inv.traceId,
        clientContext: inv.clientContext,
        cognitoIdentity: inv.cognitoIdentity,
      });
    }
    const timer = setTimeout(() => this.current?.settle({ kind: 'timeout' }), timeoutMs);
    const outcome = await outcomeP;
    clearTimeout(timer);
    const durationMs = performance.now() - t0;
    this.current = undefined;
    this.api.abandon();

    switch (outcome.kind) {
      case 'response':
        await ioTick();
        return this.finish(id, {
          status: 'success',
          payload: outcome.body,
          durationMs,
          initDurationMs,
          reusable: true,
        });
      case 'error': {
        // A runtime that exits right after reporting (unhandled rejection, uncaught exception) is not reusable.
        await this.waitPollOrExit(200);
        const errorType = errorTypeOf(outcome.body) ?? outcome.errorType ?? 'Unhandled';
        return this.finish(id, {
          status: 'error',
          payload: outcome.body,
          errorType,
          durationMs,
          initDurationMs,
          reusable: this._alive,
        });
      }
      case 'too-large': {
        const doc = responseTooLargeError(outcome.size);
        await ioTick();
        return this.finish(id, {
          status: 'error',
          payload: jsonBuffer(doc),
          errorType: doc.errorType,
          durationMs,
          initDurationMs,
          reportStatus: 'error',
          reusable: this._alive,
        });
      }
      case 'timeout': {
        await this.killProcesses();
        this.emitPlatform(timeoutLogLine(deps.clock.now(), id, spec.timeoutSec));
        const message = `RequestId: ${id} Error: Task timed out after ${spec.timeoutSec.toFixed(2)} seconds`;
        return this.finish(id, {
          status: 'timeout',
          payload: jsonBuffer({ errorType: 'Sandbox.Timedout', errorMessage: message }),
          errorType: 'Sandbox.Timedout',
          durationMs,
          initDurationMs,
          reportStatus: 'timeout',
          reusable: false,
        });
      }
      case 'exit': {
        await this.waitIo();
        const oom = await this.wasOom();
        await this.killProcesses();
        const status: InvocationStatus = oom ? 'oom' : 'crash';
        const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const how = oom ? 'signal: killed' : describeExit(outcome.code, outcome.signal);
        const message = `RequestId: ${id} Error: Runtime exited with error: ${how}`;
        this.emitPlatform(`${message}\n${errorType}`);
        return this.finish(id, {
          status,
          payload: jsonBuffer({ errorType, errorMessage: message }),
          errorType,
          durationMs,
          initDurationMs,
          reportStatus: 'error',
          reusable: false,
        });
      }
    }
  }

  private async finish(id: string, r: InvocationEnd): Promise<InvocationResult> {
    const maxMemoryUsedMb = await this.maxMemoryUsedMb(r.status === 'oom');
    return endInvocation(id, r, {
      memoryMb: this.spec.memoryMb,
      maxMemoryUsedMb,
      alive: this._alive,
      emit: (line) => this.emitPlatform(line),
      takeTail: () => {
        const lines = this.tail ?? [];
        this.tail = undefined;
        return lines;
      },
    });
  }

  private settle(requestId: string, outcome: Outcome): void {
    if (this.current?.requestId === requestId) this.current.settle(outcome);
  }

  private settleInit(outcome: InitOutcome): void {
    if (this.initOutcome) return;
    this.initOutcome = outcome;
    this.initDurationMs = performance.now() - this.initStartedAt;
    if (this.initTimer) clearTimeout(this.initTimer);
    if (!outcome.ok) {
      this.emitPlatform(initReportLine(this.initDurationMs, outcome.status, outcome.errorType));
      // The runtime is expected to exit after reporting; make sure it does.
      const t = setTimeout(() => void this.killProcesses(), outcome.status === 'timeout' ? 0 : 250);
      t.unref();
    }
    this.initWaiters.splice(0).forEach((w) => w(outcome));
  }

  private waitInit(): Promise<InitOutcome> {
    if (this.initOutcome) return Promise.resolve(this.initOutcome);
    return new Promise((resolve) => this.initWaiters.push(resolve));
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitInfo) return;
    this.exitInfo = { code, signal };
    this._alive = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.peakRss?.close();
    this.deps.log.debug({ env: this.id, code, signal }, 'lambda: runtime exited');
    if (!this.initOutcome) {
      void this.waitIo().then(async () => {
        const oom = await this.wasOom();
        this.settleInit({
          ok: false,
          status: 'error',
          errorType: oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
          message: `Runtime exited with error: ${oom ? 'signal: killed' : describeExit(code, signal)}`,
        });
      });
    }
    void this.waitIo().then(() => this.current?.settle({ kind: 'exit', code, signal }));
    this.exitWaiters.splice(0).forEach((w) => w());
    this.pollWaiters.splice(0).forEach((w) => w());
  }

  /** Waits for the runtime to poll /next again or to exit. */
  private waitPollOrExit(ms: number): Promise<void> {
    if (!this._alive) return this.waitIo();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.pollWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    }).then(() => (this._alive ? ioTick() : this.waitIo()));
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
    if (this.cgroup) bytes = Math.max(bytes, (await this.cgroup.peakBytes()) ?? 0);
    if (this.child?.pid && this._alive && !this.exitInfo) {
      this.peakRss ??= new PeakRssReader(this.child.pid);
      bytes = Math.max(bytes, this.peakRss.read());
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
      if (running || !pid || !this._alive) return;
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
    if (pid && !this.exitInfo) {
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
    if (this.child && !this.exitInfo) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        this.exitWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this._alive = false;
  }

  private async teardown(): Promise<void> {
    this._alive = false;
    if (this.initTimer) clearTimeout(this.initTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    await this.killProcesses();
    this.current?.settle({ kind: 'exit', code: null, signal: 'SIGKILL' });
    if (!this.initOutcome)
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: 'Runtime.ExitError',
        message: 'Runtime exited with error: signal: killed',
      });
    this.channel?.close();
    this.peakRss?.close();
    await this.api.close();
    await this.cgroup?.remove();
    await rm(this.deps.envDir, { recursive: true, force: true }).catch((err) =>
      this.deps.log.warn({ err, env: this.id }, 'lambda: could not remove environment directory'),
    );
    this.deps.onDestroyed?.();
  }

  private emitPlatform(line: string): void {
    this.logs.write([{ timestamp: this.deps.clock.now(), message: line }]);
    this.tail?.push(line);
  }

  private emitFunction(lines: string[]): void {
    const ts = this.deps.clock.now();
    this.logs.write(lines.map((message) => ({ timestamp: ts, message })));
    if (this.tail) this.tail.push(...lines);
    else if (!this.initOutcome || !this.initOutcome.ok) {
      if (this.initLines.length < 200) this.initLines.push(...lines.slice(0, 200 - this.initLines.length));
    }
    if (!this.oomSuspected && lines.some((l) => HEAP_OOM.test(l))) this.oomSuspected = true;
  }
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

/** Lets output already in the pipes (written before the runtime posted) reach the log first. */
function ioTick(): Promise<void> {
  return new Promise((r) => setImmediate(() => setImmediate(r)));
}

function jsonBuffer(doc: unknown): Buffer {
  return Buffer.from(JSON.stringify(doc));
}

function errorTypeOf(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8'));
    return typeof doc?.errorType === 'string' && doc.errorType ? doc.errorType : undefined;
  } catch {
    return undefined;
  }
}

const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted (core dumped)',
  SIGSEGV: 'segmentation fault (core dumped)',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error (core dumped)',
  SIGILL: 'illegal instruction (core dumped)',
  SIGFPE: 'floating point exception (core dumped)',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
};

/** Go's ExitError wording, as Lambda prints it: `exit status 1`, `signal: killed`. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal: ${SIGNAL_TEXT[signal] ?? signal.toLowerCase().replace(/^sig/, '')}`;
  return `exit status ${code ?? 0}`;
}
