import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { S3 } from './context.js';
import { HashThread } from './hash-thread.js';
import { s3Mount } from './mount.js';
import { Notifier } from './notifications.js';
import { Catalog } from './storage/catalog.js';
import { Files } from './storage/files.js';
import { S3_MIGRATIONS } from './storage/migrations.js';

/**
 * The S3 API is served entirely by a mount (objects stream to and from disk, requests are routed
 * by path, sub-resource and Host), so the pipeline never decodes an S3 request: the model is empty.
 */
const model: ServiceModel = {
  metadata: {
    apiVersion: '2006-03-01',
    endpointPrefix: 's3',
    protocol: 'rest-xml',
    signingName: 's3',
    serviceId: 'S3',
  },
  operations: {},
  shapes: {},
};

/** How long after start-up unreferenced data files are swept (docs/compat/s3.md). */
const SWEEP_DELAY_MS = 2000;

/** S3 (restXml): buckets, objects, multipart uploads, versioning, configuration, event notifications. */
export async function createS3(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('s3', S3_MIGRATIONS);
  const catalog = new Catalog(deps.store);
  await catalog.load();
  const s3: S3 = {
    catalog,
    files: new Files(deps.filesDir('s3')),
    config: deps.config,
    clock: deps.clock,
    log: deps.log,
    notifier: new Notifier(deps.ports, deps.log),
    hashes: new HashThread(),
  };
  // Files a previous run left unreferenced (stopped between a commit and the removal of the files
  // it replaced) are removed in the background, a moment after start-up.
  // Wall-clock time, not the injected clock: it is compared with the files' modification times.
  const startedAt = Date.now();
  const sweep = setTimeout(() => {
    s3.catalog
      .referencedFiles()
      .then((referenced) => s3.files.sweep(referenced, startedAt))
      .then((removed) => {
        if (removed > 0) deps.log.info({ removed }, 's3: removed data files no object or part referenced');
      })
      .catch((err: unknown) => deps.log.warn({ err }, 's3: sweeping unreferenced data files failed'));
  }, SWEEP_DELAY_MS).unref();
  return {
    name: 's3',
    signingName: 's3',
    protocol: 'restXml',
    model,
    operations: {},
    mounts: [s3Mount(s3)],
    close: () => {
      clearTimeout(sweep);
      return s3.hashes.close();
    },
  };
}
