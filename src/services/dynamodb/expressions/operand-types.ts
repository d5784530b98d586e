/**
 * Static operand typing used by expression validation: what each operator accepts and what a
 * node can produce. A document path may hold anything; a value has its own type; a function
 * yields its return type. Type names in messages use DynamoDB's abbreviations.
 */
import type { AttributeType } from '../types.js';

export type TypeSetName = 'ALL' | 'ORDERED' | 'STRING_BINARY' | 'ITERABLE' | 'NUMERIC' | 'LIST' | 'BOOLEAN';

const SETS: Record<TypeSetName, ReadonlySet<AttributeType>> = {
  ALL: new Set<AttributeType>(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']),
  ORDERED: new Set<AttributeType>(['S', 'N', 'B']),
  STRING_BINARY: new Set<AttributeType>(['S', 'B']),
  ITERABLE: new Set<AttributeType>(['S', 'B', 'SS', 'NS', 'BS', 'L', 'M']),
  NUMERIC: new Set<AttributeType>(['N']),
  LIST: new Set<AttributeType>(['L']),
  BOOLEAN: new Set<AttributeType>(['BOOL']),
};

/** How AWS prints "any type" (a document path's possible types, DynamoDB's full internal list). */
export const ANY_TYPE_LABEL =
  '{S,SS,N,NS,B,BS,BOOL,NULL,L,M,HD,DOUBLE,FLOAT,HDS,FS,DOUBLESET,DICT,DECIMAL,INT,DECIMALSET,INTSET}';

/** What an operand node can evaluate to, statically. */
export type StaticType =
  | { readonly kind: 'value'; readonly type: AttributeType }
  | { readonly kind: 'path' }
  | { readonly kind: 'op'; readonly returns: TypeSetName };

export const PATH_TYPE: StaticType = { kind: 'path' };

export function valueType(type: AttributeType): StaticType {
  return { kind: 'value', type };
}

export function opType(returns: TypeSetName): StaticType {
  return { kind: 'op', returns };
}

/** Whether an operator taking `accepted` operands can take this node. */
export function accepts(accepted: TypeSetName, node: StaticType): boolean {
  if (node.kind === 'path') return true;
  const set = SETS[accepted];
  if (node.kind === 'value') return set.has(node.type);
  for (const t of SETS[node.returns]) if (set.has(t)) return true;
  return false;
}

/** The `operand type` AWS reports for a node that failed a type check. */
export function typeLabel(node: StaticType): string {
  if (node.kind === 'value') return node.type;
  if (node.kind === 'path') return ANY_TYPE_LABEL;
  switch (node.returns) {
    case 'NUMERIC':
      return 'N';
    case 'LIST':
      return 'L';
    case 'BOOLEAN':
      return 'BOOL';
    default:
      return ANY_TYPE_LABEL;
  }
}

/** Whether `type` is one of the set's types. */
export function inSet(name: TypeSetName, type: AttributeType): boolean {
  return SETS[name].has(type);
}

/** DynamoDB's internal type names, used in ADD / DELETE operand errors. */
export const NODE_TYPE_NAMES: Record<AttributeType, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  SS: 'STRING_SET',
  NS: 'NUMBER_SET',
  BS: 'BINARY_SET',
  BOOL: 'BOOLEAN',
  NULL: 'NULL',
  L: 'LIST',
  M: 'MAP',
};
