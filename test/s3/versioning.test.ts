import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

describe('S3 versioning', () => {
  let server: TestServer;
  let s3: ReturnType<typeof s3Client>;
  beforeAll(async () => {
    server = await startTestServer();
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'versions' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  const body = async (key: string, versionId?: string) =>
    (
      await s3.send(new GetObjectCommand({ Bucket: 'versions', Key: key, VersionId: versionId }))
    ).Body!.transformToString();

  it('keeps versions, adds delete markers, lists versions, and suspends', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versions' }))).Status).toBeUndefined();
    const before = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'v0' }));
    expect(before.VersionId).toBeUndefined();
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versions' }))).Status).toBe('Enabled');
    const v1 = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'v1' }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'v2' }));
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await body('doc')).toBe('v2');
    expect(await body('doc', v1.VersionId)).toBe('v1');
    expect(await body('doc', 'null')).toBe('v0');
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'versions', Key: 'doc' }))).VersionId).toBe(v2.VersionId);

    const del = await s3.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'doc' }));
    expect(del.DeleteMarker).toBe(true);
    expect(del.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    const gone = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'versions', Key: 'doc' })));
    expect(gone.name).toBe('NoSuchKey');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'versions' }))).KeyCount).toBe(0);
    const markerGet = await errorOf(
      s3.send(new GetObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: del.VersionId })),
    );
    expect(markerGet.name).toBe('MethodNotAllowed');
    expect(await body('doc', v2.VersionId)).toBe('v2');

    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versions' }));
    expect(listed.DeleteMarkers!.map((m) => [m.Key, m.VersionId, m.IsLatest])).toEqual([['doc', del.VersionId, true]]);
    expect(listed.Versions!.map((v) => [v.VersionId, v.IsLatest, v.Size])).toEqual([
      [v2.VersionId, false, 2],
      [v1.VersionId, false, 2],
      ['null', false, 2],
    ]);
    // Paginated by key-marker / version-id-marker.
    const page1 = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versions', MaxKeys: 2 }));
    expect(page1.IsTruncated).toBe(true);
    const page2 = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: 'versions',
        KeyMarker: page1.NextKeyMarker,
        VersionIdMarker: page1.NextVersionIdMarker,
      }),
    );
    expect((page2.Versions ?? []).map((v) => v.VersionId)).toEqual([v1.VersionId, 'null']);
    // A client that deletes each page before asking for the next names a marker version that is
    // gone; the next page is the key's versions that remain. A malformed marker is refused.
    const vanished = await s3.send(
      new ListObjectVersionsCommand({ Bucket: 'versions', KeyMarker: 'doc', VersionIdMarker: 'x'.repeat(32) }),
    );
    expect((vanished.Versions ?? []).map((v) => v.VersionId)).toEqual([v2.VersionId, v1.VersionId, 'null']);
    const badMarker = await errorOf(
      s3.send(new ListObjectVersionsCommand({ Bucket: 'versions', KeyMarker: 'doc', VersionIdMarker: 'bad' })),
    );
    expect(badMarker.name).toBe('InvalidArgument');

    // Removing the delete marker brings the object back.
    await s3.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: del.VersionId }));
    expect(await body('doc')).toBe('v2');
    // Permanently deleting the current version promotes the previous one.
    await s3.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: v2.VersionId }));
    expect(await body('doc')).toBe('v1');

    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Suspended' } }),
    );
    const s1 = await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'suspended-1' }));
    // The new object is the null version, and a suspended bucket's PUT does not name it; GET does.
    expect(s1.VersionId).toBeUndefined();
    expect((await s3.send(new GetObjectCommand({ Bucket: 'versions', Key: 'doc' }))).VersionId).toBe('null');
    await s3.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: 'suspended-2' }));
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: 'versions', Prefix: 'doc' }));
    expect(after.Versions!.map((v) => v.VersionId)).toEqual(['null', v1.VersionId]);
    expect(await body('doc')).toBe('suspended-2');
    expect(
      (await errorOf(s3.send(new GetObjectCommand({ Bucket: 'versions', Key: 'doc', VersionId: 'x'.repeat(32) }))))
        .name,
    ).toBe('NoSuchVersion');
  });
});
