import { AwsError } from '../../core/errors/aws-error.js';

/** API Gateway's control-plane errors (restJson1: `{"message"}` + x-amzn-ErrorType). */
export const apigwErrors = {
  notFound: (message: string) => new AwsError('NotFoundException', message, { status: 404 }),
  badRequest: (message: string) => new AwsError('BadRequestException', message, { status: 400 }),
  conflict: (message: string) => new AwsError('ConflictException', message, { status: 409 }),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message, { status: 429 }),
  tooManyRequests: (message: string) => new AwsError('TooManyRequestsException', message, { status: 429 }),
  validation: (message: string) => new AwsError('ValidationException', message, { status: 400 }),
  apiNotFound: (account: string, id: string) =>
    new AwsError('NotFoundException', `Invalid API identifier specified ${account}:${id}`, { status: 404 }),
  restApiNotFound: () => new AwsError('NotFoundException', 'Invalid REST API identifier specified', { status: 404 }),
  resourceNotFound: () => new AwsError('NotFoundException', 'Invalid Resource identifier specified', { status: 404 }),
  methodNotFound: () => new AwsError('NotFoundException', 'Invalid Method identifier specified', { status: 404 }),
  integrationNotFound: () =>
    new AwsError('NotFoundException', 'Invalid Integration identifier specified', { status: 404 }),
  responseNotFound: () => new AwsError('NotFoundException', 'Invalid Response status code specified', { status: 404 }),
  patchPath: (path: string | undefined) =>
    new AwsError('BadRequestException', `Invalid patch path ${path ?? 'null'}`, { status: 400 }),
};
