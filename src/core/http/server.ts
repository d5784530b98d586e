import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AwsError } from '../errors/aws-error.js';
import type { Logger } from '../log.js';
import type { Pipeline } from '../pipeline.js';
import type { HttpMount, RequestHead } from './mount.js';
import { hostnameOf, namesNoService } from './mount.js';
import { FastPath } from './fast-path.js';
import { MAX_BODY_BYTES, readBody } from './read-body.js';
import type { HttpRequest, HttpResponse, WholeResponse } from './types.js';

export interface HealthInfo {
  version: string;
  startedAt: number;
  services: string[];
  now: () => number;
}

export interface HttpServerOptions {
  pipeline: Pipeline;
  log: Logger;
  /** Data planes matched on the request head before the body is read. */
  mounts?: readonly HttpMount[];
  health: HealthInfo;
  /** Answer simple AWS API requests on a lean HTTP/1.1 path in front of node:http (default true). */
  fastPath?: boolean;
  /**
   * Settles once every service is routable (platform constructs most of them after the server
   * begins to listen; `mounts` and the pipeline grow meanwhile). Until then the server answers
   * only the health endpoints and API calls a service already routable claims by X-Amz-Target
   * (POST /); every other request waits for it, then goes through mounts and pipeline as usual.
   */
  starting?: Promise<void>;
}

const KEEP_ALIVE_TIMEOUT = 60_000;

/** The one HTTP server: health endpoints, then the core pipeline. */
export class HttpServer {
  private readonly server: Server;
  private readonly fast: FastPath | undefined;
  private closing = false;
  /** Heads the fast path was told it may answer through a mount's whole-request door. */
  private readonly wholeMounts = new WeakMap<RequestHead, HttpMount>();
  /** `options.starting` until it settles (it never rejects here: see the constructor). */
  private starting: Promise<void> | undefined;

