import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, GetBucketEncryptionCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { decode, lambdaClient } from '../helpers/lambda.js';
import { makeZip } from '../helpers/zip.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
});
afterAll(async () => server?.stop());

const template = (visibility: number) => `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  DeadLetters:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: ${visibility}
      RedrivePolicy: { deadLetterTargetArn: !GetAtt DeadLetters.Arn, maxReceiveCount: 3 }
  OnUpload:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Environment: { Variables: { QUEUE: !Ref Uploads } }
      Code:
        ZipFile: |
          const { SQSClient, SendMessageCommand } = require('@aws-sdk/client-sqs');
          const sqs = new SQSClient({});
          exports.handler = async (event) => {
            for (const r of event.Records) await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE, MessageBody: r.s3.object.key }));
          };
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties: { FunctionName: !Ref OnUpload, Action: lambda:InvokeFunction, Principal: s3.amazonaws.com, SourceAccount: !Ref AWS::AccountId }
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: S3Permission
    Properties:
      VersioningConfiguration: { Status: Enabled }
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt OnUpload.Arn
            Filter: { S3Key: { Rules: [{ Name: prefix, Value: uploads/ }] } }
Outputs:
  QueueUrl: { Value: !Ref Uploads }
  QueueArn: { Value: !GetAtt Uploads.Arn }
  Bucket: { Value: !Ref Bucket }
  BucketArn: { Value: !GetAtt Bucket.Arn }
`;

describe('SQS and S3 resources', () => {
  it('provisions queues (with a redrive policy) and a bucket notifying a function', { timeout: 60_000 }, async () => {
    await cfn.send(
      new CreateStackCommand({ StackName: 'files', TemplateBody: template(30), Capabilities: ['CAPABILITY_IAM'] }),
    );
    const s = await waitStack(cfn, 'files');
    expect(s.StackStatus, (await eventLines(cfn, 'files', true)).join('\n')).toBe('CREATE_COMPLETE');
    const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue!]));
    expect(out['QueueArn']).toMatch(/^arn:aws:sqs:us-east-1:000000000000:files-Uploads-[A-Z0-9]{12}$/);
    expect(out['Bucket']).toMatch(/^files-bucket-[a-z0-9]{12}$/);
    expect(out['BucketArn']).toBe(`arn:aws:s3:::${out['Bucket']}`);
    const config = { endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS };
    const sqs = new SQSClient(config);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: out['QueueUrl'], AttributeNames: ['All'] }));
    expect(JSON.parse(attrs.Attributes!['RedrivePolicy']!)).toMatchObject({ maxReceiveCount: 3 });

    const s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: out['Bucket'], Key: 'uploads/a.txt', Body: 'hello' }));
    await s3.send(new PutObjectCommand({ Bucket: out['Bucket'], Key: 'other/b.txt', Body: 'ignored' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: out['QueueUrl'], WaitTimeSeconds: 10 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['uploads/a.txt']);

    await cfn.send(
      new UpdateStackCommand({ StackName: 'files', TemplateBody: template(45), Capabilities: ['CAPABILITY_IAM'] }),
    );
    expect((await waitStack(cfn, 'files')).StackStatus).toBe('UPDATE_COMPLETE');
    const after = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: out['QueueUrl'], AttributeNames: ['VisibilityTimeout'] }),
    );
    expect(after.Attributes!['VisibilityTimeout']).toBe('45');

    // A bucket with objects cannot be deleted (as on AWS): the stack ends DELETE_FAILED until it is emptied.
    await cfn.send(new DeleteStackCommand({ StackName: 'files' }));
    const failed = await waitStack(cfn, 'files');
    expect(failed.StackStatus).toBe('DELETE_FAILED');
    expect((await eventLines(cfn, 'files', true)).join('\n')).toMatch(
      /Bucket DELETE_FAILED Resource handler returned message: "The bucket you tried to delete is not empty\. You must delete all versions in the bucket\."/,
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'files', RetainResources: ['Bucket'] }));
    expect((await eventLines(cfn, s.StackId!)).at(-1)).toBe('files DELETE_COMPLETE');
  });

  it("a bucket's BucketEncryption is its default encryption, and removing it goes back to SSE-S3", async () => {
    const encrypted = (withDefault: boolean) => `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
${
  withDefault
    ? `      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }
            BucketKeyEnabled: true`
    : '      Tags: [{ Key: team, Value: data }]'
}
Outputs:
  Bucket: { Value: !Ref Bucket }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'sealed', TemplateBody: encrypted(true) }));
    const s = await waitStack(cfn, 'sealed');
    expect(s.StackStatus, (await eventLines(cfn, 'sealed', true)).join('\n')).toBe('CREATE_COMPLETE');
    const bucket = s.Outputs![0]!.OutputValue!;
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    const conf = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(conf.ServerSideEncryptionConfiguration!.Rules![0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
      BucketKeyEnabled: true,
    });
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x' }));
    expect([put.ServerSideEncryption, put.BucketKeyEnabled]).toEqual(['aws:kms', true]);
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);

    await cfn.send(new UpdateStackCommand({ StackName: 'sealed', TemplateBody: encrypted(false) }));
    expect((await waitStack(cfn, 'sealed')).StackStatus).toBe('UPDATE_COMPLETE');
    const after = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k2', Body: 'x' }));
    expect([after.ServerSideEncryption, after.SSEKMSKeyId]).toEqual(['AES256', undefined]);
    s3.destroy();
  });
});

describe('templates and code in S3', () => {
  it(
    'reads TemplateURL and Code.S3Bucket/S3Key from Overcast S3 (as `aws cloudformation package` lays them out)',
    { timeout: 30_000 },
    async () => {
      const config = { endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS };
      const s3 = new S3Client({ ...config, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'artifacts' }));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'artifacts',
          Key: 'code/fn.zip',
          Body: await makeZip({ 'index.js': `exports.handler = async () => 'from s3';` }),
        }),
      );
      const template = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Fn:
    Type: AWS::Lambda::Function
    Properties: { Runtime: nodejs20.x, Handler: index.handler, Role: !GetAtt Role.Arn, Code: { S3Bucket: artifacts, S3Key: code/fn.zip } }
Outputs:
  Fn: { Value: !Ref Fn }
`;
      await s3.send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'templates/app.yaml', Body: template }));
      for (const url of [
        'https://s3.amazonaws.com/artifacts/templates/app.yaml',
        'https://artifacts.s3.us-east-1.amazonaws.com/templates/app.yaml',
      ]) {
        const name = url.includes('s3.amazonaws.com/artifacts') ? 'from-s3-path' : 'from-s3-virtual';
        await cfn.send(new CreateStackCommand({ StackName: name, TemplateURL: url, Capabilities: ['CAPABILITY_IAM'] }));
        const s = await waitStack(cfn, name);
        expect(s.StackStatus, (await eventLines(cfn, name, true)).join('\n')).toBe('CREATE_COMPLETE');
        const res = await lambdaClient(server.endpoint).send(
          new InvokeCommand({ FunctionName: s.Outputs![0]!.OutputValue! }),
        );
        expect(decode(res.Payload)).toBe('from s3');
      }
      await expect(
        cfn.send(
          new CreateStackCommand({ StackName: 'missing', TemplateURL: 'https://s3.amazonaws.com/artifacts/nope.yaml' }),
        ),
      ).rejects.toThrow('TemplateURL must reference a valid S3 object to which you have access.');
      await cfn.send(
        new CreateStackCommand({
          StackName: 'badcode',
          TemplateBody: template.replace('code/fn.zip', 'code/none.zip'),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      expect((await waitStack(cfn, 'badcode')).StackStatus).toBe('ROLLBACK_COMPLETE');
      expect((await eventLines(cfn, 'badcode', true)).join('\n')).toContain(
        'Error occurred while GetObject. S3 Error Code: NoSuchKey.',
      );
    },
  );
});

