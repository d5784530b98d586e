import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddLayerVersionPermissionCommand,
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  InvokeCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, decode, lambdaClient } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

const LAYER = 'arn:aws:lambda:us-east-1:000000000000:layer';

/** A layer holding `nodejs/node_modules/<pkg>/<file>` entries. */
function nodeLayer(pkg: string, files: Record<string, string>): Promise<Buffer> {
  return makeZip(Object.fromEntries(Object.entries(files).map(([f, c]) => [`nodejs/node_modules/${pkg}/${f}`, c])));
}

describe('Lambda layers (SDK v3)', () => {
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

  it('publishes, gets (by name and by ARN) and downloads a layer version', async () => {
    const zip = await nodeLayer('greet', { 'index.js': 'module.exports = () => "hello from the layer";' });
    const published = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: 'greet-layer',
        Description: 'greetings',
        Content: { ZipFile: zip },
        CompatibleRuntimes: ['nodejs20.x', 'nodejs22.x'],
        CompatibleArchitectures: ['x86_64'],
        LicenseInfo: 'MIT',
      }),
    );
    expect(published.$metadata.httpStatusCode).toBe(201);
    expect(published).toMatchObject({
      LayerArn: `${LAYER}:greet-layer`,
      LayerVersionArn: `${LAYER}:greet-layer:1`,
      Version: 1,
      Description: 'greetings',
      CompatibleRuntimes: ['nodejs20.x', 'nodejs22.x'],
      CompatibleArchitectures: ['x86_64'],
      LicenseInfo: 'MIT',
    });
    expect(published.Content!.CodeSize).toBe(zip.length);
    expect(published.Content!.CodeSha256).toBe(
      (await import('node:crypto')).createHash('sha256').update(zip).digest('base64'),
    );
    expect(published.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

    const byName = await lambda.send(new GetLayerVersionCommand({ LayerName: 'greet-layer', VersionNumber: 1 }));
    const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: `${LAYER}:greet-layer:1` }));
    const byFullName = await lambda.send(
      new GetLayerVersionCommand({ LayerName: `${LAYER}:greet-layer`, VersionNumber: 1 }),
    );
    for (const got of [byName, byArn, byFullName]) {
      expect(got).toMatchObject({
        LayerVersionArn: `${LAYER}:greet-layer:1`,
        Version: 1,
        Description: 'greetings',
        LicenseInfo: 'MIT',
      });
      expect(got.Content).toMatchObject({ CodeSize: zip.length, CodeSha256: published.Content!.CodeSha256 });
    }
    const download = await fetch(byName.Content!.Location!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(zip)).toBe(true);

    const v2 = await lambda.send(
      new PublishLayerVersionCommand({ LayerName: 'greet-layer', Content: { ZipFile: zip } }),
    );
    expect(v2.Version).toBe(2);
    expect(v2.LayerVersionArn).toBe(`${LAYER}:greet-layer:2`);
    expect(v2.Description).toBe('');
  });

  it('answers AWS errors for missing layer versions', async () => {
    const missing = await errorOf(
      lambda.send(new GetLayerVersionCommand({ LayerName: 'no-such-layer', VersionNumber: 1 })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('The resource you requested does not exist.');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const missingArn = await errorOf(lambda.send(new GetLayerVersionByArnCommand({ Arn: `${LAYER}:no-such-layer:3` })));
    expect(missingArn.name).toBe('ResourceNotFoundException');
    expect(missingArn.message).toBe('The resource you requested does not exist.');
    const unversioned = await errorOf(lambda.send(new GetLayerVersionByArnCommand({ Arn: `${LAYER}:no-such-layer` })));
    expect(unversioned.name).toBe('ValidationException');
    expect(unversioned.message).toContain(`Value '${LAYER}:no-such-layer' at 'arn' failed to satisfy constraint`);
    const zero = await errorOf(
      lambda.send(new GetLayerVersionCommand({ LayerName: 'no-such-layer', VersionNumber: 0 })),
    );
    expect(zero.name).toBe('InvalidParameterValueException');
    expect(zero.message).toBe('Layer Version Cannot be less than 1');
    // Listing versions of a layer that does not exist is an empty list, not an error.
    expect((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'no-such-layer' }))).LayerVersions).toEqual([]);
  });

  it('lists layers and layer versions with runtime/architecture filters and pagination', async () => {
    const zip = await nodeLayer('x', { 'index.js': 'module.exports = 1;' });
    const publish = (name: string, runtimes: string[], archs: string[]) =>
      lambda.send(
        new PublishLayerVersionCommand({
          LayerName: name,
          Content: { ZipFile: zip },
          CompatibleRuntimes: runtimes as never,
          CompatibleArchitectures: archs as never,
        }),
      );
    await publish('lst-a', ['nodejs20.x'], ['x86_64']); // 1
    await publish('lst-a', ['python3.12'], ['arm64']); // 2
    await publish('lst-a', ['nodejs20.x', 'python3.12'], ['x86_64', 'arm64']); // 3
    await publish('lst-b', ['python3.12'], ['x86_64']);
    await publish('lst-c', ['nodejs20.x'], ['arm64']);

    const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'lst-a' }));
    expect(versions.LayerVersions!.map((v) => v.Version)).toEqual([3, 2, 1]);
    expect(versions.LayerVersions![0]).toEqual({
      LayerVersionArn: `${LAYER}:lst-a:3`,
      Version: 3,
      Description: '',
      CreatedDate: expect.any(String),
      CompatibleRuntimes: ['nodejs20.x', 'python3.12'],
      CompatibleArchitectures: ['x86_64', 'arm64'],
    });
    expect(versions.NextMarker).toBeUndefined();
    const node = await lambda.send(
      new ListLayerVersionsCommand({ LayerName: 'lst-a', CompatibleRuntime: 'nodejs20.x' }),
    );
    expect(node.LayerVersions!.map((v) => v.Version)).toEqual([3, 1]);
    const arm = await lambda.send(
      new ListLayerVersionsCommand({ LayerName: 'lst-a', CompatibleArchitecture: 'arm64' }),
    );
    expect(arm.LayerVersions!.map((v) => v.Version)).toEqual([3, 2]);
    const both = await lambda.send(
      new ListLayerVersionsCommand({
        LayerName: 'lst-a',
        CompatibleRuntime: 'python3.12',
        CompatibleArchitecture: 'x86_64',
      }),
    );
    expect(both.LayerVersions!.map((v) => v.Version)).toEqual([3]);

    const page1 = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'lst-a', MaxItems: 2 }));
    expect(page1.LayerVersions!.map((v) => v.Version)).toEqual([3, 2]);
    expect(page1.NextMarker).toBeTruthy();
    const page2 = await lambda.send(
      new ListLayerVersionsCommand({ LayerName: 'lst-a', MaxItems: 2, Marker: page1.NextMarker }),
    );
    expect(page2.LayerVersions!.map((v) => v.Version)).toEqual([1]);
    expect(page2.NextMarker).toBeUndefined();

    const layers = (await lambda.send(new ListLayersCommand({}))).Layers!.filter((l) =>
      l.LayerName!.startsWith('lst-'),
    );
    expect(layers.map((l) => [l.LayerName, l.LatestMatchingVersion!.Version])).toEqual([
      ['lst-a', 3],
      ['lst-b', 1],
      ['lst-c', 1],
    ]);
    expect(layers[0]).toEqual({
      LayerName: 'lst-a',
      LayerArn: `${LAYER}:lst-a`,
      LatestMatchingVersion: {
        LayerVersionArn: `${LAYER}:lst-a:3`,
        Version: 3,
        Description: '',
        CreatedDate: expect.any(String),
        CompatibleRuntimes: ['nodejs20.x', 'python3.12'],
        CompatibleArchitectures: ['x86_64', 'arm64'],
      },
    });
    // LatestMatchingVersion is the newest version that matches the filters.
    const armNode = (
      await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'nodejs20.x', CompatibleArchitecture: 'arm64' }))
    ).Layers!;
    expect(
      armNode
        .filter((l) => l.LayerName!.startsWith('lst-'))
        .map((l) => [l.LayerName, l.LatestMatchingVersion!.Version]),
    ).toEqual([
      ['lst-a', 3],
      ['lst-c', 1],
    ]);
    const py = (await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'python3.12' }))).Layers!;
    expect(py.filter((l) => l.LayerName!.startsWith('lst-')).map((l) => l.LayerName)).toEqual(['lst-a', 'lst-b']);
    const first = await lambda.send(new ListLayersCommand({ MaxItems: 1 }));
    expect(first.Layers).toHaveLength(1);
    expect(first.NextMarker).toBeTruthy();
    const rest = await lambda.send(new ListLayersCommand({ Marker: first.NextMarker }));
    expect(rest.Layers!.map((l) => l.LayerName)).not.toContain(first.Layers![0]!.LayerName);
  });

  it('deletes layer versions (idempotently); numbers are never reused', async () => {
    const zip = await nodeLayer('x', { 'index.js': 'module.exports = 1;' });
    await lambda.send(new PublishLayerVersionCommand({ LayerName: 'del-layer', Content: { ZipFile: zip } }));
    await lambda.send(new PublishLayerVersionCommand({ LayerName: 'del-layer', Content: { ZipFile: zip } }));
    const del = await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'del-layer', VersionNumber: 2 }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    expect(
      (await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'del-layer', VersionNumber: 2 }))).$metadata
        .httpStatusCode,
    ).toBe(204);
    expect(
      (await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'never-existed', VersionNumber: 1 }))).$metadata
        .httpStatusCode,
    ).toBe(204);
    const gone = await errorOf(lambda.send(new GetLayerVersionCommand({ LayerName: 'del-layer', VersionNumber: 2 })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(
      (await lambda.send(new ListLayerVersionsCommand({ LayerName: 'del-layer' }))).LayerVersions!.map(
        (v) => v.Version,
      ),
    ).toEqual([1]);
    const next = await lambda.send(
      new PublishLayerVersionCommand({ LayerName: 'del-layer', Content: { ZipFile: zip } }),
    );
    expect(next.Version).toBe(3);
  });

  it('manages layer version permissions with revision ids', async () => {
    const zip = await nodeLayer('x', { 'index.js': 'module.exports = 1;' });
    await lambda.send(new PublishLayerVersionCommand({ LayerName: 'perm-layer', Content: { ZipFile: zip } }));
    const arn = `${LAYER}:perm-layer:1`;
    const none = await errorOf(
      lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'perm-layer', VersionNumber: 1 })),
    );
    expect(none.name).toBe('ResourceNotFoundException');
    expect(none.message).toBe('No policy is associated with the given resource.');

    const s1 = await lambda.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'perm-layer',
        VersionNumber: 1,
        StatementId: 's1',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
      }),
    );
    expect(s1.$metadata.httpStatusCode).toBe(201);
    expect(JSON.parse(s1.Statement!)).toEqual({
      Sid: 's1',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:GetLayerVersion',
      Resource: arn,
    });
    expect(s1.RevisionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const got1 = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'perm-layer', VersionNumber: 1 }));
    expect(got1.RevisionId).toBe(s1.RevisionId);

    const stale = await errorOf(
      lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: 'perm-layer',
          VersionNumber: 1,
          StatementId: 's9',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
          RevisionId: 'nope',
        }),
      ),
    );
    expect(stale.name).toBe('PreconditionFailedException');
    expect(stale.message).toBe(
      'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
    );

    const s2 = await lambda.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'perm-layer',
        VersionNumber: 1,
        StatementId: 's2',
        Action: 'lambda:GetLayerVersion',
        Principal: '123456789012',
        RevisionId: s1.RevisionId,
      }),
    );
    expect(JSON.parse(s2.Statement!)).toEqual({
      Sid: 's2',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'lambda:GetLayerVersion',
      Resource: arn,
    });
    expect(s2.RevisionId).not.toBe(s1.RevisionId);
    const org = await lambda.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'perm-layer',
        VersionNumber: 1,
        StatementId: 'org',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
        OrganizationId: 'o-abcdefghij',
      }),
    );
    expect(JSON.parse(org.Statement!).Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } });

    const policy = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'perm-layer', VersionNumber: 1 }));
    const doc = JSON.parse(policy.Policy!);
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Id).toBe('default');
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s1', 's2', 'org']);
    expect(policy.RevisionId).toBe(org.RevisionId);

    const dup = await errorOf(
      lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: 'perm-layer',
          VersionNumber: 1,
          StatementId: 's1',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
        }),
      ),
    );
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toBe(
      'The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.',
    );
    const badAction = await errorOf(
      lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: 'perm-layer',
          VersionNumber: 1,
          StatementId: 's3',
          Action: 'lambda:InvokeFunction',
          Principal: '*',
        }),
      ),
    );
    expect(badAction.name).toBe('ValidationException');
    expect(badAction.message).toBe(
      "1 validation error detected: Value 'lambda:InvokeFunction' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion",
    );
    const missingLayer = await errorOf(
      lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: 'perm-layer',
          VersionNumber: 2,
          StatementId: 's3',
          Action: 'lambda:GetLayerVersion',
          Principal: '*',
        }),
      ),
    );
    expect(missingLayer.name).toBe('ResourceNotFoundException');
    expect(missingLayer.message).toBe(`Layer version ${LAYER}:perm-layer:2 does not exist.`);
    const missingGet = await errorOf(
      lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'perm-nope', VersionNumber: 1 })),
    );
    expect(missingGet.message).toBe(`Layer version ${LAYER}:perm-nope:1 does not exist.`);

    const removeMissing = await errorOf(
      lambda.send(
        new RemoveLayerVersionPermissionCommand({ LayerName: 'perm-layer', VersionNumber: 1, StatementId: 'zzz' }),
      ),
    );
    expect(removeMissing.name).toBe('ResourceNotFoundException');
    expect(removeMissing.message).toBe('Statement zzz is not found in resource policy.');
    const removeStale = await errorOf(
      lambda.send(
        new RemoveLayerVersionPermissionCommand({
          LayerName: 'perm-layer',
          VersionNumber: 1,
          StatementId: 's2',
          RevisionId: s1.RevisionId,
        }),
      ),
    );
    expect(removeStale.name).toBe('PreconditionFailedException');
    const removed = await lambda.send(
      new RemoveLayerVersionPermissionCommand({
        LayerName: 'perm-layer',
        VersionNumber: 1,
        StatementId: 's2',
        RevisionId: org.RevisionId,
      }),
    );
    expect(removed.$metadata.httpStatusCode).toBe(204);
    const after = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'perm-layer', VersionNumber: 1 }));
    expect(JSON.parse(after.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['s1', 'org']);
    expect(after.RevisionId).not.toBe(org.RevisionId);
  });

  it('a Node function requires a package from its layer; a later layer overrides an earlier one', async () => {
    const one = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: 'lib-one',
        Content: {
          ZipFile: await nodeLayer('shared', {
            'index.js': 'module.exports = () => "one";',
            'only-one.js': 'module.exports = "kept";',
          }),
        },
      }),
    );
    const two = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: 'lib-two',
        Content: { ZipFile: await nodeLayer('shared', { 'index.js': 'module.exports = () => "two";' }) },
      }),
    );
    const code = {
      'index.js':
        'exports.handler = async () => { const shared = require("shared"); let extra = null; try { extra = require("shared/only-one.js"); } catch {} return { value: shared(), extra }; };',
    };
    const created = await createNodeFunction(lambda, 'layered', code, { Layers: [one.LayerVersionArn!] });
    expect(created.Layers).toEqual([{ Arn: one.LayerVersionArn, CodeSize: one.Content!.CodeSize }]);
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'layered' }))).Payload)).toEqual({
      value: 'one',
      extra: 'kept',
    });

    const updated = await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'layered',
        Layers: [one.LayerVersionArn!, two.LayerVersionArn!],
      }),
    );
    expect(updated.Layers!.map((l) => l.Arn)).toEqual([one.LayerVersionArn, two.LayerVersionArn]);
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'layered' });
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'layered' }))).Payload)).toEqual({
      value: 'two',
      extra: 'kept',
    });

    // Without layers, the package is gone.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'layered', Layers: [] }));
    expect(
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'layered' }))).Layers,
    ).toBeUndefined();
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'layered' }));
    expect(out.FunctionError).toBe('Unhandled');
    expect((decode(out.Payload) as { errorMessage: string }).errorMessage).toContain("Cannot find module 'shared'");
  });

  it('rejects more than 5 layers, missing layers and two versions of one layer', async () => {
    const zip = await nodeLayer('x', { 'index.js': 'module.exports = 1;' });
    const arns: string[] = [];
    for (let i = 0; i < 6; i++) {
      arns.push(
        (await lambda.send(new PublishLayerVersionCommand({ LayerName: `many-${i}`, Content: { ZipFile: zip } })))
          .LayerVersionArn!,
      );
    }
    const code = { 'index.js': 'exports.handler = async () => 1;' };
    const six = await errorOf(createNodeFunction(lambda, 'six-layers', code, { Layers: arns }));
    expect(six.name).toBe('InvalidParameterValueException');
    expect(six.message).toBe('Cannot reference more than 5 layers.');
    const missing = await errorOf(createNodeFunction(lambda, 'missing-layer', code, { Layers: [`${LAYER}:many-0:9`] }));
    expect(missing.name).toBe('InvalidParameterValueException');
    expect(missing.message).toBe(`Layer version ${LAYER}:many-0:9 does not exist.`);
    await lambda.send(new PublishLayerVersionCommand({ LayerName: 'many-0', Content: { ZipFile: zip } }));
    const twice = await errorOf(
      createNodeFunction(lambda, 'twice-layer', code, { Layers: [`${LAYER}:many-0:1`, `${LAYER}:many-0:2`] }),
    );
    expect(twice.name).toBe('InvalidParameterValueException');
    expect(twice.message).toBe(
      `Two different versions of the same layer are not allowed to be referenced in the same function. ${LAYER}:many-0:1 and ${LAYER}:many-0:2 are versions of the same layer.`,
    );
    // None of them was created.
    for (const name of ['six-layers', 'missing-layer', 'twice-layer']) {
      expect((await errorOf(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })))).name).toBe(
        'ResourceNotFoundException',
      );
    }
    await createNodeFunction(lambda, 'five-layers', code, { Layers: arns.slice(0, 5) });
    expect(
      (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'five-layers' }))).Layers,
    ).toHaveLength(5);
  });
});
