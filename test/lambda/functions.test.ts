import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { ROLE, createNodeFunction, decode, lambdaClient } from '../helpers/lambda.js';
import { makeZip, renameInZip } from '../helpers/zip.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

describe('Lambda functions, versions and aliases (SDK v3)', () => {
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

  it('creates a function Pending, then Active; the waiters work', async () => {
    const created = await createNodeFunction(
      lambda,
      'fn-create',
      { 'index.js': 'exports.handler = async () => 1;' },
      {
        Description: 'd',
        Environment: { Variables: { A: '1' } },
        Tags: { team: 'x' },
      },
    );
    expect(created).toMatchObject({
      FunctionName: 'fn-create',
      FunctionArn: `${ARN}:fn-create`,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Timeout: 3,
      MemorySize: 128,
      Version: '$LATEST',
      State: 'Pending',
      StateReasonCode: 'Creating',
      PackageType: 'Zip',
      Architectures: ['x86_64'],
      EphemeralStorage: { Size: 512 },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/fn-create' },
      Environment: { Variables: { A: '1' } },
    });
    expect(created.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(created.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'fn-create' });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'fn-create' }));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.Tags).toEqual({ team: 'x' });
    expect(got.Code?.RepositoryType).toBe('S3');
    const zip = await fetch(got.Code!.Location!);
    expect(zip.status).toBe(200);
    expect((await zip.arrayBuffer()).byteLength).toBe(created.CodeSize);
  });

  it('answers the exact errors for missing and duplicate functions', async () => {
    const missing = await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe(`Function not found: ${ARN}:nope`);
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    await createNodeFunction(lambda, 'fn-dup', { 'index.js': 'exports.handler = async () => 1;' });
    const dup = await errorOf(createNodeFunction(lambda, 'fn-dup', { 'index.js': 'x' }));
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toBe('Function already exist: fn-dup');
    const badName = await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'bad name!' })));
    expect(badName.name).toMatch(/ValidationException|InvalidParameterValueException/);
  });

  it('rejects bad configurations as AWS does', async () => {
    const zip = await makeZip({ 'index.js': 'x' });
    const base = { Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip } };
    const deprecated = await errorOf(
      lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'old', Runtime: 'nodejs12.x' })),
    );
    expect(deprecated.name).toBe('InvalidParameterValueException');
    expect(deprecated.message).toContain('The runtime parameter of nodejs12.x is no longer supported');
    const reserved = await errorOf(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'res',
          Runtime: 'nodejs20.x',
          Environment: { Variables: { AWS_REGION: 'x' } },
        }),
      ),
    );
    expect(reserved.message).toContain('Reserved keys used in this request: AWS_REGION');
    const big = await errorOf(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'big',
          Runtime: 'nodejs20.x',
          Environment: { Variables: { A: 'x'.repeat(5000) } },
        }),
      ),
    );
    expect(big.message).toContain('exceeded the 4KB limit');
    const memory = await errorOf(
      lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'mem', Runtime: 'nodejs20.x', MemorySize: 64 })),
    );
    expect(memory.name).toBe('ValidationException');
    expect(memory.message).toContain(
      "at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    const noRuntime = await errorOf(lambda.send(new CreateFunctionCommand({ ...base, FunctionName: 'nort' })));
    expect(noRuntime.message).toBe(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  });

  it('rejects zips with ../ paths, absolute paths or symlinks out of the tree, and non-zips', async () => {
    const cases = [
      renameInZip(await makeZip({ 'xx/evil.js': 'x' }), 'xx/evil.js', '../evil.js'),
      renameInZip(await makeZip({ 'a/xx/xx/evil.js': 'x' }), 'a/xx/xx/evil.js', 'a/../../evil.js'),
      renameInZip(await makeZip({ 'xevil.js': 'x' }), 'xevil.js', '/evil.js'),
      await makeZip({ link: { content: '../../etc/passwd', symlink: true } }),
      await makeZip({ abs: { content: '/etc/passwd', symlink: true } }),
      Buffer.from('not a zip at all'),
    ];
    for (const [i, zip] of cases.entries()) {
      const err = await errorOf(
        lambda.send(
          new CreateFunctionCommand({
            FunctionName: `evil-${i}`,
            Runtime: 'nodejs20.x',
            Role: ROLE,
            Handler: 'index.handler',
            Code: { ZipFile: zip },
          }),
        ),
      );
      expect(err.name).toBe('InvalidParameterValueException');
      expect(err.message).toBe('Could not unzip uploaded file. Please check your file, then try to upload again.');
    }
    const names = (await lambda.send(new ListFunctionsCommand({}))).Functions!.map((f) => f.FunctionName);
    expect(names.filter((n) => n?.startsWith('evil-'))).toEqual([]);
    // A symlink that stays inside the package is fine.
    await createNodeFunction(lambda, 'fn-link', {
      'real.js': 'exports.handler = async () => "linked";',
      'index.js': { content: 'real.js', symlink: true } as never,
    });
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'fn-link' }));
    expect(decode(out.Payload)).toBe('linked');
  });

  it('lists functions with Marker pagination', async () => {
    for (let i = 0; i < 5; i++)
      await createNodeFunction(lambda, `page-${i}`, { 'index.js': 'exports.handler = async () => 1;' });
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      expect(page.Functions!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Functions!.map((f) => f.FunctionName!));
      marker = page.NextMarker;
    } while (marker);
    expect(seen.filter((n) => n.startsWith('page-'))).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('updates code and configuration with RevisionId preconditions; new code runs at once', async () => {
    await createNodeFunction(lambda, 'fn-upd', { 'index.js': 'exports.handler = async () => "v1";' });
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'fn-upd' }))).Payload)).toBe('v1');
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn-upd' }));
    const stale = await errorOf(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn-upd', RevisionId: 'nope', Timeout: 5 })),
    );
    expect(stale.name).toBe('PreconditionFailedException');
    const upd = await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn-upd',
        ZipFile: await makeZip({ 'index.js': 'exports.handler = async () => "v2";' }),
        RevisionId: before.RevisionId,
      }),
    );
    expect(upd.LastUpdateStatus).toBe('InProgress');
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'fn-upd' });
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'fn-upd' }))).Payload)).toBe('v2');
    const cfg = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'fn-upd',
        Timeout: 7,
        MemorySize: 256,
        Environment: { Variables: { GREETING: 'hi' } },
        Handler: 'index.handler',
      }),
    );
    expect(cfg).toMatchObject({ Timeout: 7, MemorySize: 256, Environment: { Variables: { GREETING: 'hi' } } });
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn-upd',
        ZipFile: await makeZip({
          'index.js':
            'exports.handler = async () => process.env.GREETING + " " + process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;',
        }),
      }),
    );
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'fn-upd' }))).Payload)).toBe('hi 256');
  });

  it('publishes immutable versions (none when nothing changed) and deletes them', async () => {
    await createNodeFunction(lambda, 'fn-ver', { 'index.js': 'exports.handler = async () => "one";' });
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-ver', Description: 'first' }));
    expect(v1).toMatchObject({ Version: '1', FunctionArn: `${ARN}:fn-ver:1`, Description: 'first' });
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-ver' }));
    expect(again.Version).toBe('1');
    const wrongSha = await errorOf(
      lambda.send(new PublishVersionCommand({ FunctionName: 'fn-ver', CodeSha256: 'abc' })),
    );
    expect(wrongSha.name).toBe('InvalidParameterValueException');
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn-ver',
        ZipFile: await makeZip({ 'index.js': 'exports.handler = async () => "two";' }),
      }),
    );
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-ver' }));
    expect(v2.Version).toBe('2');
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'fn-ver', Qualifier: '1' }))).Payload)).toBe(
      'one',
    );
    const viaArn = await lambda.send(new InvokeCommand({ FunctionName: `${ARN}:fn-ver:2` }));
    expect(viaArn.ExecutedVersion).toBe('2');
    expect(decode(viaArn.Payload)).toBe('two');
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'fn-ver' }));
    expect(versions.Versions!.map((v) => v.Version)).toEqual(['$LATEST', '1', '2']);
    const latestDel = await errorOf(
      lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn-ver', Qualifier: '$LATEST' })),
    );
    expect(latestDel.name).toBe('InvalidParameterValueException');
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn-ver', Qualifier: '1' }));
    const gone = await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'fn-ver', Qualifier: '1' })));
    expect(gone.message).toBe(`Function not found: ${ARN}:fn-ver:1`);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn-ver' }));
    expect((await errorOf(lambda.send(new GetFunctionCommand({ FunctionName: 'fn-ver' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('routes aliases by weight (statistically) and reports the executed version', async () => {
    await createNodeFunction(lambda, 'fn-alias', { 'index.js': 'exports.handler = async () => "A";' });
    await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-alias' }));
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'fn-alias',
        ZipFile: await makeZip({ 'index.js': 'exports.handler = async () => "B";' }),
      }),
    );
    await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-alias' }));
    const alias = await lambda.send(
      new CreateAliasCommand({
        FunctionName: 'fn-alias',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } },
      }),
    );
    expect(alias).toMatchObject({ AliasArn: `${ARN}:fn-alias:live`, Name: 'live', FunctionVersion: '1' });
    const dup = await errorOf(
      lambda.send(new CreateAliasCommand({ FunctionName: 'fn-alias', Name: 'live', FunctionVersion: '1' })),
    );
    expect(dup.name).toBe('ResourceConflictException');
    const counts: Record<string, number> = { '1': 0, '2': 0 };
    const N = 200;
    for (let i = 0; i < N; i++) {
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'fn-alias', Qualifier: 'live' }));
      counts[out.ExecutedVersion!]!++;
      expect(decode(out.Payload)).toBe(out.ExecutedVersion === '1' ? 'A' : 'B');
    }
    // 30 % to version 2: with N = 200 the count is 60 ± 6.5 (1 sd); 5 sd either side.
    expect(counts['2']).toBeGreaterThan(28);
    expect(counts['2']).toBeLessThan(92);
    const inUse = await errorOf(lambda.send(new DeleteFunctionCommand({ FunctionName: 'fn-alias', Qualifier: '2' })));
    expect(inUse.name).toBe('ResourceConflictException');
    const updated = await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'fn-alias',
        Name: 'live',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    expect(updated.RoutingConfig).toBeUndefined();
    expect((await lambda.send(new GetAliasCommand({ FunctionName: 'fn-alias', Name: 'live' }))).FunctionVersion).toBe(
      '2',
    );
    expect(
      (await lambda.send(new ListAliasesCommand({ FunctionName: 'fn-alias' }))).Aliases!.map((a) => a.Name),
    ).toEqual(['live']);
    await lambda.send(new DeleteAliasCommand({ FunctionName: 'fn-alias', Name: 'live' }));
    const missing = await errorOf(lambda.send(new GetAliasCommand({ FunctionName: 'fn-alias', Name: 'live' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    const latestWeights = await errorOf(
      lambda.send(
        new CreateAliasCommand({
          FunctionName: 'fn-alias',
          Name: 'x',
          FunctionVersion: '$LATEST',
          RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
        }),
      ),
    );
    expect(latestWeights.name).toBe('InvalidParameterValueException');
  });

  it('reports account settings', async () => {
    const s = await lambda.send(new GetAccountSettingsCommand({}));
    expect(s.AccountLimit).toMatchObject({
      ConcurrentExecutions: 1000,
      CodeSizeZipped: 52428800,
      CodeSizeUnzipped: 262144000,
    });
    expect(s.AccountUsage!.FunctionCount).toBeGreaterThan(0);
  });
});
