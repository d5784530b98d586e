/**
 * The Lambda Runtime API 2018-06-01, one listener per execution environment (127.0.0.1, ephemeral
 * port), so a runtime can only ever see the events of its own environment.
 *
 * The runtime long-polls GET /runtime/invocation/next, then posts /response or /error for the
 * request id it was given; /runtime/init/error reports a failed init. Answers follow AWS's runtime
 * API (the Runtime Interface Emulator is its open-sourced form): 202 {"status":"OK"}, 400
 * InvalidRequestID for an id that is not the current invocation, 403 InvalidStateTransition for a
 * call the runtime's state does not allow, 413 RequestEntityTooLarge past 6 MiB + 100 bytes.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../../core/log.js';
import {
  MAX_RESPONSE_BYTES,
  internalServerError,
  invalidRequestId,
  invalidStateTransition,
  notFound,
  requestEntityTooLarge,
  type ApiError,
} from './errors.js';

const PREFIX = '/2018-06-01/runtime/';

/** An event as the runtime receives it from /next. */
export interface RuntimeEvent {
  requestId: string;
  payload: Buffer;
  /** Absolute deadline, epoch milliseconds. */
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

/** What the environment learns from the runtime. */
export interface RuntimeApiListener {
  /** The runtime's first GET /next: its init is done. */
  onReady(): void;
  /** Every GET /next (the runtime is idle again). */
  onPoll?(): void;
  onResponse(requestId: string, body: Buffer, contentType: string | undefined): void;
  /** The runtime posted a body over the limit (answered 413); the invocation fails. */
  onResponseTooLarge(requestId: string, size: number): void;
  onError(requestId: string, body: Buffer, errorType: string | undefined): void;
  onInitError(body: Buffer, errorType: string | undefined): void;
}

/** The runtime's state, named as AWS's runtime API names it in InvalidStateTransition messages. */
type RuntimeState = 'Started' | 'InitError' | 'Ready' | 'Running' | 'RuntimeResponseSentState';

export class RuntimeApiServer {
  private readonly server: Server;
  private state: RuntimeState = 'Started';
  /** The event handed out (or waiting to be) for the current invocation. */
  private current: RuntimeEvent | undefined;
  private delivered = false;
  private pendingNext: ServerResponse | undefined;
  private closed = false;
  private addr = '';

  constructor(
    private readonly listener: RuntimeApiListener,
    private readonly log: Logger,
  ) {
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
    this.current = event;
    this.delivered = false;
    const waiting = this.pendingNext;
    if (waiting && !waiting.writableEnded && !waiting.destroyed) {
      this.pendingNext = undefined;
      this.sendEvent(waiting, event);
    }
  }

  /** The invocation ended without the runtime answering (timeout, crash): later posts for it are rejected. */
  abandon(): void {
    this.current = undefined;
    this.delivered = false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pendingNext?.destroy();
    this.pendingNext = undefined;
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
    if (this.state === 'InitError') {
      return send(res, invalidStateTransition(this.state, 'Ready'));
    }
    const first = this.state === 'Started';
    if (this.current && this.delivered && this.state === 'Running') {
      // /next without answering the current event: AWS lets it wait; the invocation runs to its deadline.
      this.current = undefined;
    }
    this.state = 'Ready';
    const previous = this.pendingNext;
    if (previous && !previous.writableEnded) send(previous, invalidStateTransition('Ready', 'Ready'));
    this.pendingNext = res;
    res.on('close', () => {
      if (this.pendingNext === res) this.pendingNext = undefined;
    });
    if (first) this.listener.onReady();
    this.listener.onPoll?.();
    if (this.current && !this.delivered && this.pendingNext === res) {
      this.pendingNext = undefined;
      this.sendEvent(res, this.current);
    }
  }

