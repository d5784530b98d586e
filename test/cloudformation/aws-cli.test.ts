import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { AWS_CLI, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines } from './helpers.js';

const run = promisify(execFile);
let server: TestServer;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  server = await startTestServer();
  dir = tempDir();
});
afterAll(async () => {
  await server?.stop();
  dir?.cleanup();
});

/** `aws cloudformation deploy` with the CLI v2, unchanged. */
async function deploy(template: string, extra: string[] = []): Promise<{ code: number; out: string }> {
  const file = join(dir.path, 'template.yaml');
  writeFileSync(file, template);
  return cli([
    'cloudformation',
    'deploy',
    '--template-file',
    file,
    '--stack-name',
    'app',
    '--capabilities',
    'CAPABILITY_IAM',
    ...extra,
  ]);
}

/** `/usr/bin/aws <args> --endpoint-url <server>`: exit code and output. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(AWS_CLI, [...args, '--endpoint-url', server.endpoint], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
        AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
      },
    });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: err.stdout + err.stderr };
  }
}

const template = (message: string, extra = '') => `
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Greeting: { Type: String, Default: '${message}' }
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment:
        Variables: { GREETING: !Ref Greeting, TABLE: !Ref Table }
      Code:
        ZipFile: |
          exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ greeting: process.env.GREETING, table: process.env.TABLE }) });
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: { Name: app-api, ProtocolType: HTTP }
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: '2.0'
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /hello
      Target: !Sub integrations/\${Integration}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: { ApiId: !Ref Api, StageName: $default, AutoDeploy: true }
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*
${extra}
Outputs:
  ApiId: { Value: !Ref Api }
  Endpoint: { Value: !GetAtt Api.ApiEndpoint }
  TableName: { Value: !Ref Table }
`;

async function hello(apiId: string): Promise<unknown> {
  const res = await fetch(`${server.endpoint}/_aws/execute-api/${apiId}/hello`);
  expect(res.status).toBe(200);
  return res.json();
}

describe.skipIf(!hasAwsCli)('aws cloudformation deploy (CLI v2, unchanged)', () => {
  it(
    'deploys a function, a table and an HTTP API; a failed update rolls back and the old version keeps serving',
    { timeout: 60_000 },
    async () => {
      const cfn = cfnClient(server.endpoint);
      const t0 = Date.now();
      const first = await deploy(template('hello'));
      const took = Date.now() - t0;
      expect(first.out).toContain('Successfully created/updated stack - app');
      expect(first.code).toBe(0);
      console.log(`aws cloudformation deploy (create, 9 resources): ${took} ms`);
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0]!;
      expect(stack.StackStatus).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      expect(out['Endpoint']).toContain(`${out['ApiId']}.execute-api.`);
      expect(await hello(out['ApiId']!)).toEqual({ greeting: 'hello', table: out['TableName'] });

      // A parameter override updates the function in place.
      const second = await deploy(template('hello'), ['--parameter-overrides', 'Greeting=bonjour']);
      expect(second.code, second.out).toBe(0);
      expect(await hello(out['ApiId']!)).toEqual({ greeting: 'bonjour', table: out['TableName'] });

      // No changes: the CLI reports it and exits 0.
      const same = await deploy(template('hello'), ['--parameter-overrides', 'Greeting=bonjour']);
      expect(same.code).toBe(0);
      expect(same.out).toContain('No changes to deploy. Stack app is up to date');

      // A failing resource rolls the update back; the previous version keeps serving.
      const bad = `  Broken:
    Type: AWS::Lambda::Function
    DependsOn: Fn
    Properties: { Runtime: nodejs20.x, Handler: index.handler, Role: not-an-arn, Code: { ZipFile: x } }`;
      const failed = await deploy(template('hello', bad), ['--parameter-overrides', 'Greeting=hola']);
      expect(failed.code).not.toBe(0);
      expect(failed.out).toContain('Failed to create/update the stack');
      const after = (await cfn.send(new DescribeStacksCommand({ StackName: 'app' }))).Stacks![0]!;
      expect(after.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      const lines = await eventLines(cfn, 'app');
      expect(lines.slice(-6)).toEqual([
        'Fn UPDATE_IN_PROGRESS',
        'Fn UPDATE_COMPLETE',
        'app UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
        'Broken DELETE_IN_PROGRESS',
        'Broken DELETE_COMPLETE',
        'app UPDATE_ROLLBACK_COMPLETE',
      ]);
      expect(await hello(out['ApiId']!)).toEqual({ greeting: 'bonjour', table: out['TableName'] });
    },
  );
});
