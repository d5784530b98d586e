/**
 * The Lambda Runtime API 2018-06-01, one listener per execution environment (127.0.0.1, ephemeral
 * port), so a runtime can only ever see the events of its own environment.
 *
 * The runtime long-polls GET /runtime/invocation/next, then posts /response or /error for the
 * request id it was given; /runtime/init/error reports a failed init. Answers follow AWS's runtime
 * API (the Runtime Interface Emulator is its open-sourced form): 202 {"status":"OK"}, 400
 * InvalidRequestID for an id that is not the current invocation, 403 InvalidStateTransition for a
 * call the runtime's state does not allow, 413 RequestEntityTooLarge past 6 MiB + 100 bytes.
 * The state machine itself is state.ts; Overcast's own runtime clients reach it through a framed
 * channel instead (ipc.ts), and everything else through this listener.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../core/log.js';
import { MAX_RESPONSE_BYTES, internalServerError, notFound, type ApiError } from './errors.js';
import {
  RuntimeApiState,
  eventHeaders,
  type EventWaiter,
  type RuntimeApiListener,
  type RuntimeEvent,
} from './state.js';

const PREFIX = '/2018-06-01/runtime/';

export type { RuntimeApiListener, RuntimeEvent } from './state.js';

export class RuntimeApiServer {
  private readonly server: Server;
  /** The runtime's state, shared with the framed channel (ipc.ts) when the environment opens one. */
  readonly state: RuntimeApiState;
  private closed = false;
  private addr = '';

  constructor(
    listener: RuntimeApiListener,
    private readonly log: Logger,
  ) {
    this.state = new RuntimeApiState(listener);
    this.server = createServer({ keepAlive: true }, (req, res) => this.route(req, res));
    // GET /next is a long poll with no timeout (AWS: "Do not set a timeout on the GET request").
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
    this.server.keepAliveTimeout = 0;
    this.server.timeout = 0;
  }

  /** Listens on 127.0.0.1 with an ephemeral port; resolves `127.0.0.1:<port>` (AWS_LAMBDA_RUNTIME_API). */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.addr = `127.0.0.1:${port}`;
    return this.addr;
  }

  get address(): string {
    return this.addr;
  }

  /** Hands an event to the runtime: answers a waiting /next now, or the next one that arrives. */
  deliver(event: RuntimeEvent): void {
    this.state.deliver(event);
  }

  /** The invocation ended without the runtime answering (timeout, crash): later posts for it are rejected. */
  abandon(): void {
    this.state.abandon();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const waiting = this.state.takeWaiter();
    if (waiting instanceof HttpWaiter) waiting.res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const path = url.split('?')[0] ?? '';
    if (!path.startsWith(PREFIX)) return this.drainThen(req, res, notFound());
    const parts = path.slice(PREFIX.length).split('/');
    const method = req.method ?? 'GET';
    try {
      if (parts.length === 2 && parts[0] === 'invocation' && parts[1] === 'next' && method === 'GET') {
        return this.next(req, res);
      }
      if (parts.length === 2 && parts[0] === 'init' && parts[1] === 'error' && method === 'POST') {
        return this.initError(req, res);
      }
      if (parts.length === 3 && parts[0] === 'invocation' && method === 'POST') {
        const id = safeDecode(parts[1] ?? '');
        if (parts[2] === 'response') return this.response(req, res, id);
        if (parts[2] === 'error') return this.invocationError(req, res, id);
      }
      return this.drainThen(req, res, notFound());
    } catch (err) {
      this.log.error({ err }, 'runtime API request failed');
      return this.drainThen(req, res, internalServerError());
    }
  }

  private next(_req: IncomingMessage, res: ServerResponse): void {
    const waiter = new HttpWaiter(res);
    res.on('close', () => this.state.forget(waiter));
    this.state.next(waiter);
  }

  private response(req: IncomingMessage, res: ServerResponse, id: string): void {
    const problem = this.state.checkId(id, 'InvocationResponse');
    if (problem) return this.drainThen(req, res, problem);
    const mode = header(req, 'lambda-runtime-function-response-mode');
    if (mode !== undefined && mode !== 'streaming') {
      return this.drainThen(req, res, {
        status: 400,
        body: { errorMessage: 'Invalid function response mode', errorType: 'InvalidFunctionResponseMode' },
      });
    }
    readCapped(req, MAX_RESPONSE_BYTES, (body, size) => {
      // Streaming responses (Lambda-Runtime-Function-Response-Mode: streaming) are buffered; an error
      // reported in the trailers turns into a function error.
      const trailerType = mode === 'streaming' ? req.trailers['lambda-runtime-function-error-type'] : undefined;
      const trailerBody = req.trailers['lambda-runtime-function-error-body'];
      const streamError = trailerType
        ? { type: trailerType, body: trailerBody ? Buffer.from(trailerBody, 'base64') : Buffer.from('{}') }
        : undefined;
      send(res, this.state.response(id, body, size, header(req, 'content-type'), streamError));
    });
  }

  private invocationError(req: IncomingMessage, res: ServerResponse, id: string): void {
    const problem = this.state.checkId(id, 'InvocationErrorResponse');
    if (problem) return this.drainThen(req, res, problem);
    readCapped(req, MAX_RESPONSE_BYTES, (body) => {
      send(res, this.state.invocationError(id, body, header(req, 'lambda-runtime-function-error-type')));
    });
  }

  private initError(req: IncomingMessage, res: ServerResponse): void {
    const problem = this.state.checkInitError();
    if (problem) return this.drainThen(req, res, problem);
    readCapped(req, MAX_RESPONSE_BYTES, (body) => {
      send(res, this.state.initError(body, header(req, 'lambda-runtime-function-error-type')));
    });
  }

  private drainThen(req: IncomingMessage, res: ServerResponse, answer: ApiError): void {
    req.resume();
    req.on('end', () => send(res, answer));
    req.on('error', () => res.destroy());
  }
}

/** A GET /next waiting for its event. */
class HttpWaiter implements EventWaiter {
  constructor(readonly res: ServerResponse) {}
  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }
  send(event: RuntimeEvent): void {
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': event.payload.length,
      ...eventHeaders(event),
    });
    this.res.end(event.payload);
  }
  refuse(answer: ApiError): void {
    send(this.res, answer);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function send(res: ServerResponse, answer: { status: number; body: unknown }): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads a body up to `max` bytes; past that it drains the rest and passes `undefined` and the full size. */
function readCapped(req: IncomingMessage, max: number, done: (body: Buffer | undefined, size: number) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= max) chunks.push(chunk);
    else chunks.length = 0;
  });
  req.on('end', () => done(size <= max ? Buffer.concat(chunks, size) : undefined, size));
  req.on('error', () => undefined);
}