  private sendEvent(res: ServerResponse, event: RuntimeEvent): void {
    this.delivered = true;
    this.state = 'Running';
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': event.payload.length,
      'Lambda-Runtime-Aws-Request-Id': event.requestId,
      'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': event.invokedFunctionArn,
    };
    if (event.traceId) headers['Lambda-Runtime-Trace-Id'] = event.traceId;
    if (event.clientContext) headers['Lambda-Runtime-Client-Context'] = event.clientContext;
    if (event.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = event.cognitoIdentity;
    res.writeHead(200, headers);
    res.end(event.payload);
  }

  /** The request id must name the invocation the runtime is running. */
  private checkId(id: string, to: string): ApiError | undefined {
    if (!this.current || !this.delivered || id !== this.current.requestId) {
      // A second answer for an invocation already answered: the current id is still that one.
      if (this.state === 'RuntimeResponseSentState' && id === this.lastAnsweredId) {
        return invalidStateTransition(this.state, to);
      }
      return invalidRequestId();
    }
    if (this.state !== 'Running') return invalidStateTransition(this.state, to);
    return undefined;
  }

  private lastAnsweredId: string | undefined;

  private finishInvocation(id: string): void {
    this.state = 'RuntimeResponseSentState';
    this.lastAnsweredId = id;
    this.current = undefined;
    this.delivered = false;
  }

  private response(req: IncomingMessage, res: ServerResponse, id: string): void {
    const problem = this.checkId(id, 'InvocationResponse');
    if (problem) return this.drainThen(req, res, problem);
    const mode = header(req, 'lambda-runtime-function-response-mode');
    if (mode !== undefined && mode !== 'streaming') {
      return this.drainThen(req, res, {
        status: 400,
        body: { errorMessage: 'Invalid function response mode', errorType: 'InvalidFunctionResponseMode' },
      });
    }
    readCapped(req, MAX_RESPONSE_BYTES, (body, size) => {
      if (this.current?.requestId !== id || this.state !== 'Running') {
        return send(res, invalidRequestId());
      }
      this.finishInvocation(id);
      if (body === undefined) {
        send(res, requestEntityTooLarge());
        this.listener.onResponseTooLarge(id, size);
        return;
      }
      // Streaming responses (Lambda-Runtime-Function-Response-Mode: streaming) are buffered; an error
      // reported in the trailers turns into a function error.
      const trailerType = req.trailers['lambda-runtime-function-error-type'];
      send(res, { status: 202, body: { status: 'OK' } });
      if (mode === 'streaming' && trailerType) {
        const trailerBody = req.trailers['lambda-runtime-function-error-body'];
        const doc = trailerBody ? Buffer.from(trailerBody, 'base64') : Buffer.from('{}');
        this.listener.onError(id, doc, trailerType);
        return;
      }
      this.listener.onResponse(id, body, header(req, 'content-type'));
    });
  }

  private invocationError(req: IncomingMessage, res: ServerResponse, id: string): void {
    const problem = this.checkId(id, 'InvocationErrorResponse');
    if (problem) return this.drainThen(req, res, problem);
    readCapped(req, MAX_RESPONSE_BYTES, (body) => {
      if (this.current?.requestId !== id || this.state !== 'Running') {
        return send(res, invalidRequestId());
      }
      this.finishInvocation(id);
      send(res, { status: 202, body: { status: 'OK' } });
      this.listener.onError(id, body ?? Buffer.alloc(0), header(req, 'lambda-runtime-function-error-type'));
    });
  }

  private initError(req: IncomingMessage, res: ServerResponse): void {
    if (this.state !== 'Started') {
      return this.drainThen(req, res, invalidStateTransition(this.state, 'InitError'));
    }
    readCapped(req, MAX_RESPONSE_BYTES, (body) => {
      this.state = 'InitError';
      send(res, { status: 202, body: { status: 'OK' } });
      this.listener.onInitError(body ?? Buffer.alloc(0), header(req, 'lambda-runtime-function-error-type'));
    });
  }

  private drainThen(req: IncomingMessage, res: ServerResponse, answer: ApiError): void {
    req.resume();
    req.on('end', () => send(res, answer));
    req.on('error', () => res.destroy());
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
