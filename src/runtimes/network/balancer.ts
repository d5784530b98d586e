import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { splice } from './splice.js';

/** One place a balancer may send a connection (an ECS task's address and container port). */
export interface Backend {
  /** Stable identity (the task ARN): active connections are counted per id. */
  id: string;
  host: string;
  port: number;
}

/** How long a new connection waits for a backend to appear (none eligible, or all refusing). */
const WAIT_FOR_BACKEND_MS = 5_000;
const RETRY_STEP_MS = 50;
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * A round-robin TCP load balancer on a fixed host port (the ECS service's "ALB"). Each client
 * connection goes to the next eligible backend; a backend that refuses the connection is skipped
 * before any byte is exchanged, so the client never sees it. The backend list is read on every
 * connection (tasks join and leave as they become healthy or start draining).
 */
export class TcpBalancer {
  private readonly sockets = new Set<Socket>();
  private readonly activeBy = new Map<string, number>();
  private readonly drainWaiters = new Map<string, (() => void)[]>();
  private next = 0;
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly backends: () => Backend[],
  ) {}

  /** Listen on host:port (port 0: any free port). Rejects with EADDRINUSE when the port is taken. */
  static listen(host: string, port: number, backends: () => Backend[]): Promise<TcpBalancer> {
    let lb: TcpBalancer | undefined;
    const server = createServer({ noDelay: true, pauseOnConnect: true }, (client) => {
      if (!lb || lb.closed) return void client.destroy();
      lb.accept(client);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const addr = server.address();
        lb = new TcpBalancer(server, host, typeof addr === 'object' && addr ? addr.port : port, backends);
        resolve(lb);
      });
    });
  }

  /** Connections currently open to a backend. */
  active(id: string): number {
    return this.activeBy.get(id) ?? 0;
  }

  /** Resolves once a backend has no open connection (or after timeoutMs). */
  drained(id: string, timeoutMs: number): Promise<void> {
    if (this.active(id) === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const list = this.drainWaiters.get(id) ?? [];
      list.push(done);
      this.drainWaiters.set(id, list);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const list of this.drainWaiters.values()) for (const w of list) w();
    this.drainWaiters.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    let gone = false;
    client.on('error', () => undefined);
    client.once('close', () => {
      gone = true;
      this.sockets.delete(client);
    });
    const deadline = Date.now() + WAIT_FOR_BACKEND_MS;
    const tried = new Set<string>();
    const attempt = (): void => {
      if (gone || this.closed) return void client.destroy();
      const list = this.backends();
      let pick: Backend | undefined;
      for (let i = 0; i < list.length; i++) {
        const b = list[(this.next + i) % list.length]!;
        if (!tried.has(b.id)) {
          pick = b;
          this.next = (this.next + i + 1) % list.length;
          break;
        }
      }
      if (!pick) {
        // Every eligible backend was tried (or there is none yet): wait a little and start over.
        if (Date.now() >= deadline) return void client.destroy();
        tried.clear();
        setTimeout(attempt, RETRY_STEP_MS);
        return;
      }
      const target = pick;
      // Counted from the pick: a backend being connected to is not drained yet.
      this.activeBy.set(target.id, this.active(target.id) + 1);
      const upstream = connect({ host: target.host, port: target.port, noDelay: true });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
      const failed = (): void => {
        clearTimeout(timer);
        upstream.destroy();
        this.release(target.id);
        tried.add(target.id);
        attempt();
      };
      upstream.once('error', failed);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.off('error', failed);
        if (gone || this.closed) {
          upstream.destroy();
          return this.release(target.id);
        }
        this.pipe(client, upstream, target.id);
      });
    };
    attempt();
  }

  private release(id: string): void {
    const n = this.active(id) - 1;
    if (n > 0) return void this.activeBy.set(id, n);
    this.activeBy.delete(id);
    for (const w of this.drainWaiters.get(id) ?? []) w();
    this.drainWaiters.delete(id);
  }

  private pipe(client: Socket, upstream: Socket, id: string): void {
    splice(client, upstream, this.sockets, () => this.release(id));
    client.resume();
  }
}
