import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { SqsContext } from './context.js';
import { SqsEngine } from './engine.js';
import { messageOperations } from './operations/messages.js';
import { MoveTasks } from './operations/move-tasks.js';
import { queueOperations } from './operations/queues.js';
import { SQS_PORT } from './port.js';
import { createSqsPort } from './port-impl.js';
import { QUEUE_PATH, sqsQueryCodec } from './query/protocol.js';
import { SQS_MIGRATIONS } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** SQS: awsJson1.0 (AmazonSQS), and the query protocol of older SDKs and CLIs in its own dialect. */
export async function createSqs(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('sqs', SQS_MIGRATIONS);
  const engine = new SqsEngine(deps.store, deps.clock, deps.log);
  await engine.load();
  const sc: SqsContext = { engine, server: deps.server };
  const moveTasks = new MoveTasks(sc, deps.log);
  const operations: Record<string, OperationHandler> = {
    ...queueOperations(sc),
    ...messageOperations(sc),
    ...moveTasks.operations(),
  };
  deps.ports[SQS_PORT] = createSqsPort(sc);
  return {
    name: 'sqs',
    signingName: 'sqs',
    protocol: 'awsJson1.0',
    protocols: ['awsJson1.0', 'query'],
    codecs: { query: sqsQueryCodec },
    unsignedQueryPaths: QUEUE_PATH,
    model,
    operations,
    validateInput: false,
    close: () => {
      moveTasks.close();
      return engine.close();
    },
  };
}
