import { describe, expect, it } from 'vitest';
import { codeDir, environment, invocation, json, useProvider } from './helpers.js';

// Without root or cgroups: same user as Overcast, layers as a symlink farm, ESM through the resolve
// hook, memory enforced by the RSS watchdog.
const provider = useProvider({ isolation: false, cgroups: false });

describe('without isolation or cgroups (non-root hosts)', () => {
  it('resolves layers and the SDK for ES modules through the resolve hook', async () => {
    const layer = await codeDir({
      'nodejs/node_modules/esm-only/package.json': JSON.stringify({
        name: 'esm-only',
        type: 'module',
        exports: './index.js',
      }),
      'nodejs/node_modules/esm-only/index.js': `export const v = 'layer';`,
    });
    const { env } = await environment(
      provider,
      {
        'index.mjs': `import { v } from 'esm-only'; import { STSClient } from '@aws-sdk/client-sts';
          export const handler = async () => ({ v, sts: typeof STSClient });`,
      },
      { layerDirs: [layer] },
    );
    const r = await env.invoke(invocation({}));
    expect(r.status, r.payload.toString()).toBe('success');
    expect(json(r)).toEqual({ v: 'layer', sts: 'function' });
    await env.destroy();
  });

  it('the RSS watchdog ends a memory hog as Runtime.OutOfMemory', async () => {
    const { env } = await environment(
      provider,
      {
        'index.js': `exports.handler = async () => {
          const keep = [];
          for (;;) { keep.push(Buffer.alloc(8 * 1024 * 1024, 1)); await new Promise((r) => setTimeout(r, 5)); }
        };`,
      },
      { memoryMb: 128, timeoutSec: 20 },
    );
    const r = await env.invoke(invocation({}));
    expect(r.status).toBe('oom');
    expect(r.errorType).toBe('Runtime.OutOfMemory');
    expect(r.maxMemoryUsedMb).toBe(128);
    await env.destroy();
  });
});
