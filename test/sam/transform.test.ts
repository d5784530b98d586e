// The SAM transform on our own templates: logical ids and shapes, errors, and a differential check
// against python3's aws-sam-translator (a test oracle only; skipped loudly when absent).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/services/cloudformation/sam/compare.js';
import { parseTemplate } from '../../src/services/cloudformation/sam/template-file.js';
import { transformSam } from '../../src/services/cloudformation/sam/transform.js';
import { ROOT } from '../helpers/process.js';

const opts = { parameters: {}, account: '123456789012', region: 'us-east-1', stackName: 'app' };

const APP = `
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    Timeout: 10
Resources:
  Items:
    Type: AWS::Serverless::SimpleTable
  ApiFn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/api.zip
      Handler: index.handler
      AutoPublishAlias: live
      Policies:
        - DynamoDBCrudPolicy:
            TableName: !Ref Items
      Environment:
        Variables:
          TABLE: !Ref Items
      Events:
        List:
          Type: HttpApi
          Properties:
            Path: /items
            Method: get
        Rest:
          Type: Api
          Properties:
            Path: /items/{id}
            Method: get
  Cron:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 1"
      Handler: index.handler
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
Outputs:
  Url:
    Value: !Sub https://\${ServerlessHttpApi}.execute-api.\${AWS::Region}.amazonaws.com/
`;

describe('transformSam', () => {
  it('produces the translator logical ids', () => {
    const out = transformSam(parseTemplate(APP), opts) as any;
    const ids = Object.keys(out.Resources);
    for (const id of [
      'Items',
      'ApiFn',
      'ApiFnRole',
      'ApiFnAliaslive',
      'ApiFnListPermission',
      'ApiFnRestPermissionProd',
      'ServerlessHttpApi',
      'ServerlessHttpApiApiGatewayDefaultStage',
      'ServerlessRestApi',
      'ServerlessRestApiProdStage',
      'Cron',
      'CronRole',
      'CronTick',
      'CronTickPermission',
    ])
      expect(ids).toContain(id);
    expect(ids.some((i) => /^ApiFnVersion[0-9a-f]{10}$/.test(i))).toBe(true);
    expect(ids.some((i) => /^ServerlessRestApiDeployment[0-9a-f]{10}$/.test(i))).toBe(true);
    expect(out.Resources.ApiFn.Properties.Timeout).toBe(10);
    expect(out.Resources.ApiFnRole.Properties.ManagedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    expect(out.Resources.ApiFnRole.Properties.Policies[0].PolicyName).toBe('ApiFnRolePolicy0');
    expect(out.Transform).toBeUndefined();
  });

  it('keeps a local CodeUri as the Overcast::LocalPath extension', () => {
    const t = parseTemplate(`Transform: AWS::Serverless-2016-10-31
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: /abs/src, Handler: index.handler, Runtime: nodejs20.x }`);
    expect((transformSam(t, opts) as any).Resources.F.Properties.Code).toEqual({ 'Overcast::LocalPath': '/abs/src' });
  });

  it('reports errors the way AWS words them', () => {
    const t = parseTemplate(`Resources:
  F:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: nodejs20.x }
  A:
    Type: AWS::Serverless::Api
    Properties: { StageName: Prod, DefinitionUri: s3://b/k, DefinitionBody: {} }`);
    expect(() => transformSam(t, opts)).toThrow(
      /^Invalid Serverless Application Specification document\. Number of errors found: 2\. Resource with id \[F\] is invalid\..*Resource with id \[A\] is invalid\./,
    );
  });
});

let oracle = true;
try {
  execFileSync('python3', ['-c', 'import samtranslator'], { stdio: 'ignore' });
} catch {
  oracle = false;
  console.warn('SKIPPED differential SAM test: python3 with aws-sam-translator is not installed');
}

const PY = `
import json, sys
from samtranslator.translator.transform import transform
class Loader:
    def load(self): return {}
t = json.load(sys.stdin)
print(json.dumps(transform(t, {}, Loader())))
`;

describe.skipIf(!oracle)('differential: aws-sam-translator as oracle', () => {
  it('matches on the example app', () => {
    const input = parseTemplate(APP);
    const theirs = JSON.parse(
      execFileSync('python3', ['-c', PY], {
        input: JSON.stringify(input),
        env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' },
      }).toString(),
    );
    const ours = transformSam(input, opts);
    expect(normalise(ours)).toEqual(normalise(theirs));
  });

  it('matches on examples/ (the npm start app), code locations as S3 URIs', () => {
    const input = parseTemplate(readFileSync(join(ROOT, 'examples', 'template.yaml'), 'utf8')) as any;
    for (const r of Object.values<any>(input.Resources))
      if (r.Type === 'AWS::Serverless::Function') r.Properties.CodeUri = 's3://bucket/code.zip';
    const theirs = JSON.parse(
      execFileSync('python3', ['-c', PY], {
        input: JSON.stringify(input),
        env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' },
      }).toString(),
    );
    expect(normalise(transformSam(input, opts))).toEqual(normalise(theirs));
  });
});
