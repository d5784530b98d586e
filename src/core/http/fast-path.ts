import type { Server as NodeHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { Server as NetServer, Socket } from 'node:net';
import type { RequestHead } from './mount.js';
import { MAX_HEAD_BYTES, parseHead } from './parse-head.js';
import type { HeadOwner, ParsedHead } from './parse-head.js';
import { ResponseSerialiser } from './serialise-response.js';
import type { Out } from './serialise-response.js';
import type { HttpRequest, HttpResponse, WholeResponse } from './types.js';

/** What the fast path asks of the server it sits in front of. */
export interface FastPathHost extends HeadOwner {
  /** Answer a request (pipeline or built-ins, or a mount's whole-request door); may throw (then 500, as the node:http path does). */
  respond(req: HttpRequest, head: RequestHead): Promise<HttpResponse | WholeResponse>;
  /** True once the server is stopping: answers carry `connection: close`. */
  closing(): boolean;
  /** A request failed unexpectedly (logged like the node:http path's failures). */
  failed(err: unknown): void;
}

/** Pause reading while a request is answered once this much of the next ones is buffered. */
const MAX_BUFFERED_WHILE_BUSY = 256 * 1024;

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

interface Connection {
  socket: Socket;
  /** Bytes read and not yet consumed, in arrival order (joined only when needed: no quadratic copying). */
  parts: Buffer[];
  size: number;
  /** A parsed head whose body has not fully arrived. */
  pending: ParsedHead | undefined;
  /** A request is being answered; the next ones wait in `buf` (pipelining answers in order). */
  busy: boolean;
  /** The peer shut down its side (FIN). */
  ended: boolean;
  /** Closed or closing, or handed over: nothing more is read or written here. */
  done: boolean;
  onData?: (chunk: Buffer) => void;
  onEnd?: () => void;
  onTimeout?: () => void;
  onError?: () => void;
  onClose?: () => void;
}

/**
 * A lean HTTP/1.1 front for AWS API requests. It owns the listening socket and parses, strictly and
 * within bounds, only the simple form SDKs send: `GET|POST|HEAD <origin-form> HTTP/1.1`, plain header
 * lines, a Content-Length body (no Transfer-Encoding, Expect, Upgrade or content encoding), keep-alive
 * and in-order pipelining. Such a request that no mount claims is answered through the server's own
 * handler and written as one buffer: status line, headers (the same ones node:http writes) and body.
 * Anything else — a mount's request, an unusual or doubtful head, a parse error — hands the connection,
 * with every byte read so far, to the node:http server, which owns it from then on.
 */
export class FastPath {
  readonly server: NetServer;
  private readonly connections = new Set<Connection>();
  private readonly serialiser: ResponseSerialiser;
  /** Answers serialised and not yet written: connection, bytes, close after (see `queue`). */
  private outbox: (Connection | Out | boolean)[] = [];
  /** The other outbox array, swapped in while one is written out. */
  private spare: (Connection | Out | boolean)[] = [];
  /** A flush of the outbox is scheduled. */
  private flushing = false;
  /** Sockets were read in this loop turn and the immediate that ends it (and flushes) is queued. */
  private reading = false;
  private readonly endReading = (): void => {
    this.reading = false;
    this.flush();
  };
  private readonly flush = (): void => {
    this.flushing = false;
    const box = this.outbox;
    if (box.length === 0) return;
    // Answers queued while this one goes out (none are, today: they come from promise jobs) wait
    // in the other array for the next flush.
    this.outbox = this.spare;
    for (let i = 0; i < box.length; i += 3) {
      const c = box[i] as Connection;
      try {
        this.send(c, box[i + 1] as Out, box[i + 2] as boolean);
      } catch (err) {
        this.host.failed(err);
        this.drop(c);
      }
    }
    box.length = 0;
    this.spare = box;
  };

  constructor(
    private readonly host: FastPathHost,
    private readonly http: NodeHttpServer,
    private readonly keepAliveTimeout: number,
  ) {
    this.serialiser = new ResponseSerialiser(keepAliveTimeout, () => host.closing());
    // allowHalfOpen as node:http has it: a client that shuts down its side still gets its answer.
    this.server = createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    this.server.on('listening', () => this.http.emit('listening'));
  }

  /** Close idle connections now; in-flight ones close after their answer (`connection: close`). */
  closeIdle(): void {
    for (const c of this.connections) {
      if (!c.busy && c.size === 0) this.drop(c);
    }
  }

  closeAll(): void {
    for (const c of this.connections) this.drop(c);
  }

  private accept(socket: Socket): void {
    if (this.host.closing()) {
      socket.destroy();
      return;
    }
    const c: Connection = { socket, parts: [], size: 0, pending: undefined, busy: false, ended: false, done: false };
    this.connections.add(c);
    socket.setTimeout(this.keepAliveTimeout);
    c.onData = (chunk: Buffer) => this.onData(c, chunk);
    c.onEnd = () => this.onEnd(c);
    c.onTimeout = () => this.onTimeout(c);
    c.onError = () => this.drop(c);
    c.onClose = () => this.forget(c);
    socket.on('data', c.onData);
    socket.on('end', c.onEnd);
    socket.on('timeout', c.onTimeout);
    socket.on('error', c.onError);
    socket.on('close', c.onClose);
  }

  private onData(c: Connection, chunk: Buffer): void {
    if (!this.reading) {
      this.reading = true;
      setImmediate(this.endReading);
    }
    c.parts.push(chunk);
    c.size += chunk.length;
    if (c.busy) {
      if (c.size > MAX_BUFFERED_WHILE_BUSY) c.socket.pause();
      return;
    }
    this.next(c);
  }

  /** Everything buffered, as one Buffer. */
  private joined(c: Connection): Buffer {
    if (c.parts.length > 1) c.parts = [Buffer.concat(c.parts, c.size)];
    return c.parts[0]!;
  }

  /** Start answering the next complete request in the buffer, if any. */
  private next(c: Connection): void {
    if (c.size === 0 || c.done) return;
    let p = c.pending;
    if (p !== undefined && c.size < p.total) return;
    const buf = this.joined(c);
    if (p === undefined) {
      const headEnd = buf.indexOf(CRLFCRLF);
      if (headEnd < 0) {
        if (buf.length > MAX_HEAD_BYTES || !plausibleStart(buf)) this.handOver(c);
        return;
      }
      p = parseHead(buf, headEnd, this.host);
      if (p === undefined) {
        this.handOver(c);
        return;
      }
      c.pending = p;
    }
    if (buf.length < p.total) return;
    c.pending = undefined;
    p.request.body = buf.subarray(p.headEnd + 4, p.total);
    if (buf.length > p.total) {
      c.parts = [buf.subarray(p.total)];
      c.size = buf.length - p.total;
    } else {
      c.parts = [];
      c.size = 0;
    }
    c.busy = true;
    this.answer(c, p.request, p.head, p.keepAlive);
  }

  private answer(c: Connection, request: HttpRequest, head: RequestHead, keepAlive: boolean): void {
    let promise: Promise<HttpResponse | WholeResponse>;
    request.remoteAddress = c.socket.remoteAddress;
    try {
      promise = this.host.respond(request, head);
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise
      .then(
        (response) => this.write(c, request.method, response, keepAlive),
        (err: unknown) => {
          this.host.failed(err);
          this.write(c, request.method, { status: 500, headers: {}, body: '' }, keepAlive, true);
        },
      )
      .catch((err: unknown) => {
        // Never an unhandled rejection: log and drop the connection.
        this.host.failed(err);
        this.drop(c);
      });
  }

  /** Status line, headers and body, together, the same bytes node:http's `send` produces. */
  private write(
    c: Connection,
    method: string,
    response: HttpResponse | WholeResponse,
    keepAlive: boolean,
    bare = false,
  ): void {
    if (c.done) return;
    let out: Out;
    let close = !keepAlive;
    try {
      ({ out, close } = this.serialiser.serialise(method, response, keepAlive, bare));
    } catch (err) {
      // What node:http does when writeHead throws: log, then a bare 500.
      this.host.failed(err);
      ({ out, close } = this.serialiser.serialise(method, { status: 500, headers: {}, body: '' }, keepAlive, true));
    }
    this.queue(c, out, close);
  }

  /**
   * Answers go out together at the end of the work that produced them rather than one by one: answers
   * made while sockets are read go out once this loop turn has read them all (an immediate), answers
   * made elsewhere (a group commit resolving many writes, a timer) once that callback and its promise
   * jobs are done (a tick). A client on another CPU is woken once for a burst of answers instead of
   * once per answer: on a virtual machine every such wake-up is an expensive inter-processor
   * interrupt. With c=32 GetItems this halved the server's CPU per request (docs/benchmarks.md).
   */
  private queue(c: Connection, out: Out, close: boolean): void {
    this.outbox.push(c, out, close);
    if (this.flushing || this.reading) return;
    this.flushing = true;
    process.nextTick(this.flush);
  }

  private send(c: Connection, out: Out, close: boolean): void {
    if (c.done) return;
    const socket = c.socket;
    const whole = Buffer.isBuffer(out);
    if (!whole) {
      // Head and body leave in one writev system call, as one buffer would.
      socket.cork();
      socket.write(out.head, 'latin1');
    }
    const last = whole ? out : out.body;
    if (close) {
      c.done = true;
      socket.end(last); // end() uncorks
      return;
    }
    const flushed = socket.write(last);
    if (!whole) socket.uncork();
    // A client that does not read its answers gets no more until it does (as node:http does).
    if (!flushed) socket.once('drain', () => this.ready(c));
    else this.ready(c);
  }

  /** The answer is out: go on with the next request. */
  private ready(c: Connection): void {
    if (c.done) return;
    c.busy = false;
    if (c.socket.isPaused()) c.socket.resume();
    this.next(c);
    if (!c.busy && c.ended && !c.done) this.finishEnded(c);
    // Stopping began after this answer was made (it said keep-alive): close now that it is out.
    else if (!c.busy && c.size === 0 && !c.done && this.host.closing()) {
      c.done = true;
      c.socket.end();
    }
  }

  private onEnd(c: Connection): void {
    c.ended = true;
    // The client shut down its side: answers still go out (allowHalfOpen), then the socket ends.
    if (!c.done && !c.busy) this.finishEnded(c);
  }

  /** After the peer's FIN with nothing in progress: half a request is node:http's clientError 400. */
  private finishEnded(c: Connection): void {
    c.done = true;
    if (c.size > 0 && c.socket.writable) c.socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else c.socket.end();
  }

  private onTimeout(c: Connection): void {
    if (c.busy) return;
    if (c.size > 0 && c.socket.writable) {
      c.done = true;
      c.socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
      return;
    }
    this.drop(c);
  }

  private drop(c: Connection): void {
    c.done = true;
    c.socket.destroy();
  }

  private forget(c: Connection): void {
    c.done = true;
    this.connections.delete(c);
  }

  /** Give the connection and every byte read so far to node:http. */
  private handOver(c: Connection): void {
    const socket = c.socket;
    this.connections.delete(c);
    c.done = true;
    socket.off('data', c.onData!);
    socket.off('end', c.onEnd!);
    socket.off('timeout', c.onTimeout!);
    socket.off('error', c.onError!);
    socket.off('close', c.onClose!);
    socket.setTimeout(0);
    if (socket.isPaused()) socket.resume();
    const bytes = c.size > 0 ? this.joined(c) : undefined;
    c.parts = [];
    c.size = 0;
    if (bytes !== undefined) socket.unshift(bytes);
    this.http.emit('connection', socket);
  }
}

/** Whether a head still arriving can be one the fast path takes (else hand over at once). */
function plausibleStart(buf: Buffer): boolean {
  const b = buf[0];
  // G(ET), P(OST), H(EAD); anything else (PUT, DELETE, a TLS hello, a blank line) is node:http's.
  return b === 0x47 || b === 0x50 || b === 0x48;
}
