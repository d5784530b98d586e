import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { FilterLogEventsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  PutGatewayResponseCommand,
  PutIntegrationResponseCommand,
  PutMethodResponseCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { apigwClient, buildApi, deploy, invokeUrl } from './helpers.js';

let server: TestServer;
let client: APIGatewayClient;

beforeAll(async () => {
  server = await startTestServer();
  client = apigwClient(server.endpoint);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('DynamoDB service integration with VTL', () => {
  let apiId: string;
  beforeAll(async () => {
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'notes',
        KeySchema: [
          { AttributeName: 'user', KeyType: 'HASH' },
          { AttributeName: 'id', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'user', AttributeType: 'S' },
          { AttributeName: 'id', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const put = `{"TableName": "notes", "Item": {"user": {"S": "$input.params('user')"}, "id": {"S": "$context.requestId"}, "text": {"S": "$util.escapeJavaScript($input.path('$.text'))"}, "stage": {"S": "$stageVariables.tag"}}}`;
    const query = `{"TableName": "notes", "KeyConditionExpression": "#u = :u", "ExpressionAttributeNames": {"#u": "user"}, "ExpressionAttributeValues": {":u": {"S": "$util.escapeJavaScript($input.params('user'))"}}}`;
    const listTemplate = `#set($items = $input.path('$.Items'))
{"count": $input.path('$.Count'), "notes": [#foreach($it in $items){"text": "$util.escapeJavaScript($it.text.S)", "stage": "$it.stage.S"}#if($foreach.hasNext),#end#end]}`;
    const built = await buildApi(client, 'notes-api', [
      {
        path: '/users/{user}/notes',
        method: 'POST',
        integration: {
          type: 'AWS',
          integrationHttpMethod: 'POST',
          uri: 'arn:aws:apigateway:us-east-1:dynamodb:action/PutItem',
          credentials: 'arn:aws:iam::000000000000:role/apigw',
          requestTemplates: { 'application/json': put },
          passthroughBehavior: 'NEVER',
        },
      },
      {
        path: '/users/{user}/notes',
        method: 'GET',
        integration: {
          type: 'AWS',
          integrationHttpMethod: 'POST',
          uri: 'arn:aws:apigateway:us-east-1:dynamodb:action/Query',
          requestTemplates: { 'application/json': query },
        },
      },
    ]);
    apiId = built.apiId;
    const rid = built.ids['/users/{user}/notes']!;
    await client.send(
      new PutMethodResponseCommand({ restApiId: apiId, resourceId: rid, httpMethod: 'POST', statusCode: '201' }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'POST',
        statusCode: '201',
        selectionPattern: '200',
        responseTemplates: { 'application/json': '{"saved": true, "id": "$context.requestId"}' },
        responseParameters: { 'method.response.header.X-Saved': "'yes'" },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'POST',
        statusCode: '400',
        selectionPattern: '4\\d\\d',
        responseTemplates: { 'application/json': '{"error": "$util.escapeJavaScript($input.path(\'$.message\'))"}' },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'GET',
        statusCode: '200',
        responseTemplates: { 'application/json': listTemplate },
      }),
    );
    await deploy(client, apiId, 'v1', { tag: 'blue' });
  }, 30_000);

  it('PutItem through a request template, then Query with a response template', async () => {
    const url = invokeUrl(server.endpoint, apiId, 'v1', '/users/ann/notes');
    const saved = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'say "hi"\nnow' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(saved.status).toBe(201);
    expect(saved.headers.get('x-saved')).toBe('yes');
    const body = await saved.json();
    expect(body.saved).toBe(true);
    expect(body.id).toBe(saved.headers.get('x-amzn-requestid'));
    await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'second' }),
      headers: { 'content-type': 'application/json' },
    });
    const list = await fetch(url);
    expect(list.status).toBe(200);
    const out = await list.json();
    expect(out.count).toBe(2);
    expect(out.notes.map((n: { text: string }) => n.text).sort()).toEqual(['say "hi"\nnow', 'second']);
    expect(out.notes[0].stage).toBe('blue');
  });

  it('rejects an unmapped content type when passthroughBehavior is NEVER', async () => {
    // An unknown content type with passthroughBehavior NEVER → 415.
    const unsupported = await fetch(invokeUrl(server.endpoint, apiId, 'v1', '/users/ann/notes'), {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(unsupported.status).toBe(415);
    expect(await unsupported.json()).toEqual({ message: 'Unsupported Media Type' });
  });
});

describe('MOCK integrations, CORS and gateway responses', () => {
  let apiId: string;
  beforeAll(async () => {
    const built = await buildApi(client, 'mock-api', [
      {
        path: '/things',
        method: 'OPTIONS',
        integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } },
      },
      {
        path: '/things',
        method: 'GET',
        integration: {
          type: 'MOCK',
          requestTemplates: {
            'application/json': '#if($input.params(\'fail\') == "yes"){"statusCode": 500}#else{"statusCode": 200}#end',
          },
        },
      },
    ]);
    apiId = built.apiId;
    const rid = built.ids['/things']!;
    await client.send(
      new PutMethodResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'OPTIONS',
        statusCode: '200',
        responseParameters: {
          'method.response.header.Access-Control-Allow-Origin': false,
          'method.response.header.Access-Control-Allow-Methods': false,
          'method.response.header.Access-Control-Allow-Headers': false,
        },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'OPTIONS',
        statusCode: '200',
        responseParameters: {
          'method.response.header.Access-Control-Allow-Origin': "'*'",
          'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
          'method.response.header.Access-Control-Allow-Headers': "'Content-Type,X-Api-Key'",
        },
        responseTemplates: { 'application/json': '' },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'GET',
        statusCode: '200',
        responseTemplates: {
          'application/json': '{"things": ["a", "b"], "q": "$input.params(\'q\')", "stage": "$context.stage"}',
        },
      }),
    );
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: apiId,
        resourceId: rid,
        httpMethod: 'GET',
        statusCode: '503',
        selectionPattern: '5\\d\\d',
        responseTemplates: { 'application/json': '{"down": true}' },
      }),
    );
    await client.send(
      new PutGatewayResponseCommand({
        restApiId: apiId,
        responseType: 'MISSING_AUTHENTICATION_TOKEN',
        statusCode: '404',
        responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
        responseTemplates: {
          'application/json': '{"error": $context.error.messageString, "type": "$context.error.responseType"}',
        },
      }),
    );
    await deploy(client, apiId, 'dev');
    await client.send(
      new UpdateStageCommand({
        restApiId: apiId,
        stageName: 'dev',
        patchOperations: [
          {
            op: 'replace',
            path: '/accessLogSettings/destinationArn',
            value: 'arn:aws:logs:us-east-1:000000000000:log-group:apigw-access',
          },
          {
            op: 'replace',
            path: '/accessLogSettings/format',
            value:
              '{"requestId":"$context.requestId","status":"$context.status","method":"$context.httpMethod","path":"$context.resourcePath","ip":"$context.identity.sourceIp"}',
          },
        ],
      }),
    );
  }, 30_000);

  it('answers a CORS preflight from the OPTIONS MOCK method', async () => {
    const res = await fetch(invokeUrl(server.endpoint, apiId, 'dev', '/things'), {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'GET' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('Content-Type,X-Api-Key');
  });

  it('renders MOCK responses and selects by status', async () => {
    const ok = await fetch(invokeUrl(server.endpoint, apiId, 'dev', '/things?q=x%20y'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ things: ['a', 'b'], q: 'x y', stage: 'dev' });
    const failed = await fetch(invokeUrl(server.endpoint, apiId, 'dev', '/things?fail=yes'));
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ down: true });
  });

  it('uses the API gateway response for a missing route', async () => {
    const res = await fetch(invokeUrl(server.endpoint, apiId, 'dev', '/nothing'));
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ error: 'Missing Authentication Token', type: 'MISSING_AUTHENTICATION_TOKEN' });
  });

  it('writes access logs with $context variables to CloudWatch Logs', async () => {
    const res = await fetch(invokeUrl(server.endpoint, apiId, 'dev', '/things'));
    const requestId = res.headers.get('x-amzn-requestid');
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    let lines: Record<string, string>[] = [];
    for (let i = 0; i < 50 && !lines.some((l) => l['requestId'] === requestId); i++) {
      const out = await logs
        .send(new FilterLogEventsCommand({ logGroupName: 'apigw-access' }))
        .catch(() => ({ events: [] }));
      lines = (out.events ?? []).map((e) => JSON.parse(e.message!));
      if (!lines.some((l) => l['requestId'] === requestId)) await new Promise((r) => setTimeout(r, 50));
    }
    logs.destroy();
    expect(lines.find((l) => l['requestId'] === requestId)).toEqual({
      requestId,
      status: '200',
      method: 'GET',
      path: '/things',
      ip: '127.0.0.1',
    });
  });
});
