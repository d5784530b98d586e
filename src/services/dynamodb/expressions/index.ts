/** DynamoDB expression language: public API. */
export type {
  ComparisonOperator,
  Condition,
  DocumentPath,
  LegacyOperator,
  Operand,
  PathElement,
  PathTreeNode,
  Projection,
  SetValue,
  UpdateAction,
  UpdateExpression,
  UpdateOperand,
} from './ast.js';
export {
  compileRequestExpressions,
  MAX_EXPRESSION_LENGTH,
  type CompiledExpressions,
  type CompileOptions,
  type RequestExpressionInput,
} from './compile.js';
export { evaluateCondition, resolvePath, sizeOf } from './evaluate.js';
export {
  applyUpdate,
  checkKeyNotUpdated,
  projectUpdated,
  updatedAttributes,
  type ApplyUpdateOptions,
  type UpdateResult,
} from './apply-update.js';
export { projectAttributes, projectionOf, projectItem } from './projection.js';
export {
  analyzeKeyCondition,
  checkConditionValues,
  extractKeyConditions,
  type AnalyzedKeyCondition,
  type AnalyzeKeyOptions,
  type KeyAttribute,
  type KeyConditionEntry,
  type KeyConditions,
  type RangeOperator,
} from './key-condition.js';
export {
  checkFilterNotOnKey,
  checkNoNestedKeyAccess,
  conditionAttributes,
  nestedAttributes,
  type ExpressionSet,
} from './attribute-usage.js';
export { formatPath } from './names-values.js';
export { isReservedWord, RESERVED_WORDS } from './reserved-words.js';
export { clearExpressionCache } from './parse-cache.js';
export { updateFailure, type ExpressionKind } from './expression-errors.js';
export { checkExpressionParameters, type ExpressionOperation, type ExpressionParameters } from './legacy/params.js';
export {
  checkConditionalOperator,
  convertExpected,
  convertFilter,
  convertKeyConditions,
  type ExpectedAttributeValue,
  type LegacyCondition,
  type LegacyOptions,
} from './legacy/conditions.js';
export {
  convertAttributeUpdates,
  type AttributeValueUpdate,
  type AttributeUpdatesOptions,
} from './legacy/attribute-updates.js';
export { convertAttributesToGet } from './legacy/attributes-to-get.js';
