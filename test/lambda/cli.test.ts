import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, AWS_CLI, hasAwsCli } from '../helpers/aws-cli.js';
import { ROLE } from '../helpers/lambda.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

const run = promisify(execFile);
const FN = 'arn:aws:lambda:us-east-1:000000000000:function';

describe.skipIf(!hasAwsCli)('Lambda through the AWS CLI v2', () => {
  let server: TestServer;
  let dir: ReturnType<typeof tempDir>;
  const cli = (args: string[]) => aws(server.endpoint, ['lambda', ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    dir = tempDir('overcast-lambda-cli-');
    writeFileSync(
      join(dir.path, 'v1.zip'),
      await makeZip({ 'index.js': 'exports.handler = async (e) => ({ version: "v1", got: e });' }),
    );
    writeFileSync(
      join(dir.path, 'v2.zip'),
      await makeZip({ 'index.js': 'exports.handler = async (e) => ({ version: "v2", got: e });' }),
    );
  });
  afterAll(async () => {
    dir.cleanup();
    await server.stop();
  });

  it('creates, waits for, invokes, lists and gets a function', async () => {
    const created = await cli([
      'create-function',
      '--function-name',
      'cli-fn',
      '--runtime',
      'nodejs20.x',
      '--role',
      ROLE,
      '--handler',
      'index.handler',
      '--zip-file',
      `fileb://${join(dir.path, 'v1.zip')}`,
    ]);
    expect(created).toMatchObject({
      FunctionName: 'cli-fn',
      FunctionArn: `${FN}:cli-fn`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Version: '$LATEST',
      PackageType: 'Zip',
    });
    expect(created.CodeSize).toBe(readFileSync(join(dir.path, 'v1.zip')).length);
    // `wait` prints nothing and exits 0 once the function is Active.
    expect(await cli(['wait', 'function-active-v2', '--function-name', 'cli-fn'])).toEqual({});

    const out = join(dir.path, 'out.json');
    const invoked = await cli([
      'invoke',
      '--function-name',
      'cli-fn',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"hello":"world"}',
      out,
    ]);
    expect(invoked).toEqual({ StatusCode: 200, ExecutedVersion: '$LATEST' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ version: 'v1', got: { hello: 'world' } });

    const listed = await cli(['list-functions']);
    expect(listed.Functions.map((f: { FunctionName: string }) => f.FunctionName)).toEqual(['cli-fn']);
    const got = await cli(['get-function', '--function-name', 'cli-fn']);
    expect(got.Configuration).toMatchObject({
      FunctionName: 'cli-fn',
      State: 'Active',
      CodeSha256: created.CodeSha256,
    });
    expect(got.Code.RepositoryType).toBe('S3');
  });

  it('updates code, publishes a version, creates an alias and invokes through it', async () => {
    const updated = await cli([
      'update-function-code',
      '--function-name',
      'cli-fn',
      '--zip-file',
      `fileb://${join(dir.path, 'v2.zip')}`,
    ]);
    expect(updated.CodeSize).toBe(readFileSync(join(dir.path, 'v2.zip')).length);
    expect(updated.LastUpdateStatus).toBe('InProgress');
    await cli(['wait', 'function-updated-v2', '--function-name', 'cli-fn']);
    const published = await cli(['publish-version', '--function-name', 'cli-fn', '--description', 'second code']);
    expect(published).toMatchObject({
      Version: '1',
      FunctionArn: `${FN}:cli-fn:1`,
      Description: 'second code',
      CodeSha256: updated.CodeSha256,
    });
    const alias = await cli(['create-alias', '--function-name', 'cli-fn', '--name', 'prod', '--function-version', '1']);
    expect(alias).toMatchObject({ AliasArn: `${FN}:cli-fn:prod`, Name: 'prod', FunctionVersion: '1', Description: '' });

    const out = join(dir.path, 'alias.json');
    const invoked = await cli([
      'invoke',
      '--function-name',
      'cli-fn',
      '--qualifier',
      'prod',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      '{"n":1}',
      out,
    ]);
    expect(invoked).toEqual({ StatusCode: 200, ExecutedVersion: '1' });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ version: 'v2', got: { n: 1 } });
  });

  it('deletes the function; get-function then fails with ResourceNotFoundException', async () => {
    expect(await cli(['delete-function', '--function-name', 'cli-fn'])).toEqual({});
    const err = await run(
      AWS_CLI,
      ['lambda', 'get-function', '--function-name', 'cli-fn', '--endpoint-url', server.endpoint],
      {
        env: {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
          AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
        },
      },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toBeDefined();
    expect(err!.code).toBe(254);
    expect(err!.stderr.trim()).toBe(
      `An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: ${FN}:cli-fn`,
    );
    expect((await cli(['list-functions'])).Functions).toEqual([]);
  });
});
