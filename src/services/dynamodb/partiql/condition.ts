/**
 * WHERE clauses → the expression engine's resolved conditions. PartiQL's operators map onto
 * DynamoDB's condition language, so filters, key extraction and write conditions all evaluate
 * with exactly the semantics of FilterExpression / ConditionExpression.
 */
import { invalid } from '../errors.js';
import type { Condition, DocumentPath, Operand } from '../expressions/index.js';
import type { AttributeType, AttributeValue } from '../types.js';
import { typeOf } from '../types.js';
import type { Expr } from './ast.js';
import { msg } from './errors.js';
import { MISSING, constantValue, isConstant } from './values.js';
import type { Parameters } from './values.js';

export const TRUE: Condition = { type: 'true' };

/** A path expression as a document path, or undefined. */
export function documentPath(e: Expr): DocumentPath | undefined {
  if (e.k !== 'path') return undefined;
  return [e.root, ...e.steps.map((s) => (s.k === 'name' ? s.name : s.index))];
}

/** The conjuncts of an AND chain (`a AND (b AND c)` → a, b, c). */
export function conjuncts(e: Expr): Expr[] {
  if (e.k === 'binary' && e.op === 'and') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

/** AND of conditions (undefined for none). */
export function and(conditions: readonly Condition[]): Condition | undefined {
  let out: Condition | undefined;
  for (const c of conditions) out = out ? { type: 'and', left: out, right: c } : c;
  return out;
}

const ORDERED_OPS = new Set(['<', '<=', '>', '>=']);
const IS_TYPES: Record<string, AttributeType | 'MISSING'> = {
  MISSING: 'MISSING',
  NULL: 'NULL',
  BOOLEAN: 'BOOL',
  BOOL: 'BOOL',
  STRING: 'S',
  NUMERIC: 'N',
  INT: 'N',
  INTEGER: 'N',
  DECIMAL: 'N',
  FLOAT: 'N',
  DOUBLE: 'N',
  BLOB: 'B',
  STRUCT: 'M',
  TUPLE: 'M',
  LIST: 'L',
};
const ATTRIBUTE_TYPES = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** Compile a WHERE expression (or part of one) into a condition. */
export function compileCondition(e: Expr, params: Parameters): Condition {
  switch (e.k) {
    case 'binary':
      switch (e.op) {
        case 'and':
          return { type: 'and', left: compileCondition(e.left, params), right: compileCondition(e.right, params) };
        case 'or':
          return { type: 'or', left: compileCondition(e.left, params), right: compileCondition(e.right, params) };
        case '=':
        case '<>':
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const left = operand(e.left, params);
          const right = operand(e.right, params);
          if (ORDERED_OPS.has(e.op)) checkOrdered(e.op, [left, right]);
          return { type: 'comparison', operator: e.op, left, right };
        }
        case 'in': {
          const left = operand(e.left, params);
          const list = e.right;
          if ((list.k !== 'list' && list.k !== 'bag') || list.items.length === 0) throw invalid(msg.inOperator);
          return { type: 'in', operand: left, values: list.items.map((i) => operand(i, params)) };
        }
        case 'like':
          throw invalid(msg.conditionOperator('LIKE'));
        default:
          throw invalid(msg.conditionOperator(e.op));
      }
    case 'not':
      return { type: 'not', condition: compileCondition(e.expr, params) };
    case 'between': {
      const value = operand(e.expr, params);
      const lower = operand(e.low, params);
      const upper = operand(e.high, params);
      checkOrdered('BETWEEN', [lower, upper]);
      return { type: 'between', operand: value, lower, upper };
    }
    case 'is':
      return isCondition(e.expr, e.type, e.negated, params);
    case 'call':
      return callCondition(e.name, e.args, params);
    case 'bool':
      return e.value ? TRUE : { type: 'not', condition: TRUE };
    default:
      throw invalid('WHERE clause must contain an expression that resolves to a boolean');
  }
}

