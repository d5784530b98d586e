import { afterAll, describe, expect, it } from 'vitest';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { createSdkFunction, lambdaClient } from '../helpers/lambda.js';

const dir = tempDir('overcast-lambda-durable-');
afterAll(() => dir.cleanup());

describe('Lambda async invocations are durable', () => {
  it('a queued retry survives a restart and runs in the next server', async () => {
    const clock = new ManualClock(Date.now());
    let server = await startTestServer({ ephemeral: false, dataDir: dir.path }, { clock });
    let lambda = lambdaClient(server.endpoint);
    await server.ddb.send(
      new CreateTableCommand({
        TableName: 'attempts',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await createSdkFunction(lambda, 'fails-once', {
      'index.js': [
        "const { DynamoDBClient, PutItemCommand, ScanCommand } = require('@aws-sdk/client-dynamodb');",
        'const ddb = new DynamoDBClient({});',
        'exports.handler = async (event, ctx) => {',
        '  const before = (await ddb.send(new ScanCommand({ TableName: "attempts" }))).Count;',
        '  await ddb.send(new PutItemCommand({ TableName: "attempts", Item: { id: { S: String(before) } } }));',
        '  if (before === 0) throw new Error("first attempt fails");',
        '  return "ok";',
        '};',
      ].join('\n'),
    });
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fails-once', MaximumRetryAttempts: 2 }));
    await lambda.send(
      new InvokeCommand({ FunctionName: 'fails-once', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );
    const count = async () => (await server.ddb.send(new ScanCommand({ TableName: 'attempts' }))).Count ?? 0;
    for (let i = 0; i < 200 && (await count()) < 1; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(1);
    // The attempt records itself before it fails: let the queue store the retry before stopping.
    await new Promise((r) => setTimeout(r, 1500));
    lambda.destroy();
    await server.stop();

    // A new server on the same data directory: the retry is still queued, due a minute later.
    server = await startTestServer({ ephemeral: false, dataDir: dir.path }, { clock });
    lambda = lambdaClient(server.endpoint);
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(1);
    clock.advance(61_000);
    for (let i = 0; i < 200 && (await count()) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await count()).toBe(2);
    lambda.destroy();
    await server.stop();
  });
});
