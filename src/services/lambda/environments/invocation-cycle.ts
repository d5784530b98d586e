/**
 * The invocation cycle every execution environment shares (a local process tree, a runc
 * container): the runtime's init (INIT_REPORT when it fails, the init timeout), one event at a time
 * through the Runtime API (HTTP listener or framed channel, one state machine), the deadline, and
 * how an invocation ends — response, function error, payload too large, timeout, exit or crash, out
 * of memory — with the platform lines AWS writes (START here, END/REPORT in platform-log.ts).
 *
 * What differs between environments are the hooks: how to kill, how to detect an OOM kill and read
 * peak memory, how an exit is worded, and when the output written before an exit is in.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import { responseTooLargeError } from '../runtime-api/errors.js';
import { RuntimeApiServer } from '../runtime-api/server.js';
import { endInvocation, initReportLine, startLine, timeoutLogLine, type InvocationEnd } from './platform-log.js';
import type {
  EnvironmentSpec,
  ExecutionEnvironment,
  Invocation,
  InvocationResult,
  InvocationStatus,
  LogSink,
} from './types.js';

/** What an environment does its own way. `E` is how it knows an exit (code and signal, or a status). */
export interface CycleHooks<E> {
  /** Kills everything the environment started and waits (bounded) until it is gone. */
  kill(): Promise<void>;
  /** Whether this exit was the memory limit's doing (Runtime.OutOfMemory). */
  wasOom(exit: E): boolean | Promise<boolean>;
  /** Go's ExitError wording of the exit: `exit status 1`, `signal: segmentation fault (core dumped)`. */
  exitText(exit: E): string;
  /** The exit of a runtime the platform killed (teardown, or gone before the invocation). */
  readonly killedExit: E;
  /** Max Memory Used for REPORT (the limit itself after an OOM kill). */
  maxMemoryUsedMb(oom: boolean): Promise<number>;
  /** Resolves once the output written before the runtime exited is in (bounded). Called once, at exit. */
  drainOutput(): Promise<void>;
  /** Sees every line of the function's output once it is logged. */
  onFunctionLines?(lines: string[]): void;
}

export type InitOutcome =
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

type Outcome<E> =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer; errorType?: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'exit'; exit: E }
  | { kind: 'timeout' };

/** Init output kept for an init-error invocation's tail. */
const MAX_INIT_LINES = 200;

export class InvocationCycle<E> {
  /** The runtime's own Runtime API listener (its state machine also drives the framed channel). */
  readonly api: RuntimeApiServer;
  private _busy = false;
  private _alive = true;
  private _lastUsedAt: number;
  private _exit: E | undefined;
  /** Exit handled: output drained, init and the current invocation settled, waiters told. */
  private exitSettled = false;
  private drained: Promise<void> = Promise.resolve();

  private initStartedAt = 0;
  private initDurationMs: number | undefined;
  private initOutcome: InitOutcome | undefined;
  private readonly initWaiters: ((o: InitOutcome) => void)[] = [];
  private initTimer: NodeJS.Timeout | undefined;
  private initBilled = false;
  /** The function's lines during init, replayed into an init-error invocation's tail. */
  private readonly initLines: string[] = [];

  private current: { requestId: string; settle: (o: Outcome<E>) => void } | undefined;
  private tail: string[] | undefined;
  private readonly exitWaiters: (() => void)[] = [];
  private readonly pollWaiters: (() => void)[] = [];

