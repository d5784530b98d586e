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
    // Causes ordered by logical id, as the translator's corpus records them.
    expect(() => transformSam(t, opts)).toThrow(
      /^Invalid Serverless Application Specification document\. Number of errors found: 2\. Resource with id \[A\] is invalid\..*Resource with id \[F\] is invalid\./,
    );
  });

  it("rejects malformed events and buckets with the translator's messages, never a JavaScript error", () => {
    const msg = (yaml: string): string => {
      try {
        transformSam(parseTemplate(yaml), opts);
      } catch (e) {
        return (e as Error).message.replace(/^Invalid Serverless Application Specification document\. /, '');
      }
      return 'no error';
    };
    const fn = (events: string, extra = ''): string =>
      `Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: s3://b/k\n      Handler: i.h\n      Runtime: nodejs20.x\n      Events:\n${events}${extra}`;
    expect(msg(fn(`        E: { Type: HttpApi, Properties: '' }\n`))).toBe(
      'Number of errors found: 1. Resource with id [F] is invalid. Event with id [E] is invalid. Properties should be a map.',
    );
    expect(msg(fn(`        E: { Type: HttpApi, Properties: { Path: 12.5, Method: get } }\n`))).toContain(
      "Event with id [E] is invalid. Property 'Path' should be a string.",
    );
    expect(msg(fn(`        E: { Type: Api, Properties: { Path: /x } }\n`))).toContain(
      "Event with id [E] is invalid. Property 'Method' is required.",
    );
    expect(msg(fn(`        Q: { Type: SQS, Properties: { BatchSize: 1 } }\n`))).toBe(
      "Number of errors found: 1. Resource with id [FQ] is invalid. Missing required property 'Queue'.",
    );
    const bucket = (props: string): string =>
      fn(
        `        S: { Type: S3, Properties: { Bucket: !Ref B, Events: 's3:ObjectCreated:*' } }\n`,
        `  B:\n    Type: AWS::S3::Bucket\n${props}`,
      );
    expect(msg(bucket(`    Properties: { NotificationConfiguration: { LambdaConfigurations: {} } }\n`))).toContain(
      'Resource with id [B] is invalid. Invalid type for LambdaConfigurations. Must be a list.',
    );
    expect(msg(bucket(`    Properties: { NotificationConfiguration: nope }\n`))).toContain(
      "Resource with id [B] is invalid. Property 'NotificationConfiguration' should be a map.",
    );
  });

  it('reads YAML booleans as PyYAML does: yes/no/on/off/true/false, never the letters y and n', () => {
    const t = parseTemplate('A: N\nB: y\nC: yes\nD: Off\nE: TRUE\nF: "no"\nG: 2010-09-09\nH: NO\nI: n\nJ: False\n');
    expect(t).toEqual({
      A: 'N',
      B: 'y',
      C: true,
      D: false,
      E: true,
      F: 'no',
      G: '2010-09-09',
      H: false,
      I: 'n',
      J: false,
    });
  });

  it('reads YAML numbers as PyYAML does: `CodeUri: .` and leading-zero account ids stay strings', () => {
    const t = parseTemplate(
      [
        'A: .', // the CodeUri of many SAM templates (the yaml library's 1.1 schema made it NaN)
        'B: 012345678998', // an account id: not an octal number, not a decimal one either
        'C: 0',
        'D: 1_000',
        'E: -42',
        'F: 3.14',
        'G: 1.5e+3',
        'H: .5',
        'I: 1e5', // no dot: a string for PyYAML
        'J: 0x1F',
        'K: 017', // octal
        'L: .inf',
        'M: 5.',
        'N: -.',
        'O: 1.2.3',
        'P: 1_0.5',
      ].join('\n') + '\n',
    );
    expect(t).toEqual({
      A: '.',
      B: '012345678998',
      C: 0,
      D: 1000,
      E: -42,
      F: 3.14,
      G: 1500,
      H: 0.5,
      I: '1e5',
      J: 31,
      K: 15,
      L: Infinity,
      M: 5,
      N: '-.',
      O: '1.2.3',
      P: 10.5,
    });
    // A function whose CodeUri is `.` is packaged from the template's folder, not refused.
    const fn = parseTemplate(
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n' +
        '    Properties: { CodeUri: ., Handler: app.handler, Runtime: nodejs20.x }\n',
    );
    expect((transformSam(fn, opts) as any).Resources.F.Properties.Code).toEqual({ 'Overcast::LocalPath': '.' });
  });

  it('words template-structure errors as the translator does, and passes typeless resources through', () => {
    const notMap = parseTemplate(`Resources:\n  F: just a string\n`);
    expect(() => transformSam(notMap, opts)).toThrow(
      "Invalid Serverless Application Specification document. Number of errors found: 1. Structure of the SAM template is invalid. All 'Resources' must be Objects. If you're using YAML, this may be an indentation issue.",
    );
    const badProps = parseTemplate(`Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties: [1]\n`);
    expect(() => transformSam(badProps, opts)).toThrow(
      "Number of errors found: 1. Resource with id [F] is invalid. Attribute 'Properties' should be a map.",
    );
    const typeless = parseTemplate(`Resources:\n  X:\n    Properties: { A: 1 }\n  Z:\n    Type: { Odd: 1 }\n`);
    expect((transformSam(typeless, opts) as any).Resources).toEqual({
      X: { Properties: { A: 1 } },
      Z: { Type: { Odd: 1 } },
    });
  });
});

