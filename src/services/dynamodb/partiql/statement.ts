/** A statement of a request, parsed with its parameters bound, and the errors PartiQL requests share. */
import { AwsError } from '../../../core/errors/aws-error.js';
import { invalid } from '../errors.js';
import type { AttributeValue } from '../types.js';
import type { ParsedStatement } from './ast.js';
import { msg } from './errors.js';
import { parseStatement } from './parser.js';
import { Parameters } from './values.js';

export interface StatementRequest {
  Statement: string;
  Parameters?: AttributeValue[];
}

export interface PreparedStatement {
  parsed: ParsedStatement;
  params: Parameters;
}

/** Parse a statement and validate its parameters (too few is an error; extra ones are ignored, as AWS does). */
export function prepareStatement(request: StatementRequest): PreparedStatement {
  const parsed = parseStatement(request.Statement);
  const params = new Parameters(request.Parameters);
  if (parsed.parameterCount > params.count) throw invalid(msg.parameterCount);
  return { parsed, params };
}

/** The short error codes of BatchExecuteStatement responses, by exception name. */
const BATCH_CODES: Record<string, string> = {
  ValidationException: 'ValidationError',
  SerializationException: 'ValidationError',
  ConditionalCheckFailedException: 'ConditionalCheckFailed',
  DuplicateItemException: 'DuplicateItem',
  ResourceNotFoundException: 'ResourceNotFound',
  ProvisionedThroughputExceededException: 'ProvisionedThroughputExceeded',
  ItemCollectionSizeLimitExceededException: 'ItemCollectionSizeLimitExceeded',
  TransactionConflictException: 'TransactionConflict',
  RequestLimitExceeded: 'RequestLimitExceeded',
  ThrottlingException: 'ThrottlingError',
  AccessDeniedException: 'AccessDenied',
};

/** A BatchStatementResponse for a failed statement. */
export function batchError(err: unknown, tableName: string | undefined): Record<string, unknown> {
  if (!(err instanceof AwsError)) throw err;
  const code = BATCH_CODES[err.code] ?? 'InternalServerError';
  const error: Record<string, unknown> = { Code: code, Message: err.message };
  const item = err.fields?.['Item'];
  if (item) error['Item'] = item;
  const out: Record<string, unknown> = { Error: error };
  if (tableName !== undefined && code !== 'ValidationError') out['TableName'] = tableName;
  return out;
}
