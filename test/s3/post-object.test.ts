import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { ManualClock } from '../../src/core/clock.js';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { errorOf } from '../helpers/errors.js';
import { s3Client } from './helpers.js';

/** A browser's upload: the presigned form's fields, extra fields, then the file. */
async function upload(
  post: { url: string; fields: Record<string, string> },
  body: string,
  extra: Record<string, string> = {},
  filename = 'photo.txt',
): Promise<{ status: number; text: string; headers: Headers }> {
  const form = new FormData();
  for (const [k, v] of Object.entries({ ...post.fields, ...extra })) form.append(k, v);
  form.append('file', new Blob([body]), filename);
  const res = await fetch(post.url, { method: 'POST', body: form });
  // XML entities decoded, so the checks read as S3's messages do.
  return { status: res.status, text: (await res.text()).replaceAll('&quot;', '"'), headers: res.headers };
}

const presign = (client: S3Client, options: Omit<PresignedPostOptions, 'Bucket'>) =>
  // The presigned-post package carries its own copy of client-s3; the client is the same API.
  createPresignedPost(client as never, { Bucket: 'forms', Expires: 600, ...options });

describe('S3 POST Object (browser form uploads with a presigned policy)', () => {
  let server: TestServer;
  let s3: S3Client;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    server = await startTestServer({}, { clock });
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'forms' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('stores the file under the key with the form’s metadata; ${filename} is the file’s name', async () => {
    const post = await presign(s3, {
      Key: 'uploads/${filename}',
      Conditions: [
        ['content-length-range', 1, 1024],
        ['starts-with', '$Content-Type', 'text/'],
        ['starts-with', '$key', 'uploads/'],
      ],
      Fields: { 'Content-Type': 'text/plain', 'x-amz-meta-origin': 'browser' },
    });
    const res = await upload(post, 'hello from a form', {}, 'note 1.txt');
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'forms', Key: 'uploads/note 1.txt' }));
    expect([head.ContentType, head.Metadata, head.ContentLength]).toEqual(['text/plain', { origin: 'browser' }, 17]);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'forms', Key: 'uploads/note 1.txt' }));
    expect(await got.Body!.transformToString()).toBe('hello from a form');
  });

  it('keeps a header field as the bytes sent (UTF-8 too) and refuses one no header can carry', async () => {
    const post = await presign(s3, {
      Key: 'uploads/${filename}',
      Conditions: [['starts-with', '$Content-Disposition', '']],
    });
    const disposition = 'attachment; filename="résumé €.txt"';
    const ok = await upload(post, 'cv', { 'Content-Disposition': disposition }, 'cv.txt');
    expect(ok.status).toBe(204);
    const got = await fetch(`${server.endpoint}/forms/uploads/cv.txt`);
    expect(got.status).toBe(200);
    // fetch reads header bytes as latin1: the UTF-8 bytes of the field come back as they were sent.
    expect(Buffer.from(got.headers.get('content-disposition')!, 'latin1').toString('utf8')).toBe(disposition);
    const refused = await upload(post, 'x', { 'Content-Disposition': 'inline\r\nx-evil: 1' }, 'evil.txt');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('InvalidArgument');
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'forms', Key: 'uploads/evil.txt' })))).name).toBe(
      'NotFound',
    );
  });

  it('reads fields sent as file parts (some HTTP clients give every part a filename)', async () => {
    const post = await presign(s3, { Key: 'as-files.txt', Fields: { 'Content-Type': 'text/plain' } });
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, new Blob([v]), k);
    form.append('file', new Blob(['every part a file']), 'file');
    const res = await fetch(post.url, { method: 'POST', body: form });
    expect(res.status).toBe(204);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'forms', Key: 'as-files.txt' }));
    expect(got.ContentType).toBe('text/plain');
    expect(await got.Body!.transformToString()).toBe('every part a file');
  });

  it('answers 201 with a PostResponse, or 303 to success_action_redirect, when the form asks', async () => {
    const post = await presign(s3, {
      Key: 'k201',
      Fields: { success_action_status: '201' },
    });
    const created = await upload(post, 'x');
    expect(created.status).toBe(201);
    expect(created.text).toMatch(
      /<PostResponse[^>]*><Location>.*\/forms\/k201<\/Location><Bucket>forms<\/Bucket><Key>k201<\/Key><ETag>"[0-9a-f]{32}"<\/ETag><\/PostResponse>/,
    );
    const redirect = await presign(s3, {
      Key: 'k303',
      Fields: { success_action_redirect: 'http://example.test/done' },
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(redirect.fields)) form.append(k, v);
    form.append('file', new Blob(['y']), 'y.txt');
    const res = await fetch(redirect.url, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(
      /^http:\/\/example\.test\/done\?bucket=forms&key=k303&etag=%22[0-9a-f]{32}%22$/,
    );
  });

  it('refuses what the policy does not allow, as S3 does, and stores nothing', async () => {
    const post = await presign(s3, {
      Key: 'guarded',
      Conditions: [
        ['content-length-range', 1, 10],
        ['starts-with', '$Content-Type', 'image/'],
      ],
      Fields: { 'Content-Type': 'image/png' },
    });
    const big = await upload(post, 'more than ten bytes');
    expect(big.status).toBe(400);
    expect(big.text).toContain('<Code>EntityTooLarge</Code>');
    expect(big.text).toContain('<MaxSizeAllowed>10</MaxSizeAllowed>');
    const type = await upload(post, 'small', { 'Content-Type': 'text/html' });
    expect(type.status).toBe(403);
    expect(type.text).toContain('<Code>AccessDenied</Code>');
    expect(type.text).toContain(
      'Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]',
    );
    const extra = await upload(post, 'small', { 'x-amz-meta-sneaky': '1' });
    expect(extra.status).toBe(403);
    expect(extra.text).toContain('Invalid according to Policy: Extra input fields: x-amz-meta-sneaky');
    clock.advance(11 * 60_000);
    const late = await upload(post, 'small');
    expect(late.status).toBe(403);
    expect(late.text).toContain('Invalid according to Policy: Policy expired.');
    expect((await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'forms', Key: 'guarded' })))).name).toBe('NotFound');
  });
});

describe('S3 POST Object with --auth enforce', () => {
  let server: TestServer;
  let s3: S3Client;
  beforeAll(async () => {
    server = await startTestServer({
      auth: 'enforce',
      credentials: [{ ...TEST_CREDENTIALS, account: '123456789012' }],
    });
    s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'forms' }));
  });
  afterAll(async () => {
    s3.destroy();
    await server.stop();
  });

  it('checks the policy’s signature against the key’s secret', async () => {
    const post = await presign(s3, { Key: 'signed' });
    expect((await upload(post, 'ok')).status).toBe(204);
    const forged = await presign(
      new S3Client({
        endpoint: server.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' },
      }),
      { Key: 'forged' },
    );
    const res = await upload(forged, 'no');
    expect(res.status).toBe(403);
    expect(res.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    const form = new FormData();
    form.append('key', 'anonymous');
    form.append('file', new Blob(['z']), 'z.txt');
    expect((await fetch(post.url, { method: 'POST', body: form })).status).toBe(403);
  });
});
