import { codePoints } from '../../../core/model/code-points.js';
import { invalid } from '../errors.js';
import type { Tag } from './store.js';

/** Tags on one resource. */
export const MAX_TAGS = 50;

/** Letters, digits and whitespace of any script, plus `+ - = . _ : / @`. */
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}+\-=._:/@]*$/u;

export const tooManyTags = () => invalid('Number of Tags exceed the current limit for the provided ResourceArn');

export function checkTagKey(key: unknown): string {
  if (typeof key !== 'string' || codePoints(key) < 1 || codePoints(key) > 128 || !TAG_CHARS.test(key)) {
    throw invalid(`The Tag Key provided is invalid, Key: ${typeof key === 'string' ? key : 'null'}`);
  }
  if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
  return key;
}

/**
 * Validate a Tags list as TagResource and CreateTable do: every key and value, then duplicate
 * keys. TagResource needs at least one tag; CreateTable accepts an empty list.
 */
export function checkTags(tags: readonly Partial<Tag>[] | undefined, requireOne: boolean): Tag[] {
  const list = tags ?? [];
  if (requireOne && list.length === 0) throw invalid('Atleast one Tag needs to be provided as Input.');
  const seen = new Set<string>();
  for (const tag of list) {
    const key = checkTagKey(tag?.Key);
    const value = tag?.Value;
    if (typeof value !== 'string' || codePoints(value) > 256 || !TAG_CHARS.test(value)) {
      throw invalid(`The Tag Value provided is invalid, Value: ${typeof value === 'string' ? value : 'null'}`);
    }
    if (seen.has(key)) throw invalid(`Duplicate Tag Keys provided as input: Duplicate Tag Key found ${key}`);
    seen.add(key);
  }
  if (list.length > MAX_TAGS) throw tooManyTags();
  return list as Tag[];
}

/** UntagResource's TagKeys. */
export function checkTagKeys(keys: readonly unknown[] | undefined): string[] {
  const list = keys ?? [];
  if (list.length === 0) throw invalid('Atleast one Tag Key needs to be provided as Input.');
  for (const key of list) {
    if (typeof key !== 'string' || codePoints(key) < 1 || codePoints(key) > 128) {
      throw invalid(`The Tag Key provided is invalid, Key: ${typeof key === 'string' ? key : 'null'}`);
    }
    // Tags AWS reserves can be neither set nor removed.
    if (key.toLowerCase().startsWith('aws:')) throw invalid(`Tag Key cannot be prefixed with aws:, Key: ${key}`);
  }
  if (list.length > MAX_TAGS) throw tooManyTags();
  return list as string[];
}
