import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { decode, lambdaClient } from '../helpers/lambda.js';
import { cfnClient, waitStack } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

/** 10 functions (each reading one of 2 tables), their role, 2 tables. */
function template(version: string): string {
  let body = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
`;
  for (const t of ['A', 'B'])
    body += `  Table${t}:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: sk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }, { AttributeName: sk, KeyType: RANGE }]
      StreamSpecification: { StreamViewType: NEW_AND_OLD_IMAGES }
`;
  for (let i = 0; i < 10; i++)
    body += `  Fn${i}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      MemorySize: 256
      Environment: { Variables: { TABLE: !Ref Table${i % 2 ? 'B' : 'A'} } }
      Code: { ZipFile: 'exports.handler = async () => ({ fn: ${i}, version: "${i === 0 ? version : 'v1'}", table: process.env.TABLE });' }
`;
  body += `Outputs:\n  Fn0: { Value: !Ref Fn0 }\n`;
  return body;
}

describe('deploy speed', () => {
  it('deploys 10 functions and 2 tables, then redeploys one handler', { timeout: 60_000 }, async () => {
    const cfn = cfnClient(server.endpoint);
    // Warm the SDK client and the server's code paths with a throwaway stack.
    await cfn.send(
      new CreateStackCommand({ StackName: 'warm', TemplateBody: template('v0'), Capabilities: ['CAPABILITY_IAM'] }),
    );
    await waitStack(cfn, 'warm');
    await cfn.send(new DeleteStackCommand({ StackName: 'warm' }));

    const t0 = performance.now();
    await cfn.send(
      new CreateStackCommand({ StackName: 'speed', TemplateBody: template('v1'), Capabilities: ['CAPABILITY_IAM'] }),
    );
    const s = await waitStack(cfn, 'speed');
    const create = performance.now() - t0;
    expect(s.StackStatus).toBe('CREATE_COMPLETE');

    const t1 = performance.now();
    await cfn.send(
      new UpdateStackCommand({ StackName: 'speed', TemplateBody: template('v2'), Capabilities: ['CAPABILITY_IAM'] }),
    );
    const u = await waitStack(cfn, 'speed');
    const update = performance.now() - t1;
    expect(u.StackStatus).toBe('UPDATE_COMPLETE');
    const fn0 = (await cfn.send(new DescribeStacksCommand({ StackName: 'speed' }))).Stacks![0]!.Outputs![0]!
      .OutputValue!;
    const res = await lambdaClient(server.endpoint).send(new InvokeCommand({ FunctionName: fn0 }));
    expect(decode(res.Payload)).toMatchObject({ fn: 0, version: 'v2' });

    const t2 = performance.now();
    await cfn.send(new DeleteStackCommand({ StackName: 'speed' }));
    const del = performance.now() - t2;
    console.log(
      `13-resource stack (10 functions, 2 tables, 1 role): create ${create.toFixed(0)} ms, one-handler update ${update.toFixed(0)} ms, delete ${del.toFixed(0)} ms`,
    );
    // Target 1 s on an idle machine; the bound leaves room for a loaded CI box.
    expect(create).toBeLessThan(5_000);
  });
});
