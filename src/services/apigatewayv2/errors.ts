import { AwsError } from '../../core/errors/aws-error.js';

/** The control plane's errors (restJson1: `x-amzn-ErrorType` header and `{"message": ...}`). */
export const v2Errors = {
  notFound: (resourceType: string, message: string) =>
    new AwsError('NotFoundException', message, { status: 404, fields: { message, resourceType } }),
  apiNotFound: (account: string, apiId: string) =>
    v2Errors.notFound('Api', `Invalid API identifier specified ${account}:${apiId}`),
  badRequest: (message: string) => new AwsError('BadRequestException', message, { status: 400, fields: { message } }),
  conflict: (message: string) => new AwsError('ConflictException', message, { status: 409, fields: { message } }),
  tooMany: (message: string) => new AwsError('TooManyRequestsException', message, { status: 429, fields: { message } }),
};
