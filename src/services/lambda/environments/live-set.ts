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

  /** For the environment's `onDestroyed`. */
  forget(env: E): void {
    this.envs.delete(env);
  }

  async start(env: E): Promise<E> {
    this.envs.add(env);
    try {
      await env.start();
    } catch (err) {
      await env.destroy();
      throw err;
    }
    return env;
  }

  async destroyAll(): Promise<void> {
    await Promise.all([...this.envs].map((e) => e.destroy()));
  }
}