/** WebSocket APIs, SNS through a queue, S3 events of a conditional function, Scheduler dead-letter queues. */
const EVENTS_APP = `
Transform: AWS::Serverless-2016-10-31
Conditions:
  OnlyHere: !Equals [!Ref AWS::Region, us-east-1]
Globals:
  WebSocketApi:
    Tags: { team: chat }
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties: { FifoTopic: true }
  Uploads:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://bucket/fn.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Fanout:
          Type: SNS
          Properties: { Topic: !Ref Topic, SqsSubscription: true }
        Direct:
          Type: SNS
          Properties: { Topic: !Ref Topic, FilterPolicy: { kind: [a] } }
        Tick:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(1 minute)
            DeadLetterConfig: { Type: SQS }
        Stream:
          Type: Kinesis
          Properties: { Stream: arn:aws:kinesis:us-east-1:123456789012:stream/s, StartingPosition: LATEST, DestinationConfig: null }
  Conditional:
    Type: AWS::Serverless::Function
    Condition: OnlyHere
    Properties:
      CodeUri: s3://bucket/fn.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Put:
          Type: S3
          Properties: { Bucket: !Ref Uploads, Events: [s3:ObjectCreated:*, s3:ObjectRemoved:*] }
  Chat:
    Type: AWS::Serverless::WebSocketApi
    Properties:
      RouteSelectionExpression: $request.body.action
      PropagateTags: true
      StageName: prod
      RouteSettings: { sendMessage: { ThrottlingBurstLimit: 10 } }
      Auth: { AuthType: CUSTOM, AuthArn: !GetAtt Fn.Arn, IdentitySource: [route.request.header.Auth] }
      Routes:
        $connect: { FunctionArn: !GetAtt Fn.Arn }
        $disconnect: { FunctionArn: !GetAtt Fn.Arn }
        sendMessage: { FunctionArn: !GetAtt Fn.Arn, IntegrationTimeout: 5000 }
Outputs:
  Stage: { Value: !Ref Chat.Stage }
`;

