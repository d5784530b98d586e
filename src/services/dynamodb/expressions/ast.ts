/**
 * Expression syntax trees.
 *
 * `Parsed*` nodes come straight from the parsers: attribute names may still be `#name`
 * placeholders and values are `:value` references. They depend only on the expression text and
 * are cached. The exported resolved nodes (`Condition`, `UpdateExpression`, ...) have every
 * placeholder substituted and are what the evaluators consume.
 */
import type { AttributeType, AttributeValue } from '../types.js';

/** A document path element: an attribute / map key name, or a list index. */
export type PathElement = string | number;
/** A resolved document path, e.g. `a.b[2]` is `['a', 'b', 2]`. */
export type DocumentPath = readonly PathElement[];

export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

// ---------------------------------------------------------------------------------------------
// Resolved trees (public)

export type Operand =
  | { readonly type: 'path'; readonly path: DocumentPath }
  | { readonly type: 'value'; readonly value: AttributeValue }
  | { readonly type: 'size'; readonly operand: Operand };

/** Legacy ComparisonOperator values (Expected, QueryFilter, ScanFilter, KeyConditions). */
export type LegacyOperator =
  | 'EQ'
  | 'NE'
  | 'LE'
  | 'LT'
  | 'GE'
  | 'GT'
  | 'NOT_NULL'
  | 'NULL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'BEGINS_WITH'
  | 'IN'
  | 'BETWEEN';

export type Condition =
  | {
      readonly type: 'comparison';
      readonly operator: ComparisonOperator;
      readonly left: Operand;
      readonly right: Operand;
    }
  | { readonly type: 'between'; readonly operand: Operand; readonly lower: Operand; readonly upper: Operand }
  | { readonly type: 'in'; readonly operand: Operand; readonly values: readonly Operand[] }
  | { readonly type: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly type: 'not'; readonly condition: Condition }
  | { readonly type: 'attribute_exists' | 'attribute_not_exists'; readonly path: DocumentPath }
  | { readonly type: 'attribute_type'; readonly operand: Operand; readonly attributeType: AttributeType }
  | { readonly type: 'begins_with'; readonly operand: Operand; readonly prefix: Operand }
  | { readonly type: 'contains'; readonly operand: Operand; readonly value: Operand }
  /** A legacy (Expected / QueryFilter / ScanFilter) condition on a top-level attribute. */
  | {
      readonly type: 'legacy';
      readonly attribute: string;
      readonly operator: LegacyOperator;
      readonly values: readonly AttributeValue[];
    }
  /** Always true (an empty legacy condition map). */
  | { readonly type: 'true' };

export type UpdateOperand =
  | { readonly type: 'path'; readonly path: DocumentPath }
  | { readonly type: 'value'; readonly value: AttributeValue }
  | { readonly type: 'if_not_exists'; readonly path: DocumentPath; readonly fallback: UpdateOperand }
  | { readonly type: 'list_append'; readonly left: UpdateOperand; readonly right: UpdateOperand };

export type SetValue =
  UpdateOperand | { readonly type: '+' | '-'; readonly left: UpdateOperand; readonly right: UpdateOperand };

export type UpdateAction =
  | { readonly action: 'SET'; readonly path: DocumentPath; readonly value: SetValue }
  | { readonly action: 'REMOVE'; readonly path: DocumentPath }
  | { readonly action: 'ADD'; readonly path: DocumentPath; readonly value: AttributeValue }
  | { readonly action: 'DELETE'; readonly path: DocumentPath; readonly value: AttributeValue }
  /** Legacy AttributeUpdates ADD: numbers, sets and (unlike the expression ADD) lists. */
  | { readonly action: 'LEGACY_ADD'; readonly path: DocumentPath; readonly value: AttributeValue }
  /** Legacy AttributeUpdates DELETE: removes the attribute, or elements of a set when given a value. */
  | { readonly action: 'LEGACY_DELETE'; readonly path: DocumentPath; readonly value?: AttributeValue };

export interface PathTreeNode {
  /** Children keyed by `s:<name>` / `i:<index>`; `node` null marks the end of a path. */
  readonly children: Map<string, { readonly element: PathElement; node: PathTreeNode | null; action?: UpdateAction }>;
}

/** A resolved UpdateExpression (or converted AttributeUpdates). */
export interface UpdateExpression {
  /** Actions in document order. */
  readonly actions: readonly UpdateAction[];
  /** The target paths arranged as a tree; leaves carry their action. */
  readonly tree: PathTreeNode;
}

/** A resolved ProjectionExpression (or AttributesToGet). */
export interface Projection {
  /** Paths in document order. */
  readonly paths: readonly DocumentPath[];
  readonly tree: PathTreeNode;
}

// ---------------------------------------------------------------------------------------------
// Parsed trees (internal, cacheable)

export type ParsedPathElement =
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'ref'; readonly ref: string }
  | { readonly k: 'index'; readonly index: number; readonly text: string };

export interface ParsedPath {
  readonly k: 'path';
  readonly elements: readonly ParsedPathElement[];
}

export interface ParsedValue {
  readonly k: 'value';
  readonly ref: string;
}

export interface ParsedCall {
  readonly k: 'call';
  readonly name: string;
  readonly args: readonly ParsedOperand[];
}

export type ParsedOperand = ParsedPath | ParsedValue | ParsedCall;

export type ParsedCondition =
  | { readonly k: 'cmp'; readonly op: ComparisonOperator; readonly left: ParsedOperand; readonly right: ParsedOperand }
  | {
      readonly k: 'between';
      readonly operand: ParsedOperand;
      readonly lower: ParsedOperand;
      readonly upper: ParsedOperand;
    }
  | { readonly k: 'in'; readonly operand: ParsedOperand; readonly values: readonly ParsedOperand[] }
  | { readonly k: 'and' | 'or'; readonly left: ParsedCondition; readonly right: ParsedCondition }
  | { readonly k: 'not'; readonly cond: ParsedCondition }
  | { readonly k: 'fn'; readonly call: ParsedCall };

export type ParsedSetValue =
  | ParsedOperand
  | { readonly k: 'arith'; readonly op: '+' | '-'; readonly left: ParsedOperand; readonly right: ParsedOperand };

export type ParsedUpdateAction =
  | { readonly k: 'SET'; readonly path: ParsedPath; readonly value: ParsedSetValue }
  | { readonly k: 'REMOVE'; readonly path: ParsedPath }
  | { readonly k: 'ADD' | 'DELETE'; readonly path: ParsedPath; readonly value: ParsedValue };

export type UpdateSectionKind = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export interface ParsedUpdate {
  /** Clauses in document order (a clause keyword may repeat here; validation rejects that). */
  readonly sections: readonly { readonly kind: UpdateSectionKind; readonly actions: readonly ParsedUpdateAction[] }[];
  /** All actions in document order. */
  readonly actions: readonly ParsedUpdateAction[];
}
