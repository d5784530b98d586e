import { AwsError } from '../../core/errors/aws-error.js';

/** The namespace of CloudWatch Logs' modelled errors (`__type: com.amazonaws.logs#Code`). */
export const LOGS_NAMESPACE = 'com.amazonaws.logs';

const logs = (code: string, message: string, fields?: Record<string, unknown>) =>
  new AwsError(code, message, { namespace: LOGS_NAMESPACE, fields });

/** Named CloudWatch Logs errors, with AWS's wording. */
export const logsErrors = {
  /** Every bad parameter, including the Coral constraint messages (Logs maps them to this code). */
  invalidParameter: (message: string) => logs('InvalidParameterException', message),
  groupNotFound: () => logs('ResourceNotFoundException', 'The specified log group does not exist.'),
  streamNotFound: () => logs('ResourceNotFoundException', 'The specified log stream does not exist.'),
  resourceNotFound: (message = 'The specified resource does not exist.') => logs('ResourceNotFoundException', message),
  groupExists: () => logs('ResourceAlreadyExistsException', 'The specified log group already exists'),
  streamExists: () => logs('ResourceAlreadyExistsException', 'The specified log stream already exists'),
  tooManyTags: (resourceName: string) =>
    logs('TooManyTagsException', 'A resource can have no more than 50 tags.', { resourceName }),
  limitExceeded: (message: string) => logs('LimitExceededException', message),
  invalidToken: () => logs('InvalidParameterException', 'The specified nextToken is invalid.'),
};
