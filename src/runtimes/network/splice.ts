import type { Socket } from 'node:net';

/**
 * Joins two TCP connections both ways. Both are tracked in `sockets` until either side closes or
 * fails; then both are destroyed, dropped from `sockets`, and `onEnd` runs once.
 */
export function splice(client: Socket, upstream: Socket, sockets: Set<Socket>, onEnd?: () => void): void {
  sockets.add(client);
  sockets.add(upstream);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
    onEnd?.();
  };
  client.on('error', end);
  upstream.on('error', end);
  client.on('close', end);
  upstream.on('close', end);
  client.pipe(upstream);
  upstream.pipe(client);
}
