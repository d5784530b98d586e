/**
 * The Runtime API's state machine, shared by its two doors: the HTTP listener every runtime can use
 * (AWS_LAMBDA_RUNTIME_API) and the framed channel Overcast's own runtime clients use instead
 * (ipc.ts). Both see one runtime: the same request ids, states and answers.
 */
import { invalidRequestId, invalidStateTransition, requestEntityTooLarge, type ApiError } from './errors.js';

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

/** A runtime waiting for its next event (an HTTP long poll, or a `next` frame on the channel). */
export interface EventWaiter {
  readonly open: boolean;
  send(event: RuntimeEvent): void;
  refuse(answer: ApiError): void;
}

export interface Answer {
  status: number;
  body: unknown;
}

export const ACCEPTED: Answer = { status: 202, body: { status: 'OK' } };

/** The runtime's state, named as AWS's runtime API names it in InvalidStateTransition messages. */
type RuntimeState = 'Started' | 'InitError' | 'Ready' | 'Running' | 'RuntimeResponseSentState';

/** The Lambda-Runtime-* headers of an event, as GET /next answers them. */
export function eventHeaders(event: RuntimeEvent): Record<string, string> {
  const headers: Record<string, string> = {
    'Lambda-Runtime-Aws-Request-Id': event.requestId,
    'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': event.invokedFunctionArn,
  };
  if (event.traceId) headers['Lambda-Runtime-Trace-Id'] = event.traceId;
  if (event.clientContext) headers['Lambda-Runtime-Client-Context'] = event.clientContext;
  if (event.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = event.cognitoIdentity;
  return headers;
}

export class RuntimeApiState {
  private state: RuntimeState = 'Started';
  /** The event handed out (or waiting to be) for the current invocation. */
  private current: RuntimeEvent | undefined;
  private delivered = false;
  private pendingNext: EventWaiter | undefined;
  private lastAnsweredId: string | undefined;

  constructor(private readonly listener: RuntimeApiListener) {}

  /** Hands an event to the runtime: answers a waiting /next now, or the next one that arrives. */
  deliver(event: RuntimeEvent): void {
    this.current = event;
    this.delivered = false;
    const waiting = this.pendingNext;
    if (waiting && waiting.open) {
      this.pendingNext = undefined;
      this.sendEvent(waiting, event);
    }
  }

  /** The invocation ended without the runtime answering (timeout, crash): later posts for it are rejected. */
  abandon(): void {
    this.current = undefined;
    this.delivered = false;
  }

  /** The waiter left (its connection closed). */
  forget(waiter: EventWaiter): void {
    if (this.pendingNext === waiter) this.pendingNext = undefined;
  }

  /** Takes the waiting /next away (closing). */
  takeWaiter(): EventWaiter | undefined {
    const w = this.pendingNext;
    this.pendingNext = undefined;
    return w;
  }

  /** GET /invocation/next. */
  next(waiter: EventWaiter): void {
    if (this.state === 'InitError') {
      return waiter.refuse(invalidStateTransition(this.state, 'Ready'));
    }
    const first = this.state === 'Started';
    if (this.current && this.delivered && this.state === 'Running') {
      // /next without answering the current event: AWS lets it wait; the invocation runs to its deadline.
      this.current = undefined;
    }
    this.state = 'Ready';
    const previous = this.pendingNext;
    if (previous && previous.open) previous.refuse(invalidStateTransition('Ready', 'Ready'));
    this.pendingNext = waiter;
    if (first) this.listener.onReady();
    this.listener.onPoll?.();
    if (this.current && !this.delivered && this.pendingNext === waiter) {
      this.pendingNext = undefined;
      this.sendEvent(waiter, this.current);
    }
  }

  private sendEvent(waiter: EventWaiter, event: RuntimeEvent): void {
    this.delivered = true;
    this.state = 'Running';
    waiter.send(event);
  }

  /** The request id must name the invocation the runtime is running. */
  checkId(id: string, to: string): ApiError | undefined {
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

  /** Whether the runtime may still answer `id` (re-checked once a body has been read). */
  private accepts(id: string): boolean {
    return this.current?.requestId === id && this.state === 'Running';
  }

  private finishInvocation(id: string): void {
    this.state = 'RuntimeResponseSentState';
    this.lastAnsweredId = id;
    this.current = undefined;
    this.delivered = false;
  }

  /**
   * POST /invocation/<id>/response, once its body is read (`undefined` past the size limit).
   * `streamError` is an error reported in a streamed response's trailers.
   */
  response(
    id: string,
    body: Buffer | undefined,
    size: number,
    contentType: string | undefined,
    streamError?: { type: string; body: Buffer },
  ): Answer {
    if (!this.accepts(id)) return invalidRequestId();
    this.finishInvocation(id);
    if (body === undefined) {
      this.listener.onResponseTooLarge(id, size);
      return requestEntityTooLarge();
    }
    if (streamError) this.listener.onError(id, streamError.body, streamError.type);
    else this.listener.onResponse(id, body, contentType);
    return ACCEPTED;
  }

  /** POST /invocation/<id>/error, once its body is read. */
  invocationError(id: string, body: Buffer | undefined, errorType: string | undefined): Answer {
    if (!this.accepts(id)) return invalidRequestId();
    this.finishInvocation(id);
    this.listener.onError(id, body ?? Buffer.alloc(0), errorType);
    return ACCEPTED;
  }

  /** POST /init/error may only come before the first /next. */
  checkInitError(): ApiError | undefined {
    return this.state === 'Started' ? undefined : invalidStateTransition(this.state, 'InitError');
  }

  /** POST /init/error, once its body is read. */
  initError(body: Buffer | undefined, errorType: string | undefined): Answer {
    this.state = 'InitError';
    this.listener.onInitError(body ?? Buffer.alloc(0), errorType);
    return ACCEPTED;
  }
}
