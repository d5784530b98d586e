import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DeleteStackCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetAliasCommand,
  GetEventSourceMappingCommand,
  GetFunctionEventInvokeConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { decode, lambdaClient } from '../helpers/lambda.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
  dir = tempDir();
});
afterAll(async () => {
  await server?.stop();
  dir?.cleanup();
});

describe('resource providers', () => {
  it(
    'provisions Lambda versions, aliases, layers, URLs, mappings, invoke configs, log groups, ECR and IAM',
    { timeout: 30_000 },
    async () => {
      const layer = join(dir.path, 'layer');
      mkdirSync(join(layer, 'nodejs', 'node_modules', 'greet'), { recursive: true });
      writeFileSync(join(layer, 'nodejs', 'node_modules', 'greet', 'index.js'), `module.exports = (n) => 'hi ' + n;`);
      const template = `
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [] } }
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {}, ManagedPolicyArns: [!Ref Policy] }
  Inline:
    Type: AWS::IAM::Policy
    Properties: { PolicyName: inline, PolicyDocument: {}, Roles: [!Ref Role] }
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties: { LayerName: greet, Content: { 'Overcast::LocalPath': ${layer} }, CompatibleRuntimes: [nodejs20.x] }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Layers: [!Ref Layer]
      ReservedConcurrentExecutions: 5
      Code: { ZipFile: "exports.handler = async () => require('greet')('there');" }
  Version:
    Type: AWS::Lambda::Version
    Properties: { FunctionName: !Ref Fn, Description: first }
  Alias:
    Type: AWS::Lambda::Alias
    Properties: { FunctionName: !Ref Fn, FunctionVersion: !GetAtt Version.Version, Name: live }
  Url:
    Type: AWS::Lambda::Url
    Properties: { TargetFunctionArn: !Ref Alias, AuthType: NONE }
  UrlPermission:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref Alias, Action: lambda:InvokeFunctionUrl, Principal: '*', FunctionUrlAuthType: NONE }
  InvokeConfig:
    Type: AWS::Lambda::EventInvokeConfig
    Properties: { FunctionName: !Ref Fn, Qualifier: $LATEST, MaximumRetryAttempts: 1 }
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
      TimeToLiveSpecification: { AttributeName: ttl, Enabled: true }
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Fn, EventSourceArn: !GetAtt Table.StreamArn, StartingPosition: LATEST, BatchSize: 10 }
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: { RetentionInDays: 7 }
  Repo:
    Type: AWS::ECR::Repository
    Properties: { RepositoryName: cfn-repo }
Outputs:
  Fn: { Value: !Ref Fn }
  VersionArn: { Value: !Ref Version }
  Version: { Value: !GetAtt Version.Version }
  AliasArn: { Value: !Ref Alias }
  LayerArn: { Value: !Ref Layer }
  Url: { Value: !GetAtt Url.FunctionUrl }
  Mapping: { Value: !Ref Mapping }
  LogGroup: { Value: !Ref Logs }
  LogGroupArn: { Value: !GetAtt Logs.Arn }
  RepoUri: { Value: !GetAtt Repo.RepositoryUri }
  PolicyArn: { Value: !Ref Policy }
  RoleId: { Value: !GetAtt Role.RoleId }
`;
      await cfn.send(
        new CreateStackCommand({ StackName: 'res', TemplateBody: template, Capabilities: ['CAPABILITY_IAM'] }),
      );
      const s = await waitStack(cfn, 'res');
      expect(s.StackStatus, (await eventLines(cfn, 'res', true)).join('\n')).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue!]));
      expect(out['Version']).toBe('1');
      expect(out['VersionArn']).toMatch(/:function:res-Fn-[A-Z0-9]+:1$/);
      expect(out['AliasArn']).toMatch(/:function:res-Fn-[A-Z0-9]+:live$/);
      expect(out['LayerArn']).toMatch(/^arn:aws:lambda:us-east-1:000000000000:layer:greet:1$/);
      expect(out['LogGroupArn']).toBe(`arn:aws:logs:us-east-1:000000000000:log-group:${out['LogGroup']}:*`);
      expect(out['RepoUri']).toContain('/cfn-repo');
      expect(out['PolicyArn']).toMatch(/^arn:aws:iam::000000000000:policy\/res-Policy-/);
      expect(out['RoleId']).toMatch(/^AROA[A-Z2-7]{17}$/);

      const lambda = lambdaClient(server.endpoint);
      const res = await lambda.send(new InvokeCommand({ FunctionName: out['Fn'], Qualifier: 'live' }));
      expect(decode(res.Payload)).toBe('hi there');
      expect((await lambda.send(new GetAliasCommand({ FunctionName: out['Fn'], Name: 'live' }))).FunctionVersion).toBe(
        '1',
      );
      expect(
        (await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: out['Fn'], Qualifier: 'live' })))
          .FunctionUrl,
      ).toBe(out['Url']);
      expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: out['Mapping'] }))).BatchSize).toBe(10);
      expect(
        (await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: out['Fn'] }))).MaximumRetryAttempts,
      ).toBe(1);
      expect(
        (await lambda.send(new GetPolicyCommand({ FunctionName: out['Fn'], Qualifier: 'live' }))).Policy,
      ).toContain('lambda:InvokeFunctionUrl');
      const logs = new CloudWatchLogsClient({
        endpoint: server.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: out['LogGroup'] }));
      expect(groups.logGroups![0]!.retentionInDays).toBe(7);

      const types = (await cfn.send(new ListStackResourcesCommand({ StackName: 'res' }))).StackResourceSummaries!
        .length;
      expect(types).toBe(14);
      await cfn.send(new DeleteStackCommand({ StackName: 'res' }));
      const lines = await eventLines(cfn, s.StackId!, true);
      expect(lines.at(-1)).toBe('res DELETE_COMPLETE');
      const ecr = new ECRClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      await expect(ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['cfn-repo'] }))).rejects.toThrow(
        /does not exist/,
      );
      // Deletion runs in reverse dependency order: the alias goes before the version, the version before the function.
      const order = lines.filter((l) => l.endsWith('DELETE_COMPLETE')).map((l) => l.split(' ')[0]);
      expect(order.indexOf('Url')).toBeLessThan(order.indexOf('Alias'));
      expect(order.indexOf('Alias')).toBeLessThan(order.indexOf('Version'));
      expect(order.indexOf('Version')).toBeLessThan(order.indexOf('Fn'));
      expect(order.indexOf('Fn')).toBeLessThan(order.indexOf('Role'));
    },
  );

  it('skips unsupported types only when the stack is tagged overcast:skip-unsupported=true', async () => {
    const body = `Resources:\n  Q:\n    Type: AWS::SNS::Topic\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  Q: { Value: !Ref Q }\n`;
    await expect(cfn.send(new CreateStackCommand({ StackName: 'skip', TemplateBody: body }))).rejects.toThrow(
      'Template format error: Unrecognized resource types: [AWS::SNS::Topic]. Overcast does not provide these resource types; tag the stack overcast:skip-unsupported=true to skip them.',
    );
    await cfn.send(
      new CreateStackCommand({
        StackName: 'skip',
        TemplateBody: body,
        Tags: [{ Key: 'overcast:skip-unsupported', Value: 'true' }],
      }),
    );
    const s = await waitStack(cfn, 'skip');
    expect(s.StackStatus).toBe('CREATE_COMPLETE');
    expect((await eventLines(cfn, 'skip', true)).join('\n')).toContain(
      'Q CREATE_IN_PROGRESS Overcast does not support AWS::SNS::Topic: skipped',
    );
  });
});
