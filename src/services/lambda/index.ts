import { join } from 'node:path';
import { systemClock } from '../../core/clock.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDeps } from '../deps.js';
import { streamReaderFor } from '../dynamodb/streams/reader.js';
import { logsPort } from '../logs/port.js';
import type { LambdaContext } from './context.js';
import { ProcessEnvironmentProvider } from './environments/index.js';
import { PackageTypeProvider, RuncEnvironmentProvider } from './environments/runc-provider.js';
import { imagePort } from '../ecr/port.js';
import { EsmEngine } from './esm/engine.js';
import { FunctionCatalog } from './functions/catalog.js';
import { LayerStore } from './functions/layers.js';
import { FunctionSettings } from './functions/settings.js';
import { AsyncQueue } from './invoke/async-queue.js';
import { FunctionDestinations } from './invoke/destinations.js';
import { Invoker } from './invoke/invoker.js';
import { EnvironmentPool } from './invoke/pool.js';
import { aliasOperations } from './operations/aliases.js';
import { concurrencyOperations } from './operations/concurrency.js';
import { eventInvokeConfigOperations } from './operations/event-invoke-config.js';
import { esmOperations } from './operations/event-source-mappings.js';
import { functionOperations } from './operations/functions.js';
import { invokeOperations } from './operations/invoke.js';
import { layerOperations } from './operations/layers.js';
import { miscOperations } from './operations/misc.js';
import { permissionOperations } from './operations/permissions.js';
import { tagOperations } from './operations/tags.js';
import { urlOperations } from './operations/urls.js';
import { LAMBDA_MIGRATIONS } from './storage/migrations.js';
import { lambdaMount } from './urls/mount.js';
import modelJson from './model.json' with { type: 'json' };
import { LAMBDA_PORT } from './port.js';
import type { LambdaPort } from './port.js';

const model = modelJson as unknown as ServiceModel;

/** Largest CreateFunction / UpdateFunctionCode request (AWS: 69,905,067 bytes: a 50 MB zip in base64). */
const MAX_REQUEST_BYTES = 69_905_067;

export { LAMBDA_PORT } from './port.js';

/** Lambda (restJson1): functions that run for real in local environments. */
export async function createLambda(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('lambda', LAMBDA_MIGRATIONS);
  const filesDir = deps.filesDir('lambda');
  // A running process lives in wall-clock time: the deadline it is handed (and compares with its own
  // Date.now()) must be real time, whatever clock the platform's schedules use.
  // Zips run as local processes; container images (PackageType Image) in runc containers.
  const images = imagePort(deps);
  const provider = new PackageTypeProvider(
    new ProcessEnvironmentProvider({ clock: systemClock, log: deps.log }),
    new RuncEnvironmentProvider({
      images,
      dir: join(filesDir, 'containers'),
      serverPort: () => deps.server.port,
      clock: systemClock,
      log: deps.log,
    }),
  );
  const pool = new EnvironmentPool(provider, systemClock, deps.log, {
    idleMs: deps.config.lambda.idleMs,
    accountConcurrency: deps.config.lambda.accountConcurrency,
  });
  const catalog = new FunctionCatalog(deps.store);
  const settings = new FunctionSettings(deps.store);
  const logs = logsPort({ store: deps.store, clock: deps.clock });
  const invoker = new Invoker(catalog, pool, deps.clock, deps.log, deps.config, deps.server, () => logs);
  const asyncQueue = new AsyncQueue(deps.store, invoker, settings, deps.clock, deps.log);
  invoker.queue = asyncQueue;
  asyncQueue.destinations = new FunctionDestinations(invoker, deps.log, deps.ports);
  let reader: ReturnType<typeof streamReaderFor>;
  const esm = new EsmEngine(
    deps.store,
    invoker,
    deps.clock,
    deps.log,
    () => (reader ??= streamReaderFor(deps.store)),
    250,
    deps.ports,
  );
  const lc: LambdaContext = {
    store: deps.store,
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
    server: deps.server,
    ports: deps.ports,
    filesDir,
    catalog,
    settings,
    layers: new LayerStore(deps.store),
    pool,
    invoker,
    asyncQueue,
    esm,
  };
  await esm.start();
  deps.ports[LAMBDA_PORT] = invoker satisfies LambdaPort;
  return {
    name: 'lambda',
    signingName: 'lambda',
    protocol: 'restJson1',
    model,
    maxBodyBytes: MAX_REQUEST_BYTES,
    operations: {
      ...functionOperations(lc, images),
      ...aliasOperations(lc),
      ...layerOperations(lc),
      ...permissionOperations(lc),
      ...concurrencyOperations(lc),
      ...eventInvokeConfigOperations(lc),
      ...esmOperations(lc),
      ...urlOperations(lc),
      ...tagOperations(lc),
      ...invokeOperations(lc),
      ...miscOperations(lc),
    },
    mounts: [lambdaMount(lc)],
    async close() {
      esm.close();
      asyncQueue.close();
      await pool.close();
      await invoker.logBuffer.flush();
    },
  };
}
