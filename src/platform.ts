import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Authenticator } from './core/auth/authenticate.js';
import type { Clock } from './core/clock.js';
import { systemClock } from './core/clock.js';
import { HttpServer } from './core/http/server.js';
import { createLogger } from './core/log.js';
import type { Logger } from './core/log.js';
import { Pipeline } from './core/pipeline.js';
import type { HttpMount } from './core/http/mount.js';
import type { ServiceDefinition } from './core/service.js';
import { resolveConfig } from './config/load.js';
import type { OvercastConfig, OvercastConfigInput } from './config/schema.js';
import type { ServerInfo, ServiceDeps } from './services/deps.js';
import { SERVICES, SERVICES_BEFORE_LISTEN } from './services/index.js';
import type { ServiceFactory } from './services/index.js';
import { SqliteStore } from './storage/sqlite/sqlite-store.js';
import type { Store } from './storage/store.js';
import { VERSION } from './version.js';

export interface PlatformOptions {
  config?: OvercastConfigInput | OvercastConfig;
  clock?: Clock;
  log?: Logger;
  /** Called with the endpoint once the server listens, before the services constructed after that (SERVICES_BEFORE_LISTEN). */
  listening?: (endpoint: string) => void;
  /** The service registry (default SERVICES): tests wrap its factories. */
  services?: Record<string, ServiceFactory>;
}

/** A running Overcast: its address, its services, and a clean stop. */
export interface Overcast {
  readonly config: OvercastConfig;
  readonly port: number;
  readonly endpoint: string;
  /** The extra registry port, when `registryPort` is configured. */
  readonly registryPort?: number;
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
  const filesRoot = config.ephemeral ? mkdtempSync(join(tmpdir(), 'overcast-')) : resolve(config.dataDir);
  const server_: ServerInfo = { endpoint: `http://127.0.0.1:${config.port}`, port: config.port };
  const filesDir = (service: string): string => {
    const dir = join(filesRoot, service);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const deps: ServiceDeps = { store, clock, log, config, filesDir, server: server_, ports: {} };
  // The services before the server listens, then the rest while it already answers theirs (see
  // SERVICES_BEFORE_LISTEN); this resolves once every service is up, or fails as a whole.
  const services: ServiceDefinition[] = [];
  const mounts: HttpMount[] = [];
  const registry = options.services ?? SERVICES;
  const factories = Object.entries(registry);
  const first = factories.filter(([name]) => SERVICES_BEFORE_LISTEN.includes(name));
  const later = factories.filter(([name]) => !SERVICES_BEFORE_LISTEN.includes(name));
  const closeAll = async (...servers: (HttpServer | undefined)[]) => {
    for (const s of servers) await s?.close();
    for (const s of services) await s.close?.();
    await store.close();
    if (config.ephemeral) rmSync(filesRoot, { recursive: true, force: true });
  };
  try {
    for (const [, factory] of first) services.push(await factory(deps));
  } catch (err) {
    await closeAll();
    throw err;
  }
  for (const s of services) mounts.push(...(s.mounts ?? []));
  const auth = new Authenticator(
    {
      mode: config.auth,
      credentials: config.credentials,
      defaultAccount: config.account,
      defaultRegion: config.region,
    },
    clock,
  );
  const pipeline = new Pipeline({ services, auth, clock, log });
  let allUp!: () => void;
  let failed!: (err: unknown) => void;
  const starting = new Promise<void>((resolve, reject) => {
    allUp = resolve;
    failed = reject;
  });
  // Settled by the construction below; the servers wait on it (never unhandled: awaited there).
  starting.catch(() => undefined);
  const health = () => ({
    version: VERSION,
    startedAt: clock.now(),
    services: Object.keys(registry),
    now: () => clock.now(),
  });
  const server = new HttpServer({ pipeline, log, mounts, health: health(), starting });
  // Some registry clients want a registry at a host root of its own: the same server, another port.
  const registryServer =
    config.registryPort !== undefined
      ? new HttpServer({ pipeline, log, mounts, health: health(), starting })
      : undefined;
  let address: AddressInfo;
  let registryAddress: AddressInfo | undefined;
  try {
    address = await server.listen(config.port, config.host);
    if (registryServer) registryAddress = await registryServer.listen(config.registryPort!, config.host);
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    server_.port = address.port;
    server_.endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    options.listening?.(server_.endpoint);
    for (const [, factory] of later) {
      // A turn of the event loop between services: requests the server already answers go first.
      await new Promise((resolve) => setImmediate(resolve));
      const service = await factory(deps);
      services.push(service);
      pipeline.add(service);
      mounts.push(...(service.mounts ?? []));
    }
  } catch (err) {
    failed(err);
    await closeAll(server, registryServer);
    throw err;
  }
  allUp();
  let stopping: Promise<void> | undefined;
  return {
    config,
    port: address.port,
    endpoint: server_.endpoint,
    ...(registryAddress ? { registryPort: registryAddress.port } : {}),
    services,
    store,
    stop() {
      stopping ??= closeAll(server, registryServer);
      return stopping;
    },
  };
}
