import { AwsError } from '../../core/errors/aws-error.js';

/** Lambda's modeled errors: `x-amzn-ErrorType` header, body `{"Type":"User","Message":...}`. */
function lambdaError(
  code: string,
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
  type = 'User',
): AwsError {
  return new AwsError(code, message, { status, fields: { Type: type, Message: message, ...extra } });
}

export const lambdaErrors = {
  functionNotFound: (arn: string) => lambdaError('ResourceNotFoundException', 404, `Function not found: ${arn}`),
  notFound: (message = 'The resource you requested does not exist.') =>
    lambdaError('ResourceNotFoundException', 404, message),
  aliasNotFound: (arn: string) => lambdaError('ResourceNotFoundException', 404, `Alias not found: ${arn}`),
  conflict: (message: string) => lambdaError('ResourceConflictException', 409, message),
  invalidParameter: (message: string) => lambdaError('InvalidParameterValueException', 400, message),
  invalidRequestContent: (message: string) => lambdaError('InvalidRequestContentException', 400, message),
  requestTooLarge: (message: string) => lambdaError('RequestTooLargeException', 413, message),
  tooManyRequests: (reason: string, message = 'Rate Exceeded.') =>
    new AwsError('TooManyRequestsException', message, {
      status: 429,
      fields: { Reason: reason, Type: 'User', message },
      headers: { 'retry-after': '1' },
    }),
  preconditionFailed: (message: string) => lambdaError('PreconditionFailedException', 412, message),
  policyTooLong: (message: string) => lambdaError('PolicyLengthExceededException', 400, message),
  provisionedNotFound: (message: string) => lambdaError('ProvisionedConcurrencyConfigNotFoundException', 404, message),
  resourceInUse: (message: string) => lambdaError('ResourceInUseException', 400, message),
  notReady: (message: string) => lambdaError('ResourceNotReadyException', 502, message, {}, 'Service'),
  service: (message = 'Service error') => lambdaError('ServiceException', 500, message, {}, 'Service'),
  unsupportedMediaType: (message: string) => lambdaError('UnsupportedMediaTypeException', 415, message),
};