  constructor(private readonly options: HttpServerOptions) {
    if (options.starting) {
      const done = (): void => {
        this.starting = undefined;
      };
      // A failed start closes the server (platform); waiting requests then meet the closing server.
      this.starting = options.starting.then(done, done);
    }
    this.server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT }, (req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        options.log.error({ err }, 'request failed');
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, firstBytes: Buffer) => {
      if (this.starting) {
        void this.starting.then(() => this.server.emit('upgrade', req, socket, firstBytes));
        return;
      }
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const head = this.head(
        req.method ?? 'GET',
        q < 0 ? url : url.slice(0, q),
        q < 0 ? '' : url.slice(q + 1),
        req.headers as Record<string, string | undefined>,
      );
      const mount = (options.mounts ?? []).find((m) => m.upgrade && m.matches(head));
      if (!mount?.upgrade) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      try {
        mount.upgrade(head, req, socket, firstBytes);
      } catch (err) {
        options.log.error({ err }, 'upgrade failed');
        socket.destroy();
      }
    });
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    if (options.fastPath !== false) {
      // The fast path owns the listening socket; node:http gets the connections it hands over.
      this.fast = new FastPath(
        {
          ownHead: (method, rawPath, rawQuery, headers) => this.ownHead(method, rawPath, rawQuery, headers),
          bodyLimit: (headers) => options.pipeline.bodyLimit(headers) ?? MAX_BODY_BYTES,
          respond: (request, head) => this.respond(request, head),
          closing: () => this.closing,
          failed: (err) => options.log.error({ err }, 'request failed'),
        },
        this.server,
        KEEP_ALIVE_TIMEOUT,
      );
    }
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    const listener = this.fast?.server ?? this.server;
    return new Promise((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => {
        listener.off('error', reject);
        resolve(listener.address() as AddressInfo);
      });
    });
  }

  /** Stop accepting, let in-flight requests finish, close idle keep-alive sockets. */
  close(): Promise<void> {
    this.closing = true;
    const fast = this.fast;
    return new Promise((resolve) => {
      if (fast) {
        // The listener counts every connection, handed over ones too: it closes when all have.
        fast.server.close(() => resolve());
        fast.closeIdle();
        // node:http never listened itself: this closes its idle connections and stops its timers.
        this.server.close();
      } else {
        this.server.close(() => resolve());
        this.server.closeIdleConnections();
      }
      const timer = setTimeout(() => {
        fast?.closeAll();
        this.server.closeAllConnections();
      }, 5_000);
      timer.unref();
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.starting) await this.starting;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const headers = req.headers as Record<string, string | undefined>;
    // The decoded path and query serve both the mounts' tests and the pipeline's request.
    const head = this.head(req.method ?? 'GET', rawPath, rawQuery, headers);
    const mount = this.options.mounts?.find((m) => m.matches(head)) ?? this.unrouted(head);
    if (mount) {
      if (this.closing) res.setHeader('connection', 'close');
      await mount.handle(head, req, res);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req, this.options.pipeline.bodyLimit(headers));
    } catch (err) {
      const e = err instanceof AwsError ? err : undefined;
      this.send(
        res,
        {
          status: e?.status ?? 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            __type: `com.amazon.coral.service#${e?.code ?? 'SerializationException'}`,
            message: e?.message ?? '',
          }),
        },
        req,
      );
      return;
    }
    const request: HttpRequest = {
      method: head.method,
      rawPath,
      rawQuery,
      path: head.path,
      query: head.query,
      headers,
      rawHeaders: req.rawHeaders,
      body,
    };
    this.send(res, await this.answer(request), req);
  }

  /** The fast path's request: through the mount that takes it whole, or as `answer`. */
  private respond(request: HttpRequest, head: RequestHead): Promise<HttpResponse | WholeResponse> {
    const mount = this.wholeMounts.get(head);
    return mount ? mount.respondWhole!(head, request) : this.answer(request);
  }

  /** The answer of the pipeline, or of the built-in endpoints when no service is named. */
  private async answer(request: HttpRequest): Promise<HttpResponse> {
    const service = this.options.pipeline.route(request);
    return service ? this.options.pipeline.handle(request, service) : this.builtin(request);
  }

  /**
   * The head of a request the fast path may answer: one no mount claims (the server's own), or one
   * the claiming mount takes whole (remembered for `respond`); else undefined.
   */
  private ownHead(
    method: string,
    rawPath: string,
    rawQuery: string,
    headers: Record<string, string | undefined>,
  ): RequestHead | undefined {
    // While services are still being constructed, node:http's path waits for them (onRequest).
    if (this.starting && !this.answerableWhileStarting(method, rawPath, headers)) return undefined;
    const head = this.head(method, rawPath, rawQuery, headers);
    const mounts = this.options.mounts;
    if (mounts)
      for (const mount of mounts) {
        if (!mount.matches(head)) continue;
        if (!mount.respondWhole || !mount.takesWhole?.(head)) return undefined;
        this.wholeMounts.set(head, mount);
        return head;
      }
    // A request no mount or service claims may be a mount's after all (node:http's path hands it over).
    return this.unrouted(head) ? undefined : head;
  }

  /** The mount that answers a request nothing else claims (`HttpMount.claimsUnrouted`), if any. */
  private unrouted(head: RequestHead): HttpMount | undefined {
    const mounts = this.options.mounts;
    if (!mounts || !namesNoService(head)) return undefined;
    return mounts.find((m) => m.claimsUnrouted?.(head));
  }

  /** See `HttpServerOptions.starting`. */
  private answerableWhileStarting(
    method: string,
    rawPath: string,
    headers: Record<string, string | undefined>,
  ): boolean {
    const target = headers['x-amz-target'];
    if (target !== undefined)
      return method === 'POST' && rawPath === '/' && !!this.options.pipeline.targetService(target);
    return method === 'GET' && (rawPath === '/' || rawPath === '/_overcast/health');
  }

  private head(
    method: string,
    rawPath: string,
    rawQuery: string,
    headers: Record<string, string | undefined>,
  ): RequestHead {
    let path = rawPath;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      // keep the raw path
    }
    return {
      method,
      rawPath,
      rawQuery,
      path,
      query: new URLSearchParams(rawQuery),
      headers,
      hostname: hostnameOf(headers['host']),
    };
  }

  private builtin(req: HttpRequest): HttpResponse {
    if (req.method === 'GET' && req.path === '/') {
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `healthy: ${req.headers['host'] ?? 'localhost'} `,
      };
    }
    if (req.method === 'GET' && req.path === '/_overcast/health') {
      const h = this.options.health;
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          // `starting` while services are still being constructed (their requests wait meanwhile).
          status: this.starting ? 'starting' : 'running',
          version: h.version,
          uptimeMs: h.now() - h.startedAt,
          services: h.services,
        }),
      };
    }
    if (req.headers['x-amz-target'] !== undefined) {
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: JSON.stringify({ __type: 'com.amazon.coral.service#UnknownOperationException' }),
      };
    }
    if (req.method === 'POST' && req.path === '/') {
      return {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
          message: 'Request is missing Authentication Token',
        }),
      };
    }
    return {
      status: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: `No service handles ${req.method} ${req.path}` }),
    };
  }

  private send(res: ServerResponse, response: HttpResponse, req: IncomingMessage): void {
    const body = response.body;
    const headers = response.headers;
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
    if (!headers['x-amzn-requestid']) headers['x-amzn-requestid'] = 'overcast';
    // A flat [name, value, ...] array is the cheapest form for Node to serialise.
    const flat: string[] = [];
    for (const name in headers) flat.push(name, headers[name]!);
    // While stopping, answer in-flight requests and then close their connections.
    if (this.closing) flat.push('connection', 'close');
    res.writeHead(response.status, flat);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}
