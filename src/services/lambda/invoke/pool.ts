import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type {
  EnvironmentProvider,
  EnvironmentSpec,
  ExecutionEnvironment,
  Invocation,
  InvocationResult,
  LogSink,
} from '../environments/types.js';
import { lambdaErrors } from '../errors.js';

export interface PoolOptions {
  /** Idle environments older than this are destroyed. */
  idleMs: number;
  /** Account concurrency limit (AWS default 1,000 per region). */
  accountConcurrency: number;
}

/** What a new environment needs; computed only when one is created (not on warm invocations). */
export interface NewEnvironment {
  spec: EnvironmentSpec;
  logs: LogSink;
}

interface Slot {
  env: ExecutionEnvironment;
  busy: boolean;
  /** Provisioned: never reaped for idleness. */
  pinned?: boolean;
}

/**
 * Warm environments per function version (keyed by function, version and revision, so a code or
 * configuration change starts fresh ones), and the concurrency accounting AWS throttles on.
 */
export class EnvironmentPool {
  private readonly slots = new Map<string, Slot[]>();
  private readonly busyByFunction = new Map<string, number>();
  private busyTotal = 0;
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly provider: EnvironmentProvider,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: PoolOptions,
  ) {
    this.reaper = setInterval(() => void this.reap(), Math.max(1000, Math.min(options.idleMs, 30_000)));
    this.reaper.unref();
  }

  /** Busy environments of a function (all versions). */
  busy(functionKey: string): number {
    return this.busyByFunction.get(functionKey) ?? 0;
  }

  /**
   * Runs one invocation on a warm environment of `envKey` or a new one. Throws
   * TooManyRequestsException when the function's reserved concurrency or the account's is used up.
   */
  async run(
    functionKey: string,
    reserved: number | undefined,
    envKey: string,
    open: () => NewEnvironment,
    invocation: Invocation,
  ): Promise<InvocationResult> {
    const busy = this.busy(functionKey);
    if (reserved !== undefined && busy >= reserved)
      throw lambdaErrors.tooManyRequests('ReservedFunctionConcurrentInvocationLimitExceeded');
    if (reserved === undefined && this.busyTotal >= this.options.accountConcurrency)
      throw lambdaErrors.tooManyRequests('ConcurrentInvocationLimitExceeded');
    this.busyByFunction.set(functionKey, busy + 1);
    this.busyTotal++;
    let slot: Slot | undefined;
    try {
      const list = this.slots.get(envKey) ?? [];
      this.slots.set(envKey, list);
      slot = list.find((s) => !s.busy && s.env.alive);
      if (slot) slot.busy = true;
      else {
        slot = { env: undefined as unknown as ExecutionEnvironment, busy: true };
        const { spec, logs } = open();
        slot.env = await this.provider.create(spec, logs);
        list.push(slot);
      }
      const result = await slot.env.invoke(invocation);
      if (!result.reusable || !slot.env.alive) this.drop(envKey, slot);
      return result;
    } catch (err) {
      if (slot?.env) this.drop(envKey, slot);
      throw err;
    } finally {
      if (slot) slot.busy = false;
      this.busyByFunction.set(functionKey, (this.busyByFunction.get(functionKey) ?? 1) - 1);
      this.busyTotal--;
    }
  }

  /** Pre-creates environments (provisioned concurrency keeps them warm). */
  async prewarm(envKey: string, count: number, open: () => NewEnvironment): Promise<void> {
    const list = this.slots.get(envKey) ?? [];
    this.slots.set(envKey, list);
    while (list.filter((s) => s.env.alive).length < count) {
      const { spec, logs } = open();
      list.push({ env: await this.provider.create(spec, logs), busy: false, pinned: true });
    }
  }

  /** Destroys every environment whose key starts with `prefix` (a function updated or deleted). */
  retire(prefix: string): void {
    for (const [key, list] of this.slots) {
      if (!key.startsWith(prefix)) continue;
      for (const slot of list) if (!slot.busy) void slot.env.destroy();
      const busy = list.filter((s) => s.busy);
      if (busy.length === 0) this.slots.delete(key);
      else this.slots.set(key, busy);
    }
  }

  private drop(envKey: string, slot: Slot): void {
    const list = this.slots.get(envKey);
    if (list) {
      const i = list.indexOf(slot);
      if (i >= 0) list.splice(i, 1);
    }
    void slot.env.destroy().catch((err: unknown) => this.log.warn({ err }, 'destroying an environment failed'));
  }

  private async reap(): Promise<void> {
    const now = this.clock.now();
    for (const [key, list] of this.slots) {
      for (const slot of [...list]) {
        if (!slot.busy && (!slot.env.alive || (!slot.pinned && now - slot.env.lastUsedAt > this.options.idleMs)))
          this.drop(key, slot);
      }
      if (list.length === 0) this.slots.delete(key);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    const all = [...this.slots.values()].flat();
    this.slots.clear();
    await Promise.allSettled(all.map((s) => s.env.destroy()));
    await this.provider.close();
  }
}
