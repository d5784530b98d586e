import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { RuntimeIpcChannel } from '../../../src/services/lambda/runtime-api/ipc.js';
import { RuntimeApiServer, type RuntimeApiListener } from '../../../src/services/lambda/runtime-api/server.js';
import { environment, invocation, json, useProvider } from './helpers.js';

// The runtime's end of the framed channel, written by hand: u32 header length, u32 body length,
// JSON header, body.
function frame(header: object, body: Buffer | string = ''): Buffer {
  const h = Buffer.from(JSON.stringify(header));
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32BE(h.length, 0);
  prefix.writeUInt32BE(b.length, 4);
  return Buffer.concat([prefix, h, b]);
}

class RuntimeEnd {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  constructor(readonly socket: Socket) {
    socket.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  /** The next frame Overcast sent. */
  async read(): Promise<{ header: any; body: string }> {
    for (;;) {
      if (this.buf.length >= 8) {
        const hl = this.buf.readUInt32BE(0);
        const bl = this.buf.readUInt32BE(4);
        if (this.buf.length >= 8 + hl + bl) {
          const header = JSON.parse(this.buf.toString('utf8', 8, 8 + hl));
          const body = this.buf.toString('utf8', 8 + hl, 8 + hl + bl);
          this.buf = this.buf.subarray(8 + hl + bl);
          return { header, body };
        }
      }
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  /** Writes bytes one at a time (frames split anywhere must still parse). */
  async trickle(bytes: Buffer): Promise<void> {
    for (let i = 0; i < bytes.length; i++) {
      this.socket.write(bytes.subarray(i, i + 1));
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
  }
}

const events: string[] = [];
const listener: RuntimeApiListener = {
  onReady: () => events.push('ready'),
  onResponse: (id, body, ct) => events.push(`response ${id} ${ct} ${body.toString()}`),
  onResponseTooLarge: (id, size) => events.push(`too-large ${id} ${size}`),
  onError: (id, body, type) => events.push(`error ${id} ${type} ${body.toString()}`),
  onInitError: (body, type) => events.push(`init-error ${type} ${body.toString()}`),
};

let dir: string;
let listenerServer: Server | undefined;
let api: RuntimeApiServer | undefined;
let channel: RuntimeIpcChannel | undefined;
let runtime: RuntimeEnd | undefined;

/** A Runtime API server with a channel on one end of a Unix socket and the "runtime" on the other. */
async function open(): Promise<{ api: RuntimeApiServer; addr: string; runtime: RuntimeEnd }> {
  dir = mkdtempSync(join(tmpdir(), 'overcast-ipc-'));
  const path = join(dir, 'sock');
  api = new RuntimeApiServer(listener, silentLogger);
  const addr = await api.listen();
  const accepted = new Promise<Socket>((resolve) => {
    listenerServer = createServer((s) => resolve(s));
    listenerServer.listen(path);
  });
  await new Promise((r) => listenerServer!.once('listening', r));
  const client = createConnection(path);
  channel = new RuntimeIpcChannel(await accepted, api.state, silentLogger);
  runtime = new RuntimeEnd(client);
  return { api, addr, runtime };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

afterEach(async () => {
  events.length = 0;
  runtime?.socket.destroy();
  channel?.close();
  await api?.close();
  listenerServer?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (requestId: string) => ({
  requestId,
  payload: Buffer.from('{"k":1}'),
  deadlineMs: 1_900_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:live',
  traceId: 'Root=1-abc;Parent=def;Sampled=0',
  clientContext: '{"custom":{}}',
});

describe('Runtime API channel (our runtime clients)', () => {
  it('serves next/response with the same states and answers as the HTTP door', async () => {
    const { api, runtime } = await open();
    await runtime.trickle(frame({ t: 'next' }));
    await settle();
    expect(events).toEqual(['ready']);
    api.deliver(event('req-1'));
    const e = await runtime.read();
    expect(e.header).toEqual({
      t: 'event',
      h: {
        'lambda-runtime-aws-request-id': 'req-1',
        'lambda-runtime-deadline-ms': '1900000000000',
        'lambda-runtime-invoked-function-arn': 'arn:aws:lambda:us-east-1:123456789012:function:f:live',
        'lambda-runtime-trace-id': 'Root=1-abc;Parent=def;Sampled=0',
        'lambda-runtime-client-context': '{"custom":{}}',
      },
    });
    expect(e.body).toBe('{"k":1}');
    // A post for another id is refused (not delivered to the environment).
    await runtime.trickle(frame({ t: 'response', id: 'other' }, '"x"'));
    await settle();
    expect(events).toEqual(['ready']);
    // Two frames in one write: the answer, then the next poll.
    runtime.socket.write(
      Buffer.concat([frame({ t: 'response', id: 'req-1', ct: 'application/json' }, '"done"'), frame({ t: 'next' })]),
    );
    await settle();
    expect(events).toEqual(['ready', 'response req-1 application/json "done"']);
    api.deliver(event('req-2'));
    expect((await runtime.read()).header.h['lambda-runtime-aws-request-id']).toBe('req-2');
    runtime.socket.write(frame({ t: 'error', id: 'req-2', type: 'Unhandled' }, '{"errorType":"E"}'));
    // A second answer for the same id is refused, as HTTP's 403 InvalidStateTransition.
    runtime.socket.write(frame({ t: 'response', id: 'req-2' }, '"late"'));
    await settle();
    expect(events.slice(2)).toEqual(['error req-2 Unhandled {"errorType":"E"}']);
  });

  it('skips a response over 6 MiB + 100 bytes unread and fails the invocation', async () => {
    const { api, runtime } = await open();
    runtime.socket.write(frame({ t: 'next' }));
    await settle();
    api.deliver(event('req-3'));
    await runtime.read();
    const size = 6 * 1024 * 1024 + 101;
    runtime.socket.write(frame({ t: 'response', id: 'req-3' }, Buffer.alloc(size, 0x61)));
    runtime.socket.write(frame({ t: 'next' }));
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual(['ready', `too-large req-3 ${size}`]);
    // The frame after it still parses: the runtime is polling again.
    api.deliver(event('req-4'));
    expect((await runtime.read()).header.h['lambda-runtime-aws-request-id']).toBe('req-4');
  });

  it('takes init errors before the first poll, then refuses next as GET /next would', async () => {
    const { runtime } = await open();
    runtime.socket.write(frame({ t: 'init-error', type: 'Runtime.ImportModuleError' }, '{"errorType":"X"}'));
    runtime.socket.write(frame({ t: 'next' }));
    const refused = await runtime.read();
    expect(refused.header).toEqual({ t: 'refused', status: 403 });
    expect(JSON.parse(refused.body)).toEqual({
      errorMessage:
        'State transition from InitError to Ready failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    expect(events).toEqual(['init-error Runtime.ImportModuleError {"errorType":"X"}']);
  });

  it('shares one state with the HTTP door', async () => {
    const { api, addr, runtime } = await open();
    runtime.socket.write(frame({ t: 'next' }));
    await settle();
    api.deliver(event('req-5'));
    await runtime.read();
    // The runtime answered over the channel; an HTTP post for the same id is then a second answer.
    runtime.socket.write(frame({ t: 'response', id: 'req-5' }, '1'));
    await settle();
    const [host, port] = addr.split(':');
    const status = await new Promise<number>((resolve, reject) => {
      const s = createConnection(Number(port), host!, () =>
        s.end('POST /2018-06-01/runtime/invocation/req-5/response HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n2'),
      );
      s.on('data', (d) => resolve(Number(d.toString().split(' ')[1])));
      s.on('error', reject);
    });
    expect(status).toBe(403);
    expect(events).toEqual(['ready', 'response req-5 undefined 1']);
  });

  it('closes on a malformed frame', async () => {
    const { runtime } = await open();
    const closed = new Promise((r) => runtime.socket.on('close', r));
    const bad = Buffer.alloc(12);
    bad.writeUInt32BE(4, 0);
    bad.write('nope', 8);
    runtime.socket.write(bad);
    await closed;
    expect(events).toEqual([]);
  });
});

const provider = useProvider();
const hasPython = provider.supports('python3.12');

describe('our runtime clients use the channel', () => {
  it('Node.js: fd 3 is the channel and the variable naming it is gone before the handler loads', async () => {
    const { env } = await environment(provider, {
      'index.js': `const fs = require('fs');
const atLoad = process.env._OVERCAST_RUNTIME_FD;
// Connections to the HTTP Runtime API (its port, local or remote side, in /proc/net/tcp): none.
const port = Number(process.env.AWS_LAMBDA_RUNTIME_API.split(':')[1]).toString(16).toUpperCase().padStart(4, '0');
const httpConnections = () => fs.readFileSync('/proc/net/tcp', 'utf8').split('\\n').slice(1)
  .filter((l) => { const f = l.trim().split(/\\s+/); return f[3] === '01' && (f[1].endsWith(':' + port) || f[2].endsWith(':' + port)); }).length;
exports.handler = async (e) => ({ atLoad: atLoad ?? null, now: process.env._OVERCAST_RUNTIME_FD ?? null,
  fd3: fs.readlinkSync('/proc/self/fd/3'), api: process.env.AWS_LAMBDA_RUNTIME_API, http: httpConnections(), e });`,
    });
    for (let i = 0; i < 3; i++) {
      const r = await env.invoke(invocation({ i }));
      expect(r.status, r.payload.toString()).toBe('success');
      const out = json(r);
      expect(out).toMatchObject({ atLoad: null, now: null, http: 0, e: { i } });
      expect(out.fd3).toMatch(/^socket:\[\d+\]$/);
      expect(out.api).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    await env.destroy();
  });

  it('Node.js: the environment sleeps between invocations, and a thawed one sees what came due first', async () => {
    // The runtime blocks in read(2) on the channel between events, as a frozen Lambda environment:
    // a 10 ms interval does not tick while no invocation runs. After a long sleep the event loop
    // runs before the handler (a timer that came due, a socket the server closed).
    const { env } = await environment(provider, {
      'index.js': `let ticks = 0;
let due = false;
setInterval(() => ticks++, 10);
exports.handler = async (e) => {
  if (e.arm) { setTimeout(() => { due = true; }, 20); return { ticks }; }
  const seen = { ticks, due };
  await new Promise((r) => setTimeout(r, 60));
  return { ...seen, after: ticks };
};`,
    });
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const first = json(await env.invoke(invocation({})));
    // The interval ran while the handler awaited its 60 ms timer.
    expect(first.after - first.ticks).toBeGreaterThanOrEqual(3);
    const armed = json(await env.invoke(invocation({ arm: true })));
    await wait(400);
    const r = await env.invoke(invocation({}));
    expect(r.status, r.payload.toString()).toBe('success');
    const out = json(r);
    // 400 ms asleep: awake, the interval would have ticked ~40 times; frozen, at most the one
    // catch-up turn on thaw.
    expect(out.ticks - armed.ticks).toBeLessThanOrEqual(2);
    expect(out.due).toBe(true);
    await env.destroy();
  });

  it.skipIf(!hasPython)('Python: the same, and the channel is not inherited by child processes', async () => {
    const { env } = await environment(
      provider,
      {
        'main.py': `import os, subprocess
def handler(event, context):
    child = subprocess.run(["sh", "-c", "ls /proc/$$/fd"], capture_output=True, text=True, close_fds=False).stdout.split()
    return {"var": os.environ.get("_OVERCAST_RUNTIME_FD"), "fd3": os.readlink("/proc/self/fd/3"),
            "child_fds": sorted(int(f) for f in child), "e": event}
`,
      },
      { runtime: 'python3.12', handler: 'main.handler' },
    );
    for (let i = 0; i < 2; i++) {
      const r = await env.invoke(invocation({ i }));
      expect(r.status).toBe('success');
      const out = json(r);
      expect(out).toMatchObject({ var: null, e: { i } });
      expect(out.fd3).toMatch(/^socket:\[\d+\]$/);
      expect(out.child_fds).not.toContain(3);
    }
    await env.destroy();
  });
});
