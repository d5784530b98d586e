import type { ServiceDefinition } from '../core/service.js';
import type { ServiceDeps } from './deps.js';
import { createDynamoDb } from './dynamodb/index.js';
import { createDynamoDbStreams } from './dynamodb/streams/index.js';

export type ServiceFactory = (deps: ServiceDeps) => Promise<ServiceDefinition> | ServiceDefinition;

/**
 * The explicit service registry: one factory per service, in routing order (services that share
 * a signing name are tried in this order). Every factory but DynamoDB's imports its service on
 * first call: the bundle evaluates a service's modules only when it is constructed.
 */
export const SERVICES: Record<string, ServiceFactory> = {
  dynamodb: createDynamoDb,
  dynamodbstreams: createDynamoDbStreams,
  sts: (deps) => import('./sts/index.js').then((m) => m.createSts(deps)),
  // Shares the `apigateway` signing name with REST APIs (apigateway): the pipeline picks the service by route.
  apigatewayv2: (deps) => import('./apigatewayv2/index.js').then((m) => m.createApiGatewayV2(deps)),
  ecr: (deps) => import('./ecr/index.js').then((m) => m.createEcr(deps)),
  logs: (deps) => import('./logs/index.js').then((m) => m.createLogs(deps)),
  sqs: (deps) => import('./sqs/index.js').then((m) => m.createSqs(deps)),
  lambda: (deps) => import('./lambda/index.js').then((m) => m.createLambda(deps)),
  s3: (deps) => import('./s3/index.js').then((m) => m.createS3(deps)),
  apigateway: (deps) => import('./apigateway/index.js').then((m) => m.createApiGateway(deps)),
  scheduler: (deps) => import('./scheduler/index.js').then((m) => m.createScheduler(deps)),
  events: (deps) => import('./events/index.js').then((m) => m.createEvents(deps)),
  ecs: (deps) => import('./ecs/index.js').then((m) => m.createEcs(deps)),
  // Last: it provisions the services above through their APIs.
  cloudformation: (deps) => import('./cloudformation/index.js').then((m) => m.createCloudFormation(deps)),
};

/**
 * Constructed before the server listens; the others right after, while these already answer.
 * Every request of theirs is routed by X-Amz-Target, which the server can tell apart from other
 * services' requests before those services exist (HttpServerOptions.starting), and DynamoDB is
 * what a cold start is timed by: `overcast start` answers DynamoDB before it has built the
 * rest (docs/benchmarks.md, DynamoDB, stop 23). They lead the registry, so routing order holds.
 */
export const SERVICES_BEFORE_LISTEN: readonly string[] = ['dynamodb', 'dynamodbstreams'];
