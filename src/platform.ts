import type { AddressInfo } from 'node:net';
import { Authenticator } from './core/auth/authenticate.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import { HttpServer } from './core/http/server.js';
import { createLogger } from './core/log.js';
import type { Logger } from './core/log.js';
import { Pipeline } from './core/pipeline.js';
import type { ServiceDefinition } from './core/service.js';
import { resolveConfig } from './config/load.js';
import type { OvercastConfig, OvercastConfigInput } from './config/schema.js';
import { SERVICES } from './services/index.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type { Store } from './storage/store.js';
import { VERSION } from './version.js';

export interface PlatformOptions {
  config?: OvercastConfigInput | OvercastConfig;
  clock?: Clock;
  log?: Logger;
}

/** A running Overcast: its address, its services, and a clean stop. */
export interface Overcast {
  readonly config: OvercastConfig;
  readonly port: number;
  readonly endpoint: string;
  readonly services: readonly ServiceDefinition[];
  readonly store: Store;
  stop(): Promise<void>;
}

/** Composition root: wires store, clock, logger and services, then listens. */
export async function startOvercast(options: PlatformOptions = {}): Promise<Overcast> {
  const config = resolveConfig(options.config ?? {});
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config.logLevel);
  const store = new SqliteStore(config.ephemeral ? {} : { dataDir: config.dataDir });
  const deps = { store, clock, log, config };
  const services: ServiceDefinition[] = [];
  for (const factory of Object.values(SERVICES)) services.push(await factory(deps));
  const auth = new Authenticator(
    { mode: config.auth, credentials: config.credentials, defaultAccount: config.account, defaultRegion: config.region },
    clock,
  );
  const pipeline = new Pipeline({ services, auth, clock, log });
  const server = new HttpServer({
    pipeline,
    log,
    health: { version: VERSION, startedAt: clock.now(), services: services.map((s) => s.name), now: () => clock.now() },
  });
  let address: AddressInfo;
  try {
    address = await server.listen(config.port, config.host);
  } catch (err) {
    await store.close();
    throw err;
  }
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let stopping: Promise<void> | undefined;
  return {
    config,
    port: address.port,
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    services,
    store,
    stop() {
      stopping ??= (async () => {
        await server.close();
        for (const s of services) await s.close?.();
        await store.close();
      })();
      return stopping;
    },
  };
}
