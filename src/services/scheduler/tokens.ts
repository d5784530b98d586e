import { schedulerErrors } from './errors.js';

/** NextToken: the last key of a page, opaque to the caller. */
export function encodeToken(key: string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeToken(token: string | undefined, size: number): string[] | undefined {
  if (token === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === size && key.every((k) => typeof k === 'string')) return key as string[];
  } catch {
    // fall through
  }
  throw schedulerErrors.invalidToken();
}

/** Default and largest page: 100 (the model's MaxResults range). */
export const PAGE_SIZE = 100;
