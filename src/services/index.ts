import type { ServiceDefinition } from '../core/service.js';
import type { ServiceDeps } from './deps.js';
import { createDynamoDb } from './dynamodb/index.js';
import { createDynamoDbStreams } from './dynamodb/streams/index.js';
import { createEcr } from './ecr/index.js';
import { createApiGateway } from './apigateway/index.js';
import { createLambda } from './lambda/index.js';
import { createSts } from './sts/index.js';

/** The explicit service registry: one factory per service, in routing order. */
export const SERVICES: Record<string, (deps: ServiceDeps) => Promise<ServiceDefinition> | ServiceDefinition> = {
  dynamodb: createDynamoDb,
  dynamodbstreams: createDynamoDbStreams,
  sts: createSts,
  // Shares the `apigateway` signing name with REST APIs (apigateway): the pipeline picks the service by route.
  apigatewayv2: (deps) => import('./apigatewayv2/index.js').then((m) => m.createApiGatewayV2(deps)),
  ecr: createEcr,
  logs: (deps) => import('./logs/index.js').then((m) => m.createLogs(deps)),
  sqs: (deps) => import('./sqs/index.js').then((m) => m.createSqs(deps)),
  lambda: createLambda,
  s3: (deps) => import('./s3/index.js').then((m) => m.createS3(deps)),
  apigateway: createApiGateway,
  scheduler: (deps) => import('./scheduler/index.js').then((m) => m.createScheduler(deps)),
  events: (deps) => import('./events/index.js').then((m) => m.createEvents(deps)),
  ecs: (deps) => import('./ecs/index.js').then((m) => m.createEcs(deps)),
  // Last: it provisions the services above through their APIs.
  cloudformation: (deps) => import('./cloudformation/index.js').then((m) => m.createCloudFormation(deps)),
};
