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
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { CGROUP_PARENT } from '../../../runtimes/host.js';
import type { ContainerHost } from '../../../runtimes/host.js';
import type { TaskAttachment, TaskBridge } from '../../../runtimes/network/bridge.js';
import type { RuncContainer } from '../../../runtimes/runc/runc.js';
import type { ImageConfigFile } from '../../ecr/port.js';
import { responseTooLargeError } from '../runtime-api/errors.js';
import { RuntimeApiServer } from '../runtime-api/server.js';
import {
  LineSplitter,
  endInvocation,
  initReportLine,
  startLine,
  timeoutLogLine,
  type InvocationEnd,
} from './platform-log.js';
import { describeExit } from './process-environment.js';
import { writeBundle } from './runc-bundle.js';
import { RuntimeApiForwarder } from './runc-forward.js';
import type { FunctionImageConfig } from './runc-image.js';
import type {
  EnvironmentSpec,
  ExecutionEnvironment,
  Invocation,
  InvocationResult,
  InvocationStatus,
  LogSink,
} from './types.js';

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

type Outcome =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer; errorType?: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'exit'; code: number }
  | { kind: 'timeout' };

type InitOutcome =
  { ok: true } | { ok: false; status: 'error' | 'timeout'; errorType: string; payload?: Buffer; message?: string };

const MIB = 1024 * 1024;
let counter = 0;

export class RuncEnvironment implements ExecutionEnvironment {
  readonly id: string;
  /** The runc container id (also the cgroup leaf under /overcast). */
  readonly containerId: string;
  private readonly serial: number;
  private _busy = false;
  private _alive = true;
  private _lastUsedAt: number;

  private readonly api: RuntimeApiServer;
  private proxy: RuntimeApiForwarder | undefined;
  private att: TaskAttachment | undefined;
  private mounted = false;
  private container: RuncContainer | undefined;
  private outDone: LineSplitter[] = [];
  private ioDone: Promise<unknown> = Promise.resolve();

  private initStartedAt = 0;
  private initDurationMs: number | undefined;
  private initOutcome: InitOutcome | undefined;
  private readonly initWaiters: ((o: InitOutcome) => void)[] = [];
  private initTimer: NodeJS.Timeout | undefined;
  private initBilled = false;
  private readonly initLines: string[] = [];

