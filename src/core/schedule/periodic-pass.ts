/**
 * A background pass repeated on a real-time, unref'd interval, one pass at a time. Schedulers use
 * it to compare the injected clock's now with what is due (so tests move a ManualClock and the next
 * pass sees it); `tick()` runs a pass at once, or joins the one in flight.
 */
export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    /** Real-time period; 0 or less never starts the interval (tick() still works). */
    private readonly intervalMs: number,
    private readonly pass: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** True once stop() was called: a long pass checks it between items and returns early. */
  get closed(): boolean {
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
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
