import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { splice } from './splice.js';

/** A TCP forwarder: a host port that connects each client to a target (published ports, the gateway). */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static listen(host: string, port: number, target: { host: string; port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer({ noDelay: true }, (client) => {
      const upstream = connect({ host: target.host, port: target.port, noDelay: true });
      splice(client, upstream, proxy?.sockets ?? new Set());
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const addr = server.address();
        proxy = new TcpProxy(server, typeof addr === 'object' && addr ? addr.port : port);
        resolve(proxy);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
