import type { OvercastConfig } from '../../config/schema.js';
import type { Logger } from '../../core/log.js';
import type { ServerInfo } from '../deps.js';
import type { Registry } from './registry/registry.js';
import type { Sweeper } from './registry/sweeper.js';
import type { Tokens } from './registry/tokens.js';

export interface EcrLimits {
  /** Largest blob accepted (ECR: 52,000 MiB per layer); a larger Content-Length is refused before reading. */
  maxBlobBytes: number;
  /** Free space kept on the blob file system; an upload that would eat into it is refused up front. */
  reserveBytes: number;
}

/** What the ECR API and the registry data plane share. */
export interface Ecr {
  registry: Registry;
  tokens: Tokens;
  sweeper: Sweeper;
  config: OvercastConfig;
  server: ServerInfo;
  log: Logger;
  limits: EcrLimits;
}