  private current: { requestId: string; settle: (o: Outcome) => void } | undefined;
  private tail: string[] | undefined;
  private exitCode: number | undefined;
  private killedByUs = false;
  private readonly exitWaiters: (() => void)[] = [];
  private readonly pollWaiters: (() => void)[] = [];
  private peakBytes = 0;
  private destroying: Promise<void> | undefined;

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly logs: LogSink,
    private readonly deps: RuncEnvironmentDeps,
  ) {
    this.serial = ++counter;
    const n = this.serial.toString(36);
    this.id = `${spec.functionName}-${process.pid.toString(36)}c${n}`;
    this.containerId = `ovl-${process.pid.toString(16)}-${Date.now().toString(16)}${n}`;
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

  /**
   * Network namespace, Runtime API (+ its forwarder on the gateway), overlay root, bundle, then
   * `runc run`; init runs in the background. Throws (after cleaning up) when the container cannot start.
   */
  async start(): Promise<void> {
    const { deps, spec } = this;
    mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
    this.initStartedAt = performance.now();
    const local = await this.api.listen();
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
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: 'Runtime.InvalidEntrypoint',
        message: 'ProcessSpawnFailed: the image has no ENTRYPOINT or CMD and the function no ImageConfig',
      });
      this._alive = false;
      return;
    }
    const out = new LineSplitter((lines) => this.emitFunction(lines));
    const err = new LineSplitter((lines) => this.emitFunction(lines));
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
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: 'Runtime.InvalidEntrypoint',
        message: `ProcessSpawnFailed: ${message}`,
      });
      this._alive = false;
      return;
    }
    this.initTimer = setTimeout(() => {
      this.settleInit({
        ok: false,
        status: 'timeout',
        errorType: 'Sandbox.Timedout',
        message: `Task timed out after ${(deps.initTimeoutMs / 1000).toFixed(2)} seconds`,
      });
    }, deps.initTimeoutMs);
    this.initTimer.unref();
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
    this.tail = [];
    this.emitPlatform(startLine(id, spec.version));

    if (!init.ok) {
      this.tail.push(...this.initLines);
      const payload =
        init.payload && init.payload.length
          ? init.payload
          : jsonBuffer({
              errorType: init.errorType,
              errorMessage: `RequestId: ${id} Error: ${init.message ?? 'Unknown'}`,
            });
      await this.killContainer();
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
    if (this.exitCode !== undefined || !this._alive) {
      this.current!.settle({ kind: 'exit', code: this.exitCode ?? 137 });
    } else {
      this.api.deliver({
        requestId: id,
        payload: inv.payload,
        deadlineMs: Date.now() + timeoutMs,
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
        await this.waitPollOrExit(200);
        return this.finish(id, {
          status: 'error',
          payload: outcome.body,
          errorType: errorTypeOf(outcome.body) ?? outcome.errorType ?? 'Unhandled',
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
        await this.killContainer();
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
        await ioTick();
        const oom = this.wasOom(outcome.code);
        await this.killContainer();
        const status: InvocationStatus = oom ? 'oom' : 'crash';
        const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const message = `RequestId: ${id} Error: Runtime exited with error: ${exitText(outcome.code)}`;
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
      const t = setTimeout(() => void this.killContainer(), outcome.status === 'timeout' ? 0 : 250);
      t.unref();
    }
    this.initWaiters.splice(0).forEach((w) => w(outcome));
  }

  private waitInit(): Promise<InitOutcome> {
    if (this.initOutcome) return Promise.resolve(this.initOutcome);
    return new Promise((resolve) => this.initWaiters.push(resolve));
  }

  private async onExit(code: number): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.exitCode = code;
    this._alive = false;
    // Output written before the exit is in (bounded: a stray process may hold the pipes).
    await Promise.race([this.ioDone, new Promise((r) => setTimeout(r, 100).unref())]);
    for (const s of this.outDone) s.flush();
    this.deps.log.debug({ env: this.id, code }, 'lambda: container exited');
    if (!this.initOutcome) {
      const oom = this.wasOom(code);
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
        message: `Runtime exited with error: ${exitText(code)}`,
      });
    }
    this.current?.settle({ kind: 'exit', code });
    this.exitWaiters.splice(0).forEach((w) => w());
    this.pollWaiters.splice(0).forEach((w) => w());
  }

  private waitPollOrExit(ms: number): Promise<void> {
    if (!this._alive) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.pollWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    }).then(() => ioTick());
  }

  /** A SIGKILL we did not send, under the memory limit: the kernel's OOM killer (runc reports 137). */
  private wasOom(code: number): boolean {
    return code === 137 && !this.killedByUs;
  }

  /** Peak memory of the container's cgroup (v1 max_usage_in_bytes, v2 memory.peak), read while it exists. */
  private async maxMemoryUsedMb(oom: boolean): Promise<number> {
    if (oom) return this.spec.memoryMb;
    if (this._alive) {
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
    if (c && this.exitCode === undefined) {
      this.killedByUs = true;
      await this.deps.host.runc!.kill(this.containerId, 'KILL');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 2000);
        this.exitWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
      if (this.exitCode === undefined) c.child.kill('SIGKILL');
    }
    this._alive = false;
  }

  private async teardown(): Promise<void> {
    this._alive = false;
    if (this.initTimer) clearTimeout(this.initTimer);
    await this.killContainer();
    this.current?.settle({ kind: 'exit', code: 137 });
    if (!this.initOutcome)
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: 'Runtime.ExitError',
        message: 'Runtime exited with error: signal: killed',
      });
    const { host, bridge, log } = this.deps;
    if (this.container) await host.runc!.delete(this.containerId);
    await this.api.close();
    await this.proxy?.close();
    if (this.att) await bridge.detach(this.att);
    if (this.mounted) await host.unmountRootfs(this.deps.dir);
    await host
      .removeDir(this.deps.dir)
      .catch((err: unknown) => log.warn({ err, env: this.id }, 'lambda: could not remove environment directory'));
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
  }
}

/** 12 hex digits: this process's pid, then the environment's serial number. */
export function netnsKey(serial: number, pid = process.pid): string {
  return (pid % 0x1000000).toString(16).padStart(6, '0') + (serial % 0x1000000).toString(16).padStart(6, '0');
}

/** runc reports a signal death as 128+n: Go's wording for it, as Lambda prints it. */
function exitText(code: number): string {
  const names: Record<number, NodeJS.Signals> = {
    1: 'SIGHUP',
    2: 'SIGINT',
    4: 'SIGILL',
    6: 'SIGABRT',
    7: 'SIGBUS',
    8: 'SIGFPE',
    9: 'SIGKILL',
    11: 'SIGSEGV',
    13: 'SIGPIPE',
    15: 'SIGTERM',
  };
  const signal = code > 128 ? names[code - 128] : undefined;
  return signal ? describeExit(null, signal) : describeExit(code, null);
}

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
