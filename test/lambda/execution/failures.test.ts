import { describe, expect, it } from 'vitest';
import { environment, invocation, json, useProvider } from './helpers.js';

const provider = useProvider();

describe('Node.js runtime: failures', () => {
  it('an unhandled rejection fails the invocation and ends the environment', async () => {
    const { env } = await environment(provider, {
      'index.js': `exports.handler = async (event) => {
        if (event.reject) { Promise.reject(new Error('lost promise')); await new Promise((r) => setTimeout(r, 200)); }
        return 'ok';
      };`,
    });
    expect(json(await env.invoke(invocation({})))).toBe('ok');
    const inv = invocation({ reject: true });
    const r = await env.invoke(inv);
    expect(r.status).toBe('error');
    expect(r.errorType).toBe('Runtime.UnhandledPromiseRejection');
    expect(json(r)).toMatchObject({
      errorType: 'Runtime.UnhandledPromiseRejection',
      errorMessage: 'Error: lost promise',
    });
    expect(r.logTail).toContain(
      `\t${inv.requestId}\tERROR\tUnhandled Promise Rejection \t{"errorType":"Runtime.UnhandledPromiseRejection"`,
    );
    expect(r.reusable).toBe(false);
    expect(env.alive).toBe(false);
    await env.destroy();
  });

  it('process.exit mid-invocation is a crash (Runtime.ExitError)', async () => {
    const { env } = await environment(provider, {
      'index.js': `exports.handler = async () => { console.log('bye'); process.exit(3); };`,
    });
    const inv = invocation({});
    const r = await env.invoke(inv);
    expect(r.status).toBe('crash');
    expect(r.errorType).toBe('Runtime.ExitError');
    expect(json(r)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${inv.requestId} Error: Runtime exited with error: exit status 3`,
    });
    expect(r.reusable).toBe(false);
    const lines = r.logTail.split('\n');
    expect(lines.some((l) => l.endsWith('\tINFO\tbye'))).toBe(true);
    expect(r.logTail).toMatch(
      /Max Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\tStatus: error\tError Type: Runtime.ExitError\n$/,
    );
    await env.destroy();
  });

  it('a result given just before process.exit in the same turn is still delivered', async () => {
    const { env } = await environment(provider, {
      'index.js': `exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          callback(null, { done: true });
          process.exit(0);
        };`,
    });
    const r = await env.invoke(invocation({}));
    expect(r.status).toBe('success');
    expect(json(r)).toEqual({ done: true });
    await env.destroy();
  });

  it('times out at the deadline, kills the environment and reports Status: timeout', async () => {
    const { env, logs } = await environment(
      provider,
      {
        'index.js': `const { spawn } = require('node:child_process');
          exports.handler = async () => {
            spawn('sleep', ['30'], { stdio: 'ignore' });
            await new Promise(() => setInterval(() => {}, 1000));
          };`,
      },
      { timeoutSec: 1 },
    );
    const inv = invocation({});
    const t0 = Date.now();
    const r = await env.invoke(inv);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(990);
    expect(took).toBeLessThan(3000);
    expect(r.status).toBe('timeout');
    expect(r.errorType).toBe('Sandbox.Timedout');
    expect(json(r)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${inv.requestId} Error: Task timed out after 1.00 seconds`,
    });
    expect(r.reusable).toBe(false);
    expect(env.alive).toBe(false);
    expect(logs.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${inv.requestId} Task timed out after 1\\.00 seconds$`),
      ),
    );
    expect(r.logTail).toMatch(/\tStatus: timeout\n$/);
    await env.destroy();
  });

  it('a memory hog is killed at MemorySize (Runtime.OutOfMemory)', async () => {
    const { env } = await environment(
      provider,
      {
        'index.js': `exports.handler = async () => {
        const keep = [];
        for (;;) { keep.push(Buffer.alloc(8 * 1024 * 1024, 1)); await new Promise((r) => setImmediate(r)); }
      };`,
      },
      { memoryMb: 128, timeoutSec: 20 },
    );
    const inv = invocation({});
    const t0 = Date.now();
    const r = await env.invoke(inv);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.status).toBe('oom');
    expect(r.errorType).toBe('Runtime.OutOfMemory');
    expect(json(r)).toEqual({
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${inv.requestId} Error: Runtime exited with error: signal: killed`,
    });
    expect(r.maxMemoryUsedMb).toBe(128);
    expect(r.logTail).toMatch(
      /Max Memory Used: 128 MB\tInit Duration: [\d.]+ ms\tStatus: error\tError Type: Runtime.OutOfMemory\n$/,
    );
    expect(r.reusable).toBe(false);
    await env.destroy();
  });

  it('a fork bomb is contained and killed within the timeout', async () => {
    const { env } = await environment(
      provider,
      {
        bootstrap:
          '#!/bin/sh\n' +
          'curl -sS -o /dev/null "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next"\n' +
          'bomb() { bomb | bomb & }; bomb\nsleep 60\n',
      },
      { runtime: 'provided.al2023', handler: 'x', timeoutSec: 2 },
    );
    const t0 = Date.now();
    const r = await env.invoke(invocation({}));
    expect(r.status).toBe('timeout');
    await env.destroy();
    expect(Date.now() - t0).toBeLessThan(8_000);
    // The host is still fine: a new environment runs.
    const ok = await environment(provider, { 'index.js': `exports.handler = async () => 'alive';` });
    expect(json(await ok.env.invoke(invocation({})))).toBe('alive');
    await ok.env.destroy();
  });

  it('reports init errors with the exact AWS types and messages', async () => {
    const missing = await environment(provider, { 'index.js': `exports.other = async () => 1;` });
    const r1 = await missing.env.invoke(invocation({}));
    expect(r1.status).toBe('init-error');
    expect(r1.errorType).toBe('Runtime.HandlerNotFound');
    expect(json(r1)).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is undefined or not exported',
    });
    expect(r1.reusable).toBe(false);
    expect(r1.logTail).toContain('\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound"');
    expect(r1.logTail).toMatch(/Status: error\tError Type: Runtime.HandlerNotFound\n$/);
    await missing.env.destroy();

    const notFn = await environment(provider, { 'index.js': `exports.handler = 42;` });
    expect(json(await notFn.env.invoke(invocation({})))).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.handler is not a function',
    });
    await notFn.env.destroy();

    const syntax = await environment(provider, { 'index.js': `exports.handler = async () => { return 1 +; };` });
    const r2 = await syntax.env.invoke(invocation({}));
    expect(r2.status).toBe('init-error');
    expect(json(r2)).toMatchObject({
      errorType: 'Runtime.UserCodeSyntaxError',
      errorMessage: "SyntaxError: Unexpected token ';'",
    });
    await syntax.env.destroy();

    const noModule = await environment(provider, { 'other.js': `` }, { handler: 'index.handler' });
    const r3 = await noModule.env.invoke(invocation({}));
    expect(r3.errorType).toBe('Runtime.ImportModuleError');
    expect(json(r3).errorMessage).toMatch(/^Error: Cannot find module 'index'\nRequire stack:\n- .*index\.mjs$/);
    await noModule.env.destroy();

    const throwsAtInit = await environment(provider, { 'index.js': `throw new RangeError('bad config');` });
    const r4 = await throwsAtInit.env.invoke(invocation({}));
    expect(r4.status).toBe('init-error');
    expect(json(r4)).toMatchObject({ errorType: 'RangeError', errorMessage: 'bad config' });
    await throwsAtInit.env.destroy();

    const depMissing = await environment(provider, {
      'index.js': `require('not-installed-anywhere'); exports.handler = async () => 1;`,
    });
    const r5 = await depMissing.env.invoke(invocation({}));
    expect(json(r5).errorType).toBe('Runtime.ImportModuleError');
    expect(json(r5).errorMessage).toMatch(/^Error: Cannot find module 'not-installed-anywhere'/);
    await depMissing.env.destroy();
  });

  it('rejects callback handlers on nodejs24.x as AWS does', async () => {
    const { env } = await environment(
      provider,
      { 'index.js': `exports.handler = (e, c, cb) => cb(null, 1);` },
      { runtime: 'nodejs24.x' },
    );
    const r = await env.invoke(invocation({}));
    expect(r.status).toBe('init-error');
    expect(r.errorType).toBe('Runtime.CallbackHandlerDeprecated');
    await env.destroy();
  });

  it('a response over 6 MB fails with Function.ResponseSizeTooLarge', async () => {
    const { env } = await environment(provider, {
      'index.js': `exports.handler = async (e) => e.big ? 'x'.repeat(7 * 1024 * 1024) : 'small';`,
    });
    const r = await env.invoke(invocation({ big: true }));
    expect(r.status).toBe('error');
    expect(json(r)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: `Response payload size (${7 * 1024 * 1024 + 2} bytes) exceeded maximum allowed payload size (6291556 bytes).`,
    });
    expect(json(await env.invoke(invocation({})))).toBe('small');
    await env.destroy();
  });
});
