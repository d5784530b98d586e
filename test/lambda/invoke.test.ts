import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { ROLE, createNodeFunction, createSdkFunction, decode, lambdaClient } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { functionPythonCan } from '../helpers/python.js';

const pythonHasBoto3 = (): boolean =>
  functionPythonCan(12, ['-c', 'import boto3'], 'boto3 Lambda test', 'apt-get install python3-boto3');

describe('Lambda Invoke semantics (SDK v3, real environments)', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
  });
  afterAll(async () => {
    lambda.destroy();
    await server.stop();
  });

  it('returns a function error as HTTP 200 with X-Amz-Function-Error: Unhandled and the error document', async () => {
    await createNodeFunction(lambda, 'throws', {
      'index.js': 'exports.handler = async () => { const e = new TypeError("bad thing"); throw e; };',
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'throws' }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    const doc = decode(out.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    expect(doc.errorType).toBe('TypeError');
    expect(doc.errorMessage).toBe('bad thing');
    expect(Array.isArray(doc.trace)).toBe(true);
  });

  it('DryRun answers 204, Event answers 202, bad payloads get AWS errors', async () => {
    await createNodeFunction(lambda, 'echo', {
      'index.js':
        'exports.handler = async (e, ctx) => ({ e, id: ctx.awsRequestId, arn: ctx.invokedFunctionArn, left: ctx.getRemainingTimeInMillis() });',
    });
    expect((await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }))).StatusCode).toBe(
      204,
    );
    expect(
      (
        await lambda.send(
          new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: Buffer.from('{}') }),
        )
      ).StatusCode,
    ).toBe(202);
    const notJson = await errorOf(
      lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{nope') })),
    );
    expect(notJson.name).toBe('InvalidRequestContentException');
    expect(notJson.message).toContain('Could not parse request body into json');
    const big = await errorOf(
      lambda.send(
        new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from(JSON.stringify({ a: 'x'.repeat(6_300_000) })) }),
      ),
    );
    expect(big.name).toBe('RequestTooLargeException');
    expect(big.$metadata?.httpStatusCode).toBe(413);
    const asyncBig = await errorOf(
      lambda.send(
        new InvokeCommand({
          FunctionName: 'echo',
          InvocationType: 'Event',
          Payload: Buffer.from(JSON.stringify({ a: 'x'.repeat(1_100_000) })),
        }),
      ),
    );
    expect(asyncBig.name).toBe('RequestTooLargeException');
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"k":1}') }));
    const body = decode(out.Payload) as { e: unknown; id: string; arn: string; left: number };
    expect(body.e).toEqual({ k: 1 });
    expect(body.id).toBe(out.$metadata.requestId);
    expect(body.arn).toBe('arn:aws:lambda:us-east-1:000000000000:function:echo');
    expect(body.left).toBeGreaterThan(1000);
    expect(body.left).toBeLessThanOrEqual(3000);
  });

  it('LogType Tail returns the START/END/REPORT lines, and the logs land in CloudWatch Logs', async () => {
    await createNodeFunction(lambda, 'logger', {
      'index.js': 'exports.handler = async () => { console.log("hello from the function"); return 1; };',
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'logger', LogType: 'Tail' }));
    const log = Buffer.from(out.LogResult!, 'base64').toString('utf8');
    const id = out.$metadata.requestId!;
    expect(log).toContain(`START RequestId: ${id} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\t${id}\\tINFO\\thello from the function`));
    expect(log).toContain(`END RequestId: ${id}`);
    expect(log).toMatch(
      new RegExp(
        `REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: [\\d.]+ ms`,
      ),
    );
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    let messages: string[] = [];
    for (let i = 0; i < 50 && !messages.some((m) => m.startsWith('REPORT')); i++) {
      const events = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logger' }));
      messages = (events.events ?? []).map((e) => e.message!);
      if (!messages.some((m) => m.startsWith('REPORT'))) await new Promise((r) => setTimeout(r, 50));
    }
    expect(messages.some((m) => m.includes('hello from the function'))).toBe(true);
    expect(messages.some((m) => m.startsWith(`START RequestId: ${id}`))).toBe(true);
    logs.destroy();
  });

  it('times out with Sandbox.Timedout and the next invoke starts a fresh environment', async () => {
    await createNodeFunction(
      lambda,
      'slow',
      {
        'index.js':
          'let n = 0; exports.handler = async (e) => { n++; if (e.wait) await new Promise((r) => setTimeout(r, 5000)); return n; };',
      },
      { Timeout: 1 },
    );
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('{"wait":true}'), LogType: 'Tail' }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    const doc = decode(out.Payload) as { errorType: string; errorMessage: string };
    expect(doc.errorType).toBe('Sandbox.Timedout');
    expect(doc.errorMessage).toContain('Task timed out after 1.00 seconds');
    expect(Buffer.from(out.LogResult!, 'base64').toString()).toContain('Status: timeout');
    const next = await lambda.send(new InvokeCommand({ FunctionName: 'slow', Payload: Buffer.from('{}') }));
    expect(decode(next.Payload)).toBe(1);
  });

  it('reports crashes, unhandled rejections and out-of-memory as AWS does, and the server stays up', async () => {
    await createNodeFunction(lambda, 'crash', { 'index.js': 'exports.handler = async () => { process.exit(3); };' });
    const crash = await lambda.send(new InvokeCommand({ FunctionName: 'crash' }));
    expect(crash.FunctionError).toBe('Unhandled');
    expect(decode(crash.Payload)).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect((decode(crash.Payload) as { errorMessage: string }).errorMessage).toContain('exit status 3');
    await createNodeFunction(lambda, 'rejects', {
      'index.js':
        'exports.handler = async () => { Promise.reject(new Error("nobody caught me")); await new Promise((r) => setTimeout(r, 1000)); return 1; };',
    });
    const rejected = await lambda.send(new InvokeCommand({ FunctionName: 'rejects' }));
    expect(rejected.FunctionError).toBe('Unhandled');
    expect(decode(rejected.Payload)).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection' });
    await createNodeFunction(
      lambda,
      'hog',
      { 'index.js': 'exports.handler = async () => { const a = []; for (;;) a.push(Buffer.alloc(1024 * 1024, 1)); };' },
      { Timeout: 20 },
    );
    const oom = await lambda.send(new InvokeCommand({ FunctionName: 'hog', LogType: 'Tail' }));
    expect(oom.FunctionError).toBe('Unhandled');
    expect(decode(oom.Payload)).toMatchObject({ errorType: 'Runtime.OutOfMemory' });
    // The platform is unharmed: another function still answers.
    await createNodeFunction(lambda, 'after', { 'index.js': 'exports.handler = async () => "still here";' });
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'after' }))).Payload)).toBe('still here');
  });

  it('runs Python and provided.al2023 (shell bootstrap) functions', async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'py',
        Runtime: 'python3.12',
        Role: ROLE,
        Handler: 'app.handler',
        Code: {
          ZipFile: await makeZip({
            'app.py':
              'import os\ndef handler(event, context):\n    return {"sum": event["a"] + event["b"], "fn": context.function_name, "region": os.environ["AWS_REGION"]}\n',
          }),
        },
      }),
    );
    const py = await lambda.send(new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"a":2,"b":3}') }));
    expect(decode(py.Payload)).toEqual({ sum: 5, fn: 'py', region: 'us-east-1' });
    const bootstrap = [
      '#!/bin/sh',
      'set -e',
      'while true; do',
      '  HEADERS=$(mktemp)',
      '  EVENT=$(curl -sS -LD "$HEADERS" "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")',
      '  ID=$(grep -i Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d \'[:space:]\' | cut -d: -f2)',
      '  curl -sS -X POST "http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$ID/response" -d "{\\"handler\\":\\"$_HANDLER\\",\\"event\\":$EVENT}" > /dev/null',
      'done',
      '',
    ].join('\n');
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'shell',
        Runtime: 'provided.al2023',
        Role: ROLE,
        Handler: 'function.handler',
        Code: { ZipFile: await makeZip({ bootstrap: { content: bootstrap, mode: 0o755 } }) },
      }),
    );
    const sh = await lambda.send(new InvokeCommand({ FunctionName: 'shell', Payload: Buffer.from('{"x":42}') }));
    expect(sh.FunctionError).toBeUndefined();
    expect(decode(sh.Payload)).toEqual({ handler: 'function.handler', event: { x: 42 } });
  });

  it('a handler uses the AWS SDK v3 without bundling it, reaching Overcast through AWS_ENDPOINT_URL', async () => {
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'from-lambda',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await createSdkFunction(lambda, 'sdk-user', {
      'index.mjs': [
        "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';",
        'const ddb = new DynamoDBClient({});',
        "export const handler = async (e) => { await ddb.send(new PutItemCommand({ TableName: 'from-lambda', Item: { id: { S: e.id } } })); return 'stored'; };",
      ].join('\n'),
    });
    const out = await lambda.send(
      new InvokeCommand({ FunctionName: 'sdk-user', Payload: Buffer.from('{"id":"abc"}') }),
    );
    expect(decode(out.Payload)).toBe('stored');
    const item = await server.ddb.send(new GetItemCommand({ TableName: 'from-lambda', Key: { id: { S: 'abc' } } }));
    expect(item.Item).toEqual({ id: { S: 'abc' } });
  });

  // AWS's Python runtimes include boto3; Overcast's use the machine's (Debian: python3-boto3). A client made at
  // import time must reach Overcast: botocore before 1.31 ignores AWS_ENDPOINT_URL, so the runtime hooks it.
  it.skipIf(!pythonHasBoto3())(
    'a Python handler uses boto3 without packaging it, reaching Overcast through AWS_ENDPOINT_URL',
    async () => {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'boto3-user',
          Runtime: 'python3.12',
          Role: ROLE,
          Handler: 'app.handler',
          Code: {
            ZipFile: await makeZip({
              'app.py': [
                'import boto3',
                "ddb = boto3.client('dynamodb')",
                'def handler(event, context):',
                "    ddb.put_item(TableName='from-lambda', Item={'id': {'S': event['id']}})",
                "    return ddb.get_item(TableName='from-lambda', Key={'id': {'S': event['id']}})['Item']",
                '',
              ].join('\n'),
            }),
          },
        }),
      );
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: 'boto3-user', Payload: Buffer.from('{"id":"from-python"}') }),
      );
      expect(out.FunctionError, JSON.stringify(decode(out.Payload))).toBeUndefined();
      expect(decode(out.Payload)).toEqual({ id: { S: 'from-python' } });
      const item = await server.ddb.send(
        new GetItemCommand({ TableName: 'from-lambda', Key: { id: { S: 'from-python' } } }),
      );
      expect(item.Item).toEqual({ id: { S: 'from-python' } });
    },
  );

  it('throttles with 429 TooManyRequestsException beyond reserved concurrency', async () => {
    await createNodeFunction(lambda, 'capped', {
      'index.js':
        'exports.handler = async (e) => { await new Promise((r) => setTimeout(r, e.ms || 0)); return "ok"; };',
    });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 0 }));
    expect(
      (await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'capped' }))).ReservedConcurrentExecutions,
    ).toBe(0);
    const zero = await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'capped' })));
    expect(zero.name).toBe('TooManyRequestsException');
    expect(zero.$metadata?.httpStatusCode).toBe(429);
    expect((zero as unknown as { Reason: string }).Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 1 }));
    const results = await Promise.allSettled([
      lambda.send(new InvokeCommand({ FunctionName: 'capped', Payload: Buffer.from('{"ms":800}') })),
      new Promise((r) => setTimeout(r, 300)).then(() =>
        lambda.send(new InvokeCommand({ FunctionName: 'capped', Payload: Buffer.from('{}') })),
      ),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1].status).toBe('rejected');
    expect(((results[1] as PromiseRejectedResult).reason as Error).name).toBe('TooManyRequestsException');
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'capped' }));
    const tooMuch = await errorOf(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'capped', ReservedConcurrentExecutions: 950 })),
    );
    expect(tooMuch.name).toBe('InvalidParameterValueException');
  });

  it('serves function URLs (host and path forms) with the payload 2.0 event and response inference', async () => {
    await createNodeFunction(lambda, 'web', {
      'index.js': [
        'exports.handler = async (event) => {',
        '  if (event.rawPath === "/plain") return { hello: "world" };',
        '  return { statusCode: 201, headers: { "x-test": "yes", "content-type": "text/plain" }, cookies: ["a=1"], body: `${event.requestContext.http.method} ${event.rawPath} ${event.rawQueryString} ${event.body}` };',
        '};',
      ].join('\n'),
    });
    const url = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
    expect(url.FunctionUrl).toMatch(/^http:\/\/[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:\d+\/$/);
    const id = /^http:\/\/([a-z0-9]{32})\./.exec(url.FunctionUrl!)![1]!;
    const byPath = await fetch(`${server.endpoint}/_aws/lambda-url/${id}/items/7?x=1`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(byPath.status).toBe(201);
    expect(byPath.headers.get('x-test')).toBe('yes');
    expect(byPath.headers.get('set-cookie')).toBe('a=1');
    expect(await byPath.text()).toBe('POST /items/7 x=1 payload');
    const port = new URL(server.endpoint).port;
    const byHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      void import('node:http').then(({ request }) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/plain',
            headers: { host: `${id}.lambda-url.us-east-1.localhost:${port}` },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    });
    expect(byHost.status).toBe(200);
    expect(JSON.parse(byHost.body)).toEqual({ hello: 'world' });
  });
});
