// Real SAM apps: folders of aws-samples/serverless-patterns deployed unchanged through `overcast deploy`'s
// code path, then exercised as their READMEs describe. Set SERVERLESS_PATTERNS_REPO to a checkout (the
// pattern folders at its root); the test skips loudly without it. Results: docs/compat/sam.md.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GetApiKeyCommand, APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  AddLayerVersionPermissionCommand,
  GetEventSourceMappingCommand,
  InvokeCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
  PublishLayerVersionCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../src/cli/deploy.js';
import { functionPythonCan } from '../helpers/python.js';
import { signRequest } from '../../src/core/auth/sign.js';
import { rawSend } from '../helpers/raw-http.js';
import { makeZip } from '../helpers/zip.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';

const REPO = process.env['SERVERLESS_PATTERNS_REPO'];
const present = !!REPO && existsSync(join(REPO, 'apigw-rest-api-lambda-node'));

/** A Python pattern runs where its folder is in the checkout and the runtime's python3 has boto3; says so when not. */
function withPython(name: string): boolean {
  if (!present) return false;
  if (!existsSync(join(REPO!, name))) {
    console.warn(`SKIPPED serverless-patterns ${name}: not in ${REPO}`);
    return false;
  }
  return functionPythonCan(14, ['-c', 'import boto3'], `serverless-patterns ${name}`, 'apt-get install python3-boto3');
}

let server: TestServer;
/** System time plus an offset the SQS retry test moves forward (visibility timeouts without waiting). */
const clock = { offset: 0, now: () => Date.now() + clock.offset };
const region = 'us-east-1';

function templateOf(name: string): string {
  const dir = join(REPO!, name);
  const file = readdirSync(dir).find((f) => /^template\.(ya?ml|json)$/.test(f));
  if (!file) throw new Error(`no template in ${dir}`);
  return join(dir, file);
}

const deployPattern = (name: string): ReturnType<typeof deploy> =>
  deploy({
    template: templateOf(name),
    stackName: name,
    client: { endpoint: server.endpoint, region, ...TEST_CREDENTIALS },
    quiet: true,
  });

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await rawSend(server.endpoint, { method: 'GET', path, headers });
  return { status: res.status, text: res.body.toString() };
}

async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 25_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function deployError(name: string): Promise<string> {
  try {
    await deployPattern(name);
  } catch (e) {
    return (e as Error).message;
  }
  return 'deployed';
}

