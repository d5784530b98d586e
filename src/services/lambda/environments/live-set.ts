/** What a provider starts and destroys. */
interface Startable {
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * The environments a provider made: each is started (and destroyed again when its start fails),
 * forgotten when it is destroyed, and destroyed with the others when the provider closes.
 */
export class LiveEnvironments<E extends Startable> {
  private readonly envs = new Set<E>();
  /** Starts under way: closing waits for them, so no start writes into a removed directory. */
  private readonly starting = new Set<Promise<unknown>>();

  /** For the environment's `onDestroyed`. */
  forget(env: E): void {
    this.envs.delete(env);
  }

  async start(env: E): Promise<E> {
    this.envs.add(env);
    const started = env.start();
    this.starting.add(started);
    try {
      await started;
    } catch (err) {
      await env.destroy();
      throw err;
    } finally {
      this.starting.delete(started);
    }
    return env;
  }

  /** Destroy every environment, once the starts under way have settled (for at most `waitMs`). */
  async destroyAll(waitMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.starting]), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    await Promise.all([...this.envs].map((e) => e.destroy()));
  }
}
