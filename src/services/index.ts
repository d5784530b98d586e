import type { ServiceDefinition } from '../core/service.js';
import type { ServiceDeps } from './deps.js';
import { createDynamoDb } from './dynamodb/index.js';
import { createDynamoDbStreams } from './dynamodb/streams/index.js';
import { createEcr } from './ecr/index.js';
import { createLambda } from './lambda/index.js';
import { createSts } from './sts/index.js';

/** The explicit service registry: one factory per service, in routing order. */
export const SERVICES: Record<string, (deps: ServiceDeps) => Promise<ServiceDefinition> | ServiceDefinition> = {
  dynamodb: createDynamoDb,
  dynamodbstreams: createDynamoDbStreams,
  sts: createSts,
  ecr: createEcr,
  logs: (deps) => import('./logs/index.js').then((m) => m.createLogs(deps)),
  lambda: createLambda,
};
