import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateFunctionCommand,
  InvokeCommand,
  PublishLayerVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { ROLE, decode, lambdaClient } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';

describe('Lambda code and layers from S3 (Code.S3Bucket / Content.S3Bucket)', () => {
  let server: TestServer;
  let lambda: ReturnType<typeof lambdaClient>;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startTestServer();
    lambda = lambdaClient(server.endpoint);
    s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
  });
  afterAll(async () => {
    lambda.destroy();
    s3.destroy();
    await server.stop();
  });

  it('creates and updates a function from zips in S3, with a layer from S3', async () => {
    const put = async (key: string, files: Record<string, string>) =>
      s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: key, Body: await makeZip(files) }));
    await put('layers/greeting.zip', {
      'nodejs/node_modules/greeting/index.js': 'module.exports = (n) => `hello ${n}`;',
    });
    await put('fn/v1.zip', { 'index.js': 'const g = require("greeting"); exports.handler = async () => g("v1");' });
    await put('fn/v2.zip', { 'index.js': 'const g = require("greeting"); exports.handler = async () => g("v2");' });
    const layer = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: 'greeting',
        Content: { S3Bucket: 'artifacts', S3Key: 'layers/greeting.zip' },
      }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'from-s3',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { S3Bucket: 'artifacts', S3Key: 'fn/v1.zip' },
        Layers: [layer.LayerVersionArn!],
      }),
    );
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'from-s3' }))).Payload)).toBe('hello v1');
    await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'from-s3', S3Bucket: 'artifacts', S3Key: 'fn/v2.zip' }),
    );
    expect(decode((await lambda.send(new InvokeCommand({ FunctionName: 'from-s3' }))).Payload)).toBe('hello v2');
  });

  it('answers the GetObject errors as Lambda words them', async () => {
    const base = { Runtime: 'nodejs20.x' as const, Role: ROLE, Handler: 'index.handler' };
    const noKey = await errorOf(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'no-key',
          Code: { S3Bucket: 'artifacts', S3Key: 'missing.zip' },
        }),
      ),
    );
    expect(noKey.name).toBe('InvalidParameterValueException');
    expect(noKey.message).toBe(
      'Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.',
    );
    const noBucket = await errorOf(
      lambda.send(
        new CreateFunctionCommand({
          ...base,
          FunctionName: 'no-bucket',
          Code: { S3Bucket: 'nope-bucket', S3Key: 'x.zip' },
        }),
      ),
    );
    expect(noBucket.message).toBe(
      'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist',
    );
  });
});
