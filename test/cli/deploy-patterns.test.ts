// `overcast deploy` on what published SAM templates lean on (found deploying aws-samples/serverless-patterns):
// an esbuild-built TypeScript handler whose imports resolve through package.json (devDependencies too),
// an OpenAPI DefinitionBody without `info`, `AttributeType: N` in YAML, Scheduler's `rate(5 minute)`, and a
// Python function's requirements.txt.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cli/deploy.js';
import type { CliError } from '../../src/cli/output/cli-error.js';
import { rawSend } from '../helpers/raw-http.js';
import { makeZip } from '../helpers/zip.js';
import { functionPythonCan } from '../helpers/python.js';
import { startTestServer, tempDir, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

// pip for the python3 functions run on (deploy installs requirements.txt with it).
const WITH_PY = functionPythonCan(
  12,
  ['-m', 'pip', '--version'],
  'requirements.txt deploy check',
  'apt-get install python3-pip',
);
const PY_FUNCTION = `  Py:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: py/
      Handler: app.handler
      Runtime: python3.12
      Events:
        Py:
          Type: Api
          Properties: { RestApiId: !Ref Api, Path: /py, Method: get }
`;

// With no `info` the translator leaves the body's paths as written: the Python route is written out too.
const PY_PATH = `          /py:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Py.Arn}/invocations`;

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
${WITH_PY ? PY_PATH : ''}
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
${WITH_PY ? PY_FUNCTION : ''}  Numbers:
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
    // A Python function whose requirements.txt names a local wheel (pip installs it without a network).
    const py = join(dir.path, 'py');
    mkdirSync(py);
    const record = ['greetpy/__init__.py,,', 'greetpy-1.0.dist-info/METADATA,,', 'greetpy-1.0.dist-info/WHEEL,,'];
    const wheel = await makeZip({
      'greetpy/__init__.py': "def greet(who):\n    return 'hello ' + who\n",
      'greetpy-1.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: greetpy\nVersion: 1.0\n',
      'greetpy-1.0.dist-info/WHEEL': 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
      'greetpy-1.0.dist-info/RECORD': [...record, 'greetpy-1.0.dist-info/RECORD,,', ''].join('\n'),
    });
    writeFileSync(join(py, 'greetpy-1.0-py3-none-any.whl'), wheel);
    writeFileSync(join(py, 'requirements.txt'), '# as sam build reads it\n./greetpy-1.0-py3-none-any.whl\n');
    writeFileSync(
      join(py, 'app.py'),
      "from greetpy import greet\n\ndef handler(event, context):\n    return {'statusCode': 200, 'body': greet('from python')}\n",
    );
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
    if (WITH_PY) {
      const py = await rawSend(server.endpoint, {
        method: 'GET',
        path: `/_aws/execute-api/${r.outputs['ApiId']}/prod/py`,
      });
      expect([py.status, py.body.toString()]).toEqual([200, 'hello from python']);
    }
    const table = await server.ddb.send(new DescribeTableCommand({ TableName: r.outputs['Table'] }));
    expect(table.Table!.AttributeDefinitions).toEqual([{ AttributeName: 'n', AttributeType: 'N' }]);

    // Deployed again with nothing changed, the installs are kept: their stamps are still there.
    const stamps = [
      join(dir.path, '.overcast', 'deps', 'Fn', '.overcast-package.json'),
      ...(WITH_PY ? [join(dir.path, '.overcast', 'build', 'Py', '.overcast-requirements.txt')] : []),
    ];
    for (let i = 0; i < 2; i++) {
      const again = await deploy({
        template: join(dir.path, 'template.yaml'),
        stackName: 'patterns',
        client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
        quiet: true,
      });
      expect(again.status).toMatch(/_COMPLETE$/);
      expect(stamps.map((f) => [f, existsSync(f)])).toEqual(stamps.map((f) => [f, true]));
    }
  }, 120_000);

  /** Writes `files` to a fresh folder and deploys its template.yaml; resolves to the result or the error. */
  async function deployFiles(files: Record<string, string>, stackName: string): Promise<unknown> {
    const here = tempDir();
    try {
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(join(here.path, name, '..'), { recursive: true });
        writeFileSync(join(here.path, name), text);
      }
      return await deploy({
        template: join(here.path, 'template.yaml'),
        stackName,
        client: { endpoint: server.endpoint, region: 'us-east-1', ...TEST_CREDENTIALS },
        quiet: true,
      }).catch((e: unknown) => e);
    } finally {
      here.cleanup();
    }
  }

  // `CodeUri: .` (unquoted) packages the template's own folder: the YAML reads it as the string ".",
  // and its dependencies install into .overcast/ inside that folder (dynamodb-streams-lambda-eventbridge-sam-node).
  it('deploys a function whose CodeUri is the template folder itself, dependencies installed', async () => {
    const r = (await deployFiles(
      {
        'vendor/shout/package.json': JSON.stringify({ name: 'shout', version: '1.0.0', main: 'index.js' }),
        'vendor/shout/index.js': `exports.shout = (s) => s.toUpperCase() + '!';`,
        'package.json': JSON.stringify({
          name: 'app',
          version: '1.0.0',
          dependencies: { shout: 'file:./vendor/shout' },
        }),
        'app.js': `const { shout } = require('shout');\nexports.handler = async () => ({ statusCode: 200, body: shout('dot') });\n`,
        'template.yaml':
          'Transform: AWS::Serverless-2016-10-31\nResources:\n  Dot:\n    Type: AWS::Serverless::Function\n' +
          '    Properties:\n      CodeUri: .\n      Handler: app.handler\n      Runtime: nodejs20.x\n' +
          '      FunctionUrlConfig: { AuthType: NONE }\nOutputs:\n  Url: { Value: !GetAtt DotUrl.FunctionUrl }\n',
      },
      'dot',
    )) as Awaited<ReturnType<typeof deploy>>;
    expect(r.status).toBe('CREATE_COMPLETE');
    const id = /^https?:\/\/([a-z0-9]{32})\.lambda-url\./.exec(r.outputs['Url']!)![1];
    const res = await rawSend(server.endpoint, { method: 'GET', path: `/_aws/lambda-url/${id}/` });
    expect([res.status, res.body.toString()]).toEqual([200, 'DOT!']);
  }, 120_000);

  // Templates name public layers of other AWS accounts (Lambda Insights, the web adapter).
  it('says what to do about a layer published in another account', async () => {
    const err = await deployFiles(
      {
        'app.js': 'exports.handler = async () => 1;\n',
        'template.yaml':
          'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n' +
          '    Properties:\n      CodeUri: .\n      Handler: app.handler\n      Runtime: nodejs20.x\n' +
          '      Layers: [arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38]\n',
      },
      'public-layer',
    );
    expect((err as Error).message).toContain(
      'Layer version arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38 does not exist.',
    );
    expect((err as CliError).hint).toContain(
      'arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38 is not on this server',
    );
  });

  // Many published templates take parameters without defaults (a domain name, an app id).
  it('names the parameters a template still needs, with the flag that gives them', async () => {
    const err = await deployFiles(
      {
        'template.yaml':
          'Parameters:\n  AppId: { Type: String }\n  Zone: { Type: String }\n  Env: { Type: String, Default: dev }\n' +
          'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n',
      },
      'needs-params',
    );
    expect((err as Error).message).toBe('ValidationError: Parameters: [AppId, Zone] must have values');
    expect((err as CliError).hint).toBe(
      'give them values: --parameter-overrides AppId=<value> Zone=<value> (or parameter_overrides in samconfig.toml)',
    );
  });
});
