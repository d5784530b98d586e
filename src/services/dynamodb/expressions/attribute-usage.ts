/**
 * Which attributes compiled expressions touch, and the key-attribute rules built on that:
 * Query filters may not name key attributes, and no expression may reach inside a key attribute
 * (`pk.x`, `sk[0]`) of the table or of any index.
 */
import { invalid } from '../errors.js';
import type { Condition, DocumentPath, Operand, Projection, SetValue, UpdateExpression, UpdateOperand } from './ast.js';

/** Top-level attribute names a condition refers to. */
export function conditionAttributes(condition: Condition): Set<string> {
  const out = new Set<string>();
  forEachConditionPath(condition, (p) => {
    if (typeof p[0] === 'string') out.add(p[0]);
  });
  return out;
}

function forEachConditionPath(c: Condition, fn: (path: DocumentPath) => void): void {
  switch (c.type) {
    case 'comparison':
      forEachOperandPath(c.left, fn);
      forEachOperandPath(c.right, fn);
      return;
    case 'between':
      forEachOperandPath(c.operand, fn);
      forEachOperandPath(c.lower, fn);
      forEachOperandPath(c.upper, fn);
      return;
    case 'in':
      forEachOperandPath(c.operand, fn);
      for (const v of c.values) forEachOperandPath(v, fn);
      return;
    case 'and':
    case 'or':
      forEachConditionPath(c.left, fn);
      forEachConditionPath(c.right, fn);
      return;
    case 'not':
      forEachConditionPath(c.condition, fn);
      return;
    case 'attribute_exists':
    case 'attribute_not_exists':
      fn(c.path);
      return;
    case 'attribute_type':
      forEachOperandPath(c.operand, fn);
      return;
    case 'begins_with':
      forEachOperandPath(c.operand, fn);
      forEachOperandPath(c.prefix, fn);
      return;
    case 'contains':
      forEachOperandPath(c.operand, fn);
      forEachOperandPath(c.value, fn);
      return;
    case 'legacy':
      fn([c.attribute]);
      return;
    case 'true':
      return;
  }
}

function forEachOperandPath(op: Operand, fn: (path: DocumentPath) => void): void {
  if (op.type === 'path') fn(op.path);
  else if (op.type === 'size') forEachOperandPath(op.operand, fn);
}

function forEachUpdatePath(update: UpdateExpression, fn: (path: DocumentPath) => void): void {
  const operand = (op: UpdateOperand | SetValue): void => {
    switch (op.type) {
      case 'path':
        fn(op.path);
        return;
      case 'value':
        return;
      case 'if_not_exists':
        fn(op.path);
        operand(op.fallback);
        return;
      default:
        operand(op.left);
        operand(op.right);
    }
  };
  for (const action of update.actions) {
    fn(action.path);
    if (action.action === 'SET') operand(action.value);
  }
}

export interface ExpressionSet {
  readonly condition?: Condition;
  readonly filter?: Condition;
  readonly keyCondition?: Condition;
  readonly projection?: Projection;
  readonly update?: UpdateExpression;
}

/** Top-level attributes some expression reaches into with `.` or `[]`. */
export function nestedAttributes(expressions: ExpressionSet): Set<string> {
  const out = new Set<string>();
  const visit = (path: DocumentPath): void => {
    if (path.length > 1 && typeof path[0] === 'string') out.add(path[0]);
  };
  if (expressions.condition) forEachConditionPath(expressions.condition, visit);
  if (expressions.filter) forEachConditionPath(expressions.filter, visit);
  if (expressions.keyCondition) forEachConditionPath(expressions.keyCondition, visit);
  if (expressions.projection) for (const p of expressions.projection.paths) visit(p);
  if (expressions.update) forEachUpdatePath(expressions.update, visit);
  return out;
}

/**
 * Query: a filter may not use the queried key attributes. `legacy` selects the QueryFilter
 * wording over the FilterExpression one.
 */
export function checkFilterNotOnKey(
  filter: Condition,
  hashKey: string,
  rangeKey: string | undefined,
  legacy = false,
): void {
  const used = conditionAttributes(filter);
  const prefix = legacy ? 'QueryFilter' : 'Filter Expression';
  for (const key of [hashKey, rangeKey]) {
    if (key !== undefined && used.has(key)) {
      throw invalid(`${prefix} can only contain non-primary key attributes: Primary key attribute: ${key}`);
    }
  }
}

/**
 * No expression may access a key attribute's inside:
 * "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: pk"
 * (`IndexKey: x` for secondary index keys).
 */
export function checkNoNestedKeyAccess(
  expressions: ExpressionSet,
  tableKeys: readonly string[],
  indexKeys: readonly string[] = [],
): void {
  const nested = nestedAttributes(expressions);
  if (nested.size === 0) return;
  const base = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";
  for (const key of tableKeys) if (nested.has(key)) throw invalid(`${base}Key: ${key}`);
  for (const key of indexKeys) if (nested.has(key)) throw invalid(`${base}IndexKey: ${key}`);
}
