/**
 * ExpressionAttributeNames / ExpressionAttributeValues: validation of the maps themselves,
 * placeholder resolution while expressions are compiled, and the unused-entry checks.
 */
import { invalid } from '../errors.js';
import type { AttributeValue } from '../types.js';
import type { DocumentPath, ParsedPath, PathElement } from './ast.js';
import { ExpressionError, msg } from './expression-errors.js';

/** The deepest document path DynamoDB accepts (elements, including the top-level name). */
export const MAX_PATH_DEPTH = 32;
const MAX_PLACEHOLDER_LENGTH = 255;
const MAX_ATTRIBUTE_NAME_BYTES = 65535;

const NAME_KEY = /^#[A-Za-z0-9_]+$/;
const VALUE_KEY = /^:[A-Za-z0-9_]+$/;

/** Placeholder maps of one request plus the placeholders the compiled expressions used. */
export interface ParamContext {
  readonly names: Readonly<Record<string, string>> | undefined;
  readonly values: Readonly<Record<string, AttributeValue>> | undefined;
  readonly usedNames: Set<string>;
  readonly usedValues: Set<string>;
}

export function newParamContext(
  names: Readonly<Record<string, string>> | undefined,
  values: Readonly<Record<string, AttributeValue>> | undefined,
): ParamContext {
  return { names, values, usedNames: new Set(), usedValues: new Set() };
}

/** A document path with `#name` placeholders substituted (throws ExpressionError). */
export function resolvePath(ctx: ParamContext, path: ParsedPath): PathElement[] {
  const elements = path.elements;
  if (elements.length > MAX_PATH_DEPTH) throw new ExpressionError(msg.pathTooDeep(elements.length));
  const out: PathElement[] = new Array<PathElement>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const e = elements[i]!;
    if (e.k === 'id') out[i] = e.name;
    else if (e.k === 'index') out[i] = e.index;
    else {
      const names = ctx.names;
      if (!names || !Object.prototype.hasOwnProperty.call(names, e.ref)) {
        throw new ExpressionError(msg.undefinedName(e.ref));
      }
      ctx.usedNames.add(e.ref);
      out[i] = names[e.ref]!;
    }
  }
  return out;
}

/** The value of a `:value` placeholder (throws ExpressionError). */
export function resolveValue(ctx: ParamContext, ref: string): AttributeValue {
  const values = ctx.values;
  if (!values || !Object.prototype.hasOwnProperty.call(values, ref)) {
    throw new ExpressionError(msg.undefinedValue(ref));
  }
  ctx.usedValues.add(ref);
  return values[ref]!;
}

/** `[a, b, [2]]`, the way AWS prints a document path in messages. */
export function formatPath(path: DocumentPath): string {
  return `[${path.map((e) => (typeof e === 'number' ? `[${e}]` : e)).join(', ')}]`;
}

/**
 * Validate the placeholder maps before any expression is parsed, in AWS's order: names map
 * (empty, keys), values map (empty, keys), each value (through `validateValue`), then name values.
 * Throws ValidationException.
 */
export function validateParameterMaps(
  names: Readonly<Record<string, string>> | undefined,
  values: Readonly<Record<string, AttributeValue>> | undefined,
  validateValue?: (value: AttributeValue) => string | undefined,
): void {
  if (names !== undefined) {
    const keys = Object.keys(names);
    if (keys.length === 0) throw invalid('ExpressionAttributeNames must not be empty');
    for (const key of keys) {
      const problem = keyProblem(key, NAME_KEY, true);
      if (problem) throw invalid(`ExpressionAttributeNames contains invalid key: ${problem}`);
    }
  }
  if (values !== undefined) {
    const keys = Object.keys(values);
    if (keys.length === 0) throw invalid('ExpressionAttributeValues must not be empty');
    for (const key of keys) {
      const problem = keyProblem(key, VALUE_KEY, false);
      if (problem) throw invalid(`ExpressionAttributeValues contains invalid key: ${problem}`);
    }
    if (validateValue) {
      for (const key of keys) {
        const problem = validateValue(values[key]!);
        if (problem) throw invalid(`ExpressionAttributeValues contains invalid value: ${problem} for key ${key}`);
      }
    }
  }
  if (names !== undefined) {
    for (const key of Object.keys(names)) {
      const name = names[key];
      let problem: string | undefined;
      if (typeof name !== 'string' || name.length === 0) problem = 'Empty attribute name';
      else if (Buffer.byteLength(name, 'utf8') > MAX_ATTRIBUTE_NAME_BYTES) {
        problem = 'Attribute name is too large, must be less than 65536 bytes';
      }
      if (problem) throw invalid(`ExpressionAttributeNames contains invalid value: ${problem} for key ${key}`);
    }
  }
}

function keyProblem(key: string, pattern: RegExp, withSize: boolean): string | undefined {
  if (key.length === 0) return 'The expression attribute map contains an empty key;';
  if (key.length > MAX_PLACEHOLDER_LENGTH) {
    return withSize
      ? `The expression attribute map contains a key that is too long; size of key: ${key.length}`
      : 'The expression attribute map contains a key that is too long;';
  }
  if (!pattern.test(key)) return `Syntax error; key: "${key}"`;
  return undefined;
}

/** Throw AWS's unused-placeholder errors (names first, then values). */
export function checkAllUsed(ctx: ParamContext): void {
  if (ctx.names) {
    const unused = Object.keys(ctx.names).filter((k) => !ctx.usedNames.has(k));
    if (unused.length > 0) {
      throw invalid(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unused.join(', ')}}`);
    }
  }
  if (ctx.values) {
    const unused = Object.keys(ctx.values).filter((k) => !ctx.usedValues.has(k));
    if (unused.length > 0) {
      throw invalid(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unused.join(', ')}}`);
    }
  }
}
