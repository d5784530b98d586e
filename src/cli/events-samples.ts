// Sample events like `sam local generate-event`.
import { CliError } from './output/cli-error.js';

const now = new Date().toISOString();
export const SAMPLE_EVENTS: Record<string, () => unknown> = {
  'apigateway-http': () => ({
    version: '2.0',
    routeKey: 'GET /hello',
    rawPath: '/hello',
    rawQueryString: 'name=world',
    headers: { accept: '*/*', host: 'abc123.execute-api.localhost', 'user-agent': 'curl/8.0' },
    queryStringParameters: { name: 'world' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.localhost',
      http: { method: 'GET', path: '/hello', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.0' },
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      routeKey: 'GET /hello',
      stage: '$default',
      time: now,
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  }),
  'apigateway-aws-proxy': () => ({
    resource: '/hello',
    path: '/hello',
    httpMethod: 'GET',
    headers: { Accept: '*/*', Host: 'abc123.execute-api.localhost' },
    multiValueHeaders: { Accept: ['*/*'], Host: ['abc123.execute-api.localhost'] },
    queryStringParameters: { name: 'world' },
    multiValueQueryStringParameters: { name: ['world'] },
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      httpMethod: 'GET',
      path: '/Prod/hello',
      stage: 'Prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      resourcePath: '/hello',
      identity: { sourceIp: '127.0.0.1' },
    },
    body: null,
    isBase64Encoded: false,
  }),
  'dynamodb-update': () => ({
    Records: [
      {
        eventID: '1',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          Keys: { id: { S: '1' } },
          NewImage: { id: { S: '1' }, message: { S: 'hello' } },
          SequenceNumber: '111',
          SizeBytes: 26,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/2024-01-01T00:00:00.000',
      },
    ],
  }),
  'sqs-receive-message': () => ({
    Records: [
      {
        messageId: '19dd0b57-b21e-4ac1-bd88-01bbb068cb78',
        receiptHandle: 'MessageReceiptHandle',
        body: 'Hello from SQS!',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: '123456789012',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '7b270e59b47ff90a553787216d55d91d',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:MyQueue',
        awsRegion: 'us-east-1',
      },
    ],
  }),
  's3-put': () => ({
    Records: [
      {
        eventVersion: '2.0',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: now,
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'example-bucket', arn: 'arn:aws:s3:::example-bucket' },
          object: { key: 'test/key', size: 1024, eTag: '0123456789abcdef0123456789abcdef' },
        },
      },
    ],
  }),
  'cloudwatch-scheduled-event': () => ({
    id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: now,
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/ExampleRule'],
    detail: {},
  }),
};

export function sampleEvent(type: string): unknown {
  const f = SAMPLE_EVENTS[type];
  if (!f) throw new CliError(`unknown event type '${type}'`, `one of: ${Object.keys(SAMPLE_EVENTS).join(', ')}`);
  return f();
}
