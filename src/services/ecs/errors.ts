import { AwsError } from '../../core/errors/aws-error.js';

const e = (code: string, message: string) => new AwsError(code, message);

/** ECS errors with AWS's wording. */
export const ecsErrors = {
  client: (message: string) => e('ClientException', message),
  invalidParameter: (message: string) => e('InvalidParameterException', message),
  clusterNotFound: () => e('ClusterNotFoundException', 'Cluster not found.'),
  taskDefinitionNotFound: () => e('ClientException', 'TaskDefinition not found.'),
  unableToDescribeTaskDefinition: () => e('ClientException', 'Unable to describe task definition.'),
  serviceNotFound: () => e('ServiceNotFoundException', 'Service not found.'),
  serviceNotActive: () => e('ServiceNotActiveException', 'Service was not ACTIVE.'),
  clusterContainsServices: () =>
    e('ClusterContainsServicesException', 'The Cluster cannot be deleted while Services are active.'),
  clusterContainsTasks: () =>
    e('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.'),
  taskNotFound: () => e('InvalidParameterException', 'The referenced task was not found.'),
  resourceNotFound: (message = 'The specified resource could not be found.') => e('ResourceNotFoundException', message),
};
