import { describe, expect, it } from 'vitest';
import { environment, invocation, json, useProvider } from './helpers.js';

const provider = useProvider();
const hasPython = provider.supports('python3.12');
if (!hasPython) console.warn('\n*** SKIPPING Python runtime tests: no python3 on this host ***\n');

describe.skipIf(!hasPython)('Python runtime', () => {
  it('runs module.function handlers with the Lambda context', async () => {
    const { env } = await environment(
      provider,
      {
        'app/main.py': `import os, logging
logger = logging.getLogger()
logger.setLevel(logging.INFO)
counter = 0
def handler(event, context):
    global counter
    counter += 1
    print("printed", event["x"])
    logger.info("logged %s", event["x"])
    return {
        "x": event["x"], "n": counter,
        "name": context.function_name, "version": context.function_version,
        "arn": context.invoked_function_arn, "mem": context.memory_limit_in_mb,
        "rid": context.aws_request_id, "group": context.log_group_name,
        "remaining": context.get_remaining_time_in_millis(),
        "exec_env": os.environ["AWS_EXECUTION_ENV"], "trace": os.environ.get("_X_AMZN_TRACE_ID"),
    }
`,
      },
      { runtime: 'python3.12', handler: 'app/main.handler', functionName: 'py-fn' },
    );
    const inv = invocation({ x: 7 });
    const r = await env.invoke(inv);
    expect(r.status).toBe('success');
    const out = json(r);
    expect(out).toMatchObject({
      x: 7,
      n: 1,
      name: 'py-fn',
      version: '$LATEST',
      arn: inv.invokedFunctionArn,
      mem: '128',
      rid: inv.requestId,
      group: '/aws/lambda/py-fn',
      exec_env: 'AWS_Lambda_python3.12',
      trace: inv.traceId,
    });
    expect(out.remaining).toBeGreaterThan(2000);
    expect(r.logTail).toContain('\nprinted 7\n');
    expect(r.logTail).toMatch(
      new RegExp(
        `\\n\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${inv.requestId}\\tlogged 7\\n`,
      ),
    );
    expect(json(await env.invoke(invocation({ x: 8 }))).n).toBe(2);
    await env.destroy();
  });

  it('reports exceptions as {errorMessage, errorType, requestId, stackTrace}', async () => {
    const { env } = await environment(
      provider,
      { 'lambda_function.py': `def lambda_handler(event, context):\n    raise ValueError("bad value")\n` },
      { runtime: 'python3.12', handler: 'lambda_function.lambda_handler' },
    );
    const inv = invocation({});
    const r = await env.invoke(inv);
    expect(r.status).toBe('error');
    expect(r.errorType).toBe('ValueError');
    const doc = json(r);
    expect(doc).toMatchObject({ errorMessage: 'bad value', errorType: 'ValueError', requestId: inv.requestId });
    expect(doc.stackTrace[0]).toMatch(
      /File ".*lambda_function\.py", line 2, in lambda_handler\n\s+raise ValueError\("bad value"\)/,
    );
    expect(r.logTail).toContain('[ERROR] ValueError: bad value\rTraceback (most recent call last):\r');
    expect(r.reusable).toBe(true);
    await env.destroy();
  });

  it('reports import and handler errors as the AWS Python runtime does', async () => {
    const noModule = await environment(
      provider,
      { 'x.py': '' },
      { runtime: 'python3.12', handler: 'lambda_function.handler' },
    );
    const r1 = await noModule.env.invoke(invocation({}));
    expect(r1.status).toBe('init-error');
    expect(json(r1)).toEqual({
      errorMessage: "Unable to import module 'lambda_function': No module named 'lambda_function'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
    await noModule.env.destroy();
    const noHandler = await environment(
      provider,
      { 'lambda_function.py': 'x = 1\n' },
      { runtime: 'python3.12', handler: 'lambda_function.handler' },
    );
    expect(json(await noHandler.env.invoke(invocation({})))).toMatchObject({
      errorMessage: "Handler 'handler' missing on module 'lambda_function'",
      errorType: 'Runtime.HandlerNotFound',
    });
    await noHandler.env.destroy();
    const syntax = await environment(
      provider,
      { 'lambda_function.py': 'def handler(:\n' },
      { runtime: 'python3.12', handler: 'lambda_function.handler' },
    );
    const r3 = json(await syntax.env.invoke(invocation({})));
    expect(r3.errorType).toBe('Runtime.UserCodeSyntaxError');
    expect(r3.errorMessage).toMatch(/^Syntax error in module 'lambda_function': /);
    await syntax.env.destroy();
  });
});
