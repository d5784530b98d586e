/**
 * The Runtime API's fast door, for Overcast's own runtime clients (assets/lambda-runtimes: the
 * Node.js and Python bootstraps): framed messages on a socket pair the environment hands the
 * runtime as file descriptor 3 (named by `_OVERCAST_RUNTIME_FD`), instead of three loopback HTTP
 * exchanges per invocation (the answer to GET /next, POST /response and its 202). It drives the
 * same state machine as the HTTP listener (state.ts), which stays open for everything else:
 * custom runtimes (provided.*), aws-lambda-ric, container images, anything in the function that
 * reads AWS_LAMBDA_RUNTIME_API.
 *
 * A frame is: u32 header length, u32 body length (big-endian), the header (JSON), the body.
 *   runtime → Overcast: {"t":"next"} | {"t":"response","id","ct"?} + body
 *                       | {"t":"error","id","type"?} + error document | {"t":"init-error","type"?} + document
 *   Overcast → runtime: {"t":"event","h":{lowercase Lambda-Runtime-* headers}} + payload
 *                       | {"t":"refused","status"} + error document (what GET /next would have answered)
 * Posts get no acknowledgement: the runtime's next frame is `next`. A response larger than 6 MiB +
 * 100 bytes is skipped unread and fails the invocation, as the HTTP door's 413 does.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../../../core/log.js';
import { MAX_RESPONSE_BYTES, type ApiError } from './errors.js';
import { eventHeaders, type EventWaiter, type RuntimeApiState, type RuntimeEvent } from './state.js';

/** The runtime's file descriptor of the channel. */
export const IPC_FD = 3;
/** The variable that tells our runtime clients to use it (they remove it before user code runs). */
export const IPC_ENV = '_OVERCAST_RUNTIME_FD';

const MAX_HEADER = 64 * 1024;
const EMPTY = Buffer.alloc(0);

interface Frame {
  t?: unknown;
  id?: unknown;
  ct?: unknown;
  type?: unknown;
}

export class RuntimeIpcChannel implements EventWaiter {
  private head: Buffer = EMPTY;
  private frame: Frame | undefined;
  private need = 0;
  private size = 0;
  private keep = true;
  private chunks: Buffer[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly state: RuntimeApiState,
    private readonly log: Logger,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.state.forget(this));
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  send(event: RuntimeEvent): void {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(eventHeaders(event))) h[k.toLowerCase()] = v;
    this.write({ t: 'event', h }, event.payload);
  }

  refuse(answer: ApiError): void {
    this.write({ t: 'refused', status: answer.status }, Buffer.from(JSON.stringify(answer.body)));
  }

  close(): void {
    this.socket.destroy();
  }

  private write(header: object, body: Buffer): void {
    if (!this.open) return;
    const h = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.allocUnsafe(8);
    prefix.writeUInt32BE(h.length, 0);
    prefix.writeUInt32BE(body.length, 4);
    if (body.length <= 65536) {
      this.socket.write(Buffer.concat([prefix, h, body], 8 + h.length + body.length));
      return;
    }
    this.socket.cork();
    this.socket.write(prefix);
    this.socket.write(h);
    this.socket.write(body);
    this.socket.uncork();
  }

  private onData(data: Buffer): void {
    let chunk = data;
    while (chunk.length > 0) {
      if (this.frame) {
        const take = Math.min(this.need, chunk.length);
        if (this.keep) this.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
        this.need -= take;
        chunk = chunk.subarray(take);
        if (this.need === 0) this.complete();
        continue;
      }
      this.head = this.head.length ? Buffer.concat([this.head, chunk]) : chunk;
      chunk = EMPTY;
      if (this.head.length < 8) return;
      const headerLength = this.head.readUInt32BE(0);
      const bodyLength = this.head.readUInt32BE(4);
      if (headerLength > MAX_HEADER) return this.protocolError('header too large');
      if (this.head.length < 8 + headerLength) return;
      let frame: Frame;
      try {
        frame = JSON.parse(this.head.toString('utf8', 8, 8 + headerLength)) as Frame;
      } catch {
        return this.protocolError('header is not JSON');
      }
      if (frame === null || typeof frame !== 'object') return this.protocolError('header is not an object');
      chunk = this.head.subarray(8 + headerLength);
      this.head = EMPTY;
      this.frame = frame;
      this.need = bodyLength;
      this.size = bodyLength;
      this.keep = bodyLength <= MAX_RESPONSE_BYTES;
      this.chunks = [];
      if (bodyLength === 0) this.complete();
    }
  }

  private complete(): void {
    const frame = this.frame!;
    const body = this.keep
      ? this.chunks.length === 1
        ? this.chunks[0]!
        : Buffer.concat(this.chunks, this.size)
      : undefined;
    this.frame = undefined;
    this.chunks = [];
    const id = typeof frame.id === 'string' ? frame.id : '';
    const type = typeof frame.type === 'string' ? frame.type : undefined;
    switch (frame.t) {
      case 'next':
        return this.state.next(this);
      case 'response': {
        const problem = this.state.checkId(id, 'InvocationResponse');
        if (problem) return this.refused('response', problem);
        const ct = typeof frame.ct === 'string' ? frame.ct : undefined;
        return this.answered('response', this.state.response(id, body, this.size, ct));
      }
      case 'error': {
        const problem = this.state.checkId(id, 'InvocationErrorResponse');
        if (problem) return this.refused('error', problem);
        return this.answered('error', this.state.invocationError(id, body, type));
      }
      case 'init-error': {
        const problem = this.state.checkInitError();
        if (problem) return this.refused('init-error', problem);
        return this.answered('init-error', this.state.initError(body, type));
      }
      default:
        return this.protocolError(`unknown frame ${String(frame.t)}`);
    }
  }

  /** A post the HTTP door would have refused: the runtime does not wait for answers, so it is only logged. */
  private refused(what: string, problem: ApiError): void {
    this.log.debug({ what, status: problem.status, errorType: problem.body.errorType }, 'lambda: runtime post refused');
  }

  private answered(what: string, answer: { status: number; body: unknown }): void {
    if (answer.status >= 400) this.log.debug({ what, status: answer.status }, 'lambda: runtime post refused');
  }

  private protocolError(why: string): void {
    this.log.warn({ why }, 'lambda: runtime channel protocol error; closing it');
    this.head = EMPTY;
    this.frame = undefined;
    this.chunks = [];
    this.socket.destroy();
  }
}
