import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

describe('S3 object retention and legal hold (stored, not enforced)', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'locked', ObjectLockEnabledForBucket: true }));
    for (const Bucket of ['plain', 'locked']) await s3.send(new PutObjectCommand({ Bucket, Key: 'k', Body: 'data' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('refuses them on a bucket without Object Lock, and leaves the object as it was', async () => {
    const until = new Date(Date.now() + 86_400_000);
    for (const call of [
      () =>
        s3.send(
          new PutObjectRetentionCommand({
            Bucket: 'plain',
            Key: 'k',
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until },
          }),
        ),
      () => s3.send(new PutObjectLegalHoldCommand({ Bucket: 'plain', Key: 'k', LegalHold: { Status: 'ON' } })),
      () => s3.send(new GetObjectRetentionCommand({ Bucket: 'plain', Key: 'k' })),
      () => s3.send(new GetObjectLegalHoldCommand({ Bucket: 'plain', Key: 'k' })),
    ]) {
      const err = await errorOf(call());
      expect([err.name, err.message]).toEqual(['InvalidRequest', 'Bucket is missing Object Lock Configuration']);
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: 'plain', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('data');
  });

  it('stores and answers them on a bucket with Object Lock', async () => {
    for (const call of [
      () => s3.send(new GetObjectRetentionCommand({ Bucket: 'locked', Key: 'k' })),
      () => s3.send(new GetObjectLegalHoldCommand({ Bucket: 'locked', Key: 'k' })),
    ]) {
      const err = await errorOf(call());
      expect([err.name, err.$metadata?.httpStatusCode]).toEqual(['NoSuchObjectLockConfiguration', 404]);
    }
    const past = await errorOf(
      s3.send(
        new PutObjectRetentionCommand({
          Bucket: 'locked',
          Key: 'k',
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() - 1000) },
        }),
      ),
    );
    expect(past.name).toBe('InvalidArgument');
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000);
    await s3.send(
      new PutObjectRetentionCommand({
        Bucket: 'locked',
        Key: 'k',
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until },
      }),
    );
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: 'locked', Key: 'k', LegalHold: { Status: 'ON' } }));
    const r = await s3.send(new GetObjectRetentionCommand({ Bucket: 'locked', Key: 'k' }));
    expect([r.Retention?.Mode, r.Retention?.RetainUntilDate?.getTime()]).toEqual(['GOVERNANCE', until.getTime()]);
    const h = await s3.send(new GetObjectLegalHoldCommand({ Bucket: 'locked', Key: 'k' }));
    expect(h.LegalHold?.Status).toBe('ON');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'locked', Key: 'k' }));
    expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.getTime(), head.ObjectLockLegalHoldStatus]).toEqual([
      'GOVERNANCE',
      until.getTime(),
      'ON',
    ]);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'locked', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('data');
  });

  it('PutObject takes them from its x-amz-object-lock-* headers, checked as S3 does', async () => {
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    await s3.send(
      new PutObjectCommand({
        Bucket: 'locked',
        Key: 'born-locked',
        Body: 'x',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: until,
        ObjectLockLegalHoldStatus: 'OFF',
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'locked', Key: 'born-locked' }));
    expect([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.getTime(), head.ObjectLockLegalHoldStatus]).toEqual([
      'COMPLIANCE',
      until.getTime(),
      'OFF',
    ]);
    const plain = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'plain', Key: 'nope', Body: 'x', ObjectLockLegalHoldStatus: 'ON' })),
    );
    expect([plain.name, plain.message]).toEqual(['InvalidRequest', 'Bucket is missing Object Lock Configuration']);
    const half = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'locked', Key: 'half', Body: 'x', ObjectLockMode: 'GOVERNANCE' })),
    );
    expect([half.name, half.message]).toEqual([
      'InvalidArgument',
      'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
    ]);
    for (const [Bucket, Key] of [
      ['plain', 'nope'],
      ['locked', 'half'],
    ])
      expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket, Key })))).name).toBe('NotFound');
  });
});
