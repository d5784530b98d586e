import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
});
afterAll(async () => server?.stop());

// The function records every request in a table, so the test sees Create, Update and Delete.
const template = (size: string, fail = false) => `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Log:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
  NodeFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment: { Variables: { TABLE: !Ref Log } }
      Code:
        ZipFile: |
          const response = require('cfn-response');
          const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
          const ddb = new DynamoDBClient({});
          exports.handler = async (event, context) => {
            await ddb.send(new PutItemCommand({ TableName: process.env.TABLE, Item: {
              id: { S: event.RequestId }, type: { S: event.RequestType }, physical: { S: event.PhysicalResourceId || '-' } } }));
            if (event.ResourceProperties.Fail === 'true') return response.send(event, context, response.FAILED, {});
            const size = event.ResourceProperties.Size;
            await response.send(event, context, response.SUCCESS, { Doubled: String(Number(size) * 2), Type: typeof size }, 'thing-' + size);
          };
  PyFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.11
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
          import cfnresponse
          def handler(event, context):
              cfnresponse.send(event, context, cfnresponse.SUCCESS, {"Greeting": "hi " + event["ResourceProperties"]["Name"]}, "py-thing")
  Thing:
    Type: Custom::Thing
    Properties: { ServiceToken: !GetAtt NodeFn.Arn, Size: ${size}, Fail: ${fail} }
  PyThing:
    Type: AWS::CloudFormation::CustomResource
    Properties: { ServiceToken: !GetAtt PyFn.Arn, Name: py }
Outputs:
  Ref: { Value: !Ref Thing }
  Doubled: { Value: !GetAtt Thing.Doubled }
  Type: { Value: !GetAtt Thing.Type }
  Greeting: { Value: !GetAtt PyThing.Greeting }
  Table: { Value: !Ref Log }
`;

describe('custom resources', () => {
  it(
    'runs Lambda-backed custom resources through create, update (replacement), failure and delete',
    { timeout: 60_000 },
    async () => {
      await cfn.send(
        new CreateStackCommand({ StackName: 'custom', TemplateBody: template('2'), Capabilities: ['CAPABILITY_IAM'] }),
      );
      const s = await waitStack(cfn, 'custom');
      expect(s.StackStatus, (await eventLines(cfn, 'custom', true)).join('\n')).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      expect(out).toMatchObject({ Ref: 'thing-2', Doubled: '4', Type: 'string', Greeting: 'hi py' });

      await cfn.send(
        new UpdateStackCommand({ StackName: 'custom', TemplateBody: template('5'), Capabilities: ['CAPABILITY_IAM'] }),
      );
      const u = await waitStack(cfn, 'custom');
      expect(u.StackStatus).toBe('UPDATE_COMPLETE');
      expect(u.Outputs!.find((o) => o.OutputKey === 'Ref')!.OutputValue).toBe('thing-5');
      // The new physical id replaced the old one: the function got a Delete for thing-2 in the cleanup.
      const lines = await eventLines(cfn, 'custom');
      expect(lines.slice(-4)).toEqual([
        'custom UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
        'Thing DELETE_IN_PROGRESS',
        'Thing DELETE_COMPLETE',
        'custom UPDATE_COMPLETE',
      ]);

      await cfn.send(
        new UpdateStackCommand({
          StackName: 'custom',
          TemplateBody: template('6', true),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const f = await waitStack(cfn, 'custom');
      expect(f.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
      expect((await eventLines(cfn, 'custom', true)).join('\n')).toMatch(
        /Thing UPDATE_FAILED Received response status \[FAILED\] from custom resource\. Message returned: See the details in CloudWatch Log Stream: .+ \(RequestId: [0-9a-f-]{36}\)/,
      );

      const scan = await server.ddb.send(
        new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: out['Table'] }),
      );
      const requests = scan.Items!.map((i) => `${i['type']!.S} ${i['physical']!.S}`).sort();
      expect(requests).toEqual(['Create -', 'Delete thing-2', 'Update thing-2', 'Update thing-5', 'Update thing-5']);

      await cfn.send(new DeleteStackCommand({ StackName: 'custom' }));
      expect((await eventLines(cfn, s.StackId!)).at(-1)).toBe('custom DELETE_COMPLETE');
    },
  );
});

// AWS's Node.js cfn-response module (and every copy packaged with a function) PUTs to ResponseURL with
// https.request on port 443; so does hand-written code, with `import { request } from 'node:https'` too.
const HTTPS_TEMPLATE = `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  CjsFn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code:
        ZipFile: |
          const https = require('https');
          exports.handler = (event, context) => new Promise((resolve, reject) => {
            const body = JSON.stringify({ Status: 'SUCCESS', PhysicalResourceId: 'cjs-thing', StackId: event.StackId,
              RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: { Via: 'https.request' } });
            const url = new URL(event.ResponseURL);
            const req = https.request({ hostname: url.hostname, port: 443, path: url.pathname + url.search, method: 'PUT',
              headers: { 'content-type': '', 'content-length': body.length } }, (res) => { res.resume(); res.on('end', resolve); });
            req.on('error', reject);
            req.write(body);
            req.end();
          });
  Cjs:
    Type: Custom::Cjs
    Properties: { ServiceToken: !GetAtt CjsFn.Arn }
Outputs:
  Ref: { Value: !Ref Cjs }
  Via: { Value: !GetAtt Cjs.Via }
`;

describe('custom resources answering over https', () => {
  it('reaches the response URL from https.request on port 443, as packaged cfn-response modules send', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'custom-https',
        TemplateBody: HTTPS_TEMPLATE,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const s = await waitStack(cfn, 'custom-https');
    expect(s.StackStatus, (await eventLines(cfn, 'custom-https', true)).join('\n')).toBe('CREATE_COMPLETE');
    expect(Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]))).toEqual({
      Ref: 'cjs-thing',
      Via: 'https.request',
    });
  }, 30_000);
});
