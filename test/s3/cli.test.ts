import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDir } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { AWS_CLI, aws, hasAwsCli } from '../helpers/aws-cli.js';
import { s3Client } from './helpers.js';

const run = promisify(execFile);

/** `aws s3 …` (text output, not JSON). */
async function s3cmd(endpoint: string, args: string[]): Promise<string> {
  const { stdout } = await run(AWS_CLI, ['s3', ...args, '--endpoint-url', endpoint], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
      AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe.skipIf(!hasAwsCli)('S3 with the AWS CLI', () => {
  let server: TestServer;
  const dir = tempDir('overcast-s3-cli-');
  beforeAll(async () => {
    server = await startTestServer({
      auth: 'enforce',
      credentials: [
        { accessKeyId: 'AKIDOVERCASTTEST', secretAccessKey: 'overcast-test-secret', account: '000000000000' },
      ],
    });
  });
  afterAll(async () => {
    await server.stop();
    dir.cleanup();
  });

  it('aws s3 mb / cp / ls / sync / rm / rb', async () => {
    const e = server.endpoint;
    expect(await s3cmd(e, ['mb', 's3://cli-bucket'])).toContain('make_bucket: cli-bucket');
    const src = join(dir.path, 'src');
    mkdirSync(join(src, 'nested/deeper'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'file a');
    writeFileSync(join(src, 'with space.txt'), 'spaced');
    writeFileSync(join(src, 'nested/b.json'), '{"b":1}');
    writeFileSync(join(src, 'nested/deeper/c.bin'), Buffer.alloc(20 * 1024 * 1024, 7));
    await s3cmd(e, ['cp', join(src, 'a.txt'), 's3://cli-bucket/single/a.txt']);
    const ls = await s3cmd(e, ['ls', 's3://cli-bucket/single/']);
    expect(ls).toMatch(/\s6 a\.txt/);
    const sync = await s3cmd(e, ['sync', src, 's3://cli-bucket/tree']);
    expect(sync.match(/upload:/g)).toHaveLength(4);
    expect(await s3cmd(e, ['sync', src, 's3://cli-bucket/tree'])).toBe('');
    const rec = await s3cmd(e, ['ls', '--recursive', 's3://cli-bucket/tree/']);
    expect(rec).toContain('tree/nested/deeper/c.bin');
    expect(rec).toContain('tree/with space.txt');
    expect(rec).toMatch(/20971520 tree\/nested\/deeper\/c\.bin/);
    const top = await s3cmd(e, ['ls', 's3://cli-bucket/tree/']);
    expect(top).toMatch(/PRE nested\//);
    const back = join(dir.path, 'back');
    await s3cmd(e, ['sync', 's3://cli-bucket/tree', back]);
    expect(readFileSync(join(back, 'with space.txt'), 'utf8')).toBe('spaced');
    expect(readFileSync(join(back, 'nested/deeper/c.bin')).equals(Buffer.alloc(20 * 1024 * 1024, 7))).toBe(true);
    await s3cmd(e, ['cp', 's3://cli-bucket/single/a.txt', join(dir.path, 'a-copy.txt')]);
    expect(readFileSync(join(dir.path, 'a-copy.txt'), 'utf8')).toBe('file a');
    await s3cmd(e, ['cp', 's3://cli-bucket/single/a.txt', 's3://cli-bucket/single/a2.txt']);
    expect(await s3cmd(e, ['ls', 's3://cli-bucket/single/'])).toContain('a2.txt');
    await s3cmd(e, ['rm', '--recursive', 's3://cli-bucket/']);
    expect(await s3cmd(e, ['ls', 's3://cli-bucket/'])).toBe('');
    expect(await s3cmd(e, ['rb', 's3://cli-bucket'])).toContain('remove_bucket: cli-bucket');
  }, 120_000);

  it('aws s3api', async () => {
    const e = server.endpoint;
    await aws(e, ['s3api', 'create-bucket', '--bucket', 'api-bucket']);
    const file = join(dir.path, 'api.txt');
    writeFileSync(file, 'api body');
    const put = await aws(e, [
      's3api',
      'put-object',
      '--bucket',
      'api-bucket',
      '--key',
      'k/1.txt',
      '--body',
      file,
      '--content-type',
      'text/plain',
      '--metadata',
      'a=1',
    ]);
    expect(put.ETag).toBe(`"${createHash('md5').update('api body').digest('hex')}"`);
    const head = await aws(e, ['s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'k/1.txt']);
    expect(head).toMatchObject({ ContentLength: 8, ContentType: 'text/plain', Metadata: { a: '1' } });
    const list = await aws(e, ['s3api', 'list-objects-v2', '--bucket', 'api-bucket', '--prefix', 'k/']);
    expect(list.Contents.map((c: { Key: string }) => c.Key)).toEqual(['k/1.txt']);
    await aws(e, [
      's3api',
      'put-bucket-versioning',
      '--bucket',
      'api-bucket',
      '--versioning-configuration',
      'Status=Enabled',
    ]);
    expect((await aws(e, ['s3api', 'get-bucket-versioning', '--bucket', 'api-bucket'])).Status).toBe('Enabled');
    await aws(e, [
      's3api',
      'put-object-tagging',
      '--bucket',
      'api-bucket',
      '--key',
      'k/1.txt',
      '--tagging',
      'TagSet=[{Key=a,Value=b}]',
    ]);
    expect(
      (await aws(e, ['s3api', 'get-object-tagging', '--bucket', 'api-bucket', '--key', 'k/1.txt'])).TagSet,
    ).toEqual([{ Key: 'a', Value: 'b' }]);
    const mpu = await aws(e, ['s3api', 'create-multipart-upload', '--bucket', 'api-bucket', '--key', 'mp']);
    const part = await aws(e, [
      's3api',
      'upload-part',
      '--bucket',
      'api-bucket',
      '--key',
      'mp',
      '--part-number',
      '1',
      '--upload-id',
      mpu.UploadId,
      '--body',
      file,
    ]);
    const done = await aws(e, [
      's3api',
      'complete-multipart-upload',
      '--bucket',
      'api-bucket',
      '--key',
      'mp',
      '--upload-id',
      mpu.UploadId,
      '--multipart-upload',
      JSON.stringify({ Parts: [{ PartNumber: 1, ETag: part.ETag }] }),
    ]);
    expect(done.ETag).toMatch(/-1"$/);
    const buckets = await aws(e, ['s3api', 'list-buckets']);
    expect(buckets.Buckets.map((b: { Name: string }) => b.Name)).toContain('api-bucket');
    const err = await aws(e, [
      's3api',
      'get-object',
      '--bucket',
      'api-bucket',
      '--key',
      'missing',
      join(dir.path, 'out'),
    ]).catch((x: { stderr: string }) => x.stderr);
    expect(err).toContain('NoSuchKey');
  }, 120_000);

  it('aws s3 cp --sse / --sse-c and aws s3api put-bucket-encryption', async () => {
    const e = server.endpoint;
    await s3cmd(e, ['mb', 's3://cli-sse']);
    const file = join(dir.path, 'sse.txt');
    writeFileSync(file, 'sealed');
    await s3cmd(e, ['cp', file, 's3://cli-sse/kms.txt', '--sse', 'aws:kms']);
    const head = await aws(e, ['s3api', 'head-object', '--bucket', 'cli-sse', '--key', 'kms.txt']);
    expect(head.ServerSideEncryption).toBe('aws:kms');
    expect(head.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    // SSE-C needs the bucket to unblock it first (new buckets block it, as on AWS since April 2026).
    const key = '0123456789abcdef0123456789abcdef';
    const refused = await s3cmd(e, ['cp', file, 's3://cli-sse/c.txt', '--sse-c', 'AES256', '--sse-c-key', key]).catch(
      (x: { stderr: string }) => x.stderr,
    );
    expect(refused).toContain('AccessDenied');
    // The CLI on this machine (2.9) predates BlockedEncryptionTypes: unblock with the SDK.
    const sdk = s3Client(e);
    await sdk.send(
      new PutBucketEncryptionCommand({
        Bucket: 'cli-sse',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
              BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
            },
          ],
        },
      }),
    );
    sdk.destroy();
    await s3cmd(e, ['cp', file, 's3://cli-sse/c.txt', '--sse-c', 'AES256', '--sse-c-key', key]);
    const out = join(dir.path, 'sse-out.txt');
    await s3cmd(e, ['cp', 's3://cli-sse/c.txt', out, '--sse-c', 'AES256', '--sse-c-key', key]);
    expect(readFileSync(out, 'utf8')).toBe('sealed');
    const noKey = await s3cmd(e, ['cp', 's3://cli-sse/c.txt', out]).catch((x: { stderr: string }) => x.stderr);
    expect(noKey).toMatch(/400|Bad Request/);
    await aws(e, [
      's3api',
      'put-bucket-encryption',
      '--bucket',
      'cli-sse',
      '--server-side-encryption-configuration',
      JSON.stringify({
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }],
      }),
    ]);
    const conf = await aws(e, ['s3api', 'get-bucket-encryption', '--bucket', 'cli-sse']);
    expect(conf.ServerSideEncryptionConfiguration.Rules[0]).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
      BucketKeyEnabled: true,
    });
    await s3cmd(e, ['cp', file, 's3://cli-sse/default.txt']);
    const byDefault = await aws(e, ['s3api', 'head-object', '--bucket', 'cli-sse', '--key', 'default.txt']);
    expect([byDefault.ServerSideEncryption, byDefault.BucketKeyEnabled]).toEqual(['aws:kms', true]);
  }, 60_000);
});
