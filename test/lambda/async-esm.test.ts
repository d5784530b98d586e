import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  ListEventSourceMappingsCommand,
  PutFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import { CreateTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createSdkFunction, lambdaClient } from '../helpers/lambda.js';

async function until<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function table(ddb: DynamoDBClient, name: string, stream = false): Promise<string | undefined> {
  const out = await ddb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } } : {}),
    }),
  );
  return out.TableDescription?.LatestStreamArn;
}

/** A handler that records what it receives into the `sink` table through the SDK (AWS_ENDPOINT_URL). */
const RECORDER = (body: string) =>
  [
    "const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');",
    'const ddb = new DynamoDBClient({});',
    'const record = (id, value) => ddb.send(new PutItemCommand({ TableName: "sink", Item: { id: { S: id }, value: { S: JSON.stringify(value) } } }));',
    `exports.handler = async (event, context) => { ${body} };`,
  ].join('\n');

describe('Lambda async invocations and event source mappings', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  const clock = new ManualClock(Date.now());
  const sink = async () => (await server.ddb.send(new ScanCommand({ TableName: 'sink' }))).Items ?? [];

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    lambda = lambdaClient(server.endpoint);
    await table(server.ddb, 'sink');
  });
  afterAll(async () => {
    lambda.destroy();
    await server.stop();
  });

  it('retries a failing Event invocation twice (1 min, then 2 min on the injected clock) and sends the record to OnFailure', async () => {
    await createSdkFunction(lambda, 'on-failure', {
      'index.js': RECORDER('await record("failure-" + event.requestContext.requestId, event);'),
    });
    await createSdkFunction(lambda, 'flaky', {
      'index.js': RECORDER(
        'await record("attempt-" + Date.now() + Math.random(), event); throw new Error("always fails");',
      ),
    });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'flaky',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: 'arn:aws:lambda:us-east-1:000000000000:function:on-failure' } },
      }),
    );
    const cfg = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'flaky' }));
    expect(cfg.FunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:flaky:$LATEST');
    const sent = await lambda.send(
      new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event', Payload: Buffer.from('{"order":7}') }),
    );
    expect(sent.StatusCode).toBe(202);
    const attempts = async () => (await sink()).filter((i) => i['id']!.S!.startsWith('attempt-')).length;
    // Each attempt records itself before it fails; the queue schedules the retry from the moment the
    // failure comes back, so give that a moment (a loaded machine) before moving the clock.
    const settle = () => new Promise((r) => setTimeout(r, 1500));
    await until(async () => ((await attempts()) >= 1 ? true : undefined));
    await settle();
    expect(await attempts()).toBe(1); // nothing more until a minute passes on the clock
    clock.advance(61_000);
    await until(async () => ((await attempts()) >= 2 ? true : undefined));
    await settle();
    clock.advance(61_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(await attempts()).toBe(2); // the third attempt waits 2 minutes after the second failure
    clock.advance(60_000);
    await until(async () => ((await attempts()) >= 3 ? true : undefined));
    const failure = await until(async () => (await sink()).find((i) => i['id']!.S!.startsWith('failure-')));
    const record = JSON.parse(failure['value']!.S!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:flaky:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { order: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'always fails' },
    });
  }, 120_000);

  it('delivers DynamoDB stream records to a function in order, with filter criteria', async () => {
    const streamArn = (await table(server.ddb, 'orders', true))!;
    await createSdkFunction(lambda, 'consumer', {
      'index.js': RECORDER(
        'for (const r of event.Records) await record("stream-" + r.dynamodb.Keys.id.S, { name: r.eventName, seq: r.dynamodb.SequenceNumber, src: r.eventSourceARN, status: r.dynamodb.NewImage && r.dynamodb.NewImage.status.S }); return {};',
      ),
    });
    const missing = await errorOf(
      lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: 'consumer',
          EventSourceArn: streamArn.replace('orders', 'nope'),
          StartingPosition: 'TRIM_HORIZON',
        }),
      ),
    );
    expect(missing.name).toBe('InvalidParameterValueException');
    const esm = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'consumer',
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 10,
        FilterCriteria: {
          Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { status: { S: ['paid'] } } } }) }],
        },
      }),
    );
    expect(esm.State).toBe('Creating');
    expect(esm.UUID).toMatch(/^[0-9a-f-]{36}$/);
    expect((await lambda.send(new GetEventSourceMappingCommand({ UUID: esm.UUID! }))).State).toBe('Enabled');
    for (let i = 0; i < 6; i++) {
      await server.ddb.send(
        new PutItemCommand({
          TableName: 'orders',
          Item: { id: { S: `o${i}` }, status: { S: i % 2 === 0 ? 'paid' : 'open' } },
        }),
      );
    }
    const got = await until(async () => {
      const items = (await sink()).filter((i) => i['id']!.S!.startsWith('stream-'));
      return items.length >= 3 ? items : undefined;
    });
    await new Promise((r) => setTimeout(r, 600));
    const seen = (await sink()).filter((i) => i['id']!.S!.startsWith('stream-')).map((i) => i['id']!.S);
    expect(seen.sort()).toEqual(['stream-o0', 'stream-o2', 'stream-o4']);
    const first = JSON.parse(got[0]!['value']!.S!);
    expect(first).toMatchObject({ name: 'INSERT', src: streamArn, status: 'paid' });
    const list = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: 'consumer' }));
    expect(list.EventSourceMappings!.map((m) => m.UUID)).toEqual([esm.UUID]);
    expect((await lambda.send(new DeleteEventSourceMappingCommand({ UUID: esm.UUID! }))).State).toBe('Deleting');
    const gone = await errorOf(lambda.send(new GetEventSourceMappingCommand({ UUID: esm.UUID! })));
    expect(gone.name).toBe('ResourceNotFoundException');
  }, 90_000);
});
