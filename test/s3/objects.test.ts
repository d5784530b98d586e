import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { rawSend } from '../helpers/raw-http.js';
import { s3Client } from './helpers.js';

describe('S3 buckets and objects', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('creates buckets with the LocationConstraint rules, heads, lists (paginated) and deletes them', async () => {
    const created = await s3.send(new CreateBucketCommand({ Bucket: 'bkt-one' }));
    expect(created.Location).toBe('/bkt-one');
    // us-east-1 answers 200 to re-creating one's own bucket (legacy); every other region refuses it.
    expect((await s3.send(new CreateBucketCommand({ Bucket: 'bkt-one' }))).Location).toBe('/bkt-one');
    expect((await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).name).toBe('InvalidBucketName');
    expect((await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'ab' })))).name).toBe('InvalidBucketName');
    const usEast = await errorOf(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'bkt-x',
          CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never },
        }),
      ),
    );
    expect(usEast.name).toBe('InvalidLocationConstraint');
    await s3.send(
      new CreateBucketCommand({ Bucket: 'bkt-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'bkt-eu' }))).LocationConstraint).toBe('eu-west-1');
    const again = await errorOf(
      s3.send(
        new CreateBucketCommand({ Bucket: 'bkt-eu', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    );
    expect(again.name).toBe('BucketAlreadyOwnedByYou');
    expect(again.$metadata?.httpStatusCode).toBe(409);
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: 'bkt-one' }))).LocationConstraint).toBeUndefined();
    const west = s3Client(server.endpoint, { region: 'us-west-2' });
    const mismatch = await errorOf(
      west.send(
        new CreateBucketCommand({ Bucket: 'bkt-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
      ),
    );
    expect(mismatch.name).toBe('IllegalLocationConstraintException');
    await west.send(
      new CreateBucketCommand({ Bucket: 'bkt-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }),
    );
    west.destroy();

    const head = await s3.send(new HeadBucketCommand({ Bucket: 'bkt-eu' }));
    expect(head.BucketRegion).toBe('eu-west-1');
    const missing = await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })));
    expect(missing.$metadata?.httpStatusCode).toBe(404);

    const all = await s3.send(new ListBucketsCommand({}));
    expect(all.Buckets!.map((b) => b.Name)).toEqual(['bkt-eu', 'bkt-one', 'bkt-west']);
    const page1 = await s3.send(new ListBucketsCommand({ MaxBuckets: 2 }));
    expect(page1.Buckets!.map((b) => b.Name)).toEqual(['bkt-eu', 'bkt-one']);
    const page2 = await s3.send(new ListBucketsCommand({ MaxBuckets: 2, ContinuationToken: page1.ContinuationToken! }));
    expect(page2.Buckets!.map((b) => b.Name)).toEqual(['bkt-west']);
    expect(page2.ContinuationToken).toBeUndefined();

    await s3.send(new PutObjectCommand({ Bucket: 'bkt-west', Key: 'k', Body: 'x' }));
    const notEmpty = await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'bkt-west' })));
    expect(notEmpty.name).toBe('BucketNotEmpty');
    await s3.send(new DeleteObjectCommand({ Bucket: 'bkt-west', Key: 'k' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'bkt-west' }));
    const gone = await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'bkt-west' })));
    expect(gone.name).toBe('NoSuchBucket');
    expect(gone).toBeInstanceOf(S3ServiceException);
    expect((gone as S3ServiceException).$metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('stores content headers and user metadata; serves ranges and conditional GETs', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'objs' }));
    const body = 'abcdefghijklmnopqrstuvwxyz';
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'objs',
        Key: 'dir/file one.txt',
        Body: body,
        ContentType: 'text/plain',
        ContentEncoding: 'identity',
        ContentDisposition: 'attachment; filename="x.txt"',
        ContentLanguage: 'en',
        CacheControl: 'max-age=60',
        Expires: new Date('2030-01-01T00:00:00Z'),
        Metadata: { color: 'blue', 'Mixed-Case': 'v' },
      }),
    );
    expect(put.ETag).toBe('"c3fcd3d76192e4007dfb496cca67e13b"');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt' }));
    expect(head).toMatchObject({
      ContentLength: 26,
      ContentType: 'text/plain',
      ContentEncoding: 'identity',
      ContentDisposition: 'attachment; filename="x.txt"',
      ContentLanguage: 'en',
      CacheControl: 'max-age=60',
      ETag: put.ETag,
      Metadata: { color: 'blue', 'mixed-case': 'v' },
    });
    expect(head.Expires?.toISOString()).toBe('2030-01-01T00:00:00.000Z');

    const range = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', Range: 'bytes=2-5' }));
    expect(await range.Body!.transformToString()).toBe('cdef');
    expect(range.ContentRange).toBe('bytes 2-5/26');
    expect(range.$metadata.httpStatusCode).toBe(206);
    const suffix = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', Range: 'bytes=-3' }));
    expect(await suffix.Body!.transformToString()).toBe('xyz');
    const open = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', Range: 'bytes=24-' }));
    expect(await open.Body!.transformToString()).toBe('yz');
    const bad = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', Range: 'bytes=30-40' })),
    );
    expect(bad.name).toBe('InvalidRange');
    expect(bad.$metadata?.httpStatusCode).toBe(416);

    const notModified = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfNoneMatch: put.ETag })),
    );
    expect(notModified.$metadata?.httpStatusCode).toBe(304);
    const failed = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfMatch: '"nope"' })),
    );
    expect(failed.name).toBe('PreconditionFailed');
    expect(failed.$metadata?.httpStatusCode).toBe(412);
    const ok = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfMatch: put.ETag }));
    expect(await ok.Body!.transformToString()).toBe(body);
    const future = new Date(Date.now() + 3600_000);
    const past = new Date(Date.now() - 3600_000);
    expect(
      (
        await errorOf(
          s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfModifiedSince: future })),
        )
      ).$metadata?.httpStatusCode,
    ).toBe(304);
    expect(
      (
        await errorOf(
          s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfUnmodifiedSince: past })),
        )
      ).name,
    ).toBe('PreconditionFailed');
    expect(
      (await s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', IfModifiedSince: past })))
        .ContentLength,
    ).toBe(26);

    const noKey = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'nope' })));
    expect(noKey.name).toBe('NoSuchKey');
    expect((noKey as unknown as { Key?: string }).Key).toBe('nope');
    const noBucket = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'nope-bucket', Key: 'nope' })));
    expect(noBucket.name).toBe('NoSuchBucket');
    const headMissing = await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'objs', Key: 'nope' })));
    expect(headMissing.name).toBe('NotFound');

    // Conditional writes.
    const exists = await errorOf(
      s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'dir/file one.txt', Body: 'x', IfNoneMatch: '*' })),
    );
    expect(exists.name).toBe('PreconditionFailed');
    // Overwrite, then binary content round-trips exactly.
    const bin = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
    await s3.send(new PutObjectCommand({ Bucket: 'objs', Key: 'bin', Body: bin }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bin)).toBe(true);
    expect(got.ContentType).toBe('application/octet-stream');
    const mid = await s3.send(new GetObjectCommand({ Bucket: 'objs', Key: 'bin', Range: 'bytes=100000-299999' }));
    expect(Buffer.from(await mid.Body!.transformToByteArray()).equals(bin.subarray(100000))).toBe(true);
  });

  it('deletes objects one by one and in batches (quiet mode, per-key errors)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'dels' }));
    for (const k of ['a', 'b', 'c', 'd']) await s3.send(new PutObjectCommand({ Bucket: 'dels', Key: k, Body: k }));
    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'dels', Key: 'a' }));
    expect(del.$metadata.httpStatusCode).toBe(204);
    await s3.send(new DeleteObjectCommand({ Bucket: 'dels', Key: 'never-existed' }));
    const batch = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'dels',
        Delete: { Objects: [{ Key: 'b' }, { Key: 'zz' }, { Key: 'c', VersionId: 'not-a-version' }] },
      }),
    );
    expect(batch.Deleted!.map((d) => d.Key)).toEqual(['b', 'zz']);
    expect(batch.Errors).toEqual([
      { Key: 'c', VersionId: 'not-a-version', Code: 'NoSuchVersion', Message: 'The specified version does not exist.' },
    ]);
    const quiet = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'dels', Delete: { Quiet: true, Objects: [{ Key: 'c' }, { Key: 'd' }] } }),
    );
    expect(quiet.Deleted).toBeUndefined();
    expect(quiet.Errors).toBeUndefined();
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'dels' }))).KeyCount).toBe(0);
  });

  it('copies objects with metadata directives and copy-source conditions', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'copies' }));
    const src = await s3.send(
      new PutObjectCommand({
        Bucket: 'copies',
        Key: 'src',
        Body: 'copy me',
        ContentType: 'text/x-src',
        Metadata: { a: '1' },
        Tagging: 't=1',
      }),
    );
    const copied = await s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'dst', CopySource: 'copies/src' }));
    expect(copied.CopyObjectResult?.ETag).toBe(src.ETag);
    const dst = await s3.send(new HeadObjectCommand({ Bucket: 'copies', Key: 'dst' }));
    expect(dst).toMatchObject({ ContentType: 'text/x-src', Metadata: { a: '1' }, ContentLength: 7 });
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: 'copies', Key: 'dst' }))).TagSet).toEqual([
      { Key: 't', Value: '1' },
    ]);
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'copies',
        Key: 'dst 2',
        CopySource: 'copies/src',
        MetadataDirective: 'REPLACE',
        ContentType: 'text/new',
        Metadata: { b: '2' },
      }),
    );
    expect(await s3.send(new HeadObjectCommand({ Bucket: 'copies', Key: 'dst 2' }))).toMatchObject({
      ContentType: 'text/new',
      Metadata: { b: '2' },
    });
    const self = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'src', CopySource: 'copies/src' })),
    );
    expect(self.name).toBe('InvalidRequest');
    const cond = await errorOf(
      s3.send(
        new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/src', CopySourceIfMatch: '"other"' }),
      ),
    );
    expect(cond.name).toBe('PreconditionFailed');
    const cond2 = await errorOf(
      s3.send(
        new CopyObjectCommand({
          Bucket: 'copies',
          Key: 'x',
          CopySource: 'copies/src',
          CopySourceIfNoneMatch: src.ETag,
        }),
      ),
    );
    expect(cond2.name).toBe('PreconditionFailed');
    await s3.send(
      new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/src', CopySourceIfMatch: src.ETag }),
    );
    expect(
      (await errorOf(s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/missing' }))))
        .name,
    ).toBe('NoSuchKey');
    // Conditional writes of the destination: If-None-Match: * and If-Match (the ETag of what is there).
    const taken = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/src', IfNoneMatch: '*' })),
    );
    expect([taken.name, taken.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    const current = (await s3.send(new HeadObjectCommand({ Bucket: 'copies', Key: 'x' }))).ETag!;
    const stale = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/src', IfMatch: '"0123"' })),
    );
    expect([stale.name, stale.$metadata?.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    await s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'x', CopySource: 'copies/src', IfMatch: current }));
    await s3.send(
      new CopyObjectCommand({ Bucket: 'copies', Key: 'fresh', CopySource: 'copies/src', IfNoneMatch: '*' }),
    );
    const absent = await errorOf(
      s3.send(new CopyObjectCommand({ Bucket: 'copies', Key: 'absent', CopySource: 'copies/src', IfMatch: current })),
    );
    expect(absent.name).toBe('NoSuchKey');
    // Keys with spaces and unicode through the copy source encoding.
    await s3.send(new PutObjectCommand({ Bucket: 'copies', Key: 'ünï cøde+plus', Body: 'u' }));
    await s3.send(
      new CopyObjectCommand({ Bucket: 'copies', Key: 'u2', CopySource: encodeURIComponent('copies/ünï cøde+plus') }),
    );
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'copies', Key: 'u2' }))).Body!.transformToString()).toBe(
      'u',
    );
  });

  it('lists v1 and v2 with prefix, delimiter, pagination, start-after and url encoding', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'lists' }));
    const keys = ['a/1', 'a/2', 'a/b/3', 'b/1', 'c', 'd e', 'x+y', 'z/'];
    for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: 'lists', Key: k, Body: k }));
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', Delimiter: '/' }));
    expect(v2.Contents!.map((c) => c.Key)).toEqual(['c', 'd e', 'x+y']);
    expect(v2.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['a/', 'b/', 'z/']);
    expect(v2.KeyCount).toBe(6);
    const pre = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', Prefix: 'a/', Delimiter: '/' }));
    expect(pre.Contents!.map((c) => c.Key)).toEqual(['a/1', 'a/2']);
    expect(pre.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['a/b/']);
    // Page through everything two at a time, with and without a delimiter.
    for (const delimiter of [undefined, '/']) {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: 'lists', MaxKeys: 2, ContinuationToken: token, Delimiter: delimiter }),
        );
        seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
        token = page.NextContinuationToken;
        expect(page.IsTruncated).toBe(token !== undefined);
      } while (token);
      expect(seen.sort()).toEqual(delimiter ? ['a/', 'b/', 'c', 'd e', 'x+y', 'z/'] : [...keys].sort());
    }
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', StartAfter: 'b/1' }));
    expect(after.Contents!.map((c) => c.Key)).toEqual(['c', 'd e', 'x+y', 'z/']);
    const enc = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', EncodingType: 'url', Prefix: 'd' }));
    expect(enc.Contents!.map((c) => c.Key)).toEqual(['d+e']);
    const enc2 = await s3.send(new ListObjectsV2Command({ Bucket: 'lists', EncodingType: 'url', Prefix: 'x' }));
    expect(enc2.Contents!.map((c) => c.Key)).toEqual(['x%2By']);
    // v1 with markers.
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'lists', MaxKeys: 3, Delimiter: '/' }));
    expect(v1.Contents!.map((c) => c.Key)).toEqual(['c']);
    expect(v1.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['a/', 'b/']);
    expect(v1.IsTruncated).toBe(true);
    expect(v1.NextMarker).toBe('c');
    const v1b = await s3.send(new ListObjectsCommand({ Bucket: 'lists', Marker: v1.NextMarker, Delimiter: '/' }));
    expect(v1b.Contents!.map((c) => c.Key)).toEqual(['d e', 'x+y']);
    expect(v1b.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['z/']);
    const v1c = await s3.send(new ListObjectsCommand({ Bucket: 'lists', Marker: 'a/', Delimiter: '/' }));
    expect(v1c.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['b/', 'z/']);
    expect(v1c.Contents![0]!.Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
    const bad = await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'lists', EncodingType: 'base64' as never })));
    expect(bad.name).toBe('InvalidArgument');
  });

  it('tags objects and buckets, stores CORS and policies, answers preflights', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'cfg' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cfg', Key: 'o', Body: 'o' }));
    await s3.send(
      new PutObjectTaggingCommand({ Bucket: 'cfg', Key: 'o', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }),
    );
    expect((await s3.send(new GetObjectTaggingCommand({ Bucket: 'cfg', Key: 'o' }))).TagSet).toEqual([
      { Key: 'k', Value: 'v' },
    ]);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'cfg', Key: 'o' }))).TagCount).toBe(1);
    const dup = await errorOf(
      s3.send(
        new PutObjectTaggingCommand({
          Bucket: 'cfg',
          Key: 'o',
          Tagging: {
            TagSet: [
              { Key: 'k', Value: 'v' },
              { Key: 'k', Value: 'w' },
            ],
          },
        }),
      ),
    );
    expect(dup.name).toBe('InvalidTag');
    expect((await errorOf(s3.send(new GetBucketTaggingCommand({ Bucket: 'cfg' })))).name).toBe('NoSuchTagSet');
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'cfg', Tagging: { TagSet: [{ Key: 'team', Value: 'x' }] } }));
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: 'cfg' }))).TagSet).toEqual([
      { Key: 'team', Value: 'x' },
    ]);

    expect((await errorOf(s3.send(new GetBucketPolicyCommand({ Bucket: 'cfg' })))).name).toBe('NoSuchBucketPolicy');
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::cfg/*' }],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'cfg', Policy: policy }));
    expect((await s3.send(new GetBucketPolicyCommand({ Bucket: 'cfg' }))).Policy).toBe(policy);
    expect((await errorOf(s3.send(new PutBucketPolicyCommand({ Bucket: 'cfg', Policy: 'nope' })))).name).toBe(
      'MalformedPolicy',
    );

    const preflight = (headers: Record<string, string>) =>
      fetch(`${server.endpoint}/cfg/o`, { method: 'OPTIONS', headers });
    const before = await preflight({ Origin: 'http://app.example', 'Access-Control-Request-Method': 'GET' });
    expect(before.status).toBe(403);
    expect(await before.text()).toContain('<Code>AccessForbidden</Code>');
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cfg',
        CORSConfiguration: {
          CORSRules: [
            {
              AllowedOrigins: ['http://*.example'],
              AllowedMethods: ['GET', 'PUT'],
              AllowedHeaders: ['*'],
              ExposeHeaders: ['ETag'],
              MaxAgeSeconds: 300,
            },
          ],
        },
      }),
    );
    const rules = await s3.send(new GetBucketCorsCommand({ Bucket: 'cfg' }));
    expect(rules.CORSRules).toEqual([
      {
        AllowedOrigins: ['http://*.example'],
        AllowedMethods: ['GET', 'PUT'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag'],
        MaxAgeSeconds: 300,
      },
    ]);
    const ok = await preflight({
      Origin: 'http://app.example',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type,x-amz-meta-a',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, PUT');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, x-amz-meta-a');
    expect(ok.headers.get('access-control-max-age')).toBe('300');
    const denied = await preflight({ Origin: 'http://evil.test', 'Access-Control-Request-Method': 'GET' });
    expect(denied.status).toBe(403);
    const deleteDenied = await preflight({ Origin: 'http://app.example', 'Access-Control-Request-Method': 'DELETE' });
    expect(deleteDenied.status).toBe(403);
    // A rule's text comes from XML and may hold what no header can: it is answered, never a 500.
    await s3.send(
      new PutBucketCorsCommand({
        Bucket: 'cfg',
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['GET'], ExposeHeaders: ['x-€uro', 'x-a\nb'] }],
        },
      }),
    );
    const odd = await preflight({ Origin: 'http://app.example', 'Access-Control-Request-Method': 'GET' });
    expect(odd.status).toBe(200);
    expect(Buffer.from(odd.headers.get('access-control-expose-headers')!, 'latin1').toString('utf8')).toBe(
      'x-€uro, x-a b',
    );
    await s3.send(new DeleteBucketCorsCommand({ Bucket: 'cfg' }));
    expect((await errorOf(s3.send(new GetBucketCorsCommand({ Bucket: 'cfg' })))).name).toBe('NoSuchCORSConfiguration');
  });

  it('answers virtual-hosted-style requests addressed by Host', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'vhost' }));
    const port = new URL(server.endpoint).port;
    const host = `vhost.s3.localhost:${port}`;
    const put = await rawSend(server.endpoint, {
      method: 'PUT',
      path: '/dir/v.txt',
      headers: { host, 'content-type': 'text/plain' },
      body: 'virtual',
    });
    expect(put.status).toBe(200);
    const got = await rawSend(server.endpoint, { method: 'GET', path: '/dir/v.txt', headers: { host } });
    expect(got.body.toString()).toBe('virtual');
    expect(got.headers['content-type']).toBe('text/plain');
    const list = await rawSend(server.endpoint, { method: 'GET', path: '/?list-type=2', headers: { host } });
    expect(list.body.toString()).toContain('<Key>dir/v.txt</Key>');
    // The region form and the SDK's `<bucket>.localhost` form (signed for s3) reach the same bucket.
    const regional = await rawSend(server.endpoint, {
      method: 'GET',
      path: '/dir/v.txt',
      headers: { host: `vhost.s3.us-east-1.localhost:${port}` },
    });
    expect(regional.body.toString()).toBe('virtual');
    const missing = await rawSend(server.endpoint, {
      method: 'GET',
      path: '/x',
      headers: { host: `nobucket.s3.localhost:${port}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toMatch(
      /<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist<\/Message><BucketName>nobucket<\/BucketName><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>/,
    );
  });
});
