import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { RuntimeApiServer, type RuntimeApiListener } from '../../../src/services/lambda/runtime-api/server.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  addr: string,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const [host, port] = addr.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path: `/2018-06-01/runtime/${path}`, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const events: string[] = [];
const listener: RuntimeApiListener = {
  onReady: () => events.push('ready'),
  onResponse: (id, body) => events.push(`response ${id} ${body.toString()}`),
  onResponseTooLarge: (id, size) => events.push(`too-large ${id} ${size}`),
  onError: (id, body, type) => events.push(`error ${id} ${type} ${body.toString()}`),
  onInitError: (body, type) => events.push(`init-error ${type} ${body.toString()}`),
};

let server: RuntimeApiServer;
afterEach(async () => {
  events.length = 0;
  await server.close();
});

const event = (requestId: string) => ({
  requestId,
  payload: Buffer.from('{"k":1}'),
  deadlineMs: 1_900_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:live',
  traceId: 'Root=1-abc;Parent=def;Sampled=0',
  clientContext: '{"custom":{}}',
  cognitoIdentity: '{"cognitoIdentityId":"x"}',
});

describe('Runtime API 2018-06-01', () => {
  it('long-polls /next and serves the event with the Lambda-Runtime-* headers', async () => {
    server = new RuntimeApiServer(listener, silentLogger);
    const addr = await server.listen();
    const next = call(addr, 'GET', 'invocation/next');
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['ready']);
    server.deliver(event('req-1'));
    const r = await next;
    expect(r.status).toBe(200);
    expect(r.body).toBe('{"k":1}');
    expect(r.headers['lambda-runtime-aws-request-id']).toBe('req-1');
    expect(r.headers['lambda-runtime-deadline-ms']).toBe('1900000000000');
    expect(r.headers['lambda-runtime-invoked-function-arn']).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:f:live',
    );
    expect(r.headers['lambda-runtime-trace-id']).toBe('Root=1-abc;Parent=def;Sampled=0');
    expect(r.headers['lambda-runtime-client-context']).toBe('{"custom":{}}');
    expect(r.headers['lambda-runtime-cognito-identity']).toBe('{"cognitoIdentityId":"x"}');

    const wrong = await call(addr, 'POST', 'invocation/other-id/response', 'x');
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.body)).toEqual({ errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });

    const ok = await call(addr, 'POST', 'invocation/req-1/response', '"done"', { 'X-Amzn-Trace-Id': 'Root=1-abc' });
    expect(ok.status).toBe(202);
    expect(JSON.parse(ok.body)).toEqual({ status: 'OK' });
    expect(events).toContain('response req-1 "done"');

    const twice = await call(addr, 'POST', 'invocation/req-1/response', '"again"');
    expect(twice.status).toBe(403);
    expect(JSON.parse(twice.body)).toEqual({
      errorMessage:
        'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    const lateInit = await call(addr, 'POST', 'init/error', '{}');
    expect(lateInit.status).toBe(403);
    expect(JSON.parse(lateInit.body).errorType).toBe('InvalidStateTransition');
  });

  it('takes /error with its error type header, and rejects bodies over 6 MiB + 100 bytes with 413', async () => {
    server = new RuntimeApiServer(listener, silentLogger);
    const addr = await server.listen();
    server.deliver(event('req-2'));
    await call(addr, 'GET', 'invocation/next');
    const e = await call(addr, 'POST', 'invocation/req-2/error', '{"errorMessage":"m","errorType":"T"}', {
      'Lambda-Runtime-Function-Error-Type': 'Unhandled',
    });
    expect(e.status).toBe(202);
    expect(events).toContain('error req-2 Unhandled {"errorMessage":"m","errorType":"T"}');

    server.deliver(event('req-3'));
    await call(addr, 'GET', 'invocation/next');
    const big = await call(addr, 'POST', 'invocation/req-3/response', Buffer.alloc(6 * 1024 * 1024 + 101, 0x61));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({
      errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'RequestEntityTooLarge',
    });
    expect(events).toContain(`too-large req-3 ${6 * 1024 * 1024 + 101}`);
  });

  it('accepts /init/error before the first /next and then refuses /next', async () => {
    server = new RuntimeApiServer(listener, silentLogger);
    const addr = await server.listen();
    const r = await call(addr, 'POST', 'init/error', '{"errorType":"Runtime.ImportModuleError"}', {
      'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError',
    });
    expect(r.status).toBe(202);
    expect(events).toEqual(['init-error Runtime.ImportModuleError {"errorType":"Runtime.ImportModuleError"}']);
    const next = await call(addr, 'GET', 'invocation/next');
    expect(next.status).toBe(403);
    expect(JSON.parse(next.body)).toEqual({
      errorMessage:
        'State transition from InitError to Ready failed for runtime. Error: State transition is not allowed',
      errorType: 'InvalidStateTransition',
    });
    expect((await call(addr, 'GET', 'unknown')).status).toBe(404);
  });
});
