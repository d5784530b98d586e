/**
 * The three source formats of ImportTable, each read into a sequence of records: an item to
 * validate (not yet checked), or an error. A `fatal` error means the rest of the object cannot be
 * read (malformed JSON or CSV, an Ion syntax error): DynamoDB then skips the remainder of that
 * object.
 */
import type { AttributeValue } from '../types.js';
import { messages } from '../values/messages.js';
import type { CsvOptions } from './store.js';
import { IonReader, IonSyntaxError, ionFields } from './ion-text.js';

export type SourceRecord = { item: unknown } | { error: string; fatal?: boolean };

/**
 * DynamoDB JSON: `{"Item": {...}}` objects, one per line as exports write them; objects that follow
 * each other on one line are read too, as DynamoDB does.
 */
export function* dynamoDbJsonRecords(text: string): Generator<SourceRecord> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) return;
    const { end, depth } = jsonValueEnd(text, i);
    if (end < 0) {
      yield { error: 'Unexpected end of input: the JSON object is not terminated', fatal: true };
      return;
    }
    if (depth > MAX_JSON_DEPTH) {
      // Refused before parsing: validating it would recurse as deep as it goes.
      i = end;
      yield { error: messages.nestingTooDeep };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text.slice(i, end));
    } catch (err) {
      yield { error: `Invalid JSON: ${(err as Error).message}`, fatal: true };
      return;
    }
    i = end;
    const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (keys.length !== 1 || keys[0] !== 'Item')
      yield { error: 'Invalid item: each record must be a JSON object with the single key "Item"' };
    else yield { item: (value as { Item: unknown }).Item };
  }
}

/** Deepest JSON an item of 32 nested levels (DynamoDB's limit) can be, with its `{"Item": …}`. */
const MAX_JSON_DEPTH = 80;

/** Where the JSON value starting at `start` ends (exclusive; -1 when it does not), and its depth. */
function jsonValueEnd(text: string, start: number): { end: number; depth: number } {
  const open = text[start];
  if (open !== '{' && open !== '[') {
    // A scalar: up to the next whitespace or bracket (JSON.parse then judges it).
    let i = start;
    while (i < text.length && !/[\s{[]/.test(text[i]!)) i++;
    return { end: i, depth: 0 };
  }
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) {
      if (--depth === 0) return { end: i + 1, depth: deepest };
    }
  }
  return { end: -1, depth: deepest };
}

/** Amazon Ion text: `{Item: {...}}` values (exports write `$ion_1_0 {Item:{...}}` lines). */
export function* ionRecords(text: string): Generator<SourceRecord> {
  const reader = new IonReader(text);
  for (;;) {
    let value;
    try {
      value = reader.next();
    } catch (err) {
      if (!(err instanceof IonSyntaxError)) throw err;
      yield { error: `Invalid Ion: ${err.message}`, fatal: true };
      return;
    }
    if (!value) return;
    const item = value.t === 'struct' && value.v.length === 1 && value.v[0]![0] === 'Item' ? value.v[0]![1] : undefined;
    if (!item || item.t !== 'struct') {
      yield { error: 'Invalid item: each record must be an Ion struct with the single field Item holding a struct' };
      continue;
    }
    try {
      yield { item: ionFields(item.v) };
    } catch (err) {
      if (!(err instanceof IonSyntaxError)) throw err;
      yield { error: `Invalid item: ${err.message}` };
    }
  }
}

/**
 * CSV (RFC 4180 quoting, the given delimiter): the header is the first record unless HeaderList
 * gives it. Columns that are key attributes of the table or of a secondary index take their type
 * from AttributeDefinitions; every other column is a string, and an empty one is left out.
 */
export function* csvRecords(
  text: string,
  options: CsvOptions | undefined,
  keyTypes: ReadonlyMap<string, string>,
): Generator<SourceRecord> {
  let header = options?.HeaderList;
  for (const row of csvRows(text, options?.Delimiter ?? ',')) {
    if ('error' in row) {
      yield { error: row.error, fatal: true };
      return;
    }
    if (!header) {
      header = row.fields;
      continue;
    }
    if (row.fields.length !== header.length) {
      yield {
        error: `Invalid CSV record: ${row.fields.length} columns where the header has ${header.length}`,
      };
      continue;
    }
    const item: Record<string, AttributeValue> = {};
    header.forEach((name, i) => {
      const value = row.fields[i]!;
      const type = keyTypes.get(name);
      if (type === 'N') item[name] = { N: value };
      else if (type === 'B') item[name] = { B: value };
      else if (type === 'S' || value !== '') item[name] = { S: value };
    });
    yield { item };
  }
}

/** The records of a CSV text; a quoting error ends it. Blank lines are skipped. */
function* csvRows(text: string, delimiter: string): Generator<{ fields: string[] } | { error: string }> {
  let i = 0;
  const n = text.length;
  while (i < n) {
    const fields: string[] = [];
    let field = '';
    let blank = true;
    for (;;) {
      if (i < n && text[i] === '"' && field === '') {
        // A quoted field: "" is a quote; it must end at a delimiter or the end of the record.
        blank = false;
        i++;
        for (;;) {
          if (i >= n) {
            yield { error: 'Invalid CSV: a quoted field is not terminated' };
            return;
          }
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          field += text[i++];
        }
        if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          yield { error: 'Invalid CSV: unescaped double quote in a field' };
          return;
        }
      }
      while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '"') {
          yield { error: 'Invalid CSV: unescaped double quote in a field' };
          return;
        }
        field += text[i++];
        blank = false;
      }
      fields.push(field);
      field = '';
      if (i < n && text[i] === delimiter) {
        i++;
        blank = false;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      break;
    }
    if (!blank) yield { fields };
  }
}
