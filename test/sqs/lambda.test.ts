import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  InvokeCommand,
  PutFunctionEventInvokeConfigCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { createNodeFunction, createSdkFunction, lambdaClient } from '../helpers/lambda.js';
import { sqsClient, until } from './helpers.js';

const arnOf = async (sqs: SQSClient, QueueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!['QueueArn']!;

describe('SQS and Lambda', () => {
  let server: TestServer;
  let sqs: SQSClient;
  let lambda: LambdaClient;

  beforeAll(async () => {
    server = await startTestServer();
    sqs = sqsClient(server.endpoint);
    lambda = lambdaClient(server.endpoint);
  });
  afterAll(async () => {
    sqs.destroy();
    lambda.destroy();
    await server.stop();
  });

  it('an SQS event source with partial batch failures, redrive and the exact record shape', async () => {
    const out = (await sqs.send(new CreateQueueCommand({ QueueName: 'esm-out' }))).QueueUrl!;
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: 'esm-dlq' }))).QueueUrl!;
    const src = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: 'esm-src',
          Attributes: {
            VisibilityTimeout: '1',
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await arnOf(sqs, dlq), maxReceiveCount: 2 }),
          },
        }),
      )
    ).QueueUrl!;
    const srcArn = await arnOf(sqs, src);
    // Records every event it gets on esm-out; fails the messages whose body says "bad".
    await createSdkFunction(lambda, 'sqs-consumer', {
      'index.js': `
        const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
        exports.handler = async (event) => {
          const sqs = new SQSClient({});
          await sqs.send(new SendMessageCommand({ QueueUrl: ${JSON.stringify(out)}, MessageBody: JSON.stringify(event) }));
          return { batchItemFailures: event.Records.filter((r) => r.body.includes('bad')).map((r) => ({ itemIdentifier: r.messageId })) };
        };`,
    });
    const bad = await errorOf(
      lambda.send(
        new CreateEventSourceMappingCommand({ FunctionName: 'sqs-consumer', EventSourceArn: srcArn, BatchSize: 20 }),
      ),
    );
    expect(bad.message).toBe(
      'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    );
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'sqs-consumer',
        EventSourceArn: srcArn,
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      }),
    );
    expect(mapping).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 0,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: src,
        Entries: [
          { Id: 'a', MessageBody: 'good-1', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
          { Id: 'b', MessageBody: 'bad-1' },
          { Id: 'c', MessageBody: 'good-2' },
        ],
      }),
    );
    const events: any[] = [];
    const seen = new Map<string, number>();
    await until(async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: out, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of r.Messages ?? []) {
        const event = JSON.parse(m.Body!);
        events.push(event);
        for (const rec of event.Records) seen.set(rec.body, (seen.get(rec.body) ?? 0) + 1);
      }
      return (seen.get('bad-1') ?? 0) >= 2 ? true : undefined;
    }, 60_000);
    const record = events.flatMap((e) => e.Records).find((r: any) => r.body === 'good-1');
    expect(record).toMatchObject({
      body: 'good-1',
      eventSource: 'aws:sqs',
      eventSourceARN: srcArn,
      awsRegion: 'us-east-1',
      messageAttributes: { k: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(Object.keys(record).sort()).toEqual(
      [
        'attributes',
        'awsRegion',
        'body',
        'eventSource',
        'eventSourceARN',
        'md5OfBody',
        'md5OfMessageAttributes',
        'messageAttributes',
        'messageId',
        'receiptHandle',
      ].sort(),
    );
    expect(Object.keys(record.attributes).sort()).toEqual(
      ['ApproximateFirstReceiveTimestamp', 'ApproximateReceiveCount', 'SenderId', 'SentTimestamp'].sort(),
    );
    // The failed message went to the DLQ after two receives; the good ones were handled once.
    const dead = await until(async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }));
      return r.Messages?.[0];
    }, 30_000);
    expect(dead.Body).toBe('bad-1');
    expect(seen.get('good-1')).toBe(1);
    expect(seen.get('good-2')).toBe(1);
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
  }, 120_000);

  it('delivers an async invocation failure to an SQS on-failure destination', async () => {
    const dest = (await sqs.send(new CreateQueueCommand({ QueueName: 'on-failure' }))).QueueUrl!;
    await createNodeFunction(lambda, 'always-fails', {
      'index.js': `exports.handler = async () => { throw new Error('boom'); };`,
    });
    await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'always-fails',
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: await arnOf(sqs, dest) } },
      }),
    );
    await lambda.send(
      new InvokeCommand({ FunctionName: 'always-fails', InvocationType: 'Event', Payload: Buffer.from('{"n":1}') }),
    );
    const m = await until(async () => {
      const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dest, WaitTimeSeconds: 1 }));
      return r.Messages?.[0];
    }, 60_000);
    const record = JSON.parse(m.Body!);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 },
      requestPayload: { n: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'boom' },
    });
  }, 90_000);
});
