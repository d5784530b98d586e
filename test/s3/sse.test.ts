import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client, text } from './helpers.js';

// 32-character keys: the SDK sends their bytes (base64), with the MD5 it computes.
const KEY = '1234567890abcdef1234567890abcdef';
const KEY_MD5 = createHash('md5').update(KEY).digest('base64');
const OTHER_KEY = 'abcdef1234567890abcdef1234567890';
const md5hex = (s: string) => createHash('md5').update(s).digest('hex');
const KEY_ARN = /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The HTTP status and S3 error fields of a failed call. */
async function failure(p: Promise<unknown>): Promise<{ status: number; code: string; message: string }> {
  const e = (await errorOf(p)) as { name: string; message: string; $metadata: { httpStatusCode: number } };
  return { status: e.$metadata.httpStatusCode, code: e.name, message: e.message };
}

describe('S3 server-side encryption', () => {
  let server: TestServer;
  let s3: S3Client;
  /** A client that sends a wrong SSE-C key MD5 (the SDK computes a right one otherwise). */
  let badMd5: S3Client;

  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    badMd5 = s3Client(server.endpoint);
    badMd5.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        req.headers['x-amz-server-side-encryption-customer-key-md5'] = KEY_MD5.replace(/^./, 'A');
        return next(args);
      },
      { step: 'build', name: 'wrongKeyMd5' },
    );
    for (const b of ['sse', 'sse-two', 'ssec', 'sse-default']) await s3.send(new CreateBucketCommand({ Bucket: b }));
  });

  afterAll(async () => {
    s3.destroy();
    badMd5.destroy();
    await server.stop();
  });

  it('SSE-S3 by default: AES256 and the MD5 ETag', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse', Key: 'plain', Body: 'data' }));
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(put.SSEKMSKeyId).toBeUndefined();
    expect(put.ETag).toBe(`"${md5hex('data')}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'plain' }));
    expect(head.ServerSideEncryption).toBe('AES256');
  });

  it('SSE-KMS: the key as an ARN, the aws/s3 managed key shared by buckets, the bucket key only when on', async () => {
    const managed = await s3.send(
      new PutObjectCommand({ Bucket: 'sse', Key: 'kms', Body: 'data', ServerSideEncryption: 'aws:kms' }),
    );
    expect(managed.ServerSideEncryption).toBe('aws:kms');
    expect(managed.SSEKMSKeyId).toMatch(KEY_ARN);
    expect(managed.BucketKeyEnabled).toBeUndefined();
    // S3's ETag of an SSE-KMS object is not the MD5 of its data.
    expect(managed.ETag).not.toBe(`"${md5hex('data')}"`);
    const other = await s3.send(
      new PutObjectCommand({ Bucket: 'sse-two', Key: 'kms', Body: 'x', ServerSideEncryption: 'aws:kms' }),
    );
    expect(other.SSEKMSKeyId).toBe(managed.SSEKMSKeyId);

    const id = '0b9ec7a4-3e1a-4f7c-9a55-6a1b7c0d2e3f';
    const own = await s3.send(
      new PutObjectCommand({
        Bucket: 'sse',
        Key: 'kms-own',
        Body: 'data',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: id,
        BucketKeyEnabled: true,
      }),
    );
    expect(own.SSEKMSKeyId).toMatch(KEY_ARN);
    expect(own.SSEKMSKeyId!.endsWith(`:key/${id}`)).toBe(true);
    expect(own.BucketKeyEnabled).toBe(true);
    const get = await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'kms-own' }));
    expect(await text(get.Body)).toBe('data');
    expect([get.ServerSideEncryption, get.SSEKMSKeyId, get.BucketKeyEnabled]).toEqual([
      'aws:kms',
      own.SSEKMSKeyId,
      true,
    ]);
    const dsse = await s3.send(
      new PutObjectCommand({ Bucket: 'sse', Key: 'dsse', Body: 'data', ServerSideEncryption: 'aws:kms:dsse' }),
    );
    expect([dsse.ServerSideEncryption, dsse.SSEKMSKeyId]).toEqual(['aws:kms:dsse', managed.SSEKMSKeyId]);
  });

  it('refuses what S3 refuses: an unknown method, a KMS key without aws:kms, keys KMS does not take', async () => {
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({ Bucket: 'sse', Key: 'x', Body: 'x', ServerSideEncryption: 'aes256' as 'AES256' }),
        ),
      ),
    ).toEqual({ status: 400, code: 'InvalidArgument', message: 'The encryption method specified is not supported' });
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({
            Bucket: 'sse',
            Key: 'x',
            Body: 'x',
            ServerSideEncryption: 'AES256',
            SSEKMSKeyId: '0b9ec7a4-3e1a-4f7c-9a55-6a1b7c0d2e3f',
          }),
        ),
      ),
    ).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message:
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
    });
    const kms = (SSEKMSKeyId: string) =>
      failure(
        s3.send(
          new PutObjectCommand({ Bucket: 'sse', Key: 'x', Body: 'x', ServerSideEncryption: 'aws:kms', SSEKMSKeyId }),
        ),
      );
    expect(await kms('fake-key-id')).toEqual({
      status: 400,
      code: 'KMS.NotFoundException',
      message: "Invalid keyId 'fake-key-id'",
    });
    expect(await kms('arn:aws:kms:us-west-2:000000000000:key/0b9ec7a4-3e1a-4f7c-9a55-6a1b7c0d2e3f')).toEqual({
      status: 400,
      code: 'KMS.NotFoundException',
      message: 'Invalid arn us-west-2',
    });
  });

  it('an encryption context is base64 JSON, answered by the write that set it', async () => {
    const context = Buffer.from(JSON.stringify({ team: 'data' })).toString('base64');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'sse',
        Key: 'ctx',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSEncryptionContext: context,
      }),
    );
    expect(put.SSEKMSEncryptionContext).toBe(context);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'ctx' }))).ServerSideEncryption).toBe('aws:kms');
    const bad = await failure(
      s3.send(
        new PutObjectCommand({
          Bucket: 'sse',
          Key: 'ctx-bad',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSEncryptionContext: Buffer.from('[1]').toString('base64'),
        }),
      ),
    );
    expect(bad.code).toBe('InvalidArgument');
    expect(bad.message).toContain('shall be Base64-encoded UTF-8 string holding JSON');
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'ctx-bad' })))).status).toBe(404);
  });

  it('a bucket default naming a key KMS would not take refuses the write and stores nothing', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'sse-badkey' }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'sse-badkey',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: 'arn:aws:kms:us-east-1:000000000000:key/€uro',
              },
            },
          ],
        },
      }),
    );
    const refused = await failure(s3.send(new PutObjectCommand({ Bucket: 'sse-badkey', Key: 'k', Body: 'x' })));
    expect([refused.status, refused.code]).toEqual([400, 'KMS.NotFoundException']);
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'sse-badkey', Key: 'k' })))).status).toBe(404);
  });

  it('SSE-C is blocked on a new bucket until PutBucketEncryption unblocks it', async () => {
    const conf = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'ssec' }));
    expect(conf.ServerSideEncryptionConfiguration!.Rules).toEqual([
      {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
        BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
        BucketKeyEnabled: false,
      },
    ]);
    const blocked = await failure(
      s3.send(
        new PutObjectCommand({
          Bucket: 'ssec',
          Key: 'c',
          Body: 'x',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: KEY,
        }),
      ),
    );
    expect(blocked.status).toBe(403);
    expect(blocked.code).toBe('AccessDenied');
    expect(blocked.message).toContain(
      'because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C)',
    );
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'ssec',
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
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'ssec',
        Key: 'c',
        Body: 'secret',
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: KEY,
      }),
    );
    expect([put.ServerSideEncryption, put.SSECustomerAlgorithm, put.SSECustomerKeyMD5]).toEqual([
      undefined,
      'AES256',
      KEY_MD5,
    ]);
  });

  it('an SSE-C object is read with its key only', async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'c' })))).toEqual({
      status: 400,
      code: 'InvalidRequest',
      message:
        'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    });
    expect(
      await failure(
        s3.send(
          new GetObjectCommand({ Bucket: 'ssec', Key: 'c', SSECustomerAlgorithm: 'AES256', SSECustomerKey: OTHER_KEY }),
        ),
      ),
    ).toEqual({
      status: 403,
      code: 'AccessDenied',
      message:
        'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
    });
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'ssec', Key: 'c' })))).status).toBe(400);
    const get = await s3.send(
      new GetObjectCommand({ Bucket: 'ssec', Key: 'c', SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY }),
    );
    expect(await text(get.Body)).toBe('secret');
    expect([get.ServerSideEncryption, get.SSECustomerAlgorithm, get.SSECustomerKeyMD5]).toEqual([
      undefined,
      'AES256',
      KEY_MD5,
    ]);
    const attrs = await s3.send(
      new GetObjectAttributesCommand({
        Bucket: 'ssec',
        Key: 'c',
        ObjectAttributes: ['ObjectSize'],
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKey: KEY,
      }),
    );
    expect(attrs.ObjectSize).toBe(6);
    // SSE-C headers for an object stored without a customer key.
    expect(
      await failure(
        s3.send(
          new GetObjectCommand({ Bucket: 'sse', Key: 'plain', SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY }),
        ),
      ),
    ).toEqual({
      status: 400,
      code: 'InvalidRequest',
      message: 'The encryption parameters are not applicable to this object.',
    });
  });

  it("refuses malformed SSE-C uploads with S3's answers", async () => {
    const put = (extra: Record<string, unknown>, client = s3) =>
      failure(client.send(new PutObjectCommand({ Bucket: 'ssec', Key: 'bad', Body: 'x', ...extra })));
    expect(await put({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY, ServerSideEncryption: 'AES256' })).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message: 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
    });
    expect(await put({ SSECustomerAlgorithm: 'KMS', SSECustomerKey: KEY })).toEqual({
      status: 400,
      code: 'InvalidEncryptionAlgorithmError',
      message: 'The Encryption request you specified is not valid. Supported value: AES256.',
    });
    expect(await put({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: 'short key!' })).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message: 'The secret key was invalid for the specified algorithm.',
    });
    expect(await put({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY }, badMd5)).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message: 'The calculated MD5 hash of the key did not match the hash that was provided.',
    });
    expect((await failure(s3.send(new HeadObjectCommand({ Bucket: 'ssec', Key: 'bad' })))).status).toBe(404);
  });

  it('multipart uploads: SSE-C parts carry the key; SSE-KMS is answered at every step', async () => {
    const ssec = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY };
    const { UploadId, SSECustomerKeyMD5 } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: 'ssec', Key: 'mpu', ...ssec }),
    );
    expect(SSECustomerKeyMD5).toBe(KEY_MD5);
    const part = (extra: Record<string, unknown>) =>
      s3.send(new UploadPartCommand({ Bucket: 'ssec', Key: 'mpu', UploadId, PartNumber: 1, Body: 'part', ...extra }));
    expect(await failure(part({}))).toEqual({
      status: 400,
      code: 'InvalidRequest',
      message:
        'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
    });
    expect(await failure(part({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: OTHER_KEY }))).toEqual({
      status: 400,
      code: 'InvalidRequest',
      message: 'The provided encryption parameters did not match the ones used originally.',
    });
    const p1 = await part(ssec);
    expect(p1.SSECustomerKeyMD5).toBe(KEY_MD5);
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'ssec',
        Key: 'mpu',
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag! }] },
      }),
    );
    expect(done.ETag).toMatch(/-1"$/);
    expect((await failure(s3.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'mpu' })))).code).toBe('InvalidRequest');
    expect(await text((await s3.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'mpu', ...ssec }))).Body)).toBe(
      'part',
    );

    const kms = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: 'sse',
        Key: 'mpu-kms',
        ServerSideEncryption: 'aws:kms',
        BucketKeyEnabled: true,
      }),
    );
    expect([kms.ServerSideEncryption, kms.BucketKeyEnabled]).toEqual(['aws:kms', true]);
    const kp = await s3.send(
      new UploadPartCommand({ Bucket: 'sse', Key: 'mpu-kms', UploadId: kms.UploadId, PartNumber: 1, Body: 'kms part' }),
    );
    expect([kp.ServerSideEncryption, kp.SSEKMSKeyId, kp.BucketKeyEnabled]).toEqual(['aws:kms', kms.SSEKMSKeyId, true]);
    const kd = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'sse',
        Key: 'mpu-kms',
        UploadId: kms.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: kp.ETag! }] },
      }),
    );
    expect([kd.ServerSideEncryption, kd.SSEKMSKeyId, kd.BucketKeyEnabled]).toEqual(['aws:kms', kms.SSEKMSKeyId, true]);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'sse', Key: 'mpu-kms' }));
    expect([head.ServerSideEncryption, head.SSEKMSKeyId]).toEqual(['aws:kms', kms.SSEKMSKeyId]);
  });

  it("CopyObject: an SSE-C source needs its key; the copy's encryption is its own, not the source's", async () => {
    expect(
      (await failure(s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'from-c', CopySource: 'ssec/c' })))).message,
    ).toBe(
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    );
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'sse',
        Key: 'from-c',
        CopySource: 'ssec/c',
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: KEY,
      }),
    );
    expect(copy.ServerSideEncryption).toBe('AES256');
    expect(copy.CopyObjectResult!.ETag).toBe(`"${md5hex('secret')}"`);
    expect(await text((await s3.send(new GetObjectCommand({ Bucket: 'sse', Key: 'from-c' }))).Body)).toBe('secret');

    const toKms = await s3.send(
      new CopyObjectCommand({ Bucket: 'sse', Key: 'to-kms', CopySource: 'sse/plain', ServerSideEncryption: 'aws:kms' }),
    );
    expect([toKms.ServerSideEncryption, toKms.SSEKMSKeyId]).toEqual(['aws:kms', expect.stringMatching(KEY_ARN)]);
    // In place: a KMS object copied with no encryption asked for becomes SSE-S3 (a change, so allowed).
    const inPlace = await s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'to-kms', CopySource: 'sse/to-kms' }));
    expect([inPlace.ServerSideEncryption, inPlace.SSEKMSKeyId]).toEqual(['AES256', undefined]);
    expect(
      (await failure(s3.send(new CopyObjectCommand({ Bucket: 'sse', Key: 'to-kms', CopySource: 'sse/to-kms' })))).code,
    ).toBe('InvalidRequest');
  });

  it('a bucket default applies to objects written without encryption headers; Delete goes back to SSE-S3', async () => {
    const bad = (Rules: unknown) =>
      failure(
        s3.send(
          new PutBucketEncryptionCommand({
            Bucket: 'sse-default',
            ServerSideEncryptionConfiguration: { Rules: Rules as [] },
          }),
        ),
      );
    expect(
      await bad([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'some-key' } }]),
    ).toEqual({
      status: 400,
      code: 'InvalidArgument',
      message: 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    });
    expect((await bad([])).code).toBe('MalformedXML');
    expect((await bad([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'SSE-KMS' } }])).code).toBe(
      'MalformedXML',
    );

    const id = '7f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: 'sse-default',
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: id },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    const conf = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    expect(conf.ServerSideEncryptionConfiguration!.Rules![0]).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: id },
      BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] },
      BucketKeyEnabled: true,
    });
    const put = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'k', Body: 'x' }));
    expect([put.ServerSideEncryption, put.BucketKeyEnabled]).toEqual(['aws:kms', true]);
    expect(put.SSEKMSKeyId!.endsWith(`:key/${id}`)).toBe(true);
    // Headers win over the default.
    const own = await s3.send(
      new PutObjectCommand({ Bucket: 'sse-default', Key: 'k2', Body: 'x', ServerSideEncryption: 'AES256' }),
    );
    expect([own.ServerSideEncryption, own.SSEKMSKeyId]).toEqual(['AES256', undefined]);

    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: 'sse-default' }));
    const reset = await s3.send(new GetBucketEncryptionCommand({ Bucket: 'sse-default' }));
    expect(reset.ServerSideEncryptionConfiguration!.Rules![0]!.ApplyServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'AES256',
    });
    const after = await s3.send(new PutObjectCommand({ Bucket: 'sse-default', Key: 'k3', Body: 'x' }));
    expect(after.ServerSideEncryption).toBe('AES256');
    // The object written under the KMS default keeps its encryption.
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'sse-default', Key: 'k' }))).ServerSideEncryption).toBe(
      'aws:kms',
    );
  });
});
