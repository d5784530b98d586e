import { Authenticator } from '../../core/auth/authenticate.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { SqsContext } from './context.js';
import { SqsEngine } from './engine.js';
import { messageOperations } from './operations/messages.js';
import { moveTaskOperations } from './operations/move-tasks.js';
import { queueOperations } from './operations/queues.js';
import { SQS_PORT } from './port.js';
import { createSqsPort } from './port-impl.js';
import { sqsQueryMount } from './query/mount.js';
import { SQS_MIGRATIONS } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** SQS: awsJson1.0 (AmazonSQS) through the pipeline, the query protocol through a mount. */
export async function createSqs(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('sqs', SQS_MIGRATIONS);
  const engine = new SqsEngine(deps.store, deps.clock, deps.log);
  await engine.load();
  const sc: SqsContext = { engine, server: deps.server };
  const operations: Record<string, OperationHandler> = {
    ...queueOperations(sc),
    ...messageOperations(sc),
    ...moveTaskOperations(sc),
  };
  deps.ports[SQS_PORT] = createSqsPort(sc);
  // The core gives a service one protocol; the query form is decoded by this mount (see query/mount.ts).
  const auth = new Authenticator(
    {
      mode: deps.config.auth,
      credentials: deps.config.credentials,
      defaultAccount: deps.config.account,
      defaultRegion: deps.config.region,
    },
    deps.clock,
  );
  return {
    name: 'sqs',
    signingName: 'sqs',
    protocol: 'awsJson1.0',
    model,
    operations,
    validateInput: false,
    mounts: [
      sqsQueryMount({ model, operations, auth, clock: deps.clock, log: deps.log, maxBodyBytes: 2 * 1024 * 1024 }),
    ],
    close: () => engine.close(),
  };
}
