import { AwsError } from '../../core/errors/aws-error.js';

export const SQS_NAMESPACE = 'com.amazonaws.sqs';

/**
 * An SQS error. Current SQS (awsJson1.0 with awsQueryCompatible) answers `__type` =
 * `com.amazonaws.sqs#<JsonCode>` and the legacy query code in `x-amzn-query-error: <Code>;Sender`;
 * the query protocol answers the legacy code in `<Error><Code>`.
 */
export function sqsError(jsonCode: string, queryCode: string, message: string, status = 400): AwsError {
  const fault = status >= 500 ? 'Receiver' : 'Sender';
  return new AwsError(jsonCode, message, {
    namespace: SQS_NAMESPACE,
    status,
    fault,
    headers: { 'x-amzn-query-error': `${queryCode};${fault}` },
  });
}

/** The legacy (query-protocol) code of an error. */
export function queryCode(err: AwsError): string {
  const header = err.headers?.['x-amzn-query-error'];
  return header ? header.split(';')[0]! : err.code;
}

const Q = 'AWS.SimpleQueueService.';

/** SQS's errors with AWS's wording. */
export const sqsErrors = {
  queueDoesNotExist: () => sqsError('QueueDoesNotExist', `${Q}NonExistentQueue`, 'The specified queue does not exist.'),
  queueNameExists: (attribute?: string) =>
    sqsError(
      'QueueNameExists',
      'QueueAlreadyExists',
      attribute
        ? `A queue already exists with the same name and a different value for attribute ${attribute}`
        : 'A queue already exists with the same name and a different value for attribute',
    ),
  queueDeletedRecently: () =>
    sqsError(
      'QueueDeletedRecently',
      `${Q}QueueDeletedRecently`,
      'You must wait 60 seconds after deleting a queue before you can create another with the same name.',
    ),
  invalidParameterValue: (message: string) =>
    sqsError('InvalidParameterValueException', 'InvalidParameterValue', message),
  invalidParameter: (value: unknown, parameter: string, reason: string) =>
    sqsError(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`,
    ),
  missingParameter: (parameter: string) =>
    sqsError(
      'MissingRequiredParameterException',
      'MissingParameter',
      `The request must contain the parameter ${parameter}.`,
    ),
  tooLong: (max: number) =>
    sqsError(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`,
    ),
  invalidAttributeName: (name: string) =>
    sqsError('InvalidAttributeName', 'InvalidAttributeName', `Unknown Attribute ${name}.`),
  fifoOnlyAttribute: (name: string) =>
    sqsError(
      'InvalidAttributeName',
      'InvalidAttributeName',
      `You can specify the ${name} only when FifoQueue is set to true.`,
    ),
  receiptHandleExpired: (handle: string) =>
    sqsError(
      'InvalidParameterValueException',
      'InvalidParameterValue',
      `Value ${handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    ),
  invalidAttributeValue: (name: string, detail?: string) =>
    sqsError(
      'InvalidAttributeValue',
      'InvalidAttributeValue',
      detail
        ? `Invalid value for the parameter ${name}. Reason: ${detail}`
        : `Invalid value for the parameter ${name}.`,
    ),
  invalidMessageContents: () =>
    sqsError(
      'InvalidMessageContents',
      'InvalidMessageContents',
      'Invalid characters found. Valid characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    ),
  receiptHandleIsInvalid: (handle: string) =>
    sqsError(
      'ReceiptHandleIsInvalid',
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
    ),
  messageNotInflight: () =>
    sqsError('MessageNotInflight', `${Q}MessageNotInflight`, 'The message referred to is not in flight.'),
  emptyBatch: (entry: string) =>
    sqsError('EmptyBatchRequest', `${Q}EmptyBatchRequest`, `There should be at least one ${entry} in the request.`),
  tooManyEntries: (n: number) =>
    sqsError(
      'TooManyEntriesInBatchRequest',
      `${Q}TooManyEntriesInBatchRequest`,
      `Maximum number of entries per request are 10. You have sent ${n}.`,
    ),
  idsNotDistinct: (id: string) =>
    sqsError('BatchEntryIdsNotDistinct', `${Q}BatchEntryIdsNotDistinct`, `Id ${id} repeated.`),
  invalidBatchEntryId: () =>
    sqsError(
      'InvalidBatchEntryId',
      `${Q}InvalidBatchEntryId`,
      'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
    ),
  batchTooLong: (max: number, size: number) =>
    sqsError(
      'BatchRequestTooLong',
      `${Q}BatchRequestTooLong`,
      `Batch requests cannot be longer than ${max} bytes. You have sent ${size} bytes.`,
    ),
  purgeInProgress: (name: string) =>
    sqsError(
      'PurgeQueueInProgress',
      `${Q}PurgeQueueInProgress`,
      `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    ),
  overLimit: (message: string) => sqsError('OverLimit', 'OverLimit', message),
  resourceNotFound: (message: string) => sqsError('ResourceNotFoundException', 'ResourceNotFoundException', message),
  unsupported: (message: string) => sqsError('UnsupportedOperation', `${Q}UnsupportedOperation`, message),
};
