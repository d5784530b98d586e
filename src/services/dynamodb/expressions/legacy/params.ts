/**
 * Which expression / non-expression parameters a request may combine. Run first, before any
 * other request validation that involves expressions.
 */
import { invalid } from '../../errors.js';

export type ExpressionOperation =
  | 'GetItem'
  | 'BatchGetItem'
  | 'TransactGetItem'
  | 'PutItem'
  | 'DeleteItem'
  | 'UpdateItem'
  | 'ConditionCheck'
  | 'Query'
  | 'Scan';

/** The request members involved (undefined / null = absent). */
export interface ExpressionParameters {
  readonly AttributeUpdates?: unknown;
  readonly AttributesToGet?: unknown;
  readonly Expected?: unknown;
  readonly QueryFilter?: unknown;
  readonly ScanFilter?: unknown;
  readonly ConditionalOperator?: unknown;
  readonly KeyConditions?: unknown;
  readonly UpdateExpression?: unknown;
  readonly ProjectionExpression?: unknown;
  readonly ConditionExpression?: unknown;
  readonly FilterExpression?: unknown;
  readonly KeyConditionExpression?: unknown;
  readonly ExpressionAttributeNames?: unknown;
  readonly ExpressionAttributeValues?: unknown;
}

/** The expressions that may use ExpressionAttributeValues, per operation. */
const VALUE_EXPRESSIONS: Record<ExpressionOperation, readonly (keyof ExpressionParameters)[]> = {
  GetItem: [],
  BatchGetItem: [],
  TransactGetItem: [],
  PutItem: ['ConditionExpression'],
  DeleteItem: ['ConditionExpression'],
  ConditionCheck: ['ConditionExpression'],
  UpdateItem: ['UpdateExpression', 'ConditionExpression'],
  Scan: ['FilterExpression'],
  Query: ['FilterExpression', 'KeyConditionExpression'],
};

const present = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * Throws AWS's ValidationException when a request mixes expression and legacy parameters, or has
 * ExpressionAttributeNames / Values without an expression that could use them:
 * - `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}`
 * - `ExpressionAttributeNames can only be specified when using expressions`
 * - `ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null`
 */
export function checkExpressionParameters(operation: ExpressionOperation, p: ExpressionParameters): void {
  const legacy: string[] = [];
  if (present(p.AttributeUpdates)) legacy.push('AttributeUpdates');
  if (present(p.AttributesToGet)) legacy.push('AttributesToGet');
  if (present(p.Expected)) legacy.push('Expected');
  if (present(p.QueryFilter)) legacy.push('QueryFilter');
  if (present(p.ScanFilter)) legacy.push('ScanFilter');
  if (present(p.ConditionalOperator)) legacy.push('ConditionalOperator');
  const expressions: string[] = [];
  if (present(p.UpdateExpression)) expressions.push('UpdateExpression');
  if (present(p.ProjectionExpression)) expressions.push('ProjectionExpression');
  if (present(p.ConditionExpression)) expressions.push('ConditionExpression');
  if (present(p.FilterExpression)) expressions.push('FilterExpression');
  if (present(p.KeyConditionExpression)) {
    expressions.push('KeyConditionExpression');
    // KeyConditions alone may accompany the other expressions; only KeyConditionExpression excludes it.
    if (present(p.KeyConditions)) legacy.push('KeyConditions');
  }
  if (legacy.length > 0 && expressions.length > 0) {
    throw invalid(
      `Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {${legacy.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
    );
  }
  if (present(p.ExpressionAttributeNames) && expressions.length === 0) {
    throw invalid('ExpressionAttributeNames can only be specified when using expressions');
  }
  const valueExpressions = VALUE_EXPRESSIONS[operation];
  if (
    present(p.ExpressionAttributeValues) &&
    valueExpressions.length > 0 &&
    valueExpressions.every((k) => !present(p[k]))
  ) {
    throw invalid(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ${valueExpressions.length > 1 ? 'are' : 'is'} null`,
    );
  }
}
