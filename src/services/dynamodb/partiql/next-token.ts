/**
 * ExecuteStatement's NextToken: the page's LastEvaluatedKey, bound to the statement and its
 * parameters (a token only continues the request that produced it).
 */
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import type { Item } from '../types.js';
import { msg } from './errors.js';

interface TokenBody {
  v: 1;
  /** Digest of the statement text and parameters. */
  h: string;
  /** The LastEvaluatedKey to continue after. */
  k: Item;
}

/** A digest identifying one request (statement + parameters). */
export function requestDigest(statement: string, parameters: readonly unknown[] | undefined): string {
  return createHash('sha256')
    .update(statement)
    .update('\u0000')
    .update(JSON.stringify(parameters ?? []))
    .digest('base64url')
    .slice(0, 22);
}

export function encodeNextToken(digest: string, lastEvaluatedKey: Item): string {
  const body: TokenBody = { v: 1, h: digest, k: lastEvaluatedKey };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64');
}

/** The ExclusiveStartKey a NextToken stands for; `Invalid NextToken` / `NextToken does not match request`. */
export function decodeNextToken(token: string, digest: string): Item {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw invalid(msg.invalidNextToken);
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as TokenBody).v !== 1 ||
    typeof (body as TokenBody).h !== 'string' ||
    typeof (body as TokenBody).k !== 'object' ||
    (body as TokenBody).k === null
  ) {
    throw invalid(msg.invalidNextToken);
  }
  if ((body as TokenBody).h !== digest) throw invalid(msg.nextTokenMismatch);
  return (body as TokenBody).k;
}
