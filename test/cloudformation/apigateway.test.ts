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

const template = (message: string, deployment = 'Deployment') => `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: { ZipFile: "exports.handler = async (e) => ({ statusCode: 200, body: '${message} ' + e.path });" }
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: { Name: rest, ApiKeySourceType: HEADER }
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: { RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items }
  GetItems:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: NONE
      ApiKeyRequired: true
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
  Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${Api}/*/*/*
  ${deployment}:
    Type: AWS::ApiGateway::Deployment
    DependsOn: GetItems
    Properties: { RestApiId: !Ref Api }
  Stage:
    Type: AWS::ApiGateway::Stage
    Properties: { RestApiId: !Ref Api, StageName: prod, DeploymentId: !Ref ${deployment} }
  Key:
    Type: AWS::ApiGateway::ApiKey
    DependsOn: Stage
    Properties: { Enabled: true, Value: key-value-0123456789, StageKeys: [{ RestApiId: !Ref Api, StageName: prod }] }
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    DependsOn: Stage
    Properties: { ApiStages: [{ ApiId: !Ref Api, Stage: prod }], Throttle: { RateLimit: 100, BurstLimit: 50 } }
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: { KeyId: !Ref Key, KeyType: API_KEY, UsagePlanId: !Ref Plan }
Outputs:
  ApiId: { Value: !Ref Api }
  Root: { Value: !GetAtt Api.RootResourceId }
  KeyId: { Value: !GetAtt Key.APIKeyId }
`;

describe('API Gateway (REST) resources', () => {
  it(
    'provisions a REST API with a Lambda proxy method, stage, API key and usage plan',
    { timeout: 30_000 },
    async () => {
      await cfn.send(
        new CreateStackCommand({ StackName: 'rest', TemplateBody: template('v1'), Capabilities: ['CAPABILITY_IAM'] }),
      );
      const s = await waitStack(cfn, 'rest');
      expect(s.StackStatus, (await eventLines(cfn, 'rest', true)).join('\n')).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue]));
      expect(out['Root']).toMatch(/^[a-z0-9]+$/);
      const url = `${server.endpoint}/_aws/execute-api/${out['ApiId']}/prod/items`;
      expect((await fetch(url)).status).toBe(403);
      const ok = await fetch(url, { headers: { 'x-api-key': 'key-value-0123456789' } });
      expect(await ok.text()).toBe('v1 /items');

      // A new deployment (new logical id, as SAM does) moves the stage; the old deployment is cleaned up.
      await cfn.send(
        new UpdateStackCommand({
          StackName: 'rest',
          TemplateBody: template('v2', 'Deployment2'),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const u = await waitStack(cfn, 'rest');
      expect(u.StackStatus, (await eventLines(cfn, 'rest', true)).join('\n')).toBe('UPDATE_COMPLETE');
      const ok2 = await fetch(url, { headers: { 'x-api-key': 'key-value-0123456789' } });
      expect(await ok2.text()).toBe('v2 /items');

      await cfn.send(new DeleteStackCommand({ StackName: 'rest' }));
      const lines = await eventLines(cfn, u.StackId!, true);
      expect(lines.at(-1)).toBe('rest DELETE_COMPLETE');
      expect(lines.filter((l) => l.includes('DELETE_FAILED'))).toEqual([]);
      expect((await fetch(url, { headers: { 'x-api-key': 'key-value-0123456789' } })).status).not.toBe(200);
    },
  );
});
