import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { decode, lambdaClient } from '../helpers/lambda.js';
import { cfnClient, eventLines, handlerReturning, waitStack } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

const template = (value: string) => `
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment: { Variables: { TABLE: !Ref Table } }
      Code:
        ZipFile: |
          ${handlerReturning(value)}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
Outputs:
  FnName: { Value: !Ref Fn }
  FnArn: { Value: !GetAtt Fn.Arn }
  TableStream: { Value: !GetAtt Table.StreamArn, Export: { Name: !Sub '\${AWS::StackName}-stream' } }
`;

describe('CloudFormation smoke', () => {
  it('creates a function, a table and a role', async () => {
    const cfn = cfnClient(server.endpoint);
    const t0 = Date.now();
    await cfn.send(
      new CreateStackCommand({ StackName: 'smoke', TemplateBody: template('one'), Capabilities: ['CAPABILITY_IAM'] }),
    );
    const s = await waitStack(cfn, 'smoke');
    console.log('create took', Date.now() - t0, 'ms');
    expect(s.StackStatus, JSON.stringify(await eventLines(cfn, 'smoke', true))).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
    expect(out['FnName']).toMatch(/^smoke-Fn-[A-Z0-9]{12}$/);
    expect(out['TableStream']).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/smoke-Table-/);
    const lambda = lambdaClient(server.endpoint);
    const res = await lambda.send(new InvokeCommand({ FunctionName: out['FnName'], Payload: Buffer.from('{"a":1}') }));
    expect(decode(res.Payload)).toMatchObject({ value: 'one', event: { a: 1 } });
    const table = out['TableStream']!.split('/')[1]!;
    const d = await server.ddb.send(new DescribeTableCommand({ TableName: table }));
    expect(d.Table?.StreamSpecification?.StreamViewType).toBe('NEW_IMAGE');
    const { Stacks } = await cfn.send(new DescribeStacksCommand({}));
    expect(Stacks!.map((x) => x.StackName)).toContain('smoke');
  });
});
