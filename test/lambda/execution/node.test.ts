import { describe, expect, it } from 'vitest';
import { environment, invocation, json, useProvider } from './helpers.js';

const provider = useProvider();

describe('Node.js runtime: handlers', () => {
  it('runs a CommonJS async handler and reuses the warm environment', async () => {
    const { env, logs } = await environment(provider, {
      'index.js': `let n = 0; exports.handler = async (event) => ({ echo: event, n: ++n });`,
    });
    const first = await env.invoke(invocation({ a: 1 }));
    expect(first.status).toBe('success');
    expect(json(first)).toEqual({ echo: { a: 1 }, n: 1 });
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(first.reusable).toBe(true);
    const second = await env.invoke(invocation({ a: 2 }));
    expect(json(second)).toEqual({ echo: { a: 2 }, n: 2 });
    expect(second.initDurationMs).toBeUndefined();
    expect(logs.lines[0]).toMatch(
      /^INIT_START Runtime Version: nodejs:20\.v\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}$/,
    );
    await env.destroy();
    expect(env.alive).toBe(false);
  });

  it('loads .mjs modules, "type": "module" packages and nested handler paths', async () => {
    const mjs = await environment(
      provider,
      { 'app.mjs': `export const handler = async () => 'mjs';` },
      { handler: 'app.handler' },
    );
    expect(json(await mjs.env.invoke(invocation({})))).toBe('mjs');
    const typeModule = await environment(
      provider,
      {
        'package.json': JSON.stringify({ type: 'module' }),
        'src/handlers/main.js': `const v = await Promise.resolve('tla'); export const handlers = { run: async () => v };`,
      },
      { handler: 'src/handlers/main.handlers.run' },
    );
    expect(json(await typeModule.env.invoke(invocation({})))).toBe('tla');
    const cjs = await environment(provider, { 'h.cjs': `module.exports.go = async () => 'cjs';` }, { handler: 'h.go' });
    expect(json(await cjs.env.invoke(invocation({})))).toBe('cjs');
    await Promise.all([mjs.env.destroy(), typeModule.env.destroy(), cjs.env.destroy()]);
  });

  it('supports callback handlers, callbackWaitsForEmptyEventLoop and context.succeed/fail', async () => {
    const { env } = await environment(provider, {
      'index.js': `
        let pending = 0;
        exports.handler = (event, context, callback) => {
          if (event.mode === 'wait') {
            setTimeout(() => { pending++; }, 50);
            callback(null, { pendingBefore: pending });
          } else if (event.mode === 'nowait') {
            context.callbackWaitsForEmptyEventLoop = false;
            setTimeout(() => { pending++; }, 300);
            callback(null, { pending });
          } else if (event.mode === 'succeed') {
            context.succeed('ok');
          } else if (event.mode === 'fail') {
            context.fail(new Error('nope'));
          } else if (event.mode === 'err') {
            callback(new TypeError('bad'));
          } else if (event.mode === 'read') {
            callback(null, { pending });
          }
        };`,
    });
    const t0 = Date.now();
    expect(json(await env.invoke(invocation({ mode: 'wait' })))).toEqual({ pendingBefore: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    // The timer ran before the response was posted (the loop drained first).
    expect(json(await env.invoke(invocation({ mode: 'read' })))).toEqual({ pending: 1 });
    const nowait = await env.invoke(invocation({ mode: 'nowait' }));
    expect(json(nowait)).toEqual({ pending: 1 });
    expect(nowait.durationMs).toBeLessThan(250);
    expect(json(await env.invoke(invocation({ mode: 'succeed' })))).toBe('ok');
    const failed = await env.invoke(invocation({ mode: 'fail' }));
    expect(failed.status).toBe('error');
    expect(json(failed)).toMatchObject({ errorType: 'Error', errorMessage: 'nope' });
    const cbErr = await env.invoke(invocation({ mode: 'err' }));
    expect(json(cbErr)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad' });
    expect(cbErr.reusable).toBe(true);
    await env.destroy();
  });

  it('gives the handler the context and environment Lambda gives', async () => {
    const { env } = await environment(
      provider,
      {
        'index.js': `exports.handler = async (event, context) => ({
          context: {
            functionName: context.functionName, functionVersion: context.functionVersion,
            invokedFunctionArn: context.invokedFunctionArn, memoryLimitInMB: context.memoryLimitInMB,
            awsRequestId: context.awsRequestId, logGroupName: context.logGroupName, logStreamName: context.logStreamName,
            remaining: context.getRemainingTimeInMillis(), waits: context.callbackWaitsForEmptyEventLoop,
            clientContext: context.clientContext, identity: context.identity,
          },
          env: process.env,
          cwd: process.cwd(),
          tz: new Date(0).toString(),
        });`,
      },
      {
        functionName: 'ctx-fn',
        memoryMb: 256,
        timeoutSec: 5,
        environment: { MY_VAR: 'mine', AWS_REGION: 'eu-west-1', PATH: '/custom/bin' },
      },
    );
    const inv = invocation(
      {},
      {
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ctx-fn:prod',
        clientContext: JSON.stringify({ custom: { k: 'v' } }),
        cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' }),
      },
    );
    const r = await env.invoke(inv);
    const out = json(r);
    expect(out.context).toMatchObject({
      functionName: 'ctx-fn',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ctx-fn:prod',
      memoryLimitInMB: '256',
      awsRequestId: inv.requestId,
      logGroupName: '/aws/lambda/ctx-fn',
      waits: true,
      clientContext: { custom: { k: 'v' } },
      identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
    });
    expect(out.context.remaining).toBeGreaterThan(4000);
    expect(out.context.remaining).toBeLessThanOrEqual(5000);
    const e = out.env;
    expect(e).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'ctx-fn',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/ctx-fn',
      _HANDLER: 'index.handler',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      MY_VAR: 'mine',
      PATH: '/custom/bin',
      _X_AMZN_TRACE_ID: inv.traceId,
    });
    expect(e.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(e.LAMBDA_TASK_ROOT).toBe(out.cwd);
    expect(e.LAMBDA_RUNTIME_DIR).toMatch(/assets\/lambda-runtimes\/node$/);
    expect(e.NODE_PATH).toContain('/nodejs/node_modules');
    // Nothing of the test runner's own environment leaks in.
    expect(e.VITEST).toBeUndefined();
    expect(e.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED).toBeUndefined();
    expect(out.tz).toContain('GMT+0000');
    await env.destroy();
  });

  it('formats console output as AWS does and returns START..REPORT as the tail', async () => {
    const { env, logs } = await environment(provider, {
      'index.js': `console.log('init line');
        exports.handler = async () => {
          console.log('hello %s', 'world');
          console.info({ a: 1 });
          console.warn('careful');
          console.error('multi\\nline');
          console.debug('dbg');
          return 1;
        };`,
    });
    const inv = invocation({});
    const r = await env.invoke(inv);
    const id = inv.requestId;
    const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    const lines = r.logTail.split('\n').slice(0, -1);
    expect(lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
    expect(lines[1]).toMatch(new RegExp(`^${ts}\\t${id}\\tINFO\\thello world$`));
    expect(lines[2]).toMatch(new RegExp(`^${ts}\\t${id}\\tINFO\\t{ a: 1 }$`));
    expect(lines[3]).toMatch(new RegExp(`^${ts}\\t${id}\\tWARN\\tcareful$`));
    expect(lines[4]).toMatch(new RegExp(`^${ts}\\t${id}\\tERROR\\tmulti\\rline$`));
    expect(lines[5]).toMatch(new RegExp(`^${ts}\\t${id}\\tDEBUG\\tdbg$`));
    expect(lines[6]).toBe(`END RequestId: ${id}`);
    expect(lines[7]).toMatch(
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t$`,
      ),
    );
    expect(lines).toHaveLength(8);
    // Init output went to the log (before START), with "undefined" as the request id.
    expect(logs.lines.find((l) => l.includes('init line'))).toMatch(
      new RegExp(`^${ts}\\tundefined\\tINFO\\tinit line$`),
    );
    expect(r.maxMemoryUsedMb).toBeGreaterThan(10);
    expect(r.maxMemoryUsedMb).toBeLessThanOrEqual(128);
    await env.destroy();
  });

  it("reports the environment's peak memory: it rises with what the handler keeps and never falls", async () => {
    const { env } = await environment(
      provider,
      {
        'index.js': `const kept = [];
          exports.handler = async (event) => {
            // Touch every page so it is resident (and charged), then keep or drop it.
            const now = [];
            for (let i = 0; i < event.mb; i++) now.push(Buffer.alloc(1 << 20, 1));
            if (event.keep) kept.push(...now);
            else { now.length = 0; global.gc(); }
            return kept.length;
          };`,
      },
      { memoryMb: 512 },
    );
    const used = async (mb: number, keep: boolean) => {
      const r = await env.invoke(invocation({ mb, keep }));
      expect(r.status).toBe('success');
      return r.maxMemoryUsedMb;
    };
    const base = await used(0, false);
    expect(await used(0, false)).toBe(base);
    const grown = await used(120, true);
    expect(grown).toBeGreaterThanOrEqual(base + 100);
    // Nothing new allocated: the peak stands (read from statm alone when the cgroup's peak held).
    expect(await used(0, false)).toBe(grown);
    // A spike freed (and collected) before the answer still raises the peak.
    const spiked = await used(150, false);
    expect(spiked).toBeGreaterThanOrEqual(grown + 100);
    expect(await used(0, false)).toBe(spiked);
    await env.destroy();
  });

  it('reports handler errors as {errorType, errorMessage, trace}', async () => {
    const { env } = await environment(provider, {
      'index.js': `class MyError extends Error { constructor(m) { super(m); this.name = 'MyError'; } }
        exports.handler = async (event) => {
          if (event.kind === 'throw') throw new MyError('went wrong');
          if (event.kind === 'string') throw 'plain string';
          return 'fine';
        };`,
    });
    const inv = invocation({ kind: 'throw' });
    const r = await env.invoke(inv);
    expect(r.status).toBe('error');
    expect(r.errorType).toBe('MyError');
    const doc = json(r);
    expect(doc.errorType).toBe('MyError');
    expect(doc.errorMessage).toBe('went wrong');
    expect(doc.trace[0]).toBe('MyError: went wrong');
    expect(doc.trace[1]).toMatch(/^\s+at .*index\.js:\d+:\d+/);
    expect(r.reusable).toBe(true);
    expect(r.logTail).toMatch(
      new RegExp(`\\t${inv.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"MyError","errorMessage":"went wrong"`),
    );
    expect(r.logTail).not.toContain('Status: error');
    const s = await env.invoke(invocation({ kind: 'string' }));
    expect(json(s)).toEqual({ errorType: 'string', errorMessage: 'plain string', trace: [] });
    expect(json(await env.invoke(invocation({ kind: 'ok' })))).toBe('fine');
    await env.destroy();
  });
});
