import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  DeleteBucketAnalyticsConfigurationCommand,
  DeleteBucketMetricsConfigurationCommand,
  GetBucketAnalyticsConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  GetBucketMetricsConfigurationCommand,
  GetBucketPolicyStatusCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketAnalyticsConfigurationsCommand,
  ListBucketIntelligentTieringConfigurationsCommand,
  ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand,
  PutBucketAnalyticsConfigurationCommand,
  PutBucketMetricsConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { rawSend } from '../helpers/raw-http.js';
import { s3Client } from './helpers.js';

describe('S3 bucket configurations kept by id, and policy status', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  const Bucket = 'configs';

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('stores, answers, lists and deletes analytics and metrics configurations by id', async () => {
    expect(
      (await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket }))).AnalyticsConfigurationList,
    ).toBeUndefined();
    const missing = await errorOf(s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: 'a1' })));
    expect([missing.name, missing.message]).toEqual([
      'NoSuchConfiguration',
      'The specified configuration does not exist.',
    ]);
    await s3.send(
      new PutBucketAnalyticsConfigurationCommand({
        Bucket,
        Id: 'a1',
        AnalyticsConfiguration: { Id: 'a1', Filter: { Prefix: 'logs/' }, StorageClassAnalysis: {} },
      }),
    );
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: 'm1', MetricsConfiguration: { Id: 'm1' } }));
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket, Id: 'm2', MetricsConfiguration: { Id: 'm2' } }));
    const a = await s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket, Id: 'a1' }));
    expect(a.AnalyticsConfiguration).toMatchObject({ Id: 'a1', Filter: { Prefix: 'logs/' } });
    const listed = await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket }));
    expect([listed.IsTruncated, listed.MetricsConfigurationList?.map((m) => m.Id)]).toEqual([false, ['m1', 'm2']]);
    expect(
      (await s3.send(new GetBucketMetricsConfigurationCommand({ Bucket, Id: 'm2' }))).MetricsConfiguration?.Id,
    ).toBe('m2');
    await s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket, Id: 'm1' }));
    expect(
      (await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket }))).MetricsConfigurationList?.map(
        (m) => m.Id,
      ),
    ).toEqual(['m2']);
    const again = await errorOf(s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket, Id: 'nope' })));
    expect(again.name).toBe('NoSuchConfiguration');
    await s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket, Id: 'a1' }));
    // The bucket itself is still there: a DELETE with a sub-resource is never DeleteBucket.
    await s3.send(new HeadBucketCommand({ Bucket }));
    expect(
      (await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket }))).InventoryConfigurationList,
    ).toBeUndefined();
    expect(
      (await s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket })))
        .IntelligentTieringConfigurationList,
    ).toBeUndefined();
    expect((await errorOf(s3.send(new GetBucketInventoryConfigurationCommand({ Bucket, Id: 'i' })))).name).toBe(
      'NoSuchConfiguration',
    );
  });

  it('refuses a DELETE or PUT with a sub-resource it does not know instead of deleting or creating the bucket', async () => {
    const res = await rawSend(server.endpoint, { method: 'DELETE', path: `/${Bucket}?somethingNew` });
    expect(res.status).toBe(501);
    expect(res.body.toString()).toContain('<Code>NotImplemented</Code>');
    await s3.send(new HeadBucketCommand({ Bucket }));
    // Nor is a PUT ?renameObject (directory buckets' RenameObject) taken for a PutObject.
    await s3.send(new PutObjectCommand({ Bucket, Key: 'keep', Body: 'kept' }));
    const rename = await rawSend(server.endpoint, {
      method: 'PUT',
      path: `/${Bucket}/keep?renameObject`,
      headers: { 'x-amz-rename-source': `/${Bucket}/other` },
    });
    expect(rename.status).toBe(501);
    const kept = await s3.send(new GetObjectCommand({ Bucket, Key: 'keep' }));
    expect(await kept.Body!.transformToString()).toBe('kept');
  });

  it('answers GetBucketPolicyStatus from the stored policy', async () => {
    const none = await errorOf(s3.send(new GetBucketPolicyStatusCommand({ Bucket })));
    expect(none.name).toBe('NoSuchBucketPolicy');
    const policy = (principal: unknown, extra = {}) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: principal,
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${Bucket}/*`,
            ...extra,
          },
        ],
      });
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy({ AWS: 'arn:aws:iam::000000000000:root' }) }));
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(false);
    await s3.send(new PutBucketPolicyCommand({ Bucket, Policy: policy('*') }));
    expect((await s3.send(new GetBucketPolicyStatusCommand({ Bucket }))).PolicyStatus?.IsPublic).toBe(true);
  });
});
