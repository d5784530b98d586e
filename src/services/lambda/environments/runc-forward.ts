import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { splice } from '../../../runtimes/network/splice.js';

/**
 * The way from a container to its environment's Runtime API: a port on the bridge gateway that
 * forwards to the listener on 127.0.0.1, and accepts connections only from the environment's own
 * address (another function on the bridge cannot poll this one's events).
 */
export class RuntimeApiForwarder {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    readonly port: number,
  ) {}

  static listen(host: string, allowFrom: string, targetPort: number): Promise<RuntimeApiForwarder> {
    const sockets = new Set<Socket>();
    const server = createServer({ noDelay: true }, (client) => {
      const from = (client.remoteAddress ?? '').replace(/^::ffff:/, '');
      if (from !== allowFrom) {
        client.destroy();
        return;
      }
      const upstream = connect({ host: '127.0.0.1', port: targetPort, noDelay: true });
      splice(client, upstream, sockets);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(new RuntimeApiForwarder(server, sockets, typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
