// `overcast deploy` inlines `Fn::Transform: AWS::Include` of local files, as `sam package` does: an
// HTTP API whose OpenAPI definition (with intrinsic functions in it) lives in its own file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, inlineIncludes } from '../../src/cli/deploy.js';
import { rawSend } from '../helpers/raw-http.js';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      DefinitionBody:
        'Fn::Transform':
          Name: AWS::Include
          Parameters:
            Location: openapi/api.yaml
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async (e) => ({ statusCode: 200, body: 'hi ' + e.rawPath });"
      Events:
        Get:
          Type: HttpApi
          Properties: { ApiId: !Ref Api, Path: /hello, Method: GET }
Outputs:
  ApiId: { Value: !Ref Api }
`;

// The included file uses CloudFormation's short-form tags, resolved after the include.
const OPENAPI = `
openapi: "3.0.1"
info: { title: included, version: "1" }
paths:
  /hello:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        payloadFormatVersion: "2.0"
        uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Hello.Arn}/invocations
`;

describe('overcast deploy: AWS::Include of a local file', () => {
  let server: TestServer;
  const dir = tempDir('overcast-include-');
  beforeAll(async () => {
    server = await startTestServer();
    mkdirSync(join(dir.path, 'openapi'));
    writeFileSync(join(dir.path, 'template.yaml'), TEMPLATE);
    writeFileSync(join(dir.path, 'openapi', 'api.yaml'), OPENAPI);
  });
  afterAll(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('deploys the included definition and serves its route', async () => {
    const r = await deploy({
      template: join(dir.path, 'template.yaml'),
      stackName: 'included',
      client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
      quiet: true,
    });
    expect(r.status).toBe('CREATE_COMPLETE');
    const res = await rawSend(server.endpoint, {
      method: 'GET',
      path: `/_aws/execute-api/${r.outputs['ApiId']}/hello`,
    });
    expect([res.status, res.body.toString()]).toEqual([200, 'hi /hello']);
  }, 60_000);

  it('merges an include beside other keys, and leaves S3 locations to CloudFormation', () => {
    writeFileSync(join(dir.path, 'extra.json'), JSON.stringify({ b: 2 }));
    const s3 = { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://bucket/x.yaml' } } };
    expect(
      inlineIncludes(
        { m: { a: 1, 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 'extra.json' } } }, s3 },
        dir.path,
      ),
    ).toEqual({ m: { a: 1, b: 2 }, s3 });
  });
});
