// `overcast deploy` on what published SAM templates lean on (found deploying aws-samples/serverless-patterns):
// an esbuild-built TypeScript handler whose imports resolve through package.json (devDependencies too),
// an OpenAPI DefinitionBody without `info`, `AttributeType: N` in YAML, and Scheduler's `rate(5 minute)`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cli/deploy.js';
import { rawSend } from '../helpers/raw-http.js';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        openapi: 3.0.1
        paths:
          /hi:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Fn.Arn}/invocations
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Hi:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /hi, Method: get }
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [app.ts]
  Numbers:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: n, AttributeType: N }]
      KeySchema: [{ AttributeName: n, KeyType: HASH }]
  Every5:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: rate(5 minute)
      FlexibleTimeWindow: { Mode: 'OFF' }
      Target: { Arn: !GetAtt Fn.Arn, RoleArn: arn:aws:iam::000000000000:role/scheduler }
Outputs:
  ApiId: { Value: !Ref Api }
  Table: { Value: !Ref Numbers }
`;

describe('overcast deploy: templates as serverless-patterns write them', () => {
  let server: TestServer;
  const dir = tempDir('overcast-patterns-');
  beforeAll(async () => {
    server = await startTestServer();
    const fn = join(dir.path, 'functions');
    const dep = join(fn, 'vendor', 'greet');
    mkdirSync(dep, { recursive: true });
    // A local package (no registry needed), declared as a devDependency: esbuild bundles it in.
    writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'greet', version: '1.0.0', main: 'index.js' }));
    writeFileSync(join(dep, 'index.js'), `exports.greet = (who) => 'hello ' + who;`);
    writeFileSync(
      join(fn, 'package.json'),
      JSON.stringify({ name: 'fn', version: '1.0.0', devDependencies: { greet: 'file:./vendor/greet' } }),
    );
    writeFileSync(
      join(fn, 'app.ts'),
      `import { greet } from 'greet';\nexport const handler = async (): Promise<{ statusCode: number; body: string }> => ({ statusCode: 200, body: greet('from ts') });\n`,
    );
    writeFileSync(join(dir.path, 'template.yaml'), TEMPLATE);
  });
  afterAll(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('deploys and serves them', async () => {
    const r = await deploy({
      template: join(dir.path, 'template.yaml'),
      stackName: 'patterns',
      client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
      quiet: true,
    });
    expect(r.status).toBe('CREATE_COMPLETE');
    const res = await rawSend(server.endpoint, {
      method: 'GET',
      path: `/_aws/execute-api/${r.outputs['ApiId']}/prod/hi`,
    });
    expect([res.status, res.body.toString()]).toEqual([200, 'hello from ts']);
    const table = await server.ddb.send(new DescribeTableCommand({ TableName: r.outputs['Table'] }));
    expect(table.Table!.AttributeDefinitions).toEqual([{ AttributeName: 'n', AttributeType: 'N' }]);
  }, 120_000);
});
