import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { Ecr } from './context.js';
import { registryMount } from './http/registry-mount.js';
import { OPERATIONS } from './operations/index.js';
import { BlobFiles } from './registry/blob-store.js';
import { Registry } from './registry/registry.js';
import { Sweeper } from './registry/sweeper.js';
import { Tokens } from './registry/tokens.js';
import { ECR_MIGRATIONS } from './storage/migrations.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

const instances = new WeakMap<ServiceDefinition, Ecr>();

/** The ECR state behind a running server's services (tests and tools: sweep, limits). */
export function ecrOf(services: readonly ServiceDefinition[]): Ecr | undefined {
  for (const s of services) {
    const e = instances.get(s);
    if (e) return e;
  }
  return undefined;
}

/** Real-time period of the background sweep (lifecycle expiry, garbage collection). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * ECR (awsJson1.1, AmazonEC2ContainerRegistry_V20150921) and the OCI registry it serves at /v2/:
 * one state (repositories, manifests, tags, content-addressed blob files) for both planes.
 */
export async function createEcr(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('ecr', ECR_MIGRATIONS);
  const files = new BlobFiles(deps.filesDir('ecr'));
  // Pushing to a repository that does not exist creates it, unless auth is enforced (then: NAME_UNKNOWN, as ECR).
  const registry = new Registry(deps.store, files, deps.clock, { createOnPush: deps.config.auth === 'accept' });
  const tokens = await Tokens.load(deps.store, deps.clock);
  const sweeper = new Sweeper(registry, deps.log, { uploadTtlMs: 24 * 60 * 60 * 1000, blobGraceMs: 60 * 60 * 1000 });
  const ecr: Ecr = {
    registry,
    tokens,
    sweeper,
    config: deps.config,
    server: deps.server,
    log: deps.log,
    limits: { maxBlobBytes: 52_000 * 1024 * 1024, reserveBytes: 256 * 1024 * 1024 },
  };
  sweeper.start(SWEEP_INTERVAL_MS);
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(ecr, input, ctx);
  const definition: ServiceDefinition = {
    name: 'ecr',
    signingName: 'ecr',
    protocol: 'awsJson1.1',
    model,
    operations,
    mounts: [registryMount(ecr)],
    close: () => sweeper.stop(),
  };
  instances.set(definition, ecr);
  return definition;
}
