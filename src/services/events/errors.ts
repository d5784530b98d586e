import { AwsError } from '../../core/errors/aws-error.js';

const events = (code: string, message: string) => new AwsError(code, message);

/** Named EventBridge errors, with AWS's wording. */
export const eventsErrors = {
  validation: (message: string) => events('ValidationException', message),
  ruleNotFound: (rule: string, bus: string) =>
    events('ResourceNotFoundException', `Rule ${rule} does not exist on EventBus ${bus}.`),
  busNotFound: (bus: string) => events('ResourceNotFoundException', `Event bus ${bus} does not exist.`),
  resourceNotFound: (message: string) => events('ResourceNotFoundException', message),
  busExists: (bus: string) => events('ResourceAlreadyExistsException', `Event bus ${bus} already exists.`),
  limitExceeded: (message = 'The requested resource exceeds the maximum number allowed.') =>
    events('LimitExceededException', message),
  invalidPattern: (reason: string) =>
    events('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`),
  managedRule: (rule: string) =>
    events('ManagedRuleException', `Rule ${rule} is managed by an AWS service can only be modified if force is true.`),
};
