import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { OvercastConfig } from '../../config/schema.js';
import type { Store } from '../../storage/store.js';
import type { Ports } from '../ports.js';
import type { ServerInfo } from '../deps.js';
import type { FunctionCatalog } from './functions/catalog.js';
import type { FunctionSettings } from './functions/settings.js';
import type { LayerStore } from './functions/layers.js';
import type { EnvironmentPool } from './invoke/pool.js';
import type { AsyncQueue } from './invoke/async-queue.js';
import type { Invoker } from './invoke/invoker.js';
import type { EsmEngine } from './esm/engine.js';

/** What Lambda's operations share: storage, the environment pool, the queues, the injected clock. */
export interface LambdaContext {
  store: Store;
  clock: Clock;
  log: Logger;
  config: OvercastConfig;
  server: ServerInfo;
  ports: Ports;
  /** Directory for zips, unpacked code and layers. */
  filesDir: string;
  catalog: FunctionCatalog;
  settings: FunctionSettings;
  layers: LayerStore;
  pool: EnvironmentPool;
  invoker: Invoker;
  asyncQueue: AsyncQueue;
  esm: EsmEngine;
}
