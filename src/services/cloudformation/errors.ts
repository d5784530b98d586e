import { AwsError } from '../../core/errors/aws-error.js';

/** CloudFormation's errors as the query protocol reports them (`<Error><Code>`). */
export const cfnErrors = {
  validation: (message: string) => new AwsError('ValidationError', message),
  stackNotFound: (name: string) => new AwsError('ValidationError', `Stack with id ${name} does not exist`),
  alreadyExists: (name: string) => new AwsError('AlreadyExistsException', `Stack [${name}] already exists`),
  changeSetAlreadyExists: (name: string) => new AwsError('AlreadyExistsException', `ChangeSet ${name} already exists`),
  changeSetNotFound: (name: string) =>
    new AwsError('ChangeSetNotFound', `ChangeSet [${name}] does not exist`, { status: 404 }),
  invalidChangeSetStatus: (message: string) => new AwsError('InvalidChangeSetStatus', message),
  insufficientCapabilities: (caps: string[]) =>
    new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${caps.join(', ')}]`),
  templateFormat: (message: string) => new AwsError('ValidationError', `Template format error: ${message}`),
  templateError: (message: string) => new AwsError('ValidationError', `Template error: ${message}`),
  notUpdatable: (stackId: string, status: string) =>
    new AwsError('ValidationError', `Stack:${stackId} is in ${status} state and can not be updated.`),
  noUpdates: () => new AwsError('ValidationError', 'No updates are to be performed.'),
};

/** An error in a template, with the template path where it occurs (`/Resources/Fn/Properties/Code`). */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly kind: 'format' | 'template' = 'template',
  ) {
    super(message);
  }
}
