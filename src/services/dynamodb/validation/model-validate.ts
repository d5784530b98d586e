import { checkTypes, collectViolations, deeperThan, violationsError } from '../../../core/model/validate.js';
import { messages } from '../values/messages.js';
import type { Violation } from '../../../core/model/validate.js';
import type { ServiceModel } from '../../../core/model/types.js';
import { formatValue } from '../../../core/model/format-value.js';
import { invalid } from '../errors.js';

/** Table-level operations that word a missing TableName as a required parameter. */
const TABLE_OPERATIONS = new Set(['CreateTable', 'DescribeTable', 'DeleteTable', 'UpdateTable']);

/** AttributeValues are validated (and normalised) by the values module, with DynamoDB's own messages. */
const SERVICE_VALIDATED: ReadonlySet<string> = new Set(['AttributeValue']);

/** Deepest JSON a valid DynamoDB request can have (32 nested AttributeValues and the request around them). */
const MAX_JSON_DEPTH = 80;

const TABLE_NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;

/** Coral-style checks of a table name (or ARN) member; DynamoDB reports these alone. */
function tableNameViolations(value: unknown, path: string, allowArn: boolean): Violation[] {
  if (typeof value !== 'string') return [];
  if (value.length === 0) {
    return [{ path, value: '', constraint: 'Member must have length greater than or equal to 1' }];
  }
  if (allowArn && value.startsWith('arn:')) {
    return value.length > 1024
      ? [{ path, value, constraint: 'Member must have length less than or equal to 1024' }]
      : [];
  }
  const out: Violation[] = [];
  if (value.length < 3) out.push({ path, value, constraint: 'Member must have length greater than or equal to 3' });
  if (value.length > 255) out.push({ path, value, constraint: 'Member must have length less than or equal to 255' });
  if (!TABLE_NAME_PATTERN.test(value)) {
    out.push({ path, value, constraint: 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+' });
  }
  return out;
}

/**
 * DynamoDB's request validation before any table is looked up: JSON types, the table name
 * (reported on its own when wrong), then every Coral constraint of the model together.
 */
export function validateDynamoDbInput(model: ServiceModel, operation: string, input: unknown): void {
  const op = model.operations[operation];
  if (!op?.input) return;
  // 32 AttributeValue levels are two JSON levels each, inside a request a few levels deep: anything
  // deeper can only be refused, and is refused before any recursive pass can overflow the stack.
  if (deeperThan(input, MAX_JSON_DEPTH)) throw invalid(messages.nestingTooDeep);
  checkTypes(model, op.input, input, SERVICE_VALIDATED);
  const obj = input as Record<string, unknown>;
  const shape = model.shapes[op.input]!;
  if ('TableName' in (shape.members ?? {})) {
    if (obj['TableName'] === undefined || obj['TableName'] === null) {
      if (TABLE_OPERATIONS.has(operation)) {
        throw invalid("The parameter 'TableName' is required but was not present in the request");
      }
    } else {
      const nameViolations = tableNameViolations(obj['TableName'], 'tableName', operation !== 'CreateTable');
      if (nameViolations.length > 0) throw violationsError(nameViolations);
    }
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const items = obj['RequestItems'];
    if (items === undefined || items === null || (typeof items === 'object' && Object.keys(items).length === 0)) {
      throw invalid(`The requestItems parameter is required for ${operation}`);
    }
  }
  const hasName = typeof obj['TableName'] === 'string';
  const violations = collectViolations(model, op.input, input, '', [], SERVICE_VALIDATED).filter(
    (v) => !(hasName && v.path === 'tableName'),
  );
  rewriteBatchViolations(model, operation, obj, violations);
  if (violations.length > 0) throw violationsError(violations);
}

/** BatchGetItem / BatchWriteItem word their per-table list limits as AWS does. */
function rewriteBatchViolations(
  model: ServiceModel,
  operation: string,
  input: Record<string, unknown>,
  violations: Violation[],
): void {
  if (operation === 'BatchWriteItem') {
    const perTable = (v: Violation) => /^requestItems\..+\.member$/.test(v.path) && v.constraint.includes('length');
    if (violations.some(perTable)) {
      const rest = violations.filter((v) => !perTable(v));
      violations.length = 0;
      violations.push(...rest, {
        path: 'requestItems',
        value: formatValue(model, 'BatchWriteItemRequestMap', input['RequestItems']),
        constraint:
          'Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]',
      });
    }
  }
  if (operation === 'BatchGetItem') {
    for (const v of violations) {
      const m = /^requestItems\.(.+)\.member\.keys$/.exec(v.path);
      if (m && v.constraint.includes('length')) {
        v.path = `RequestItems.${m[1]}.member.Keys`;
        v.value = undefined;
      }
    }
  }
  if (operation === 'Query') {
    for (const v of violations) {
      if (v.path === 'limit') {
        v.path = 'Limit';
        v.value = undefined;
      }
    }
  }
}
