import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { scanAll } from '../helpers/ddb.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { s3Client } from '../s3/helpers.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

const template = (bucket: string) => `
Resources:
  Seeded:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: seeded-${bucket}
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      StreamSpecification: { StreamViewType: NEW_IMAGE }
      Tags: [{ Key: team, Value: data }]
      ImportSourceSpecification:
        S3BucketSource: { S3Bucket: ${bucket}, S3KeyPrefix: seed/ }
        InputFormat: DYNAMODB_JSON
        InputCompressionType: GZIP
Outputs:
  Arn: { Value: !GetAtt Seeded.Arn }
`;

// AWS::DynamoDB::Table with ImportSourceSpecification: the table is created by ImportTable.
describe('CloudFormation AWS::DynamoDB::Table ImportSourceSpecification', () => {
  let server: TestServer;
  let cfn: CloudFormationClient;
  beforeAll(async () => {
    server = await startTestServer();
    cfn = cfnClient(server.endpoint);
  });
  afterAll(async () => {
    cfn.destroy();
    await server.stop();
  });

  it('creates the table from the S3 data, then applies the stream and the tags', async () => {
    const s3 = s3Client(server.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'seed-data' }));
      const lines = ['a', 'b'].map((id) => JSON.stringify({ Item: { id: { S: id }, n: { N: '1' } } })).join('\n');
      await s3.send(new PutObjectCommand({ Bucket: 'seed-data', Key: 'seed/items.json.gz', Body: gzipSync(lines) }));
    } finally {
      s3.destroy();
    }
    await cfn.send(new CreateStackCommand({ StackName: 'seeded', TemplateBody: template('seed-data') }));
    expect((await waitStack(cfn, 'seeded')).StackStatus).toBe('CREATE_COMPLETE');
    const { items } = await scanAll(server.ddb, { TableName: 'seeded-seed-data' });
    expect(items.map((i) => i['id']!.S).sort()).toEqual(['a', 'b']);
    const table = (await server.ddb.send(new DescribeTableCommand({ TableName: 'seeded-seed-data' }))).Table!;
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    const tags = await server.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }));
    expect(tags.Tags).toEqual([{ Key: 'team', Value: 'data' }]);
  });

  it('fails the resource, and the stack, when the import fails', async () => {
    await cfn.send(
      new CreateStackCommand({ StackName: 'seeded-missing', TemplateBody: template('no-such-seed-bucket') }),
    );
    expect((await waitStack(cfn, 'seeded-missing')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const events = await eventLines(cfn, 'seeded-missing', true);
    expect(events.find((e) => e.startsWith('Seeded CREATE_FAILED'))).toContain('FAILED: S3NoSuchBucket');
  });
});