describe('nested stacks', () => {
  it(
    'creates, updates and deletes a child stack from TemplateURL, reading its outputs',
    { timeout: 30_000 },
    async () => {
      const config = { endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS };
      const s3 = new S3Client({ ...config, forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'nested' }));
      const child = `Parameters:
  Greeting: { Type: String }
Resources:
  H: { Type: AWS::CloudFormation::WaitConditionHandle }
Outputs:
  Message: { Value: !Sub '\${Greeting} from child' }
`;
      await s3.send(new PutObjectCommand({ Bucket: 'nested', Key: 'child.yaml', Body: child }));
      const parent = (greeting: string) => `Resources:
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/nested/child.yaml
      Parameters: { Greeting: ${greeting} }
Outputs:
  FromChild: { Value: !GetAtt Child.Outputs.Message }
  ChildId: { Value: !Ref Child }
`;
      await cfn.send(new CreateStackCommand({ StackName: 'parent', TemplateBody: parent('hello') }));
      const s = await waitStack(cfn, 'parent');
      expect(s.StackStatus, (await eventLines(cfn, 'parent', true)).join('\n')).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue!]));
      expect(out['FromChild']).toBe('hello from child');
      expect(out['ChildId']).toMatch(/:stack\/parent-Child-[A-Z0-9]{12}\//);

      await cfn.send(new UpdateStackCommand({ StackName: 'parent', TemplateBody: parent('bonjour') }));
      const u = await waitStack(cfn, 'parent');
      expect(u.StackStatus).toBe('UPDATE_COMPLETE');
      expect(u.Outputs!.find((o) => o.OutputKey === 'FromChild')!.OutputValue).toBe('bonjour from child');

      await cfn.send(new DeleteStackCommand({ StackName: 'parent' }));
      const childStack = (await cfn.send(new DescribeStacksCommand({ StackName: out['ChildId'] }))).Stacks![0]!;
      expect(childStack.StackStatus).toBe('DELETE_COMPLETE');
    },
  );
});
