import { AwsError } from '../../core/errors/aws-error.js';

/** Scheduler's modelled errors: `x-amzn-ErrorType` header, body `{"Message": ...}`. */
function schedulerError(code: string, status: number, message: string): AwsError {
  return new AwsError(code, message, { status, fields: { Message: message } });
}

/** Named EventBridge Scheduler errors, with AWS's wording. */
export const schedulerErrors = {
  validation: (message: string) => schedulerError('ValidationException', 400, message),
  scheduleNotFound: (name: string) =>
    schedulerError('ResourceNotFoundException', 404, `Schedule ${name} does not exist.`),
  groupNotFound: (name: string) =>
    schedulerError('ResourceNotFoundException', 404, `Schedule group ${name} does not exist.`),
  scheduleExists: (name: string) => schedulerError('ConflictException', 409, `Schedule ${name} already exists.`),
  groupExists: (name: string) => schedulerError('ConflictException', 409, `Schedule group ${name} already exists.`),
  conflict: (message: string) => schedulerError('ConflictException', 409, message),
  quota: (message: string) => schedulerError('ServiceQuotaExceededException', 402, message),
  invalidToken: () => schedulerError('ValidationException', 400, 'Invalid NextToken'),
};
