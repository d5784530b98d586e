import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { decode, lambdaClient } from '../helpers/lambda.js';
import { cfnClient, eventLines, handlerReturning, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
let lambda: LambdaClient;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
  lambda = lambdaClient(server.endpoint);
});
afterAll(async () => server?.stop());

const fn = (value: string, extra = '') => `
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub '\${AWS::StackName}-fn'
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: { ZipFile: '${handlerReturning(value)}' }${extra}
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
`;

async function invoke(name: string): Promise<unknown> {
  const res = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
  return (decode(res.Payload) as { value: unknown }).value;
}

async function error(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

describe('stack lifecycle', () => {
  it('creates, updates and deletes with the events AWS reports', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'life',
        TemplateBody: `Resources:${fn('one')}`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect((await waitStack(cfn, 'life')).StackStatus).toBe('CREATE_COMPLETE');
    expect(await eventLines(cfn, 'life')).toEqual([
      'life CREATE_IN_PROGRESS',
      'Role CREATE_IN_PROGRESS',
      'Role CREATE_IN_PROGRESS',
      'Role CREATE_COMPLETE',
      'Fn CREATE_IN_PROGRESS',
      'Fn CREATE_IN_PROGRESS',
      'Fn CREATE_COMPLETE',
      'life CREATE_COMPLETE',
    ]);
    expect(await invoke('life-fn')).toBe('one');

    await cfn.send(
      new UpdateStackCommand({
        StackName: 'life',
        TemplateBody: `Resources:${fn('two', '\n      Timeout: 5')}`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const s = await waitStack(cfn, 'life');
    expect(s.StackStatus).toBe('UPDATE_COMPLETE');
    expect(s.LastUpdatedTime).toBeInstanceOf(Date);
    expect((await eventLines(cfn, 'life')).slice(8)).toEqual([
      'life UPDATE_IN_PROGRESS',
      'Fn UPDATE_IN_PROGRESS',
      'Fn UPDATE_COMPLETE',
      'life UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'life UPDATE_COMPLETE',
    ]);
    expect(await invoke('life-fn')).toBe('two');

    expect(
      await error(
        cfn.send(
          new UpdateStackCommand({
            StackName: 'life',
            TemplateBody: `Resources:${fn('two', '\n      Timeout: 5')}`,
            Capabilities: ['CAPABILITY_IAM'],
          }),
        ),
      ),
    ).toBe('ValidationError: No updates are to be performed.');

    const resources = await cfn.send(new ListStackResourcesCommand({ StackName: 'life' }));
    expect(
      resources.StackResourceSummaries!.map((r) => [r.LogicalResourceId, r.ResourceType, r.ResourceStatus]),
    ).toEqual([
      ['Fn', 'AWS::Lambda::Function', 'UPDATE_COMPLETE'],
      ['Role', 'AWS::IAM::Role', 'CREATE_COMPLETE'],
    ]);
    const detail = await cfn.send(new DescribeStackResourceCommand({ StackName: 'life', LogicalResourceId: 'Fn' }));
    expect(detail.StackResourceDetail?.PhysicalResourceId).toBe('life-fn');
    const byPhysical = await cfn.send(new DescribeStackResourcesCommand({ PhysicalResourceId: 'life-fn' }));
    expect(byPhysical.StackResources!.map((r) => r.LogicalResourceId)).toEqual(['Fn', 'Role']);
    const tpl = await cfn.send(new GetTemplateCommand({ StackName: 'life' }));
    expect(tpl.TemplateBody).toContain('two');

    const id = s.StackId!;
    await cfn.send(new DeleteStackCommand({ StackName: 'life' }));
    expect(await error(cfn.send(new DescribeStacksCommand({ StackName: 'life' })))).toBe(
      'ValidationError: Stack with id life does not exist',
    );
    const deleted = await cfn.send(new DescribeStacksCommand({ StackName: id }));
    expect(deleted.Stacks![0]!.StackStatus).toBe('DELETE_COMPLETE');
    expect((await eventLines(cfn, id)).slice(13)).toEqual([
      'life DELETE_IN_PROGRESS',
      'Fn DELETE_IN_PROGRESS',
      'Fn DELETE_COMPLETE',
      'Role DELETE_IN_PROGRESS',
      'Role DELETE_COMPLETE',
      'life DELETE_COMPLETE',
    ]);
    expect(await error(invoke('life-fn'))).toMatch(/ResourceNotFoundException/);
    const list = await cfn.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }));
    expect(list.StackSummaries!.map((x) => x.StackId)).toContain(id);
    // Deleting a deleted stack is a no-op, as on AWS.
    await cfn.send(new DeleteStackCommand({ StackName: 'life' }));
  });

  it('rolls back a failed update and leaves the previous version serving', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'rb',
        TemplateBody: `Resources:${fn('v1')}`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect((await waitStack(cfn, 'rb')).StackStatus).toBe('CREATE_COMPLETE');
    const bad = `
  Bad:
    Type: AWS::DynamoDB::Table
    DependsOn: Fn
    Properties:
      AttributeDefinitions: [{ AttributeName: a, AttributeType: S }]
      KeySchema: [{ AttributeName: missing, KeyType: HASH }]
      BillingMode: PAY_PER_REQUEST
`;
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'rb',
        TemplateBody: `Resources:${fn('v2')}${bad}`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const s = await waitStack(cfn, 'rb');
    expect(s.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const lines = await eventLines(cfn, 'rb', true);
    expect(lines.slice(8).map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'rb UPDATE_IN_PROGRESS',
      'Fn UPDATE_IN_PROGRESS',
      'Fn UPDATE_COMPLETE',
      'Bad CREATE_IN_PROGRESS',
      'Bad CREATE_FAILED',
      'rb UPDATE_ROLLBACK_IN_PROGRESS',
      'Fn UPDATE_IN_PROGRESS',
      'Fn UPDATE_COMPLETE',
      'rb UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'Bad DELETE_IN_PROGRESS',
      'Bad DELETE_COMPLETE',
      'rb UPDATE_ROLLBACK_COMPLETE',
    ]);
    expect(lines.find((l) => l.startsWith('Bad CREATE_FAILED'))).toMatch(
      /Resource handler returned message: ".+" \(RequestToken: .+, HandlerErrorCode: InvalidRequest\)/,
    );
    expect(lines.find((l) => l.startsWith('rb UPDATE_ROLLBACK_IN_PROGRESS'))).toContain(
      'The following resource(s) failed to create: [Bad].',
    );
    expect(await invoke('rb-fn')).toBe('v1');
    const tpl = await cfn.send(new GetTemplateCommand({ StackName: 'rb' }));
    expect(tpl.TemplateBody).toContain('v1');
    // The stack can be updated again after the rollback.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'rb',
        TemplateBody: `Resources:${fn('v3')}`,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    expect((await waitStack(cfn, 'rb')).StackStatus).toBe('UPDATE_COMPLETE');
    expect(await invoke('rb-fn')).toBe('v3');
  });

  it('rolls back a failed create, deleting what was created', async () => {
    const body = `Resources:${fn('x')}
  Bad:
    Type: AWS::Lambda::Function
    DependsOn: Fn
    Properties: { Runtime: cobol, Handler: x, Role: !GetAtt Role.Arn, Code: { ZipFile: x } }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'cf', TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] }));
    const s = await waitStack(cfn, 'cf');
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE');
    const lines = (await eventLines(cfn, 'cf')).slice(7);
    expect(lines).toEqual([
      'Bad CREATE_IN_PROGRESS',
      'Bad CREATE_FAILED',
      'cf ROLLBACK_IN_PROGRESS',
      'Bad DELETE_IN_PROGRESS',
      'Bad DELETE_COMPLETE',
      'Fn DELETE_IN_PROGRESS',
      'Fn DELETE_COMPLETE',
      'Role DELETE_IN_PROGRESS',
      'Role DELETE_COMPLETE',
      'cf ROLLBACK_COMPLETE',
    ]);
    expect(await error(invoke('cf-fn'))).toMatch(/ResourceNotFoundException/);
    expect(await error(cfn.send(new UpdateStackCommand({ StackName: 'cf', TemplateBody: body })))).toMatch(
      /^ValidationError: Stack:arn:aws:cloudformation:us-east-1:000000000000:stack\/cf\/.+ is in ROLLBACK_COMPLETE state and can not be updated\.$/,
    );
    expect(await error(cfn.send(new CreateStackCommand({ StackName: 'cf', TemplateBody: body })))).toBe(
      'AlreadyExistsException: Stack [cf] already exists',
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'cf' }));
  });

  it('replaces resources whose immutable properties change, and keeps Retain resources on delete', async () => {
    const table = (name: string) => `Resources:
  T:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: Retain
    Properties:
      TableName: ${name}
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
Outputs:
  Arn: { Value: !GetAtt T.Arn }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'rep', TemplateBody: table('rep-a') }));
    expect((await waitStack(cfn, 'rep')).StackStatus).toBe('CREATE_COMPLETE');
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'rep',
        TemplateBody: table('rep-b').replace('DeletionPolicy: Retain', 'DeletionPolicy: Delete'),
      }),
    );
    const s = await waitStack(cfn, 'rep');
    expect(s.StackStatus).toBe('UPDATE_COMPLETE');
    expect(s.Outputs![0]!.OutputValue).toMatch(/table\/rep-b$/);
    expect((await eventLines(cfn, 'rep', true)).slice(5)).toEqual([
      'rep UPDATE_IN_PROGRESS User Initiated',
      'T UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
      'T UPDATE_IN_PROGRESS Resource creation Initiated',
      'T UPDATE_COMPLETE',
      'rep UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'T DELETE_IN_PROGRESS',
      'T DELETE_COMPLETE',
      'rep UPDATE_COMPLETE',
    ]);
    expect(await error(server.ddb.send(new DescribeTableCommand({ TableName: 'rep-a' })))).toMatch(
      /ResourceNotFoundException/,
    );

    await cfn.send(new UpdateStackCommand({ StackName: 'rep', TemplateBody: table('rep-b') }));
    expect((await waitStack(cfn, 'rep')).StackStatus).toBe('UPDATE_COMPLETE');
    await cfn.send(new DeleteStackCommand({ StackName: 'rep' }));
    const id = s.StackId!;
    const lines = await eventLines(cfn, id);
    expect(lines.slice(-3)).toEqual(['rep DELETE_IN_PROGRESS', 'T DELETE_SKIPPED', 'rep DELETE_COMPLETE']);
    expect((await server.ddb.send(new DescribeTableCommand({ TableName: 'rep-b' }))).Table?.TableStatus).toBe('ACTIVE');
  });

  it('validates parameters as AWS does and masks NoEcho values', async () => {
    const body = `Parameters:
  Env: { Type: String, AllowedValues: [dev, prod] }
  Name: { Type: String, AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5, Default: abc }
  Count: { Type: Number, MinValue: 1, MaxValue: 10, Default: 3 }
  Secret: { Type: String, NoEcho: true, Default: hunter2 }
  Custom: { Type: String, Default: ok, AllowedValues: [ok], ConstraintDescription: must be ok }
Resources:
  H: { Type: AWS::CloudFormation::WaitConditionHandle }
`;
    const create = (params: Record<string, string>) =>
      error(
        cfn.send(
          new CreateStackCommand({
            StackName: 'params',
            TemplateBody: body,
            Parameters: Object.entries(params).map(([ParameterKey, ParameterValue]) => ({
              ParameterKey,
              ParameterValue,
            })),
          }),
        ),
      );
    expect(await create({})).toBe('ValidationError: Parameters: [Env] must have values');
    expect(await create({ Env: 'qa' })).toBe("ValidationError: Parameter 'Env' must be one of AllowedValues");
    expect(await create({ Env: 'dev', Name: 'ABC' })).toBe(
      "ValidationError: Parameter 'Name' must match pattern [a-z]+",
    );
    expect(await create({ Env: 'dev', Name: 'a' })).toBe(
      "ValidationError: Parameter 'Name' must contain at least 2 characters",
    );
    expect(await create({ Env: 'dev', Name: 'abcdef' })).toBe(
      "ValidationError: Parameter 'Name' must contain at most 5 characters",
    );
    expect(await create({ Env: 'dev', Count: 'x' })).toBe("ValidationError: Parameter 'Count' must be a number.");
    expect(await create({ Env: 'dev', Count: '0' })).toBe(
      "ValidationError: Parameter 'Count' must be a number not less than 1",
    );
    expect(await create({ Env: 'dev', Count: '11' })).toBe(
      "ValidationError: Parameter 'Count' must be a number not greater than 10",
    );
    expect(await create({ Env: 'dev', Custom: 'no' })).toBe(
      "ValidationError: Parameter 'Custom' failed to satisfy constraint: must be ok",
    );
    expect(await create({ Env: 'dev', Other: 'x' })).toBe(
      'ValidationError: Parameters: [Other] do not exist in the template',
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: 'params',
        TemplateBody: body,
        Parameters: [{ ParameterKey: 'Env', ParameterValue: 'dev' }],
      }),
    );
    const s = await waitStack(cfn, 'params');
    expect(Object.fromEntries(s.Parameters!.map((p) => [p.ParameterKey, p.ParameterValue]))).toEqual({
      Env: 'dev',
      Name: 'abc',
      Count: '3',
      Secret: '****',
      Custom: 'ok',
    });
    // UsePreviousValue keeps a value across updates.
    await cfn.send(
      new UpdateStackCommand({
        StackName: 'params',
        TemplateBody: body.replace('H: {', 'H2: {'),
        Parameters: [
          { ParameterKey: 'Env', UsePreviousValue: true },
          { ParameterKey: 'Count', ParameterValue: '4' },
        ],
      }),
    );
    const u = await waitStack(cfn, 'params');
    expect(u.StackStatus).toBe('UPDATE_COMPLETE');
    expect(u.Parameters!.find((p) => p.ParameterKey === 'Env')?.ParameterValue).toBe('dev');
    expect(u.Parameters!.find((p) => p.ParameterKey === 'Count')?.ParameterValue).toBe('4');
  });

  it('answers AWS errors for missing stacks and capabilities', async () => {
    expect(await error(cfn.send(new DescribeStacksCommand({ StackName: 'nope' })))).toBe(
      'ValidationError: Stack with id nope does not exist',
    );
    expect(await error(cfn.send(new UpdateStackCommand({ StackName: 'nope', TemplateBody: '{}' })))).toBe(
      'ValidationError: Stack with id nope does not exist',
    );
    expect(
      await error(cfn.send(new CreateStackCommand({ StackName: 'caps', TemplateBody: `Resources:${fn('x')}` }))),
    ).toBe('InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_IAM]');
    expect(
      await error(
        cfn.send(
          new CreateStackCommand({
            StackName: 'caps',
            TemplateBody: `Resources:\n  R: { Type: AWS::IAM::Role, Properties: { RoleName: x } }\n`,
            Capabilities: ['CAPABILITY_IAM'],
          }),
        ),
      ),
    ).toBe('InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_NAMED_IAM]');
    // Two creates of one name at once: exactly one wins.
    const body = `Resources:\n  H: { Type: AWS::CloudFormation::WaitConditionHandle }\n`;
    const both = await Promise.allSettled(
      [0, 1].map(() => cfn.send(new CreateStackCommand({ StackName: 'race', TemplateBody: body }))),
    );
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((both.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toContain(
      'Stack [race] already exists',
    );
    expect(await error(cfn.send(new CreateStackCommand({ StackName: '1bad', TemplateBody: '{}' })))).toContain(
      "Value '1bad' at 'stackName' failed to satisfy constraint",
    );
  });
});
