import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, waitStack } from './helpers.js';

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

async function error(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

describe('Transform: AWS::Serverless-2016-10-31', () => {
  it(
    'deploys a SAM template through a change set (CodeUri as an Overcast::LocalPath directory)',
    { timeout: 30_000 },
    async () => {
      const code = join(dir.path, 'src');
      mkdirSync(code);
      writeFileSync(
        join(code, 'app.js'),
        `exports.handler = async () => ({ statusCode: 200, body: 'from ' + process.env.TABLE });`,
      );
      const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Items:
    Type: AWS::Serverless::SimpleTable
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${code}
      Handler: app.handler
      Runtime: nodejs20.x
      Environment: { Variables: { TABLE: !Ref Items } }
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: /hello, Method: GET }
Outputs:
  ApiId: { Value: !Ref ServerlessHttpApi }
  Table: { Value: !Ref Items }
`;
      const cs = await cfn.send(
        new CreateChangeSetCommand({
          StackName: 'sam',
          ChangeSetName: 'c1',
          ChangeSetType: 'CREATE',
          TemplateBody: template,
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: cs.Id }));
      const s = await waitStack(cfn, 'sam');
      expect(s.StackStatus, s.StackStatusReason).toBe('CREATE_COMPLETE');
      const resources = await cfn.send(new ListStackResourcesCommand({ StackName: 'sam' }));
      expect(resources.StackResourceSummaries!.map((r) => r.LogicalResourceId)).toEqual(
        expect.arrayContaining(['Hello', 'HelloRole', 'Items', 'ServerlessHttpApi']),
      );
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      const res = await fetch(`${server.endpoint}/_aws/execute-api/${out['ApiId']}/hello`);
      expect(await res.text()).toBe(`from ${out['Table']}`);
      // Editing the handler on disk is a change (the engine digests Overcast::LocalPath directories).
      writeFileSync(join(code, 'app.js'), `exports.handler = async () => ({ statusCode: 200, body: 'edited' });`);
      const cs2 = await cfn.send(
        new CreateChangeSetCommand({
          StackName: 'sam',
          ChangeSetName: 'c2',
          TemplateBody: template,
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const d2 = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: cs2.Id }));
      expect(d2.Changes!.map((c) => `${c.ResourceChange!.Action} ${c.ResourceChange!.LogicalResourceId}`)).toEqual([
        'Modify Hello',
      ]);
      await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: cs2.Id }));
      expect((await waitStack(cfn, 'sam')).StackStatus).toBe('UPDATE_COMPLETE');
      expect(await (await fetch(`${server.endpoint}/_aws/execute-api/${out['ApiId']}/hello`)).text()).toBe('edited');
      const processed = await cfn.send(new GetTemplateCommand({ StackName: 'sam', TemplateStage: 'Processed' }));
      expect(JSON.parse(processed.TemplateBody!).Resources.Hello.Type).toBe('AWS::Lambda::Function');
      const original = await cfn.send(new GetTemplateCommand({ StackName: 'sam' }));
      expect(original.TemplateBody).toBe(template);
    },
  );

  it('needs CAPABILITY_AUTO_EXPAND for CreateStack and reports transform errors', async () => {
    const body = `Transform: AWS::Serverless-2016-10-31\nResources:\n  T:\n    Type: AWS::Serverless::SimpleTable\n`;
    expect(await error(cfn.send(new CreateStackCommand({ StackName: 'samcaps', TemplateBody: body })))).toBe(
      'InsufficientCapabilitiesException: Requires capabilities : [CAPABILITY_AUTO_EXPAND]',
    );
    await cfn.send(
      new CreateStackCommand({ StackName: 'samcaps', TemplateBody: body, Capabilities: ['CAPABILITY_AUTO_EXPAND'] }),
    );
    expect((await waitStack(cfn, 'samcaps')).StackStatus).toBe('CREATE_COMPLETE');
    const broken = `Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: { Bogus: 1 }\n`;
    expect(
      await error(
        cfn.send(
          new CreateStackCommand({
            StackName: 'sambad',
            TemplateBody: broken,
            Capabilities: ['CAPABILITY_AUTO_EXPAND', 'CAPABILITY_IAM'],
          }),
        ),
      ),
    ).toMatch(/^ValidationError: Transform AWS::Serverless-2016-10-31 failed with: /);
    expect(await error(cfn.send(new DescribeStacksCommand({ StackName: 'sambad' })))).toBe(
      'ValidationError: Stack with id sambad does not exist',
    );
  });
  it(
    'deploys an AWS::Serverless::WebSocketApi whose $connect function decides the upgrade',
    { timeout: 30_000 },
    async () => {
      const template = `
Transform: AWS::Serverless-2016-10-31
Resources:
  OnConnect:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (event) => ({ statusCode: event.queryStringParameters?.deny ? 403 : 200 });
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      Routes:
        $connect:
          FunctionArn: !GetAtt OnConnect.Arn
        sendMessage:
          FunctionArn: !GetAtt OnConnect.Arn
Outputs:
  ApiId: { Value: !Ref Chat }
  Stage: { Value: !Ref Chat.Stage }
`;
      await cfn.send(
        new CreateStackCommand({
          StackName: 'samws',
          TemplateBody: template,
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        }),
      );
      const s = await waitStack(cfn, 'samws');
      expect(s.StackStatus, s.StackStatusReason).toBe('CREATE_COMPLETE');
      const ids = (await cfn.send(new ListStackResourcesCommand({ StackName: 'samws' }))).StackResourceSummaries!.map(
        (r) => r.LogicalResourceId,
      );
      // The translator's logical ids: the route key capitalised as Python's str.capitalize does.
      expect(ids).toEqual(
        expect.arrayContaining([
          'Chat',
          'ChatDefaultStage',
          'ChatConnectRoute',
          'ChatConnectIntegration',
          'ChatConnectPermission',
          'ChatSendmessageRoute',
        ]),
      );
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      expect(out['Stage']).toBe('default');
      const url = `${server.endpoint.replace('http', 'ws')}/_aws/execute-api/${out['ApiId']}/default`;
      const attempt = (q: string): Promise<string> =>
        new Promise((resolve) => {
          const ws = new WebSocket(url + q);
          ws.on('open', () => {
            ws.close();
            resolve('open');
          });
          ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
          ws.on('error', (e) => resolve(`error ${e.message}`));
        });
      expect(await attempt('')).toBe('open');
      expect(await attempt('?deny=1')).toBe('refused 403');
    },
  );
});
