/**
 * A background pass repeated on a real-time, unref'd interval, one pass at a time. Schedulers
 * extend it and compare the injected clock's now with what is due in `pass()` (so tests move a
 * ManualClock and the next pass sees it); `tick()` runs a pass at once, or joins the one in flight.
 */
export abstract class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  /** intervalMs: real-time period; 0 or less never starts the interval (tick() still works). */
  constructor(private readonly intervalMs: number) {}

  /** One pass over what is due. */
  protected abstract pass(): Promise<void>;

  /** A pass that threw (the next one runs as usual). */
  protected abstract onError(err: unknown): void;

  /** True once stop() was called: a long pass checks it between items and returns early. */
  protected get closed(): boolean {
    return this.stopped;
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the interval and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  tick(): Promise<void> {
    if (this.running || this.stopped) return this.running ?? Promise.resolve();
    this.running = this.pass()
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
