import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { s3Client } from './helpers.js';

// S3 lists open uploads by key and, within a key, by initiation time (ascending); the upload ids,
// which are random, play no part in the order.
describe('S3 ListMultipartUploads order', () => {
  let server: TestServer;
  let s3: S3Client;
  const clock = new ManualClock(Date.now());
  /** Upload ids in the order they were created, per key. */
  const created: Record<string, string[]> = { a: [], b: [] };

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'order' }));
    // Interleaved across two keys, one second apart: 'b' first, then 'a', and so on.
    for (let i = 0; i < 6; i++) {
      for (const key of ['b', 'a']) {
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'order', Key: key }));
        created[key]!.push(UploadId!);
        clock.advance(1000);
      }
    }
  });

  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('lists by key, then by initiation time', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'order' }));
    expect(r.Uploads!.map((u) => [u.Key, u.UploadId])).toEqual([
      ...created['a']!.map((id) => ['a', id]),
      ...created['b']!.map((id) => ['b', id]),
    ]);
    const times = r.Uploads!.map((u) => u.Initiated!.getTime());
    expect(times.slice(0, 6)).toEqual([...times.slice(0, 6)].sort((x, y) => x - y));
  });

  it('pages in the same order through KeyMarker and UploadIdMarker', async () => {
    const seen: [string, string][] = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await s3.send(
        new ListMultipartUploadsCommand({
          Bucket: 'order',
          MaxUploads: 5,
          KeyMarker: keyMarker,
          UploadIdMarker: idMarker,
        }),
      );
      for (const u of r.Uploads ?? []) seen.push([u.Key!, u.UploadId!]);
      if (!r.IsTruncated) break;
      keyMarker = r.NextKeyMarker;
      idMarker = r.NextUploadIdMarker;
    }
    expect(seen).toEqual([...created['a']!.map((id) => ['a', id]), ...created['b']!.map((id) => ['b', id])]);
  });

  it('a key marker alone skips every upload of that key', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'order', KeyMarker: 'a' }));
    expect(r.Uploads!.map((u) => u.UploadId)).toEqual(created['b']);
  });

  it('starts after the marker upload within its key', async () => {
    const r = await s3.send(
      new ListMultipartUploadsCommand({ Bucket: 'order', KeyMarker: 'a', UploadIdMarker: created['a']![3] }),
    );
    expect(r.Uploads!.map((u) => u.UploadId)).toEqual([...created['a']!.slice(4), ...created['b']!]);
  });
});
