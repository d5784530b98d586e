/**
 * PartiQL values → DynamoDB AttributeValues: literals ('s', 1.5, TRUE, NULL, <<'a','b'>>,
 * {'k': v}, [v, ...]) and `?` parameters, with DynamoDB's value rules (canonical numbers, set
 * checks, nesting) applied.
 */
import { invalid } from '../errors.js';
import type { AttributeValue } from '../types.js';
import { typeOf } from '../types.js';
import { normalizeNumber } from '../values/numbers.js';
import { validateAttributeValue } from '../values/validate.js';
import type { Expr } from './ast.js';
import { msg } from './errors.js';

/** The PartiQL `MISSING` value (an absent attribute). */
export const MISSING = Symbol('MISSING');
export type Value = AttributeValue | typeof MISSING;

/** The request's Parameters, validated once. */
export class Parameters {
  private readonly values: readonly AttributeValue[];

  constructor(raw: readonly unknown[] | undefined) {
    this.values = (raw ?? []).map((v) => validateAttributeValue(v, { checkNesting: true }));
  }

  get count(): number {
    return this.values.length;
  }

  /** The value of `?` number `position` (1-based). */
  get(position: number): AttributeValue {
    const v = this.values[position - 1];
    if (v === undefined) throw invalid(msg.parameterCount);
    return v;
  }
}

/** Whether an expression is a constant (a literal, a parameter, or a collection of them). */
export function isConstant(e: Expr): boolean {
  switch (e.k) {
    case 'string':
    case 'number':
    case 'bool':
    case 'null':
    case 'missing':
    case 'param':
    case 'ion':
      return true;
    case 'list':
    case 'bag':
      return e.items.every(isConstant);
    case 'struct':
      return e.fields.every((f) => isConstant(f.key) && isConstant(f.value));
    case 'neg':
      return isConstant(e.expr);
    default:
      return false;
  }
}

/** The value of a constant expression (see {@link isConstant}). */
export function constantValue(e: Expr, params: Parameters): Value {
  const v = rawValue(e, params);
  return v === MISSING ? v : validateAttributeValue(v, { checkNesting: true });
}

/** An INSERT's `{...}` item, unvalidated (validateItem checks it as an item). */
export function structItem(e: Expr, params: Parameters): Record<string, AttributeValue> {
  const v = rawValue(e, params);
  return v !== MISSING && 'M' in v ? v.M : {};
}

function rawValue(e: Expr, params: Parameters): Value {
  switch (e.k) {
    case 'string':
      return { S: e.value };
    case 'number':
      return { N: normalizeNumber(e.text) };
    case 'bool':
      return { BOOL: e.value };
    case 'null':
      return { NULL: true };
    case 'missing':
      return MISSING;
    case 'param':
      return params.get(e.position);
    case 'ion':
      throw invalid(`Ion Literals are not supported: ${e.text} under key item`);
    case 'neg': {
      const inner = rawValue(e.expr, params);
      if (inner !== MISSING && 'N' in inner)
        return { N: normalizeNumber(inner.N.startsWith('-') ? inner.N.slice(1) : `-${inner.N}`) };
      throw invalid(msg.conditionOperator('-'));
    }
    case 'list': {
      const L: AttributeValue[] = [];
      for (const item of e.items) {
        const v = rawValue(item, params);
        if (v !== MISSING) L.push(v);
      }
      return { L };
    }
    case 'bag':
      return bagValue(e.items.map((i) => rawValue(i, params)));
    case 'struct': {
      const M: Record<string, AttributeValue> = {};
      for (const field of e.fields) {
        const key = rawValue(field.key, params);
        if (key === MISSING || !('S' in key))
          throw invalid(msg.tupleKeyType(key === MISSING ? 'MISSING' : typeName(key)));
        if (Object.prototype.hasOwnProperty.call(M, key.S)) throw invalid(msg.duplicateTupleKey(key.S));
        const value = rawValue(field.value, params);
        if (value !== MISSING) M[key.S] = value;
      }
      return { M };
    }
    default:
      throw new Error(`not a constant: ${e.k}`);
  }
}

/** `<<...>>`: a string, number or binary set. */
function bagValue(items: readonly Value[]): AttributeValue {
  const present = items.filter((v): v is AttributeValue => v !== MISSING);
  if (present.length === 0) throw invalid(msg.emptyBag);
  const type = typeOf(present[0]!);
  if ((type !== 'S' && type !== 'N' && type !== 'B') || present.some((v) => typeOf(v) !== type))
    throw invalid(msg.bagType);
  if (type === 'S') return { SS: present.map((v) => (v as { S: string }).S) };
  if (type === 'N') return { NS: present.map((v) => (v as { N: string }).N) };
  return { BS: present.map((v) => (v as { B: string }).B) };
}

/** PartiQL's name for a value's type, for messages. */
export function typeName(v: AttributeValue): string {
  switch (typeOf(v)) {
    case 'S':
      return 'STRING';
    case 'N':
      return 'DECIMAL';
    case 'B':
      return 'BLOB';
    case 'BOOL':
      return 'BOOL';
    case 'NULL':
      return 'NULL';
    case 'M':
      return 'STRUCT';
    case 'L':
      return 'LIST';
    default:
      return 'BAG';
  }
}