function isCondition(e: Expr, type: string, negated: boolean, params: Parameters): Condition {
  const target = IS_TYPES[type];
  if (!target) throw invalid(msg.isType(type));
  let c: Condition;
  const path = documentPath(e);
  if (path) {
    c =
      target === 'MISSING'
        ? { type: 'attribute_not_exists', path }
        : { type: 'attribute_type', operand: { type: 'path', path }, attributeType: target };
  } else if (isConstant(e)) {
    const v = constantValue(e, params);
    const holds = target === 'MISSING' ? v === MISSING : v !== MISSING && typeOf(v) === target;
    c = holds ? TRUE : { type: 'not', condition: TRUE };
  } else {
    throw invalid('The left hand side argument to IS must be a Variable Reference, Literal, or Path');
  }
  return negated ? { type: 'not', condition: c } : c;
}

function callCondition(name: string, args: readonly Expr[], params: Parameters): Condition {
  const count = (n: number) => {
    if (args.length !== n) {
      throw invalid(
        `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
      );
    }
  };
  switch (name) {
    case 'begins_with': {
      count(2);
      const value = operand(args[0]!, params);
      const prefix = operand(args[1]!, params);
      for (const o of [value, prefix]) {
        if (o.type === 'value' && !('S' in o.value) && !('B' in o.value))
          throw invalid(msg.operandType('begins_with', typeOf(o.value)));
      }
      return { type: 'begins_with', operand: value, prefix };
    }
    case 'contains':
      count(2);
      return { type: 'contains', operand: operand(args[0]!, params), value: operand(args[1]!, params) };
    case 'attribute_exists':
    case 'attribute_not_exists': {
      count(1);
      const path = documentPath(args[0]!);
      if (!path) throw invalid(`Operator or function requires a document path; operator or function: ${name}`);
      return { type: name, path };
    }
    case 'attribute_type': {
      count(2);
      const type = operand(args[1]!, params);
      if (type.type !== 'value' || !('S' in type.value) || !ATTRIBUTE_TYPES.has(type.value.S)) {
        const shown = type.type === 'value' && 'S' in type.value ? type.value.S : '';
        throw invalid(`Invalid attribute type name found; type: ${shown}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
      }
      return {
        type: 'attribute_type',
        operand: operand(args[0]!, params),
        attributeType: type.value.S as AttributeType,
      };
    }
    case 'exists':
      throw invalid(msg.existsOutsideTransaction);
    case 'size':
      throw invalid('WHERE clause must contain an expression that resolves to a boolean');
    default:
      throw invalid(msg.unrecognizedFunction(name));
  }
}

/** A comparison operand: a path, a constant, or size(path). */
export function operand(e: Expr, params: Parameters): Operand {
  const path = documentPath(e);
  if (path) return { type: 'path', path };
  if (e.k === 'call' && e.name === 'size') {
    if (e.args.length !== 1) {
      throw invalid(
        `Incorrect number of operands for operator or function; operator or function: size, number of operands: ${e.args.length}`,
      );
    }
    return { type: 'size', operand: operand(e.args[0]!, params) };
  }
  if (isConstant(e)) {
    const v = constantValue(e, params);
    if (v === MISSING) throw invalid(msg.missingCompare);
    return { type: 'value', value: v };
  }
  if (e.k === 'binary') throw invalid(msg.conditionOperator(e.op));
  if (e.k === 'call') throw invalid(msg.unrecognizedFunction(e.name));
  throw invalid('WHERE clause must contain an expression that resolves to a boolean');
}

function checkOrdered(op: string, operands: readonly Operand[]): void {
  for (const o of operands) {
    if (o.type !== 'value') continue;
    const t = typeOf(o.value);
    if (t !== 'S' && t !== 'N' && t !== 'B') throw invalid(msg.operandType(op, t));
  }
}

/** The constant value of an operand, if it is one. */
export function operandValue(o: Operand): AttributeValue | undefined {
  return o.type === 'value' ? o.value : undefined;
}
