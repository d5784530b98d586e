import { crc32 } from 'node:zlib';
import { requestId52 } from '../../core/ids.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { DynamoDb } from './context.js';
import { OPERATIONS } from './operations/index.js';
import { attachPitr } from './pitr/registry.js';
import { DYNAMODB_MIGRATIONS } from './storage/migrations.js';
import { DynamoDbStreams } from './streams/streams.js';
import { CapacityThrottle } from './throttle.js';
import { TableCatalog } from './tables/catalog.js';
import { TableStats } from './tables/stats.js';
import { IdempotencyTokens } from './transactions/idempotency.js';
import { DynamoDbTtl } from './ttl/ttl.js';
import { validateDynamoDbInput } from './validation/model-validate.js';
import { serverModel } from './validation/server-model.js';
import { lazyModel } from '../../core/model/lazy.js';
import { ItemWriter } from './writes.js';
import { s3CallerFor } from '../s3/object-client.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;
const validationModel = lazyModel(model.metadata, () => serverModel(model));

/** DynamoDB (awsJson1.0, DynamoDB_20120810) on the injected store. */
export async function createDynamoDb(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('dynamodb', DYNAMODB_MIGRATIONS);
  const throttle = new CapacityThrottle(deps.clock, {
    enabled: deps.config.dynamodb.throttle,
    onDemandReadCeiling: deps.config.dynamodb.onDemandReadCeiling,
    onDemandWriteCeiling: deps.config.dynamodb.onDemandWriteCeiling,
  });
  const catalog = new TableCatalog(deps.store, throttle);
  await catalog.load();
  const writer = new ItemWriter();
  const ddb: DynamoDb = {
    store: deps.store,
    catalog,
    writer,
    stats: new TableStats(writer),
    clock: deps.clock,
    tableStatusDelayMs: deps.config.dynamodb.tableStatusDelayMs,
    tokens: new IdempotencyTokens(deps.clock),
    throttle,
    s3Caller: (scope) => s3CallerFor(deps.config.credentials, deps.server.endpoint, scope),
  };
  // Streams and TTL hook the ItemWriter (records and expiry index commit with each write).
  const streams = new DynamoDbStreams(ddb);
  await streams.attach();
  streams.start(60_000);
  const ttl = new DynamoDbTtl(ddb, {
    sweepIntervalMs: deps.config.dynamodb.ttlSweepIntervalMs,
    cooldownMs: deps.config.dynamodb.ttlCooldownMs,
  });
  ttl.attach();
  ttl.start();
  // Point-in-time recovery logs item changes of PITR tables from the same hook.
  await attachPitr(ddb);
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(ddb, input, ctx);
  return {
    name: 'dynamodb',
    signingName: 'dynamodb',
    protocol: 'awsJson1.0',
    model,
    operations,
    requestId: requestId52,
    validate: (operation, input) => validateDynamoDbInput(validationModel, operation, input),
    responseHeaders: (body) => ({ 'x-amz-crc32': String(crc32(body)) }),
    close: async () => {
      await streams.stop();
      await ttl.stop();
    },
  };
}
