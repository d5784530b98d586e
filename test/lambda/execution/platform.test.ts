import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { codeDir, environment, invocation, isRoot, json, useProvider } from './helpers.js';

const provider = useProvider();

describe('layers, the AWS SDK, isolation', () => {
  it('merges layers in order into /opt: nodejs/node_modules resolves, later layers win', async () => {
    const layer1 = await codeDir({
      'nodejs/node_modules/greet/index.js': `module.exports = (n) => 'hello ' + n;`,
      'nodejs/node_modules/greet/package.json': JSON.stringify({ name: 'greet', main: 'index.js' }),
      'config/which.txt': 'layer1',
      'bin/tool.sh': '#!/bin/sh\necho tool-from-layer\n',
    });
    const layer2 = await codeDir({
      'config/which.txt': 'layer2',
      'nodejs/node_modules/esm-only/package.json': JSON.stringify({
        name: 'esm-only',
        type: 'module',
        exports: './index.js',
      }),
      'nodejs/node_modules/esm-only/index.js': `export const v = 'esm from layer';`,
    });
    const { env } = await environment(
      provider,
      {
        'index.js': `const greet = require('greet');
          const fs = require('node:fs');
          const { execSync } = require('node:child_process');
          exports.handler = async () => ({
            greeting: greet('layers'),
            which: fs.readFileSync(process.env.OVERCAST_OPT_DIR + '/config/which.txt', 'utf8'),
            tool: execSync('tool.sh').toString().trim(),
            esm: (await import('esm-only')).v,
          });`,
      },
      { layerDirs: [layer1, layer2] },
    );
    const r = await env.invoke(invocation({}));
    expect(r.status, r.payload.toString()).toBe('success');
    expect(json(r)).toEqual({
      greeting: 'hello layers',
      which: 'layer2',
      tool: 'tool-from-layer',
      esm: 'esm from layer',
    });
    await env.destroy();
  });

  it('handlers import the AWS SDK v3 without bundling it (CommonJS and ES modules)', async () => {
    const cjs = await environment(provider, {
      'index.js': `const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');
        exports.handler = async () => {
          const client = new DynamoDBClient({});
          return { region: await client.config.region(), endpoint: process.env.AWS_ENDPOINT_URL };
        };`,
    });
    expect(json(await cjs.env.invoke(invocation({})))).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
    });
    await cjs.env.destroy();
    const esm = await environment(provider, {
      'index.mjs': `import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
        export const handler = async () => ({ ok: typeof DynamoDBClient === 'function' && typeof ListTablesCommand === 'function' });`,
    });
    const r = await esm.env.invoke(invocation({}));
    expect(r.status).toBe('success');
    expect(json(r)).toEqual({ ok: true });
    await esm.env.destroy();
  });

  it('gives each environment a private /tmp that survives invocations', async () => {
    const { env } = await environment(provider, {
      'index.js': `const fs = require('node:fs'); const os = require('node:os');
        exports.handler = async (e) => {
          const f = os.tmpdir() + '/state';
          if (e.write) fs.writeFileSync(f, 'kept');
          return { tmp: os.tmpdir(), content: fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null };
        };`,
    });
    const a = json(await env.invoke(invocation({ write: true })));
    expect(a.content).toBe('kept');
    expect(json(await env.invoke(invocation({}))).content).toBe('kept');
    await env.destroy();
  });

  if (!isRoot) {
    console.warn(
      '\n*** SKIPPING isolation tests: Overcast is not running as root, so functions share its uid (no file isolation) ***\n',
    );
  }

  it.skipIf(!isRoot)("as root, one function cannot read another one's code, /tmp or environment", async () => {
    const secret = await environment(
      provider,
      {
        'index.js': `const fs = require('node:fs'); const os = require('node:os');
          fs.writeFileSync(os.tmpdir() + '/secret.txt', 'tmp secret');
          exports.handler = async () => ({ root: process.env.LAMBDA_TASK_ROOT, tmp: os.tmpdir(), pid: process.pid, uid: process.getuid() });`,
        'secret.txt': 'code secret',
      },
      { environment: { API_KEY: 'env secret' } },
    );
    const a = json(await secret.env.invoke(invocation({})));
    expect(a.uid).not.toBe(0);
    const spy = await environment(provider, {
      'index.js': `const fs = require('node:fs');
        const attempt = (f) => { try { return fs.readFileSync(f, 'utf8'); } catch (e) { return e.code; } };
        exports.handler = async (t) => ({
          code: attempt(t.root + '/secret.txt'),
          list: (() => { try { return fs.readdirSync(t.root); } catch (e) { return e.code; } })(),
          tmp: attempt(t.tmp + '/secret.txt'),
          environ: attempt('/proc/' + t.pid + '/environ'),
          uid: process.getuid(),
          writeOwnCode: (() => { try { fs.writeFileSync(process.env.LAMBDA_TASK_ROOT + '/index.js', 'x'); return 'written'; } catch (e) { return e.code; } })(),
        });`,
    });
    const b = json(await spy.env.invoke(invocation(a)));
    expect(b.uid).not.toBe(a.uid);
    expect(b.code).toBe('EACCES');
    expect(b.list).toBe('EACCES');
    expect(b.tmp).toBe('EACCES');
    expect(b.environ).toBe('EACCES');
    expect(b.writeOwnCode).toBe('EACCES');
    // The owner itself still reads its files.
    expect(await readFile(`${a.root}/secret.txt`, 'utf8')).toBe('code secret');
    await Promise.all([secret.env.destroy(), spy.env.destroy()]);
  });
});
