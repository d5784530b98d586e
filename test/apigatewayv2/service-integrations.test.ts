import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { sqsClient } from '../sqs/helpers.js';
import { invokeUrl, v2Client } from './helpers.js';

// HTTP API first-class AWS service integrations (IntegrationSubtype) to SQS.
describe('HTTP API SQS integrations (IntegrationSubtype)', () => {
  let server: TestServer;
  let v2: ApiGatewayV2Client;
  let sqs: SQSClient;
  let queueUrl: string;
  let api: string;

  beforeAll(async () => {
    server = await startTestServer();
    v2 = v2Client(server.endpoint);
    sqs = sqsClient(server.endpoint);
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'from-api' }))).QueueUrl!;
    api = (await v2.send(new CreateApiCommand({ Name: 'to-sqs', ProtocolType: 'HTTP' }))).ApiId!;
    const integrate = async (route: string, subtype: string, params: Record<string, string>) => {
      const i = await v2.send(
        new CreateIntegrationCommand({
          ApiId: api,
          IntegrationType: 'AWS_PROXY',
          IntegrationSubtype: subtype,
          CredentialsArn: 'arn:aws:iam::000000000000:role/api-to-sqs',
          PayloadFormatVersion: '1.0',
          RequestParameters: { QueueUrl: queueUrl, ...params },
        }),
      );
      await v2.send(new CreateRouteCommand({ ApiId: api, RouteKey: route, Target: `integrations/${i.IntegrationId}` }));
    };
    await integrate('POST /send', 'SQS-SendMessage', {
      MessageBody: '$request.body.message',
      DelaySeconds: '0',
    });
    await integrate('GET /receive', 'SQS-ReceiveMessage', { MaxNumberOfMessages: '5' });
    await integrate('DELETE /messages', 'SQS-DeleteMessage', { ReceiptHandle: '$request.querystring.handle' });
    await integrate('POST /purge', 'SQS-PurgeQueue', {});
    await v2.send(new CreateStageCommand({ ApiId: api, StageName: '$default', AutoDeploy: true }));
  });
  afterAll(async () => {
    v2.destroy();
    sqs.destroy();
    await server.stop();
  });

  it('SQS-SendMessage sends the mapped body and answers SQS’s response', async () => {
    const res = await fetch(invokeUrl(server.endpoint, api, '/send'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hello queue' }),
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { SendMessageResponse: { SendMessageResult: Record<string, unknown> } };
    expect(out.SendMessageResponse.SendMessageResult).toMatchObject({
      MD5OfMessageBody: '778e165e87cc13f0713e9d3bf72a9734',
      MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    expect(got.Messages?.map((m) => [m.MessageId, m.Body])).toEqual([
      [out.SendMessageResponse.SendMessageResult['MessageId'], 'hello queue'],
    ]);
  });

  it('SQS-ReceiveMessage and SQS-DeleteMessage through the API', async () => {
    const res = await fetch(invokeUrl(server.endpoint, api, '/receive'));
    expect(res.status).toBe(200);
    const out = (await res.json()) as {
      ReceiveMessageResponse: { ReceiveMessageResult: { messages: { Body: string; ReceiptHandle: string }[] } };
    };
    const [m] = out.ReceiveMessageResponse.ReceiveMessageResult.messages;
    expect(m!.Body).toBe('hello queue');
    const del = await fetch(
      invokeUrl(server.endpoint, api, `/messages?handle=${encodeURIComponent(m!.ReceiptHandle)}`),
      { method: 'DELETE' },
    );
    expect(del.status).toBe(200);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    expect(left.Messages ?? []).toEqual([]);
  });

  it('SQS-PurgeQueue empties the queue; a second purge within 60 s fails (500)', async () => {
    for (const body of ['one', 'two'])
      await fetch(invokeUrl(server.endpoint, api, '/send'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: body }),
      });
    const res = await fetch(invokeUrl(server.endpoint, api, '/purge'), { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([
      200,
      { PurgeQueueResponse: { ResponseMetadata: { RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) } } },
    ]);
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0 }));
    expect(left.Messages ?? []).toEqual([]);
    const again = await fetch(invokeUrl(server.endpoint, api, '/purge'), { method: 'POST' });
    expect(again.status).toBe(500);
  });

  it('a call that cannot be made answers 500, as API Gateway does', async () => {
    const res = await fetch(invokeUrl(server.endpoint, api, '/send'), { method: 'POST', body: 'not json' });
    expect([res.status, await res.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  it('EventBridge-PutEvents puts the mapped event on the bus, whose rules deliver it', async () => {
    const eb = new EventBridgeClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      await eb.send(new CreateEventBusCommand({ Name: 'orders' }));
      const target = (await sqs.send(new CreateQueueCommand({ QueueName: 'from-bus' }))).QueueUrl!;
      await eb.send(
        new PutRuleCommand({
          Name: 'placed',
          EventBusName: 'orders',
          EventPattern: JSON.stringify({ source: ['shop'] }),
        }),
      );
      await eb.send(
        new PutTargetsCommand({
          Rule: 'placed',
          EventBusName: 'orders',
          Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:from-bus' }],
        }),
      );
      const i = await v2.send(
        new CreateIntegrationCommand({
          ApiId: api,
          IntegrationType: 'AWS_PROXY',
          IntegrationSubtype: 'EventBridge-PutEvents',
          CredentialsArn: 'arn:aws:iam::000000000000:role/api-to-events',
          PayloadFormatVersion: '1.0',
          RequestParameters: {
            Source: 'shop',
            DetailType: '$request.header.x-kind',
            Detail: '$request.body',
            EventBusName: 'orders',
            Resources: 'arn:aws:s3:::a, arn:aws:s3:::b',
          },
        }),
      );
      await v2.send(
        new CreateRouteCommand({ ApiId: api, RouteKey: 'POST /events', Target: `integrations/${i.IntegrationId}` }),
      );
      const res = await fetch(invokeUrl(server.endpoint, api, '/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kind': 'OrderPlaced' },
        body: JSON.stringify({ order: 42 }),
      });
      expect(res.status).toBe(200);
      const out = (await res.json()) as { FailedEntryCount: number; Entries: { EventId: string }[] };
      expect(out).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) }] });
      let body: string | undefined;
      for (let tries = 0; tries < 50 && !body; tries++) {
        body = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: target, WaitTimeSeconds: 1 }))).Messages?.[0]
          ?.Body;
      }
      expect(JSON.parse(body!)).toMatchObject({
        id: out.Entries[0]!.EventId,
        source: 'shop',
        'detail-type': 'OrderPlaced',
        account: '000000000000',
        region: 'us-east-1',
        resources: ['arn:aws:s3:::a', 'arn:aws:s3:::b'],
        detail: { order: 42 },
      });

      // An entry EventBridge refuses is reported in PutEvents' answer.
      const bad = await fetch(invokeUrl(server.endpoint, api, '/events'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kind': 'OrderPlaced' },
        body: '[1, 2]',
      });
      expect([bad.status, await bad.json()]).toEqual([
        200,
        { FailedEntryCount: 1, Entries: [{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }] },
      ]);
    } finally {
      eb.destroy();
    }
  });
});
