import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function';
const URL_ID = /^http:\/\/([a-z0-9]{32})\.lambda-url\.us-east-1\.localhost:\d+\/$/;
const QUALIFIER_PATTERN = 'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)';

describe('Lambda function URL configs (SDK v3 and HTTP)', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  /** `/_aws/lambda-url/<id>` on the server: the path form of a function URL. */
  const urlPath = (functionUrl: string, path = '/') =>
    `${server.endpoint}/_aws/lambda-url/${URL_ID.exec(functionUrl)![1]}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
    await createNodeFunction(lambda, 'url-fn', {
      'index.js': [
        'exports.handler = async (event) => {',
        '  if (event.rawPath === "/boom") throw new Error("boom");',
        '  return { statusCode: 200, headers: { "content-type": "text/plain" }, body: "hi " + event.requestContext.http.method };',
        '};',
      ].join('\n'),
    });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'url-fn' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'url-fn', Name: 'live', FunctionVersion: '1' }));
  });
  afterAll(async () => {
    lambda.destroy();
    await server.stop();
  });

  it('creates, gets, updates, lists and deletes URL configs for $LATEST and an alias', async () => {
    const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'NONE' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.FunctionUrl).toMatch(URL_ID);
    expect(created).toMatchObject({ FunctionArn: `${FN}:url-fn`, AuthType: 'NONE' });
    expect(created.CreationTime).toBeTruthy();
    expect(created).not.toHaveProperty('LastModifiedTime');

    const dup = await errorOf(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'NONE' })),
    );
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toBe(
      `Failed to create function url config for [functionArn = ${FN}:url-fn]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    );
    expect(dup.$metadata?.httpStatusCode).toBe(409);

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-fn' }));
    expect(got).toMatchObject({
      FunctionUrl: created.FunctionUrl,
      FunctionArn: `${FN}:url-fn`,
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      CreationTime: created.CreationTime,
    });
    expect(got.LastModifiedTime).toBeTruthy();

    const aliasUrl = await lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'url-fn',
        Qualifier: 'live',
        AuthType: 'AWS_IAM',
        Cors: { AllowOrigins: ['https://example.com'] },
      }),
    );
    expect(aliasUrl.FunctionArn).toBe(`${FN}:url-fn:live`);
    expect(aliasUrl.FunctionUrl).not.toBe(created.FunctionUrl);
    expect(aliasUrl.Cors).toEqual({ AllowOrigins: ['https://example.com'] });

    const updated = await lambda.send(
      new UpdateFunctionUrlConfigCommand({
        FunctionName: 'url-fn',
        AuthType: 'AWS_IAM',
        Cors: { AllowOrigins: ['https://a.example'], MaxAge: 60 },
      }),
    );
    expect(updated).toMatchObject({
      FunctionUrl: created.FunctionUrl,
      AuthType: 'AWS_IAM',
      Cors: { AllowOrigins: ['https://a.example'], MaxAge: 60 },
      CreationTime: created.CreationTime,
    });
    // Only what is given changes.
    const updated2 = await lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'url-fn', AuthType: 'NONE' }),
    );
    expect(updated2).toMatchObject({ AuthType: 'NONE', Cors: { AllowOrigins: ['https://a.example'], MaxAge: 60 } });

    const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-fn' }));
    expect(list.FunctionUrlConfigs!.map((c) => c.FunctionArn).sort()).toEqual([`${FN}:url-fn`, `${FN}:url-fn:live`]);
    const page = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-fn', MaxItems: 1 }));
    expect(page.FunctionUrlConfigs).toHaveLength(1);
    const page2 = await lambda.send(
      new ListFunctionUrlConfigsCommand({ FunctionName: 'url-fn', MaxItems: 1, Marker: page.NextMarker }),
    );
    expect(page2.FunctionUrlConfigs).toHaveLength(1);
    expect(page2.FunctionUrlConfigs![0]!.FunctionArn).not.toBe(page.FunctionUrlConfigs![0]!.FunctionArn);

    const del = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier: 'live' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    const gone = await errorOf(
      lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier: 'live' })),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(gone.message).toBe('The resource you requested does not exist.');
    expect((await fetch(urlPath(aliasUrl.FunctionUrl!))).status).toBe(404);
    const delAgain = await errorOf(
      lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier: 'live' })),
    );
    expect(delAgain.message).toBe('The resource you requested does not exist.');
  });

  it('answers AWS errors for qualifiers and missing functions', async () => {
    for (const Qualifier of ['1', '$LATEST']) {
      const err = await errorOf(
        lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier, AuthType: 'NONE' })),
      );
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(
        `1 validation error detected: Value '${Qualifier}' at 'qualifier' failed to satisfy constraint: ${QUALIFIER_PATTERN}`,
      );
    }
    const fromArn = await errorOf(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: `${FN}:url-fn:1` })));
    expect(fromArn.name).toBe('ValidationException');
    expect(fromArn.message).toBe(
      `1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: ${QUALIFIER_PATTERN}`,
    );
    const mismatch = await errorOf(
      lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: `${FN}:url-fn:live`, Qualifier: 'other' })),
    );
    expect(mismatch.name).toBe('InvalidParameterValueException');
    expect(mismatch.message).toBe(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
    const createMissing = await errorOf(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-nope', AuthType: 'NONE' })),
    );
    expect(createMissing.name).toBe('ResourceNotFoundException');
    expect(createMissing.message).toBe('Function does not exist');
    const createNoAlias = await errorOf(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier: 'nope', AuthType: 'NONE' })),
    );
    expect(createNoAlias.message).toBe('Function does not exist');
    const updateMissing = await errorOf(
      lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'url-nope', AuthType: 'NONE' })),
    );
    expect(updateMissing.message).toBe('Function does not exist');
    const getMissing = await errorOf(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-nope' })));
    expect(getMissing.name).toBe('ResourceNotFoundException');
    expect(getMissing.message).toBe('The resource you requested does not exist.');
    const listMissing = await errorOf(lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'url-nope' })));
    expect(listMissing.message).toBe('Function does not exist');
    const badAuth = await errorOf(
      lambda.send(
        new CreateFunctionUrlConfigCommand({ FunctionName: 'url-fn', Qualifier: 'live', AuthType: 'BASIC' as never }),
      ),
    );
    expect(badAuth.name).toBe('ValidationException');
    expect(badAuth.message).toContain(
      "Value 'BASIC' at 'authType' failed to satisfy constraint: Member must satisfy enum value set",
    );
  });

  it('serves CORS preflights and adds Access-Control-Allow-Origin to responses', async () => {
    await createNodeFunction(lambda, 'cors-fn', {
      'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "ok" });',
    });
    const { FunctionUrl } = await lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'cors-fn',
        AuthType: 'NONE',
        Cors: {
          AllowOrigins: ['https://app.example'],
          AllowMethods: ['GET', 'POST'],
          AllowHeaders: ['x-custom'],
          ExposeHeaders: ['x-out'],
          MaxAge: 300,
          AllowCredentials: true,
        },
      }),
    );
    const preflight = await fetch(urlPath(FunctionUrl!, '/things'), {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-custom',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-methods')!.split(/,\s*/)).toEqual(['GET', 'POST']);
    expect(preflight.headers.get('access-control-allow-headers')).toBe('x-custom');
    expect(preflight.headers.get('access-control-max-age')).toBe('300');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');

    const get = await fetch(urlPath(FunctionUrl!, '/things'), { headers: { origin: 'https://app.example' } });
    expect(get.status).toBe(200);
    expect(await get.text()).toBe('ok');
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(get.headers.get('access-control-expose-headers')).toBe('x-out');
    const other = await fetch(urlPath(FunctionUrl!, '/things'), { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('AWS_IAM without a signature is 403, an unknown URL id 404, a function error 502', async () => {
    await createNodeFunction(lambda, 'iam-fn', {
      'index.js': 'exports.handler = async () => ({ statusCode: 200, body: "secret" });',
    });
    const iam = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'iam-fn', AuthType: 'AWS_IAM' }));
    const denied = await fetch(urlPath(iam.FunctionUrl!));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ Message: 'Forbidden' });

    const unknown = await fetch(`${server.endpoint}/_aws/lambda-url/${'0'.repeat(32)}/`);
    expect(unknown.status).toBe(404);

    const { FunctionUrl } = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'url-fn' }));
    const ok = await fetch(urlPath(FunctionUrl!, '/fine'), { method: 'PUT' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hi PUT');
    const boom = await fetch(urlPath(FunctionUrl!, '/boom'));
    expect(boom.status).toBe(502);
    expect(await boom.json()).toEqual({ Message: 'Internal Server Error' });
  });

  it('answers alike through the fast path (GET, POST) and node:http (PUT, chunked): cookies, headers, length', async () => {
    await createNodeFunction(lambda, 'cookie-fn', {
      'index.js': `exports.handler = async (e) => ({ statusCode: 201, cookies: ['a=1', 'b=2; Path=/'],
  headers: { 'x-method': e.requestContext.http.method, 'content-length': '999' }, body: 'len:' + (e.body ?? '').length });`,
    });
    const { FunctionUrl } = await lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: 'cookie-fn', AuthType: 'NONE' }),
    );
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('abc'));
        c.close();
      },
    });
    for (const init of [
      { method: 'GET' },
      { method: 'POST', body: 'abc' },
      { method: 'PUT', body: 'abc' },
      { method: 'POST', body: chunked, duplex: 'half', headers: { 'content-type': 'text/plain' } },
    ] as RequestInit[]) {
      const res = await fetch(urlPath(FunctionUrl!, '/c'), init);
      const body = await res.text();
      expect(res.status, init.method).toBe(201);
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2; Path=/']);
      expect(res.headers.get('x-method')).toBe(init.method);
      expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
      expect(body).toBe(init.body ? 'len:3' : 'len:0');
    }
  });
});
