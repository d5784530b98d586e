import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { OvercastConfig } from '../config/schema.js';
import type { Store } from '../storage/store.js';
import type { Ports } from './ports.js';

/** What every service factory receives: injected storage, clock, logger and configuration. */
export interface ServiceDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  config: OvercastConfig;
  /** A directory this service may keep files in (under the data directory; a temporary one when ephemeral). */
  filesDir(service: string): string;
  /** Where the server listens; filled in once it does (services read it lazily). */
  server: ServerInfo;
  /** Ports services export to each other (see ports.ts). */
  ports: Ports;
}

export interface ServerInfo {
  /** e.g. http://127.0.0.1:4566 */
  endpoint: string;
  port: number;
}
