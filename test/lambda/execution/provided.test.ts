import { describe, expect, it } from 'vitest';
import { environment, invocation, json, useProvider } from './helpers.js';

const provider = useProvider();

/** A custom runtime in plain shell + curl, as in AWS's custom runtime tutorial. */
const SHELL_BOOTSTRAP = `#!/bin/sh
set -eu
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
. "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "$API/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  if RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT"); then
    curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" -d "$RESPONSE"
  else
    curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Unhandled' "$API/invocation/$REQUEST_ID/error" -d '{"errorMessage":"handler failed","errorType":"ShellError"}'
  fi
done
`;

describe('provided runtimes', () => {
  it('runs a shell bootstrap that speaks the Runtime API with curl', async () => {
    const { env } = await environment(
      provider,
      {
        bootstrap: SHELL_BOOTSTRAP,
        'function.sh': `handler () { EVENT="$1"; if echo "$EVENT" | grep -q fail; then return 1; fi; echo "{\\"got\\":$EVENT,\\"tmp\\":\\"$TMPDIR\\",\\"exec\\":\\"\${AWS_EXECUTION_ENV:-none}\\"}"; }`,
      },
      { runtime: 'provided.al2023', handler: 'function.handler' },
    );
    const r = await env.invoke(invocation({ hello: 'world' }));
    expect(r.status).toBe('success');
    const out = json(r);
    expect(out.got).toEqual({ hello: 'world' });
    expect(out.exec).toBe('none');
    expect(out.tmp).toMatch(/\/tmp$/);
    const e = await env.invoke(invocation({ fail: true }));
    expect(e.status).toBe('error');
    expect(json(e)).toEqual({ errorMessage: 'handler failed', errorType: 'ShellError' });
    expect(json(await env.invoke(invocation(2)))).toMatchObject({ got: 2 });
    await env.destroy();
  });

  it('uses /opt/bootstrap from a layer, and reports a missing bootstrap as AWS does', async () => {
    const { codeDir } = await import('./helpers.js');
    const layer = await codeDir({ bootstrap: SHELL_BOOTSTRAP });
    const { env } = await environment(
      provider,
      { 'f.sh': `run () { echo '"from layer"'; }` },
      { runtime: 'provided.al2', handler: 'f.run', layerDirs: [layer] },
    );
    expect(json(await env.invoke(invocation({})))).toBe('from layer');
    await env.destroy();

    const missing = await environment(provider, { 'main.go': '' }, { runtime: 'provided.al2023', handler: 'x' });
    const inv = invocation({});
    const r = await missing.env.invoke(inv);
    expect(r.status).toBe('init-error');
    expect(r.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(json(r).errorMessage).toMatch(
      new RegExp(
        `^RequestId: ${inv.requestId} Error: Couldn't find valid bootstrap\\(s\\): \\[.*/bootstrap .*/bootstrap\\]$`,
      ),
    );
    await missing.env.destroy();
  });

  it('a bootstrap that exits during init is an init error (Runtime.ExitError)', async () => {
    const { env } = await environment(
      provider,
      { bootstrap: '#!/bin/sh\necho starting\nexit 2\n' },
      { runtime: 'provided', handler: 'x' },
    );
    const inv = invocation({});
    const r = await env.invoke(inv);
    expect(r.status).toBe('init-error');
    expect(json(r)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${inv.requestId} Error: Runtime exited with error: exit status 2`,
    });
    expect(r.logTail).toContain('\nstarting\n');
    await env.destroy();
  });
});
