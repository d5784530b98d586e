import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';

describe('Lambda dead-letter queue (DeadLetterConfig → SQS)', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  let sqs: SQSClient;
  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
    sqs = new SQSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
  });
  afterAll(async () => {
    lambda.destroy();
    sqs.destroy();
    await server.stop();
  });

  it('a failed Event invocation, its retries used up, sends the original event with RequestID, ErrorCode and ErrorMessage', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'fn-dlq' }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes![
      'QueueArn'
    ]!;
    await createNodeFunction(
      lambda,
      'dies',
      { 'index.js': 'exports.handler = async () => { throw new Error("cannot cope"); };' },
      { DeadLetterConfig: { TargetArn: arn } },
    );
    await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'dies', MaximumRetryAttempts: 0 }));
    const sent = await lambda.send(
      new InvokeCommand({ FunctionName: 'dies', InvocationType: 'Event', Payload: Buffer.from('{"order":42}') }),
    );
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MessageAttributeNames: ['All'] }),
    );
    expect(out.Messages).toHaveLength(1);
    const m = out.Messages![0]!;
    expect(JSON.parse(m.Body!)).toEqual({ order: 42 });
    expect(m.MessageAttributes!['RequestID']!.StringValue).toBe(sent.$metadata.requestId);
    expect(m.MessageAttributes!['ErrorCode']!.DataType).toBe('Number');
    expect(m.MessageAttributes!['ErrorMessage']!.StringValue).toBe('cannot cope');
  });
});
