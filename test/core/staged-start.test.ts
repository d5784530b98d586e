import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListFunctionsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { startOvercast } from '../../src/platform.js';
import type { Overcast } from '../../src/platform.js';
import { SERVICES, SERVICES_BEFORE_LISTEN } from '../../src/services/index.js';
import type { ServiceFactory } from '../../src/services/index.js';
import { TEST_CREDENTIALS } from '../helpers/server.js';

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: TEST_CREDENTIALS,
  maxAttempts: 1,
});

/** Whether `p` has settled after the event loop has turned a few times. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
  return done;
}

/**
 * Starts Overcast with the registry's factories after DynamoDB's held until `release()`: the
 * server listens (and `endpoint` resolves) while they wait.
 */
function startHeld(hold: (name: string) => boolean = () => true) {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let listening!: (endpoint: string) => void;
  const endpoint = new Promise<string>((r) => (listening = r));
  const constructed: string[] = [];
  const services: Record<string, ServiceFactory> = {};
  for (const [name, factory] of Object.entries(SERVICES)) {
    services[name] = async (deps) => {
      if (!SERVICES_BEFORE_LISTEN.includes(name) && hold(name)) await held;
      const s = await factory(deps);
      constructed.push(name);
      return s;
    };
  }
  const started = startOvercast({
    config: { port: 0, ephemeral: true, logLevel: 'silent' },
    log: silentLogger,
    services,
    listening,
  });
  return { release, endpoint, started, constructed };
}

describe('a start in two stages: DynamoDB answers while the other services are being constructed', () => {
  it('answers DynamoDB and health at once; other requests wait for their service, then succeed', async () => {
    const { release, endpoint: listening, started, constructed } = startHeld();
    const endpoint = await listening;
    let overcast: Overcast | undefined;
    try {
      expect(constructed).toEqual([...SERVICES_BEFORE_LISTEN]);
      const ddb = new DynamoDBClient(clientConfig(endpoint));
      await ddb.send(
        new CreateTableCommand({
          TableName: 'early',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual(['early']);
      const health = async () =>
        (await (await fetch(`${endpoint}/_overcast/health`)).json()) as { status: string; services: string[] };
      expect(await health()).toMatchObject({ status: 'starting', services: Object.keys(SERVICES) });
      expect(await (await fetch(`${endpoint}/`)).text()).toMatch(/^healthy: /);

      // SQS's JSON protocol (an X-Amz-Target no constructed service claims), STS's query protocol
      // and Lambda's REST protocol: none is answered (nor refused) before its service exists.
      const clients = {
        sqs: new SQSClient(clientConfig(endpoint)),
        sts: new STSClient(clientConfig(endpoint)),
        lambda: new LambdaClient(clientConfig(endpoint)),
      };
      const sqs = clients.sqs.send(new CreateQueueCommand({ QueueName: 'early-q' }));
      const sts = clients.sts.send(new GetCallerIdentityCommand({}));
      const lambda = clients.lambda.send(new ListFunctionsCommand({}));
      const raw = fetch(`${endpoint}/`, {
        method: 'POST',
        headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' },
        body: '{}',
      });
      for (const p of [sqs, sts, lambda, raw]) expect(await settled(p)).toBe(false);
      // DynamoDB still answers meanwhile.
      expect((await ddb.send(new ListTablesCommand({}))).TableNames).toEqual(['early']);

      release();
      overcast = await started;
      expect(constructed).toEqual(Object.keys(SERVICES).filter((n) => constructed.includes(n)));
      expect(constructed.length).toBe(Object.keys(SERVICES).length);
      expect((await sqs).QueueUrl).toMatch(/\/early-q$/);
      expect((await sts).Account).toBe('000000000000');
      expect((await lambda).Functions).toEqual([]);
      const logs = await raw;
      // Signed requests only reach a service; this unsigned one gets Logs' own error, not UnknownOperation.
      expect(await logs.text()).not.toMatch(/UnknownOperation/);
      expect((await clients.sqs.send(new ListQueuesCommand({}))).QueueUrls).toHaveLength(1);
      expect((await health()).status).toBe('running');
      for (const c of [ddb, ...Object.values(clients)]) c.destroy();
    } finally {
      release();
      await (overcast ?? (await started)).stop();
    }
  });

  it('fails as a whole when a service constructed after listening fails: the port is closed again', async () => {
    let listening!: (endpoint: string) => void;
    const endpoint = new Promise<string>((r) => (listening = r));
    const services: Record<string, ServiceFactory> = {
      ...SERVICES,
      sqs: () => Promise.reject(new Error('sqs could not start')),
    };
    const started = startOvercast({
      config: { port: 0, ephemeral: true, logLevel: 'silent' },
      log: silentLogger,
      services,
      listening,
    });
    const url = await endpoint;
    await expect(started).rejects.toThrow('sqs could not start');
    await expect(fetch(`${url}/`)).rejects.toThrow();
  });
});
