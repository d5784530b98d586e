/**
 * Checks that depend only on the expression text, run after a successful parse in document order
 * (the first offending token wins): reserved words used as bare attribute names, unknown function
 * names, functions used where they are not allowed, duplicate update clauses and list indexes out
 * of range. Placeholders and values are not looked at yet.
 */
import type { ParsedCondition, ParsedOperand, ParsedPath, ParsedSetValue, ParsedUpdate } from './ast.js';
import { ExpressionError, msg } from './expression-errors.js';
import { isReservedWord } from './reserved-words.js';

/** Functions of ConditionExpression / FilterExpression / KeyConditionExpression. */
export const CONDITION_FUNCTIONS: ReadonlySet<string> = new Set([
  'attribute_exists',
  'attribute_not_exists',
  'attribute_type',
  'begins_with',
  'contains',
  'size',
]);

/** Functions of UpdateExpression. */
export const UPDATE_FUNCTIONS: ReadonlySet<string> = new Set(['if_not_exists', 'list_append']);

const MAX_LIST_INDEX = 2147483647;

function fail(message: string): never {
  throw new ExpressionError(message);
}

export function checkPath(path: ParsedPath): void {
  for (const element of path.elements) {
    if (element.k === 'id') {
      if (isReservedWord(element.name)) fail(msg.reserved(element.name));
    } else if (element.k === 'index' && !(element.index <= MAX_LIST_INDEX)) {
      fail(msg.listIndex(element.text));
    }
  }
}

function knownFunction(name: string): void {
  if (!CONDITION_FUNCTIONS.has(name) && !UPDATE_FUNCTIONS.has(name)) fail(msg.invalidFunction(name));
}

// --- conditions ------------------------------------------------------------------------------

export function checkConditionStatic(condition: ParsedCondition): void {
  walkCondition(condition);
}

function walkCondition(c: ParsedCondition): void {
  switch (c.k) {
    case 'cmp':
      walkConditionOperand(c.left, 1);
      walkConditionOperand(c.right, 1);
      return;
    case 'between':
      walkConditionOperand(c.operand, 1);
      walkConditionOperand(c.lower, 1);
      walkConditionOperand(c.upper, 1);
      return;
    case 'in':
      walkConditionOperand(c.operand, 1);
      for (const v of c.values) walkConditionOperand(v, 1);
      return;
    case 'and':
    case 'or':
      walkCondition(c.left);
      walkCondition(c.right);
      return;
    case 'not':
      walkCondition(c.cond);
      return;
    case 'fn':
      walkConditionOperand(c.call, 0);
      return;
  }
}

function walkConditionOperand(op: ParsedOperand, level: number): void {
  if (op.k === 'path') return checkPath(op);
  if (op.k === 'value') return;
  knownFunction(op.name);
  if (UPDATE_FUNCTIONS.has(op.name)) fail(msg.notInCondition(op.name));
  // At the top of a condition only boolean functions fit (not size); nested, only size does.
  if (level === 0 ? op.name === 'size' : op.name !== 'size') fail(msg.functionContext(op.name));
  for (const arg of op.args) walkConditionOperand(arg, level + 1);
}

// --- updates ---------------------------------------------------------------------------------

export function checkUpdateStatic(update: ParsedUpdate): void {
  const seen = new Set<string>();
  for (const section of update.sections) {
    for (const action of section.actions) {
      checkPath(action.path);
      if (action.k === 'SET') walkSetValue(action.value);
    }
    if (seen.has(section.kind)) fail(msg.duplicateSection(section.kind));
    seen.add(section.kind);
  }
}

function walkSetValue(value: ParsedSetValue): void {
  if (value.k === 'arith') {
    walkUpdateOperand(value.left, 1);
    walkUpdateOperand(value.right, 1);
  } else {
    walkUpdateOperand(value, 0);
  }
}

function walkUpdateOperand(op: ParsedOperand, level: number): void {
  if (op.k === 'path') return checkPath(op);
  if (op.k === 'value') return;
  knownFunction(op.name);
  if (CONDITION_FUNCTIONS.has(op.name)) fail(msg.notInUpdate(op.name));
  if (level > 0 && op.name !== 'if_not_exists') fail(msg.functionContext(op.name));
  for (const arg of op.args) walkUpdateOperand(arg, level + 1);
}

// --- projections -----------------------------------------------------------------------------

export function checkProjectionStatic(paths: readonly ParsedPath[]): void {
  for (const path of paths) checkPath(path);
}
