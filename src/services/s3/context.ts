import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../core/clock.js';
import type { RequestHead } from '../../core/http/mount.js';
import type { Logger } from '../../core/log.js';
import type { OvercastConfig } from '../../config/schema.js';
import type { S3Caller } from './auth.js';
import type { HashThread } from './hash-thread.js';
import type { Notifier } from './notifications.js';
import type { Catalog } from './storage/catalog.js';
import type { Files } from './storage/files.js';

/** What every S3 operation shares. */
export interface S3 {
  catalog: Catalog;
  files: Files;
  config: OvercastConfig;
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  /** MD5/SHA-256 of large bodies off the main thread. */
  hashes: HashThread;
}

/** One request: its head, raw streams, caller, bucket and key, and the headers every answer carries. */
export interface Call {
  s3: S3;
  head: RequestHead;
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  hostId: string;
  caller: S3Caller;
  bucketName: string | undefined;
  key: string | undefined;
  now: number;
  /** Added to every response (CORS headers of a matching rule). */
  extraHeaders: Record<string, string>;
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function newHostId(): string {
  return randomBytes(48).toString('base64');
}

/** The canonical user id of an account (64 hex characters, stable). */
export function canonicalId(account: string): string {
  return createHash('sha256').update(`overcast:${account}`).digest('hex');
}
