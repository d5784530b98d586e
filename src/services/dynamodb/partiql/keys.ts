/**
 * Key extraction, as DynamoDB does it: the WHERE clause's top-level AND chain is searched for
 * conditions on key attributes. Writes (and batch / transaction reads) need `key = value` on every
 * key attribute; the rest of the clause is a condition on the item. A SELECT with `=` on the
 * partition key is a Query (a sort-key comparison, BETWEEN or begins_with narrows it); anything
 * else on a key attribute, or no partition-key equality, makes it a Scan.
 */
import { invalid } from '../errors.js';
import type { RangeOperator } from '../expressions/index.js';
import type { KeyShape } from '../tables/record.js';
import type { AttributeValue, Item } from '../types.js';
import { typeOf } from '../types.js';
import { valuesEqual } from '../values/compare.js';
import type { Expr } from './ast.js';
import { conjuncts } from './condition.js';
import { msg } from './errors.js';
import { MISSING, constantValue, isConstant } from './values.js';
import type { Parameters } from './values.js';

interface KeyCandidate {
  name: string;
  op: '=' | '<>' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'begins_with' | 'other';
  values: AttributeValue[];
}

const FLIP: Record<string, KeyCandidate['op']> = { '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Whether `e` is a plain attribute reference (no steps), returning its name. */
export function attributeName(e: Expr): string | undefined {
  return e.k === 'path' && e.steps.length === 0 ? e.root : undefined;
}

/** What a conjunct says about one of `keys`, if it is a simple condition on it. */
function keyCandidate(c: Expr, keys: readonly string[], params: Parameters): KeyCandidate | undefined {
  const value = (e: Expr): AttributeValue | undefined => {
    if (!isConstant(e)) return undefined;
    const v = constantValue(e, params);
    return v === MISSING ? undefined : v;
  };
  if (c.k === 'binary' && FLIP[c.op]) {
    const l = attributeName(c.left);
    const r = attributeName(c.right);
    if (l !== undefined && keys.includes(l)) {
      const v = value(c.right);
      return v ? { name: l, op: c.op as KeyCandidate['op'], values: [v] } : { name: l, op: 'other', values: [] };
    }
    if (r !== undefined && keys.includes(r)) {
      const v = value(c.left);
      return v ? { name: r, op: FLIP[c.op]!, values: [v] } : { name: r, op: 'other', values: [] };
    }
    return undefined;
  }
  if (c.k === 'between') {
    const name = attributeName(c.expr);
    if (name === undefined || !keys.includes(name)) return undefined;
    const low = value(c.low);
    const high = value(c.high);
    return low && high ? { name, op: 'BETWEEN', values: [low, high] } : { name, op: 'other', values: [] };
  }
  if (c.k === 'call' && c.args.length > 0) {
    const name = attributeName(c.args[0]!);
    if (name === undefined || !keys.includes(name)) return undefined;
    const v = c.name === 'begins_with' && c.args.length === 2 ? value(c.args[1]!) : undefined;
    return v ? { name, op: 'begins_with', values: [v] } : { name, op: 'other', values: [] };
  }
  if ((c.k === 'binary' && c.op === 'in') || c.k === 'is') {
    const name = attributeName(c.k === 'is' ? c.expr : c.left);
    return name !== undefined && keys.includes(name) ? { name, op: 'other', values: [] } : undefined;
  }
  return undefined;
}

function checkKeyType(shape: KeyShape, name: string, v: AttributeValue): void {
  const attr = shape.hash.name === name ? shape.hash : shape.range;
  if (attr && typeOf(v) !== attr.type) throw invalid(msg.keyType(name));
}

export interface ExtractedKey {
  key: Item;
  /** The conjuncts that are not key equalities. */
  rest: Expr[];
}

/** The item a write (or a batch/transaction read) addresses: equalities on every key attribute. */
export function extractItemKey(where: Expr | undefined, shape: KeyShape, params: Parameters): ExtractedKey {
  if (!where) throw invalid(msg.incompleteKey);
  const names = shape.range ? [shape.hash.name, shape.range.name] : [shape.hash.name];
  const key: Item = {};
  const rest: Expr[] = [];
  for (const c of conjuncts(where)) {
    if (c.k === 'binary' && c.op === '=') {
      const l = attributeName(c.left);
      const r = attributeName(c.right);
      const [name, other] =
        l !== undefined && names.includes(l)
          ? [l, c.right]
          : r !== undefined && names.includes(r)
            ? [r, c.left]
            : [undefined, undefined];
      if (name !== undefined && other && isConstant(other)) {
        const v = constantValue(other, params);
        if (v !== MISSING) {
          const existing = key[name];
          if (existing && !valuesEqual(existing, v)) throw invalid(msg.multipleKeyConditions(name));
          key[name] = v;
          continue;
        }
      }
    }
    rest.push(c);
  }
  for (const name of names) if (key[name] === undefined) throw invalid(msg.incompleteKey);
  for (const name of names) {
    const t = typeOf(key[name]!);
    if (t !== 'S' && t !== 'N' && t !== 'B') throw invalid(msg.keyScalar(name, t));
  }
  for (const name of names) checkKeyType(shape, name, key[name]!);
  return { key, rest };
}

export interface QueryKey {
  hashValue: AttributeValue;
  range?: { op: RangeOperator; values: AttributeValue[] };
}

/** The Query a SELECT's WHERE clause allows on `shape`, or undefined (a Scan). */
export function extractQueryKey(where: Expr | undefined, shape: KeyShape, params: Parameters): QueryKey | undefined {
  if (!where) return undefined;
  const names = shape.range ? [shape.hash.name, shape.range.name] : [shape.hash.name];
  let hash: AttributeValue | undefined;
  let range: QueryKey['range'];
  for (const c of conjuncts(where)) {
    const k = keyCandidate(c, names, params);
    if (!k) continue;
    if (k.name === shape.hash.name) {
      if (k.op !== '=') return undefined;
      if (hash && !valuesEqual(hash, k.values[0]!)) return undefined;
      hash = k.values[0]!;
    } else {
      if (k.op === 'other' || k.op === '<>' || range) return undefined;
      range = { op: k.op, values: k.values };
    }
  }
  if (!hash) return undefined;
  checkKeyType(shape, shape.hash.name, hash);
  if (range) for (const v of range.values) checkKeyType(shape, shape.range!.name, v);
  return range ? { hashValue: hash, range } : { hashValue: hash };
}
