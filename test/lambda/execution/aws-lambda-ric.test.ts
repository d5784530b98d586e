import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environment, invocation, json, useProvider } from './helpers.js';

/** AWS's own Node runtime interface client (npm aws-lambda-ric), unmodified, as a provided.al2023 bootstrap. */
function findRic(): string | undefined {
  const fromEnv = process.env['OVERCAST_AWS_LAMBDA_RIC'];
  if (fromEnv && existsSync(join(fromEnv, 'index.mjs'))) return fromEnv;
  try {
    return dirname(createRequire(import.meta.url).resolve('aws-lambda-ric/package.json'));
  } catch {
    return undefined;
  }
}

const ric = findRic();
if (!ric) {
  console.warn(
    '\n*** SKIPPING aws-lambda-ric test: the npm package is not installed (npm i -D aws-lambda-ric, or set OVERCAST_AWS_LAMBDA_RIC to its directory) ***\n',
  );
}
const provider = useProvider();

describe.skipIf(!ric)('aws-lambda-ric (AWS Node RIC) as a custom runtime', () => {
  it('serves invocations and errors through our Runtime API', async () => {
    const { env } = await environment(
      provider,
      {
        bootstrap: `#!/bin/sh\nexec ${process.execPath} ${join(ric!, 'index.mjs')}\n`,
        'index.mjs': `export const handler = async (event, context) => {
          if (event.fail) throw new TypeError('ric failure');
          console.log('from ric', context.awsRequestId);
          return { event, fn: context.functionName, left: context.getRemainingTimeInMillis() > 0 };
        };`,
      },
      { runtime: 'provided.al2023', functionName: 'ric-fn' },
    );
    const inv = invocation({ a: 1 });
    const r = await env.invoke(inv);
    expect(r.status, r.payload.toString()).toBe('success');
    expect(json(r)).toEqual({ event: { a: 1 }, fn: 'ric-fn', left: true });
    expect(r.logTail).toContain(`\t${inv.requestId}\tINFO\tfrom ric ${inv.requestId}`);
    const e = await env.invoke(invocation({ fail: true }));
    expect(e.status).toBe('error');
    expect(json(e)).toMatchObject({ errorType: 'TypeError', errorMessage: 'ric failure' });
    expect(json(await env.invoke(invocation({ a: 2 }))).event).toEqual({ a: 2 });
    await env.destroy();
  });
});
