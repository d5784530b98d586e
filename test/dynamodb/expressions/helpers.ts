import type { AttributeValue } from '../../../src/services/dynamodb/types.js';
import {
  compileRequestExpressions,
  type CompiledExpressions,
  type RequestExpressionInput,
} from '../../../src/services/dynamodb/expressions/index.js';

/** The message of the error `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** The error code (e.g. ValidationException) `fn` throws. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'Error';
  }
  throw new Error('expected an error');
}

export function compile(input: RequestExpressionInput): CompiledExpressions {
  return compileRequestExpressions(input);
}

/** Compile and return the error message. */
export function compileError(input: RequestExpressionInput): string {
  return errorOf(() => compileRequestExpressions(input));
}

export const S = (s: string): AttributeValue => ({ S: s });
export const N = (n: string): AttributeValue => ({ N: n });
export const B = (b: string): AttributeValue => ({ B: b });
