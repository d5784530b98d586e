import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpRequest, WholeResponse } from './types.js';

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
  /**
   * The whole-request door, for mounts whose answers are whole buffers anyway (API invoke URLs,
   * function URLs): when `takesWhole(head)` is true and the core's fast path reads the request
   * (a plain head, a body within the server's limit), it calls `respondWhole` with the body read
   * instead of `handle` — no streams on either side. Every other request still comes to `handle`,
   * so both must answer alike.
   */
  takesWhole?(head: RequestHead): boolean;
  respondWhole?(head: RequestHead, request: HttpRequest): Promise<WholeResponse>;
  /**
   * A request nothing else claims — no mount matches it, and it names no service: unsigned, without
   * X-Amz-Target or a query Action, not one of the server's own paths. The first mount that says yes
   * answers it (through `handle`) instead of the server's 404: S3, whose endpoint answers any
   * path-style request, `NoSuchBucket` for a bucket that does not exist.
   */
  claimsUnrouted?(head: RequestHead): boolean;
}

/** Whether a request names no service, so that a mount's `claimsUnrouted` may take it (see there). */
export function namesNoService(head: RequestHead): boolean {
  const h = head.headers;
  if (h['authorization'] !== undefined || h['x-amz-target'] !== undefined) return false;
  // The query protocol's unsigned calls (an SQS queue URL's form POST, a GET with Action=).
  if (h['content-type']?.startsWith('application/x-www-form-urlencoded')) return false;
  const q = head.query;
  if (q.has('X-Amz-Credential') || q.has('Action') || q.has('Version')) return false;
  // The server's own: `GET /` (health), `/_overcast/...`, `/_aws/...`.
  return head.rawPath !== '/' && !head.rawPath.startsWith('/_');
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

/**
 * Writes a mount's whole answer through node:http as the fast path writes it: its header lines in
 * order (a Content-Length among them replaced by the body's length), then the body (none for HEAD).
 */
export function writeWhole(res: ServerResponse, method: string, answer: WholeResponse): void {
  const flat: string[] = [];
  for (const [k, v] of answer.headers) if (k.toLowerCase() !== 'content-length') flat.push(k, v);
  flat.push('content-length', String(answer.body.length));
  res.writeHead(answer.status, flat);
  res.end(method === 'HEAD' ? undefined : answer.body);
}
