import { AwsError, CORAL_VALIDATE } from '../../core/errors/aws-error.js';

export const DYNAMODB_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';

const ddb = (code: string, message: string, fields?: Record<string, unknown>) =>
  new AwsError(code, message, { namespace: DYNAMODB_NAMESPACE, fields });

/** Named DynamoDB errors, with AWS's exact wording. */
export const ddbErrors = {
  /** `ValidationException` with AWS's message verbatim. */
  validation: (message: string) => new AwsError('ValidationException', message, { namespace: CORAL_VALIDATE }),
  resourceNotFound: (message = 'Requested resource not found') => ddb('ResourceNotFoundException', message),
  tableNotFound: (name: string) =>
    ddb('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`),
  resourceInUse: (message: string) => ddb('ResourceInUseException', message),
  conditionalCheckFailed: (item?: Record<string, unknown>) =>
    ddb('ConditionalCheckFailedException', 'The conditional request failed', item ? { Item: item } : undefined),
  limitExceeded: (message: string) => ddb('LimitExceededException', message),
  throughputExceeded: (message: string) => ddb('ProvisionedThroughputExceededException', message),
  itemCollectionSizeLimitExceeded: () =>
    ddb('ItemCollectionSizeLimitExceededException', 'Item collection size limit exceeded'),
};

/** Shorthand used throughout the DynamoDB service for `ValidationException`. */
export const invalid = (message: string): AwsError => ddbErrors.validation(message);

/** `ValidationException` with DynamoDB's `One or more parameter values were invalid: ` before the message. */
export const invalidParameter = (message: string): AwsError =>
  invalid(`One or more parameter values were invalid: ${message}`);

/** One entry of TransactionCanceledException.CancellationReasons. */
export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

export function transactionCanceled(reasons: CancellationReason[]): AwsError {
  return ddb(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
    { CancellationReasons: reasons },
  );
}

export const idempotentParameterMismatch = () =>
  ddb(
    'IdempotentParameterMismatchException',
    'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
  );
