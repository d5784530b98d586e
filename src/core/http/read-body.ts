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
 * Collect a stream's bytes: undefined once they pass `limit` (the rest is read and dropped);
 * rejects with the stream's error.
 */
function collectWithin(stream: Readable, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        settled = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (!settled) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    stream.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
  });
}

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
  return collectWithin(req, limit);
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
  return collectWithin(stream, limit).then(
    (body) => {
      if (body === undefined) throw tooLarge(limit);
      return body;
    },
    () => {
      throw new AwsError('SerializationException', 'Could not decode request body', {
        namespace: 'com.amazon.coral.service',
      });
    },
  );
}