  constructor(
    private readonly id: string,
    private readonly spec: EnvironmentSpec,
    private readonly logs: LogSink,
    private readonly clock: Clock,
    log: Logger,
    private readonly hooks: CycleHooks<E>,
  ) {
    this._lastUsedAt = clock.now();
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
      log,
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
  /** How the runtime exited, once it has. */
  get exit(): E | undefined {
    return this._exit;
  }

  /** The environment can serve no more invocations (its runtime is killed or never started). */
  markDead(): void {
    this._alive = false;
  }

  /** Init's clock starts (INIT_REPORT's and the first REPORT's Init Duration). */
  beginInit(): void {
    this.initStartedAt = performance.now();
  }

  /** The runtime must reach its first /next within `ms`, or init fails with Sandbox.Timedout. */
  startInitTimer(ms: number): void {
    this.initTimer = setTimeout(() => {
      this.settleInit({
        ok: false,
        status: 'timeout',
        errorType: 'Sandbox.Timedout',
        message: `Task timed out after ${(ms / 1000).toFixed(2)} seconds`,
      });
    }, ms);
    this.initTimer.unref();
  }

  /** The runtime could not be started: every invocation reports this init error. */
  failInit(errorType: string, message: string): void {
    this.settleInit({ ok: false, status: 'error', errorType, message });
    this._alive = false;
  }

  /** The runtime exited (called once per exit; later calls are ignored). */
  exited(exit: E): void {
    if (this._exit !== undefined) return;
    this._exit = exit;
    this._alive = false;
    this.drained = this.hooks.drainOutput();
    void this.drained.then(async () => {
      if (!this.initOutcome) {
        const oom = await this.hooks.wasOom(exit);
        this.settleInit({
          ok: false,
          status: 'error',
          errorType: oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
          message: `Runtime exited with error: ${oom ? 'signal: killed' : this.hooks.exitText(exit)}`,
        });
      }
      this.current?.settle({ kind: 'exit', exit });
      this.exitSettled = true;
      this.exitWaiters.splice(0).forEach((w) => w());
      this.pollWaiters.splice(0).forEach((w) => w());
    });
  }

  /** Waits until the runtime's exit has been handled, or `ms` passes. */
  waitForExit(ms: number): Promise<void> {
    if (this.exitSettled) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.exitWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async invoke(invocation: Invocation): Promise<InvocationResult> {
    if (this._busy) throw new Error(`execution environment ${this.id} is busy`);
    this._busy = true;
    try {
      return await this.run(invocation);
    } finally {
      this._busy = false;
      this._lastUsedAt = this.clock.now();
    }
  }

  /** Kills the runtime and settles whatever waits on it (init, the current invocation). */
  async shutdown(): Promise<void> {
    this._alive = false;
    if (this.initTimer) clearTimeout(this.initTimer);
    await this.hooks.kill();
    this.current?.settle({ kind: 'exit', exit: this.hooks.killedExit });
    if (!this.initOutcome)
      this.settleInit({
        ok: false,
        status: 'error',
        errorType: 'Runtime.ExitError',
        message: 'Runtime exited with error: signal: killed',
      });
  }

  emitPlatform(line: string): void {
    this.logs.write([{ timestamp: this.clock.now(), message: line }]);
    this.tail?.push(line);
  }

  emitFunction(lines: string[]): void {
    const ts = this.clock.now();
    this.logs.write(lines.map((message) => ({ timestamp: ts, message })));
    if (this.tail) this.tail.push(...lines);
    else if (!this.initOutcome || !this.initOutcome.ok) {
      if (this.initLines.length < MAX_INIT_LINES)
        this.initLines.push(...lines.slice(0, MAX_INIT_LINES - this.initLines.length));
    }
    this.hooks.onFunctionLines?.(lines);
  }

  // -------------------------------------------------------------------------------------------

  private async run(inv: Invocation): Promise<InvocationResult> {
    const { spec } = this;
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
      await this.hooks.kill();
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
    const outcomeP = new Promise<Outcome<E>>((resolve) => {
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
    if (!this._alive || this._exit !== undefined) {
      this.current!.settle({ kind: 'exit', exit: this._exit ?? this.hooks.killedExit });
    } else {
      this.api.deliver({
        requestId: id,
        payload: inv.payload,
        // Wall-clock epoch ms: the runtime compares it with its own clock, and the deadline timer below is real time.
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
        // A runtime that exits right after reporting (unhandled rejection, uncaught exception) is not reusable.
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
        await this.hooks.kill();
        this.emitPlatform(timeoutLogLine(this.clock.now(), id, spec.timeoutSec));
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
        await this.waitOutput();
        const oom = await this.hooks.wasOom(outcome.exit);
        await this.hooks.kill();
        const status: InvocationStatus = oom ? 'oom' : 'crash';
        const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const how = oom ? 'signal: killed' : this.hooks.exitText(outcome.exit);
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
    const maxMemoryUsedMb = await this.hooks.maxMemoryUsedMb(r.status === 'oom');
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

  private settle(requestId: string, outcome: Outcome<E>): void {
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
      const t = setTimeout(() => void this.hooks.kill(), outcome.status === 'timeout' ? 0 : 250);
      t.unref();
    }
    this.initWaiters.splice(0).forEach((w) => w(outcome));
  }

  private waitInit(): Promise<InitOutcome> {
    if (this.initOutcome) return Promise.resolve(this.initOutcome);
    return new Promise((resolve) => this.initWaiters.push(resolve));
  }

  /** Waits for the runtime to poll /next again or to exit. */
  private waitPollOrExit(ms: number): Promise<void> {
    if (!this._alive) return this.waitOutput();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.pollWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    }).then(() => this.waitOutput());
  }

  /** Output already written (before an exit, or before the runtime posted) has reached the log. */
  private async waitOutput(): Promise<void> {
    await this.drained;
    await ioTick();
  }
}

/** An execution environment as its cycle sees it: state and invocations from the cycle, teardown its own. */
export abstract class CycleEnvironment<E> implements ExecutionEnvironment {
  abstract readonly id: string;
  abstract readonly spec: EnvironmentSpec;
  protected abstract readonly cycle: InvocationCycle<E>;
  private destroying: Promise<void> | undefined;

  get busy(): boolean {
    return this.cycle.busy;
  }
  get alive(): boolean {
    return this.cycle.alive;
  }
  get lastUsedAt(): number {
    return this.cycle.lastUsedAt;
  }

  invoke(invocation: Invocation): Promise<InvocationResult> {
    return this.cycle.invoke(invocation);
  }

  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  /** Kills the runtime (`cycle.shutdown()`) and removes what the environment owned. Runs once. */
  protected abstract teardown(): Promise<void>;
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
