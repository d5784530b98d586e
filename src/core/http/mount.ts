import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** What the server knows of a request before its body is read. */
export interface RequestHead {
  method: string;
  rawPath: string;
  rawQuery: string;
  /** Percent-decoded path (the raw path when it does not decode). */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Host header without the port, lower-cased. */
  hostname: string;
}

/**
 * An HTTP data plane that is not an AWS protocol: the OCI registry at /v2/, API invoke URLs,
 * function URLs. It is matched on the request head, before the body is read, so it can stream
 * bodies to and from disk. Control planes stay in the pipeline (typed input, typed output).
 */
export interface HttpMount {
  /** For logs and the health page. */
  name: string;
  /** Cheap test on the head; the first mount that matches handles the request. */
  matches(head: RequestHead): boolean;
  /** Reads the body from `req` as it likes and must always end `res`. */
  handle(head: RequestHead, req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * An HTTP Upgrade (WebSocket) request this mount matched; it owns the socket from then on
   * (e.g. `new WebSocketServer({ noServer: true }).handleUpgrade(req, socket, firstBytes, ...)`).
   * Mounts without it answer upgrades with 400.
   */
  upgrade?(head: RequestHead, req: IncomingMessage, socket: Duplex, firstBytes: Buffer): void;
}

export function hostnameOf(host: string | undefined): string {
  if (!host) return 'localhost';
  const h = host.toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}
