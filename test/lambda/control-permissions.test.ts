import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  ListTagsCommand,
  PublishVersionCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function';
const CODE = { 'index.js': 'exports.handler = async () => 1;' };

describe('Lambda resource policies and tags (SDK v3)', () => {
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

  it('adds permissions for service and account principals with conditions; GetPolicy returns the AWS document', async () => {
    await createNodeFunction(lambda, 'perm-fn', CODE);
    const s3 = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'perm-fn',
        StatementId: 's3invoke',
        Action: 'lambda:InvokeFunction',
        Principal: 's3.amazonaws.com',
        SourceArn: 'arn:aws:s3:::my-bucket',
        SourceAccount: '123456789012',
      }),
    );
    expect(s3.$metadata.httpStatusCode).toBe(201);
    const s3Statement = {
      Sid: 's3invoke',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `${FN}:perm-fn`,
      Condition: {
        StringEquals: { 'AWS:SourceAccount': '123456789012' },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' },
      },
    };
    expect(JSON.parse(s3.Statement!)).toEqual(s3Statement);
    // Key order as AWS writes it.
    expect(Object.keys(JSON.parse(s3.Statement!))).toEqual([
      'Sid',
      'Effect',
      'Principal',
      'Action',
      'Resource',
      'Condition',
    ]);

    const account = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'perm-fn',
        StatementId: 'xaccount',
        Action: 'lambda:GetFunction',
        Principal: '210987654321',
      }),
    );
    const accountStatement = {
      Sid: 'xaccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::210987654321:root' },
      Action: 'lambda:GetFunction',
      Resource: `${FN}:perm-fn`,
    };
    expect(JSON.parse(account.Statement!)).toEqual(accountStatement);

    const url = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'perm-fn',
        StatementId: 'FunctionURLAllowPublicAccess',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    );
    const urlStatement = {
      Sid: 'FunctionURLAllowPublicAccess',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Resource: `${FN}:perm-fn`,
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    };
    expect(JSON.parse(url.Statement!)).toEqual(urlStatement);

    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'perm-fn' }));
    expect(JSON.parse(policy.Policy!)).toEqual({
      Version: '2012-10-17',
      Id: 'default',
      Statement: [s3Statement, accountStatement, urlStatement],
    });
    expect(Object.keys(JSON.parse(policy.Policy!))).toEqual(['Version', 'Id', 'Statement']);
    // The policy's RevisionId is the function's, and every policy change makes a new one.
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'perm-fn' }));
    expect(policy.RevisionId).toBe(fn.Configuration!.RevisionId);
  });

  it('answers AWS errors: duplicate Sid, missing Sid, no policy, $LATEST, stale revision', async () => {
    await createNodeFunction(lambda, 'perm-err', CODE);
    const none = await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'perm-err' })));
    expect(none.name).toBe('ResourceNotFoundException');
    expect(none.message).toBe('The resource you requested does not exist.');
    expect(none.$metadata?.httpStatusCode).toBe(404);
    const noFn = await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'perm-missing' })));
    expect(noFn.name).toBe('ResourceNotFoundException');
    expect(noFn.message).toBe('The resource you requested does not exist.');
    const removeNoPolicy = await errorOf(
      lambda.send(new RemovePermissionCommand({ FunctionName: 'perm-err', StatementId: 'nope' })),
    );
    expect(removeNoPolicy.name).toBe('ResourceNotFoundException');
    expect(removeNoPolicy.message).toBe('No policy is associated with the given resource.');

    const before = (await lambda.send(new GetFunctionCommand({ FunctionName: 'perm-err' }))).Configuration!.RevisionId!;
    const stale = await errorOf(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-err',
          StatementId: 's1',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          RevisionId: 'wrong',
        }),
      ),
    );
    expect(stale.name).toBe('PreconditionFailedException');
    expect(stale.message).toBe(
      'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
    );
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'perm-err',
        StatementId: 's1',
        Action: 'lambda:InvokeFunction',
        Principal: 'sns.amazonaws.com',
        RevisionId: before,
      }),
    );
    const after = (await lambda.send(new GetFunctionCommand({ FunctionName: 'perm-err' }))).Configuration!.RevisionId!;
    expect(after).not.toBe(before);
    expect((await lambda.send(new GetPolicyCommand({ FunctionName: 'perm-err' }))).RevisionId).toBe(after);

    const dup = await errorOf(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-err',
          StatementId: 's1',
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
        }),
      ),
    );
    expect(dup.name).toBe('ResourceConflictException');
    expect(dup.message).toBe(
      'The statement id (s1) provided already exists. Please provide a new statement id, or remove the existing statement.',
    );
    expect(dup.$metadata?.httpStatusCode).toBe(409);
    const missingSid = await errorOf(
      lambda.send(new RemovePermissionCommand({ FunctionName: 'perm-err', StatementId: 'nope' })),
    );
    expect(missingSid.name).toBe('ResourceNotFoundException');
    expect(missingSid.message).toBe('Statement nope is not found in resource policy.');
    const latest = await errorOf(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-err',
          Qualifier: '$LATEST',
          StatementId: 's2',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      ),
    );
    expect(latest.name).toBe('InvalidParameterValueException');
    expect(latest.message).toBe('We currently do not support adding policies for $LATEST.');
    const badSid = await errorOf(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-err',
          StatementId: 'a.b',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      ),
    );
    expect(badSid.name).toBe('ValidationException');
    expect(badSid.message).toBe(
      "1 validation error detected: Value 'a.b' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)",
    );
    const noFnAdd = await errorOf(
      lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-missing',
          StatementId: 's',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      ),
    );
    expect(noFnAdd.message).toBe(`Function not found: ${FN}:perm-missing`);

    const staleRemove = await errorOf(
      lambda.send(new RemovePermissionCommand({ FunctionName: 'perm-err', StatementId: 's1', RevisionId: before })),
    );
    expect(staleRemove.name).toBe('PreconditionFailedException');
    expect(staleRemove.message).toBe(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
    const removed = await lambda.send(
      new RemovePermissionCommand({ FunctionName: 'perm-err', StatementId: 's1', RevisionId: after }),
    );
    expect(removed.$metadata.httpStatusCode).toBe(204);
    expect((await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'perm-err' })))).message).toBe(
      'The resource you requested does not exist.',
    );
  });

  it('keeps one policy per qualifier: the same Sid may exist on $LATEST, a version and an alias', async () => {
    await createNodeFunction(lambda, 'perm-q', CODE);
    await lambda.send(new PublishVersionCommand({ FunctionName: 'perm-q' }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'perm-q', Name: 'live', FunctionVersion: '1' }));
    for (const Qualifier of [undefined, '1', 'live']) {
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: 'perm-q',
          Qualifier,
          StatementId: 'same',
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
        }),
      );
    }
    for (const [Qualifier, resource] of [
      [undefined, `${FN}:perm-q`],
      ['1', `${FN}:perm-q:1`],
      ['live', `${FN}:perm-q:live`],
    ] as const) {
      const doc = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'perm-q', Qualifier }))).Policy!);
      expect(doc.Statement).toEqual([
        {
          Sid: 'same',
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'lambda:InvokeFunction',
          Resource: resource,
        },
      ]);
    }
    // The alias's RevisionId is the one an alias policy reports.
    const alias = await lambda.send(new GetPolicyCommand({ FunctionName: 'perm-q', Qualifier: 'live' }));
    expect(alias.RevisionId).toBe(
      (await lambda.send(new GetAliasCommand({ FunctionName: 'perm-q', Name: 'live' }))).RevisionId,
    );
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'perm-q', Qualifier: '1', StatementId: 'same' }));
    expect((await errorOf(lambda.send(new GetPolicyCommand({ FunctionName: 'perm-q', Qualifier: '1' })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect(
      JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'perm-q' }))).Policy!).Statement,
    ).toHaveLength(1);
    // A policy change is not a new version.
    expect((await lambda.send(new PublishVersionCommand({ FunctionName: 'perm-q' }))).Version).toBe('1');
    const missingAlias = await errorOf(
      lambda.send(new GetPolicyCommand({ FunctionName: 'perm-q', Qualifier: 'nope' })),
    );
    expect(missingAlias.message).toBe('The resource you requested does not exist.');
  });

  it('tags a function by ARN; CreateFunction Tags show in GetFunction and ListTags', async () => {
    await createNodeFunction(lambda, 'tagged', CODE, { Tags: { team: 'core', env: 'dev' } });
    const arn = `${FN}:tagged`;
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags).toEqual({
      team: 'core',
      env: 'dev',
    });
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ team: 'core', env: 'dev' });
    const tagged = await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { env: 'prod', owner: 'me' } }));
    expect(tagged.$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({
      team: 'core',
      env: 'prod',
      owner: 'me',
    });
    const untagged = await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team', 'absent'] }));
    expect(untagged.$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({ env: 'prod', owner: 'me' });
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags).toEqual({
      env: 'prod',
      owner: 'me',
    });
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['env', 'owner'] }));
    expect((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags).toEqual({});
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'tagged' }))).Tags).toBeUndefined();
  });

  it('answers AWS errors for tags on missing functions, versions and bad ARNs', async () => {
    const missing = `${FN}:not-there`;
    for (const call of [
      () => lambda.send(new ListTagsCommand({ Resource: missing })),
      () => lambda.send(new TagResourceCommand({ Resource: missing, Tags: { a: 'b' } })),
      () => lambda.send(new UntagResourceCommand({ Resource: missing, TagKeys: ['a'] })),
    ]) {
      const err = await errorOf(call());
      expect(err.name).toBe('ResourceNotFoundException');
      expect(err.message).toBe(`Function not found: ${missing}`);
    }
    await createNodeFunction(lambda, 'tag-err', CODE);
    const version = await errorOf(
      lambda.send(new TagResourceCommand({ Resource: `${FN}:tag-err:1`, Tags: { a: 'b' } })),
    );
    expect(version.name).toBe('InvalidParameterValueException');
    expect(version.message).toBe(
      'Tags on function aliases and versions are not supported. Please specify a function ARN.',
    );
    const bad = await errorOf(
      lambda.send(new ListTagsCommand({ Resource: 'arn:aws:lambda:us-east-1:000000000000:foobar:x' })),
    );
    expect(bad.name).toBe('ValidationException');
    expect(bad.message).toContain(
      "1 validation error detected: Value 'arn:aws:lambda:us-east-1:000000000000:foobar:x' at 'resource' failed to satisfy constraint",
    );
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const limit = await errorOf(lambda.send(new TagResourceCommand({ Resource: `${FN}:tag-err`, Tags: tooMany })));
    expect(limit.name).toBe('InvalidParameterValueException');
    expect(limit.message).toBe('Number of tags exceeds resource tag limit.');
  });
});