describe.skipIf(!present)('aws-samples/serverless-patterns through overcast deploy', () => {
  beforeAll(async () => {
    server = await startTestServer({}, { clock });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('apigw-rest-api-lambda-node: GET /Prod/hello answers from the function', async () => {
    const r = await deployPattern('apigw-rest-api-lambda-node');
    expect(r.status).toBe('CREATE_COMPLETE');
    const apiId = /https:\/\/([a-z0-9]+)\.execute-api/.exec(r.outputs['HelloWorldApi']!)![1]!;
    const res = await get(`/_aws/execute-api/${apiId}/Prod/hello`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ message: 'hello world' });
  }, 60_000);

  it('lambda-function-url: the AWS_IAM function URL answers a signed request and refuses an unsigned one', async () => {
    const r = await deployPattern('lambda-function-url');
    const url = new URL(r.outputs['FunctionURLEndpoint']!);
    const urlId = url.hostname.split('.')[0]!;
    const path = `/_aws/lambda-url/${urlId}/`;
    expect((await get(path)).status).toBe(403);
    const headers = signRequest({
      method: 'GET',
      url: new URL(path, server.endpoint),
      headers: {},
      body: '',
      region,
      service: 'lambda',
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
      now: Date.now(),
    });
    const res = await get(path, headers);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Hello World');
  }, 60_000);

  it('apigw-api-key: 403 without the key, 200 with it', async () => {
    const r = await deployPattern('apigw-api-key');
    const apiId = /https:\/\/([a-z0-9]+)\.execute-api/.exec(r.outputs['AppApiEndpoint']!)![1]!;
    expect((await get(`/_aws/execute-api/${apiId}/Prod`)).status).toBe(403);
    const keyId = await physicalId('apigw-api-key', 'ApiKey');
    const apigw = new APIGatewayClient({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS });
    const key = await apigw.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }));
    const res = await get(`/_aws/execute-api/${apiId}/Prod`, { 'x-api-key': key.value! });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ httpMethod: 'GET', path: '/' });
  }, 60_000);

  it('dynamodb-lambda: an item put in the table reaches the function through the stream', async () => {
    await deployPattern('dynamodb-lambda');
    const table = await physicalId('dynamodb-lambda', 'MyDynamoDBtable');
    const fn = await physicalId('dynamodb-lambda', 'DynamoDBProcessStreamFunction');
    await server.ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: 'pattern-item-1' } } }));
    const logs = new CloudWatchLogsClient({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS });
    const events = await until(
      async () =>
        logs
          .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }))
          .then((o) => o.events ?? [])
          .catch(() => []),
      (ev) => ev.some((e) => e.message?.includes('pattern-item-1')),
    );
    expect(events.some((e) => e.message?.includes('pattern-item-1'))).toBe(true);
  }, 60_000);

  // Deploys; the token authorizer is a callback-style handler, which the nodejs24.x runtime rejects
  // (Runtime.CallbackHandlerDeprecated), on AWS as here: every request gets the authorizer's 500.
  it('apigw-lambda-authorizer: deploys; its callback-style authorizer fails on nodejs24.x as on AWS', async () => {
    const r = await deployPattern('apigw-lambda-authorizer');
    expect(r.status).toBe('CREATE_COMPLETE');
    const apiId = /https:\/\/([a-z0-9]+)\.execute-api/.exec(r.outputs['AppApiEndpoint']!)![1]!;
    const res = await get(`/_aws/execute-api/${apiId}/Prod`, { authorizationToken: 'Bearer allow' });
    expect(res.status).toBe(500);
  }, 60_000);

  // `overcast deploy` installs src/package.json's dependencies (moment) as `sam build` does, but the
  // handlers also `require('aws-sdk')` (v2), which no current Node.js runtime provides (on AWS either).
  it('lambda-dynamodb and apigw-websocket-api-lambda deploy (their handlers need `npm install` first)', async () => {
    expect((await deployPattern('lambda-dynamodb')).status).toBe('CREATE_COMPLETE');
    const ws = await deployPattern('apigw-websocket-api-lambda');
    expect(ws.status).toBe('CREATE_COMPLETE');
    expect(ws.outputs['WebSocketURL']).toMatch(/^wss:\/\//);
  }, 60_000);

  // Upstream: CodeUri `src/handlers/` does not exist in the pattern (the handlers are in src/), so
  // `sam build` fails on it too.
  it('dynamodb-streams-lambda-event-filters: fails because its CodeUri folder is missing upstream', async () => {
    expect(await deployError('dynamodb-streams-lambda-event-filters')).toMatch(
      /ROLLBACK_COMPLETE.*Overcast::LocalPath .*src\/handlers does not exist/,
    );
  }, 60_000);

  it('sqs-lambda: a message sent to the queue is logged by the consumer', async () => {
    const r = await deployPattern('sqs-lambda');
    expect(r.status).toBe('CREATE_COMPLETE');
    const url = r.outputs['SQSqueueURL']!;
    const fn = r.outputs['QueueConsumerFunction']!;
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'Test message' }));
    const events = await logsUntil(fn, (m) => m.includes('"body":"Test message"'));
    const logged = events.find((e) => e.includes('"body":"Test message"'))!;
    const event = JSON.parse(logged.slice(logged.indexOf('{'))) as { Records: Array<Record<string, unknown>> };
    expect(event.Records[0]).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: r.outputs['SQSqueueARN'] });
  }, 60_000);

  it('sqs-lambda-nodejs-sam: ten messages are processed; an "error" message is retried then moved to the DLQ', async () => {
    const r = await deployPattern('sqs-lambda-nodejs-sam');
    expect(r.status).toBe('CREATE_COMPLETE');
    const url = r.outputs['ProcessingQueueURL']!;
    const fn = r.outputs['ProcessorFunctionName']!;
    for (let i = 1; i <= 10; i++)
      await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: `{"message": "Test message-${i}"}` }));
    const events = await logsUntil(fn, (m) => m.includes('Processed message: {"message": "Test message-10"}'));
    for (let i = 1; i <= 10; i++)
      expect(events.some((e) => e.includes(`Processed message: {"message": "Test message-${i}"}`))).toBe(true);
    // The README's failure path: a body containing "error" is reported in batchItemFailures, comes back
    // after the queue's 30 s visibility timeout, and after maxReceiveCount (3) receives lands in the DLQ.
    const dlq = r.outputs['ProcessingDLQARN']!.split(':').pop()!;
    const dlqUrl = (await sqs().send(new GetQueueUrlCommand({ QueueName: dlq }))).QueueUrl!;
    await sqs().send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'an error message' }));
    const receives = async (): Promise<number> =>
      Number(
        (await sqs().send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes?.[
          'ApproximateNumberOfMessagesNotVisible'
        ] ?? 0,
      );
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await until(receives, (n) => n === 1)).toBe(1);
      // Not deleted: the function reported it as failed.
      await new Promise((res) => setTimeout(res, 300));
      expect(await receives()).toBe(1);
      clock.offset += 31_000;
    }
    const moved = await until(
      async () =>
        (await sqs().send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, AttributeNames: ['All'] }))).Messages ?? [],
      (m) => m.length > 0,
    );
    expect(moved.map((m) => m.Body)).toEqual(['an error message']);
    expect(await receives()).toBe(0);
  }, 60_000);

  // Upstream: the handler `require('aws-sdk')` (v2), which nodejs24.x does not provide (on AWS either),
  // so the README's invoke returns Runtime.ImportModuleError and nothing reaches the queue.
  it('lambda-sqs: deploys; its aws-sdk v2 handler fails to load on nodejs24.x as on AWS', async () => {
    const r = await deployPattern('lambda-sqs');
    expect(r.status).toBe('CREATE_COMPLETE');
    const fn = r.outputs['QueuePublisherFunction']!;
    const out = await lambda().send(new InvokeCommand({ FunctionName: fn }));
    expect(out.FunctionError).toBe('Unhandled');
    expect(Buffer.from(out.Payload!).toString()).toContain('Runtime.ImportModuleError');
    expect(Buffer.from(out.Payload!).toString()).toContain("Cannot find module 'aws-sdk'");
    const got = await sqs().send(new ReceiveMessageCommand({ QueueUrl: r.outputs['SQSqueueURL']! }));
    expect(got.Messages ?? []).toEqual([]);
  }, 60_000);

  // Upstream: the handler `require('aws-sdk')` (v2), absent from nodejs24.x (on AWS too). The template
  // references another account's layer (graphicsmagick, account 175033217214), which a fresh Overcast
  // does not have: the test publishes a stand-in under that account so the template deploys unchanged.
  it('s3-sqs-lambda: a .jpg upload reaches the function through the queue (whose aws-sdk v2 handler fails as on AWS)', async () => {
    const layerOwner = new LambdaClient({
      endpoint: server.endpoint,
      region,
      credentials: { accessKeyId: '175033217214', secretAccessKey: 'x' },
    });
    const content = { ZipFile: await makeZip({ 'bin/README': 'stand-in for the graphicsmagick layer' }) };
    for (let v = 1; v <= 2; v++)
      await layerOwner.send(new PublishLayerVersionCommand({ LayerName: 'graphicsmagick', Content: content }));
    await layerOwner.send(
      new AddLayerVersionPermissionCommand({
        LayerName: 'graphicsmagick',
        VersionNumber: 2,
        StatementId: 'public',
        Action: 'lambda:GetLayerVersion',
        Principal: '*',
      }),
    );
    const r = await deploy({
      template: templateOf('s3-sqs-lambda'),
      stackName: 's3-sqs-lambda',
      parameterOverrides: ['SourceBucketName=sp-source QueueName=sp-resizer DestinationBucketName=sp-source-resized'],
      client: { endpoint: server.endpoint, region, ...TEST_CREDENTIALS },
      quiet: true,
    });
    expect(r.status).toBe('CREATE_COMPLETE');
    const fn = r.outputs['FunctionArn']!;
    const url = (await sqs().send(new GetQueueUrlCommand({ QueueName: 'sp-resizer' }))).QueueUrl!;
    const s3 = new S3Client({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS, forcePathStyle: true });
    // The README uploads a .png, which the template's `.jpg` suffix filter drops; a .jpg goes through.
    await s3.send(new PutObjectCommand({ Bucket: 'sp-source', Key: 'exampleImage.png', Body: 'png' }));
    await s3.send(new PutObjectCommand({ Bucket: 'sp-source', Key: 'photo 1.jpg', Body: 'jpg' }));
    const failures = await logsUntil(fn, (m) => m.includes('Runtime.ImportModuleError'));
    expect(failures.some((m) => m.includes("Cannot find module 'aws-sdk'"))).toBe(true);
    // Stop the trigger, let the failed messages come back, and read what S3 queued.
    const esm = (await lambda().send(new ListEventSourceMappingsCommand({ FunctionName: fn })))
      .EventSourceMappings![0]!;
    await lambda().send(new UpdateEventSourceMappingCommand({ UUID: esm.UUID!, Enabled: false }));
    await until(
      async () => (await lambda().send(new GetEventSourceMappingCommand({ UUID: esm.UUID! }))).State,
      (st) => st === 'Disabled',
    );
    clock.offset += 31_000;
    const bodies: string[] = [];
    await until(
      async () => {
        const got = await sqs().send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
        for (const m of got.Messages ?? []) bodies.push(m.Body!);
        return bodies.length;
      },
      (n) => n >= 2,
    );
    const events = bodies.map(
      (b) => JSON.parse(b) as { Event?: string; Records?: Array<{ eventName: string; s3: any }> },
    );
    expect(events.find((e) => e.Event === 's3:TestEvent')).toBeDefined();
    const put = events.find((e) => e.Records)!.Records![0]!;
    expect(put.eventName).toBe('ObjectCreated:Put');
    expect(put.s3.bucket.name).toBe('sp-source');
    expect(put.s3.object.key).toBe('photo+1.jpg');
    expect(bodies).toHaveLength(2);
  }, 60_000);

  // A bucket with EventBridge notifications on (`EventBridgeEnabled: True`) and a function on an
  // EventBridgeRule for `source: [aws.s3]`, whose handler reads the object the event names.
  it.runIf(present && existsSync(join(REPO!, 's3-eventbridge-direct')))(
    's3-eventbridge-direct: an upload reaches the function as an aws.s3 event on the default bus',
    async () => {
      const r = await deployPattern('s3-eventbridge-direct');
      expect(r.status).toBe('CREATE_COMPLETE');
      const bucket = r.outputs['SourceBucketName']!;
      const fn = r.outputs['FunctionArn']!;
      const s3 = new S3Client({
        endpoint: server.endpoint,
        region,
        credentials: TEST_CREDENTIALS,
        forcePathStyle: true,
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'input file.txt', Body: 'from S3' }));
      const logs = await logsUntil(fn, (m) => m.includes('"detail-type": "Object Created"'));
      const event = logs.find((m) => m.includes('"detail-type": "Object Created"'))!;
      expect(event).toContain('"source": "aws.s3"');
      expect(event).toContain(`"name": "${bucket}"`);
      expect(event).toContain('"key": "input file.txt"');
      // The handler's GetObject of that key succeeded: it logs the body stream of a 200 answer.
      const after = await logsUntil(fn, (m) => m.includes('statusCode: 200'));
      const body = after.find((m) => m.includes('statusCode: 200'))!;
      expect(body).toContain('input%20file.txt?x-id=GetObject');
    },
    60_000,
  );

  // An HTTP API whose OpenAPI definition is an `AWS::Include` of api.yaml, with a first-class
  // SQS-SendMessage integration; the queue triggers the function.
  it.runIf(present && existsSync(join(REPO!, 'apigw-sqs-lambda')))(
    'apigw-sqs-lambda: POST /submit goes to the queue (SQS-SendMessage) and on to the function',
    async () => {
      const r = await deployPattern('apigw-sqs-lambda');
      expect(r.status).toBe('CREATE_COMPLETE');
      const apiId = /^https:\/\/([a-z0-9]+)\.execute-api\./.exec(r.outputs['MyHttpApiEndpoint']!)![1]!;
      const res = await rawSend(server.endpoint, {
        method: 'POST',
        path: `/_aws/execute-api/${apiId}/submit`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ order: 42 }),
      });
      expect(res.status).toBe(200);
      const sent = JSON.parse(res.body.toString()) as {
        SendMessageResponse: { SendMessageResult: { MessageId: string } };
      };
      const id = sent.SendMessageResponse.SendMessageResult.MessageId;
      const logs = await logsUntil(r.outputs['MyLambdaFunction']!, (m) => m.includes(id));
      expect(logs.find((m) => m.includes(id))).toContain('{\\"order\\":42}');
    },
    60_000,
  );

  // An HTTP API whose route is an EventBridge-PutEvents integration (from its OpenAPI file, through
  // AWS::Include); a rule on the default bus invokes the function, which logs the event.
  it.runIf(present && existsSync(join(REPO!, 'apigw-http-api-eventbridge')))(
    'apigw-http-api-eventbridge: POST / puts the event on the bus (EventBridge-PutEvents) and the rule invokes the function',
    async () => {
      const r = await deployPattern('apigw-http-api-eventbridge');
      expect(r.status).toBe('CREATE_COMPLETE');
      const apiId = /^https:\/\/([a-z0-9]+)\.execute-api\./.exec(r.outputs['ApiEndpoint']!)![1]!;
      const res = await rawSend(server.endpoint, {
        method: 'POST',
        path: `/_aws/execute-api/${apiId}/`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Detail: { message: 'This is my test' } }),
      });
      expect(res.status).toBe(200);
      const put = JSON.parse(res.body.toString()) as { FailedEntryCount: number; Entries: { EventId: string }[] };
      expect(put.FailedEntryCount).toBe(0);
      const id = put.Entries[0]!.EventId;
      const fn = await physicalId('apigw-http-api-eventbridge', 'MyTriggeredLambda');
      const logs = await logsUntil(fn, (m) => m.includes(id));
      const logged = logs.find((m) => m.includes(id))!;
      expect(JSON.parse(logged.slice(logged.indexOf('{')))).toMatchObject({
        id,
        source: 'WebApp',
        'detail-type': 'MyDetailType',
        detail: { message: 'This is my test' },
      });
    },
    60_000,
  );

  // The bucket sends its events to EventBridge; a rule with a `wildcard` key pattern forwards only the
  // matching ones to a queue (the README's upload script makes dated folders; two keys stand in).
  it.runIf(present && existsSync(join(REPO!, 's3-eventbridge-wildcard-sam')))(
    's3-eventbridge-wildcard-sam: only the key the wildcard rule matches reaches the queue',
    async () => {
      const r = await deployPattern('s3-eventbridge-wildcard-sam');
      expect(r.status).toBe('CREATE_COMPLETE');
      const bucket = r.outputs['S3Bucket']!;
      const s3 = new S3Client({
        endpoint: server.endpoint,
        region,
        credentials: TEST_CREDENTIALS,
        forcePathStyle: true,
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '2026-11-29/ABC/skip.csv', Body: 'a' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '2026-11-29/XYZ/take.csv', Body: 'b' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: '2026-11-29/XYZ/skip.txt', Body: 'c' }));
      const keys: string[] = [];
      await until(
        async () => {
          const got = await sqs().send(
            new ReceiveMessageCommand({
              QueueUrl: r.outputs['SQSQueueURL']!,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
            }),
          );
          for (const m of got.Messages ?? [])
            keys.push((JSON.parse(m.Body!) as { detail: { object: { key: string } } }).detail.object.key);
          return keys.length;
        },
        (n) => n >= 1,
      );
      // Anything the rule let through by mistake would have arrived by now (the puts came in order).
      const late = await sqs().send(
        new ReceiveMessageCommand({ QueueUrl: r.outputs['SQSQueueURL']!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      expect(late.Messages ?? []).toEqual([]);
      expect(keys).toEqual(['2026-11-29/XYZ/take.csv']);
    },
    60_000,
  );

  // A Python function using boto3 (which AWS's runtime provides, unpackaged), behind a REST API.
  it.skipIf(!withPython('apigw-lambda-dynamodb'))(
    'apigw-lambda-dynamodb: POST / runs the Python function, whose boto3 put_item lands in the table',
    async () => {
      const r = await deployPattern('apigw-lambda-dynamodb');
      expect(r.status).toBe('CREATE_COMPLETE');
      const apiId = await physicalId('apigw-lambda-dynamodb', 'ServerlessRestApi');
      const res = await rawSend(server.endpoint, {
        method: 'POST',
        path: `/_aws/execute-api/${apiId}/Prod/`,
        headers: {},
      });
      expect([res.status, res.body.toString()]).toEqual([200, 'Successfully inserted data!']);
      const item = await server.ddb.send(new GetItemCommand({ TableName: 'WeatherData', Key: { id: { S: '1' } } }));
      expect(item.Item).toEqual({ id: { S: '1' }, Weather: { S: 'Sunny' } });
    },
    60_000,
  );

  // `Environment.Variables.Variable1: 1234` (a YAML number): CloudFormation passes it as the string "1234".
  it('apigw-http-api-lambda: deploys (numeric environment variable value)', async () => {
    expect((await deployPattern('apigw-http-api-lambda')).status).toBe('CREATE_COMPLETE');
  }, 60_000);
});

const sqs = (): SQSClient => new SQSClient({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS });
const lambda = (): LambdaClient =>
  new LambdaClient({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS });

/** The function's CloudWatch Logs messages, polled until one satisfies `ok`. */
async function logsUntil(fn: string, ok: (message: string) => boolean): Promise<string[]> {
  const logs = new CloudWatchLogsClient({ endpoint: server.endpoint, region, credentials: TEST_CREDENTIALS });
  return until(
    async () =>
      logs
        .send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}` }))
        .then((o) => (o.events ?? []).map((e) => e.message ?? ''))
        .catch(() => []),
    (ms) => ms.some(ok),
  );
}

async function physicalId(stack: string, logicalId: string): Promise<string> {
  const { cfn, field } = await import('../../src/cli/deploy-cfn.js');
  const xml = await cfn({ endpoint: server.endpoint, region, ...TEST_CREDENTIALS }, 'DescribeStackResource', {
    StackName: stack,
    LogicalResourceId: logicalId,
  });
  return field(xml, 'PhysicalResourceId')!;
}

if (!present)
  console.warn(
    'SKIPPED serverless-patterns: set SERVERLESS_PATTERNS_REPO to a checkout of aws-samples/serverless-patterns',
  );
