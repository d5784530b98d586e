import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import { AwsError } from '../errors/aws-error.js';

/** Largest request body accepted unless a service says otherwise (DynamoDB batch requests are at most 16 MB). */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

const tooLarge = (limit: number) =>
  new AwsError('RequestEntityTooLarge', `Request must be smaller than ${limit} bytes`, {
    status: 413,
    namespace: 'com.amazon.coral.service',
  });

/**
 * Read a request body as sent (no content decoding) for an HTTP data plane that answers its own
 * 413: undefined once it is over `limit` (declared or counted).
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** Read a whole request body, decoding gzip/deflate content encodings. */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.toLowerCase();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  let stream: Readable = req;
  if (encoding === 'gzip') stream = req.pipe(createGunzip());
  else if (encoding === 'deflate') stream = req.pipe(createInflate());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    stream.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    stream.on('error', () => {
      if (failed) return;
      failed = true;
      reject(
        new AwsError('SerializationException', 'Could not decode request body', {
          namespace: 'com.amazon.coral.service',
        }),
      );
    });
  });
}