describe('transformSam: events and WebSocket APIs as the translator emits them', () => {
  const out = transformSam(parseTemplate(EVENTS_APP), opts) as any;
  const r = out.Resources;

  it('WebSocketApi: logical ids, tags, stage, routes, authorizer', () => {
    expect(r.Chat.Properties).toMatchObject({
      Name: 'Chat',
      ProtocolType: 'WEBSOCKET',
      Tags: { team: 'chat', 'websocketapi:createdBy': 'SAM' },
    });
    expect(r.ChatprodStage.Properties.Tags).toEqual({ team: 'chat', 'websocketapi:createdBy': 'SAM' });
    expect(r.ChatprodStage.DependsOn.sort()).toEqual([
      'ChatConnectRoute',
      'ChatDisconnectRoute',
      'ChatSendmessageRoute',
    ]);
    expect(r.ChatConnectRoute.Properties).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: 'ChatConnectAuthorizer' },
    });
    expect(r.ChatSendmessageRoute.Properties.Target).toEqual({
      'Fn::Join': ['/', ['integrations', { Ref: 'ChatSendmessageIntegration' }]],
    });
    expect(r.ChatSendmessageIntegration.Properties.TimeoutInMillis).toBe(5000);
    expect(r.ChatSendmessagePermission.Properties.SourceArn).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Chat.ApiId}/prod/sendMessage',
    });
    expect(r.ChatAuthorizerPermission.Type).toBe('AWS::Lambda::Permission');
    expect(out.Outputs.Stage.Value).toEqual({ Ref: 'ChatprodStage' });
  });

  it('WebSocketApi errors are worded as the translator words them', () => {
    const bad = (props: string): string => {
      try {
        transformSam(
          parseTemplate(`Resources:\n  W:\n    Type: AWS::Serverless::WebSocketApi\n    Properties: ${props}\n`),
          opts,
        );
      } catch (e) {
        return (e as Error).message.replace(/^.*Resource with id \[W\] is invalid\. /, '');
      }
      return 'no error';
    };
    expect(bad('{ Routes: { a: { FunctionArn: x } } }')).toBe("Missing required property 'RouteSelectionExpression'.");
    expect(bad('{ RouteSelectionExpression: x, Routes: { $nonsense: { FunctionArn: x } } }')).toBe(
      "Route key '$nonsense' must be alphanumeric. Only $connect, $disconnect, and $default special routes are supported.",
    );
    expect(bad('{ RouteSelectionExpression: x, StageName: $default, Routes: { a: { FunctionArn: x } } }')).toBe(
      'Stages cannot be named $default for WebSocket APIs.',
    );
    expect(bad('{ RouteSelectionExpression: x, Auth: { AuthType: AWS_IAM }, Routes: { a: { FunctionArn: x } } }')).toBe(
      'Authorization is only available if there is a $connect route.',
    );
    expect(bad('{ RouteSelectionExpression: x, Routes: { a: {} } }')).toBe('Route must have associated function.');
  });

  it('SNS with SqsSubscription: a queue (FIFO for a FIFO topic), its policy, the subscription and a mapping', () => {
    expect(r.FnFanoutQueue.Properties).toEqual({ FifoQueue: true });
    expect(r.FnFanout.Properties).toMatchObject({
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': ['FnFanoutQueue', 'Arn'] },
    });
    expect(r.FnFanoutQueuePolicy.Properties.Queues).toEqual([{ Ref: 'FnFanoutQueue' }]);
    expect(r.FnFanoutEventSourceMapping.Properties).toMatchObject({ BatchSize: 10, Enabled: true });
    expect(r.FnDirect.Properties).toMatchObject({ Protocol: 'lambda', FilterPolicy: { kind: ['a'] } });
    expect(r.FnRole.Properties.ManagedPolicyArns).toContain(
      'arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole',
    );
    expect(r.FnStream.Properties).not.toHaveProperty('DestinationConfig');
  });

  it('ScheduleV2 dead-letter queue: a new queue its role may send to', () => {
    expect(r.FnTickQueue.Type).toBe('AWS::SQS::Queue');
    expect(r.FnTick.Properties.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['FnTickQueue', 'Arn'] } });
    expect(r.FnTickRole.Properties.Policies.map((p: any) => p.PolicyName)).toEqual([
      'FnTickLambdaPolicy',
      'FnTickSQSPolicy',
    ]);
  });

  it('S3 events of a conditional function: conditional mappings and a tag in place of DependsOn', () => {
    expect(r.Uploads.DependsOn).toBeUndefined();
    expect(r.Uploads.Properties.Tags).toEqual([
      {
        Key: 'sam:ConditionalDependsOn:ConditionalPutPermission',
        Value: { 'Fn::If': ['OnlyHere', { Ref: 'ConditionalPutPermission' }, 'no dependency'] },
      },
    ]);
    const configs = r.Uploads.Properties.NotificationConfiguration.LambdaConfigurations;
    expect(configs).toHaveLength(2);
    expect(configs[0]['Fn::If'][0]).toBe('OnlyHere');
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

  it('matches on WebSocket APIs, SNS queues, conditional S3 events and Scheduler DLQs', () => {
    const input = parseTemplate(EVENTS_APP);
    const theirs = JSON.parse(
      execFileSync('python3', ['-c', PY], {
        input: JSON.stringify(input),
        env: { ...process.env, AWS_DEFAULT_REGION: 'us-east-1' },
      }).toString(),
    );
    expect(normalise(transformSam(input, opts))).toEqual(normalise(theirs));
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
