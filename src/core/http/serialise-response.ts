import { STATUS_CODES } from 'node:http';
import { TOKEN } from './parse-head.js';
import type { HttpResponse, WholeResponse } from './types.js';

/**
 * An answer as written: one buffer, or the head and a large body written together without
 * copying the body into a new buffer (every buffer is V8 external memory, and allocating a copy of
 * each large answer drives major GCs under load).
 */
export type Out = Buffer | { head: string; body: Buffer };

/** Buffer bodies from this size on are written after the head (cork, two writes) rather than copied. */
const UNCOPIED_BODY = 4096;
/** Header values Node refuses to send (ERR_INVALID_CHAR). */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Status line, headers and body: the same bytes node:http's `writeHead` + `end` produce. */
export class ResponseSerialiser {
  private dateSecond = -1;
  private dateHeader = '';

  constructor(
    private readonly keepAliveTimeout: number,
    /** True once the server is stopping: answers carry `connection: close`. */
    private readonly closing: () => boolean,
  ) {}

  /** `bare`: a bodiless answer with no headers of its own (node:http's 500 after a failure). */
  serialise(
    method: string,
    response: HttpResponse | WholeResponse,
    keepAlive: boolean,
    bare = false,
  ): { out: Out; close: boolean } {
    const status = response.status;
    if (!Number.isInteger(status) || status < 100 || status > 999)
      throw new RangeError(`Invalid status code: ${status}`);
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    let close = !keepAlive;
    let connectionSet = false;
    const body = response.body;
    let bodyLength = 0;
    const line = (name: string, value: unknown): void => {
      if (value === undefined || !TOKEN.test(name)) throw new TypeError(`Invalid header ${name}`);
      const v = String(value);
      if (INVALID_VALUE.test(v)) throw new TypeError(`Invalid character in header content ["${name}"]`);
      if (name.length === 10 && name.toLowerCase() === 'connection') {
        connectionSet = true;
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(v)) close = true;
      }
      head += `${name}: ${v}\r\n`;
    };
    const closing = this.closing();
    if (!bare) {
      bodyLength = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
      if (Array.isArray(response.headers)) {
        // A mount's answer, as its node:http door writes it: its header lines, then the length.
        for (const [name, value] of response.headers) if (name.toLowerCase() !== 'content-length') line(name, value);
        line('content-length', bodyLength);
      } else {
        const headers = response.headers;
        headers['content-length'] = String(bodyLength);
        if (!headers['x-amzn-requestid']) headers['x-amzn-requestid'] = 'overcast';
        for (const name in headers) line(name, headers[name]);
      }
      if (closing) {
        head += 'connection: close\r\n';
        connectionSet = true;
      }
    }
    if (closing) close = true;
    head += `Date: ${this.date()}\r\n`;
    if (!connectionSet) {
      head += close
        ? 'Connection: close\r\n'
        : `Connection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(this.keepAliveTimeout / 1000)}\r\n`;
    }
    // node:http's end() with no body and no length sets Content-Length: 0.
    if (bare) head += 'Content-Length: 0\r\n';
    head += '\r\n';
    const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
    const headLength = head.length;
    if (noBody || bodyLength === 0) return { out: Buffer.from(head, 'latin1'), close };
    if (typeof body !== 'string' && bodyLength >= UNCOPIED_BODY) return { out: { head, body }, close };
    const out = Buffer.allocUnsafe(headLength + bodyLength);
    out.write(head, 0, headLength, 'latin1');
    if (typeof body === 'string') out.write(body, headLength, bodyLength, 'utf8');
    else body.copy(out, headLength);
    return { out, close };
  }

  /** The Date header node:http sends (refreshed once a second). */
  private date(): string {
    const now = Date.now();
    const second = Math.floor(now / 1000);
    if (second !== this.dateSecond) {
      this.dateSecond = second;
      this.dateHeader = new Date(now).toUTCString();
    }
    return this.dateHeader;
  }
}
