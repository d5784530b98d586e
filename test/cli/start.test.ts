import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/core/auth/sign.js';
import { startOvercastProcess } from '../helpers/process.js';
import { TEST_CREDENTIALS, tempDir } from '../helpers/server.js';

const client = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });

describe('overcast start', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  it('keeps state across a graceful stop (SIGTERM) and a restart on the same data directory', async () => {
    const first = await startOvercastProcess(['--data-dir', dir.path]);
    const ddb = client(first.endpoint);
    await ddb.send(
      new CreateTableCommand({
        TableName: 'persisted',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: 'persisted', Item: { pk: { S: 'a' }, n: { N: '42' } } }));
    await first.stop();
    expect(first.child.exitCode).toBe(0);

    const second = await startOvercastProcess(['--data-dir', dir.path]);
    try {
      const got = await client(second.endpoint).send(
        new GetItemCommand({ TableName: 'persisted', Key: { pk: { S: 'a' } } }),
      );
      expect(got.Item).toEqual({ pk: { S: 'a' }, n: { N: '42' } });
    } finally {
      await second.stop();
    }
  });

  it('lets an in-flight request finish when it is told to stop', async () => {
    const server = await startOvercastProcess(['--ephemeral']);
    const body = JSON.stringify({});
    const url = new URL(server.endpoint);
    const headers = signRequest({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables' },
      body,
      region: 'us-east-1',
      service: 'dynamodb',
      accessKeyId: TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
      now: Date.now(),
    });
    // Send the headers and half the body, stop the server, then finish the body: the request that
    // was in flight when the signal came must still be answered.
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 1));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(1)), 200);
      }, 100);
    });
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ TableNames: [] });
    const code = await new Promise((r) =>
      server.child.exitCode !== null ? r(server.child.exitCode) : server.child.once('exit', r),
    );
    expect(code).toBe(0);
  });

  it('refuses a port that is taken, with a hint', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startOvercastProcess(['--ephemeral', '--port', String(port)]).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/EADDRINUSE/);
      expect(err?.message).toMatch(/hint: .*--port/);
    } finally {
      blocker.close();
    }
  });

  it('names every bad option, from flags, environment and file, with a hint', async () => {
    const failure = (args: string[], env?: NodeJS.ProcessEnv) =>
      startOvercastProcess(args, 15_000, env ? { env: { ...process.env, ...env } } : {}).then(
        async (s) => {
          await s.stop();
          throw new Error(`started with ${args.join(' ')}`);
        },
        (e: Error) => e.message,
      );
    expect(await failure(['--ephemeral', '--port', '70000'])).toMatch(
      /invalid configuration: port: Too big: expected number to be <=65535\nhint: see `overcast start --help`/,
    );
    expect(await failure(['--ephemeral', '--auth', 'sometimes'])).toMatch(
      /invalid configuration: auth: Invalid option: expected one of "accept"\|"enforce"/,
    );
    expect(await failure(['--ephemeral', '--dynamodb-throttle', 'maybe'])).toMatch(
      /invalid configuration: dynamodb.throttle: dynamodb.throttle must be on or off/,
    );
    expect(
      await failure(['--ephemeral'], {
        OVERCAST_CREDENTIALS: JSON.stringify([{ accessKeyId: '', secretAccessKey: 's', account: '12' }]),
      }),
    ).toMatch(
      /credentials.0.accessKeyId: Too small: expected string to have >=1 characters; credentials.0.account: account must be a 12-digit account id/,
    );
    const file = join(dir.path, 'bad-config.json');
    writeFileSync(file, JSON.stringify({ region: 5, lambda: { idleMs: 5 } }));
    expect(await failure(['--ephemeral', '--config', file])).toMatch(
      /region: Invalid input: expected string, received number; lambda.idleMs: Too small: expected number to be >=1000/,
    );
  });

  it('takes a partial section of the config file, the rest of it defaulted', async () => {
    const file = join(dir.path, 'partial-config.json');
    writeFileSync(file, JSON.stringify({ dynamodb: { throttle: false }, lambda: { idleMs: 60_000 } }));
    const server = await startOvercastProcess(['--ephemeral', '--config', file]);
    try {
      const tables = await client(server.endpoint).send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
