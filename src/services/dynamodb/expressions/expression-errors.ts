/**
 * Error plumbing for expressions. Parsers and validators throw {@link ExpressionError} carrying
 * AWS's message without the `Invalid <Kind>Expression: ` prefix; the request compiler adds the
 * prefix of the expression being processed. Messages follow DynamoDB's
 * `<error>; <key>: <value>, <key>: <value>` format.
 */
import { invalid } from '../errors.js';
import type { AwsError } from '../../../core/errors/aws-error.js';
import { T, type Token } from './tokenizer.js';

export type ExpressionKind = 'Condition' | 'Filter' | 'KeyCondition' | 'Projection' | 'Update';

/** An expression validation failure; `message` lacks the `Invalid <Kind>Expression: ` prefix. */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** The ValidationException AWS returns for `error` in an expression of `kind`. */
export function expressionFailure(kind: ExpressionKind, message: string): AwsError {
  return invalid(`Invalid ${kind}Expression: ${message}`);
}

/** Runs `fn`, turning an ExpressionError into AWS's prefixed ValidationException. */
export function withKind<R>(kind: ExpressionKind, fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExpressionError) throw expressionFailure(kind, e.message);
    throw e;
  }
}

/** `Syntax error; token: "x", near: "a x b"` for the token at `index` (DynamoDB's ANTLR listener format). */
export function syntaxErrorMessage(text: string, tokens: readonly Token[], index: number): string {
  const current = tokens[index]!;
  const prev = index > 0 ? tokens[index - 1] : undefined;
  const next = current.type === T.Eof ? undefined : tokens[index + 1];
  // The context is the previous token, the current one and the next one, with the whitespace
  // between them; a missing previous token contributes the leading whitespace instead.
  const start = prev ? prev.start : 0;
  const end = current.type === T.Eof || !next || next.type === T.Eof ? text.length : next.end;
  const token = current.type === T.Eof ? '<EOF>' : current.text;
  return `Syntax error; token: "${token}", near: "${text.slice(start, end)}"`;
}

export function syntaxError(text: string, tokens: readonly Token[], index: number): ExpressionError {
  return new ExpressionError(syntaxErrorMessage(text, tokens, index));
}

/** AWS's expression messages (without the `Invalid <Kind>Expression: ` prefix). */
export const msg = {
  empty: 'The expression can not be empty;',
  tooLong: (kind: ExpressionKind, size: number) =>
    kind === 'Update' || kind === 'Projection'
      ? 'Expression size has exceeded the maximum allowed size;'
      : `Expression size has exceeded the maximum allowed size; expression size: ${size}`,
  redundantParentheses: 'The expression has redundant parentheses;',
  reserved: (word: string) => `Attribute name is a reserved keyword; reserved keyword: ${word}`,
  invalidFunction: (name: string) => `Invalid function name; function: ${name}`,
  notInCondition: (name: string) => `The function is not allowed in a condition expression; function: ${name}`,
  notInUpdate: (name: string) => `The function is not allowed in an update expression; function: ${name}`,
  functionContext: (name: string) =>
    `The function is not allowed to be used this way in an expression; function: ${name}`,
  duplicateSection: (section: string) => `The "${section}" section can only be used once in an update expression;`,
  listIndex: (text: string) => `List index is not within the allowable range; index: ${text}`,
  pathTooDeep: (depth: number) => `The document path has too many nesting levels; nesting levels: ${depth}`,
  undefinedName: (name: string) =>
    `An expression attribute name used in the document path is not defined; attribute name: ${name}`,
  undefinedValue: (name: string) =>
    `An expression attribute value used in expression is not defined; attribute value: ${name}`,
  operandCount: (op: string, count: number) =>
    `Incorrect number of operands for operator or function; operator or function: ${op}, number of operands: ${count}`,
  operandType: (op: string, type: string) =>
    `Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`,
  actionOperandType: (action: 'ADD' | 'DELETE', type: string) =>
    `Incorrect operand type for operator or function; operator: ${action}, operand type: ${type}, typeSet: ALLOWED_FOR_${action}_OPERAND`,
  requiresPath: (op: string) => `Operator or function requires a document path; operator or function: ${op}`,
  distinct: (op: string, path: string) =>
    `The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${path}`,
  attributeTypeName: (name: string) =>
    `Invalid attribute type name found; type: ${name}, valid types: {S,SS,N,NS,B,BS,BOOL,NULL,L,M}`,
  betweenTypes: (low: string, high: string) =>
    `The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: ${low}, upper bound operand: AttributeValue: ${high}`,
  betweenOrder: (low: string, high: string) =>
    `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: ${low}, upper bound operand: AttributeValue: ${high}`,
  tooManyInOperands: (count: number) =>
    `The IN operator is provided with too many operands; number of operands: ${count}`,
  tooManyOperators: (count: number) => `The expression contains too many operators; operator count: ${count}`,
  overlap: (one: string, two: string) =>
    `Two document paths overlap with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
  conflict: (one: string, two: string) =>
    `Two document paths conflict with each other; must remove or rewrite one of these paths; path one: ${one}, path two: ${two}`,
} as const;

/** Runtime (item-dependent) UpdateExpression failures; AWS does not prefix these. */
export const updateFailure = {
  missingAttribute: 'The provided expression refers to an attribute that does not exist in the item',
  wrongType: 'An operand in the update expression has an incorrect data type',
  invalidPath: 'The document path provided in the update expression is invalid for update',
} as const;
