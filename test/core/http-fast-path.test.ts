import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

interface RawResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

/** A raw HTTP/1.1 client connection: write bytes, read whole responses (Content-Length or to EOF). */
class RawConnection {
  private buf = Buffer.alloc(0);
  private ended = false;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  static open(endpoint: string): Promise<RawConnection> {
    const url = new URL(endpoint);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  async sendByteByByte(data: string): Promise<void> {
    const bytes = Buffer.from(data);
    for (let i = 0; i < bytes.length; i++) {
      this.socket.write(bytes.subarray(i, i + 1));
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  async read(method = 'POST'): Promise<RawResponse> {
    for (;;) {
      const r = this.tryParse(method);
      if (r) return r;
      if (this.ended) throw new Error(`connection ended with ${this.buf.length} unparsed bytes`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Bytes left unread once the server has closed the connection. */
  async rest(): Promise<string> {
    await this.closed;
    return this.buf.toString('latin1');
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private tryParse(method: string): RawResponse | undefined {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const lines = this.buf.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0]!.split(' ')[1]);
    const headers = lines.slice(1).map((l): [string, string] => {
      const c = l.indexOf(':');
      return [l.slice(0, c), l.slice(c + 1).trim()];
    });
    const cl = headers.find(([n]) => n.toLowerCase() === 'content-length');
    let length: number;
    if (method === 'HEAD') length = 0;
    else if (cl) length = Number(cl[1]);
    else if (this.ended) length = this.buf.length - end - 4;
    else return undefined;
    if (this.buf.length < end + 4 + length) return undefined;
    const body = this.buf.subarray(end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    return { status, headers, body };
  }
}

const DDB_AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIDOVERCASTTEST/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00';

function ddbRequest(host: string, operation: string, body: string, extra = ''): string {
  return (
    `POST / HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Target: DynamoDB_20120810.${operation}\r\n` +
    `Content-Type: application/x-amz-json-1.0\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: ${DDB_AUTH}\r\n` +
    `${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function chunked(host: string, operation: string, body: string): string {
  return (
    `POST / HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Target: DynamoDB_20120810.${operation}\r\n` +
    `Content-Type: application/x-amz-json-1.0\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: ${DDB_AUTH}\r\nTransfer-Encoding: chunked\r\n\r\n` +
    `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
  );
}

/** Headers and body with the values that differ per request (date, request ids, checksums) masked. */
function normalise(r: RawResponse): { status: number; headers: string[]; body: string } {
  const ids = new Set<string>();
  const headers = r.headers.map(([n, v]) => {
    const lower = n.toLowerCase();
    if (lower === 'x-amzn-requestid') ids.add(v);
    if (lower === 'date' || lower === 'x-amzn-requestid' || lower === 'x-amz-crc32') return `${n}: *`;
    return `${n}: ${v}`;
  });
  let body = r.body.toString('utf8');
  for (const id of ids) body = body.split(id).join('*');
  return { status: r.status, headers, body };
}

describe('HTTP fast path', () => {
  let server: TestServer;
  let host: string;
  beforeAll(async () => {
    server = await startTestServer();
    host = new URL(server.endpoint).host;
    const c = await RawConnection.open(server.endpoint);
    c.send(
      ddbRequest(
        host,
        'CreateTable',
        JSON.stringify({
          TableName: 'fast',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    );
    expect((await c.read()).status).toBe(200);
    c.socket.destroy();
  });
  afterAll(() => server.stop());

  it('answers with the same status, headers and body as node:http', async () => {
    const requests: [string, string][] = [
      ['POST', ddbRequest(host, 'ListTables', '{}')],
      [
        'POST',
        ddbRequest(host, 'PutItem', JSON.stringify({ TableName: 'fast', Item: { pk: { S: 'a' }, v: { S: 'é' } } })),
      ],
      ['POST', ddbRequest(host, 'GetItem', JSON.stringify({ TableName: 'fast', Key: { pk: { S: 'a' } } }))],
      ['POST', ddbRequest(host, 'GetItem', JSON.stringify({ TableName: 'missing', Key: { pk: { S: 'a' } } }))],
      ['POST', ddbRequest(host, 'GetItem', '{not json')],
      ['POST', ddbRequest(host, 'NoSuchOperation', '{}')],
      ['GET', `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
      ['HEAD', `HEAD / HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
      ['GET', `GET /_nothing/here?x=1 HTTP/1.1\r\nHost: ${host}\r\n\r\n`],
      ['POST', `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n\r\n`],
      [
        'POST',
        `POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `X-Amz-Date: 20260101T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDOVERCASTTEST/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00\r\n` +
          `Content-Length: 43\r\n\r\nAction=GetCallerIdentity&Version=2011-06-15`,
      ],
    ];
    const fast = await RawConnection.open(server.endpoint);
    const node = await RawConnection.open(server.endpoint);
    // A chunked first request hands the connection to node:http for good.
    node.send(chunked(host, 'ListTables', '{}'));
    expect((await node.read()).status).toBe(200);
    for (const [method, raw] of requests) {
      fast.send(raw);
      node.send(raw);
      const a = normalise(await fast.read(method));
      const b = normalise(await node.read(method));
      expect(a).toEqual(b);
    }
    const get = requests[2]![1];
    fast.send(get);
    const item = await fast.read();
    expect(JSON.parse(item.body.toString('utf8'))).toEqual({ Item: { pk: { S: 'a' }, v: { S: 'é' } } });
    expect(item.headers.map(([n]) => n)).toEqual([
      'content-type',
      'x-amzn-requestid',
      'x-amz-crc32',
      'content-length',
      'Date',
      'Connection',
      'Keep-Alive',
    ]);
    fast.socket.destroy();
    node.socket.destroy();
  });

  it('answers pipelined requests in order, and Connection: close closes after the answer', async () => {
    const c = await RawConnection.open(server.endpoint);
    const names = ['tab1', 'tab2', 'tab3', 'tab4'];
    c.send(
      names
        .map((n, i) =>
          ddbRequest(host, 'DescribeTable', JSON.stringify({ TableName: n }), i === 3 ? 'Connection: close\r\n' : ''),
        )
        .join(''),
    );
    for (const n of names) {
      const r = await c.read();
      expect(r.status).toBe(400);
      expect(r.body.toString()).toContain(`Table: ${n} not found`);
    }
    await c.closed;
  });

  it('writes large answers after their head without copying: same bytes as node:http, pipelined, and closing', async () => {
    // An answer body of 4 KiB or more goes out as head + body (cork, two writes) instead of one copy.
    const big = 'é'.repeat(3000) + 'x'.repeat(3000);
    const put = ddbRequest(
      host,
      'PutItem',
      JSON.stringify({ TableName: 'fast', Item: { pk: { S: 'big' }, v: { S: big } } }),
    );
    const get = ddbRequest(host, 'GetItem', JSON.stringify({ TableName: 'fast', Key: { pk: { S: 'big' } } }));
    const fast = await RawConnection.open(server.endpoint);
    fast.send(put);
    expect((await fast.read()).status).toBe(200);
    const node = await RawConnection.open(server.endpoint);
    node.send(chunked(host, 'ListTables', '{}'));
    expect((await node.read()).status).toBe(200);
    fast.send(get);
    node.send(get);
    const a = await fast.read();
    expect(normalise(a)).toEqual(normalise(await node.read()));
    expect(JSON.parse(a.body.toString('utf8'))).toEqual({ Item: { pk: { S: 'big' }, v: { S: big } } });
    // Three pipelined: large, small, large with Connection: close.
    const close = ddbRequest(
      host,
      'GetItem',
      JSON.stringify({ TableName: 'fast', Key: { pk: { S: 'big' } } }),
      'Connection: close\r\n',
    );
    fast.send(get + ddbRequest(host, 'ListTables', '{}') + close);
    for (const expected of ['big', 'tables', 'big']) {
      const r = await fast.read();
      expect(r.status).toBe(200);
      if (expected === 'big') expect(JSON.parse(r.body.toString('utf8')).Item.v.S).toBe(big);
      else expect(JSON.parse(r.body.toString('utf8'))).toHaveProperty('TableNames');
    }
    await fast.closed;
    expect(await fast.rest()).toBe('');
    node.socket.destroy();
  });

  it('gives every connection its own answers when many are answered in one burst', async () => {
    // Answers are written together at the end of a loop turn or a group commit: each must still go
    // to its own connection, in its order, reads answered beside writes, and a close still closes.
    const conns = await Promise.all(Array.from({ length: 24 }, () => RawConnection.open(server.endpoint)));
    const item = (i: number, round: number): string =>
      JSON.stringify({ TableName: 'fast', Item: { pk: { S: `burst-${i}` }, round: { N: String(round) } } });
    const get = (i: number): string => JSON.stringify({ TableName: 'fast', Key: { pk: { S: `burst-${i}` } } });
    conns.forEach((c, i) =>
      c.send(
        ddbRequest(host, 'PutItem', item(i, 1)) +
          ddbRequest(host, 'GetItem', get(i)) +
          ddbRequest(host, 'PutItem', item(i, 2)) +
          ddbRequest(host, 'GetItem', get(i), i % 4 === 0 ? 'Connection: close\r\n' : ''),
      ),
    );
    await Promise.all(
      conns.map(async (c, i) => {
        for (const round of [1, 2]) {
          expect((await c.read()).status).toBe(200);
          const got = await c.read();
          expect(got.status).toBe(200);
          expect(JSON.parse(got.body.toString('utf8'))).toEqual({
            Item: { pk: { S: `burst-${i}` }, round: { N: String(round) } },
          });
        }
        if (i % 4 === 0) await c.closed;
        else c.socket.destroy();
      }),
    );
  });

  it('parses a request that arrives one byte at a time', async () => {
    const c = await RawConnection.open(server.endpoint);
    await c.sendByteByByte(ddbRequest(host, 'ListTables', '{"Limit":5}'));
    const r = await c.read();
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString()).TableNames).toContain('fast');
    c.socket.destroy();
  });

  it('reads bodies that arrive in many chunks, and large pipelined bodies in order', async () => {
    const c = await RawConnection.open(server.endpoint);
    const big = (k: string) =>
      ddbRequest(
        host,
        'PutItem',
        JSON.stringify({ TableName: 'fast', Item: { pk: { S: k }, v: { S: k.repeat(300_000) } } }),
      );
    const one = Buffer.from(big('x'));
    for (let i = 0; i < one.length; i += 32_768) {
      c.send(one.subarray(i, i + 32_768));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect((await c.read()).status).toBe(200);
    c.send(
      ['a', 'b', 'c'].map(big).join('') +
        ddbRequest(host, 'GetItem', JSON.stringify({ TableName: 'fast', Key: { pk: { S: 'c' } } })),
    );
    for (let i = 0; i < 3; i++) expect((await c.read()).status).toBe(200);
    const got = JSON.parse((await c.read()).body.toString()) as { Item: { v: { S: string } } };
    expect(got.Item.v.S).toBe('c'.repeat(300_000));
    c.socket.destroy();
  });

  it('hands an oversized head to node:http (its clientError answer: 400 and close)', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}', `X-Big: ${'a'.repeat(20_000)}\r\n`));
    expect(await c.rest()).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('answers 400 and closes when the body is shorter than Content-Length and the client ends', async () => {
    const c = await RawConnection.open(server.endpoint);
    const raw = ddbRequest(host, 'ListTables', '{}');
    c.send(raw.replace('Content-Length: 2', 'Content-Length: 10'));
    await new Promise((r) => setTimeout(r, 50));
    c.socket.end();
    expect(await c.rest()).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('treats bytes past Content-Length as the next request (garbage: node:http answers 400)', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}').replace('{}', '{}garbage\r\n\r\n'));
    expect((await c.read()).status).toBe(200);
    expect(await c.rest()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('hands a connection whose second request is chunked to node:http, which keeps answering', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}'));
    const first = await c.read();
    c.send(chunked(host, 'ListTables', '{}'));
    const second = await c.read();
    c.send(ddbRequest(host, 'ListTables', '{}'));
    const third = await c.read();
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(second.body.toString()).toBe(first.body.toString());
    expect(third.body.toString()).toBe(first.body.toString());
    c.socket.destroy();
  });

  it('hands requests mounts claim to node:http (S3 on the same port)', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}'));
    expect((await c.read()).status).toBe(200);
    c.send(
      `PUT /fast-path-bucket HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Date: 20260101T000000Z\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n` +
        `Authorization: AWS4-HMAC-SHA256 Credential=AKIDOVERCASTTEST/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\n` +
        `Content-Length: 0\r\n\r\n`,
    );
    const r = await c.read();
    expect(r.status).toBe(200);
    expect(r.headers.find(([n]) => n.toLowerCase() === 'location')?.[1]).toBe('/fast-path-bucket');
    c.socket.destroy();
  });

  it('answers a fast request and a pipelined mount request behind it in order', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(
      ddbRequest(host, 'ListTables', '{}') +
        `PUT /fast-path-pipelined HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Date: 20260101T000000Z\r\n` +
        `Authorization: AWS4-HMAC-SHA256 Credential=AKIDOVERCASTTEST/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00\r\n` +
        `Content-Length: 0\r\n\r\n`,
    );
    const first = await c.read();
    expect(JSON.parse(first.body.toString()).TableNames).toContain('fast');
    const second = await c.read();
    expect(second.headers.find(([n]) => n.toLowerCase() === 'location')?.[1]).toBe('/fast-path-pipelined');
    c.socket.destroy();
  });

  it('answers every complete request of a client that shuts down its side, then closes', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}') + ddbRequest(host, 'ListTables', '{}'));
    c.socket.end();
    expect((await c.read()).status).toBe(200);
    expect((await c.read()).status).toBe(200);
    expect(await c.rest()).toBe('');
  });

  it('hands over after the client shut down its side: node:http answers, then the socket closes', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}') + chunked(host, 'ListTables', '{}'));
    c.socket.end();
    expect((await c.read()).status).toBe(200);
    expect((await c.read()).status).toBe(200);
    await c.closed;
  });

  it('hands HTTP/1.0 and malformed first requests to node:http', async () => {
    const old = await RawConnection.open(server.endpoint);
    old.send(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`);
    const r = await old.read('GET');
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe(`healthy: ${host} `);
    await old.closed;
    const bad = await RawConnection.open(server.endpoint);
    bad.send(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}`);
    expect(await bad.rest()).toBe('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  it('hands heads with bare CR or LF, control characters or non-ASCII bytes in them to node:http', async () => {
    const heads = [
      `GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\nb\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\rb\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: a\x01b\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: \x0bab\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\r\nX-\x01: ab\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: ${host}\nX-A: ab\r\nConnection: close\r\n\r\n`,
      `GET /\x7f HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    ];
    for (const raw of heads) {
      const fast = await RawConnection.open(server.endpoint);
      const node = await RawConnection.open(server.endpoint);
      node.send(chunked(host, 'ListTables', '{}'));
      expect((await node.read()).status).toBe(200);
      fast.send(Buffer.from(raw, 'latin1'));
      node.send(Buffer.from(raw, 'latin1'));
      const statusLine = async (c: RawConnection) => (await c.rest()).split('\r\n')[0];
      expect(await statusLine(fast), JSON.stringify(raw)).toBe(await statusLine(node));
    }
    // Non-ASCII in a value: node:http takes it (obs-text); so does the fast path, through node:http.
    const latin = await RawConnection.open(server.endpoint);
    latin.send(Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nX-A: caf\xe9\r\nConnection: close\r\n\r\n`, 'latin1'));
    expect((await latin.rest()).split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it('sends no body for HEAD and keeps the connection usable', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(`HEAD / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const head = await c.read('HEAD');
    // The built-in endpoints answer GET only; the 404 still declares its body's length.
    expect(head.status).toBe(404);
    expect(Number(head.headers.find(([n]) => n === 'content-length')?.[1])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
    c.send(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    const get = await c.read('GET');
    expect(get.body.toString()).toBe(`healthy: ${host} `);
    c.socket.destroy();
  });

  it('answers 413 (through node:http) to a body over the service limit', async () => {
    const c = await RawConnection.open(server.endpoint);
    c.send(ddbRequest(host, 'ListTables', '{}').replace('Content-Length: 2', 'Content-Length: 999999999'));
    const r = await c.read();
    expect(r.status).toBe(413);
    c.socket.destroy();
  });
});

describe('HTTP fast path: graceful stop', () => {
  it('finishes an in-flight request with connection: close, closes idle keep-alive connections', async () => {
    const server = await startTestServer();
    const host = new URL(server.endpoint).host;
    const sqs = (op: string, body: object): string => {
      const b = JSON.stringify(body);
      return (
        `POST / HTTP/1.1\r\nHost: ${host}\r\nX-Amz-Target: AmazonSQS.${op}\r\nContent-Type: application/x-amz-json-1.0\r\n` +
        `X-Amz-Date: 20260101T000000Z\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDOVERCASTTEST/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00\r\n` +
        `Content-Length: ${Buffer.byteLength(b)}\r\n\r\n${b}`
      );
    };
    const busy = await RawConnection.open(server.endpoint);
    busy.send(sqs('CreateQueue', { QueueName: 'stop-q' }));
    const created = await busy.read();
    const { QueueUrl } = JSON.parse(created.body.toString()) as { QueueUrl: string };
    const idle = await RawConnection.open(server.endpoint);
    idle.send(`GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect((await idle.read('GET')).status).toBe(200);
    busy.send(sqs('ReceiveMessage', { QueueUrl, WaitTimeSeconds: 1 }));
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const stopped = server.stop();
    await idle.closed;
    const r = await busy.read();
    expect(r.status).toBe(200);
    expect(r.headers).toContainEqual(['connection', 'close']);
    await busy.closed;
    await stopped;
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});
