import type { Clock } from '../../core/clock.js';
import type { Store } from '../../storage/store.js';
import { BlobFiles } from './registry/blob-store.js';
import type { Descriptor } from './registry/manifest.js';
import { parseManifest } from './registry/manifest.js';
import { Registry } from './registry/registry.js';

/**
 * How runtimes (ECS tasks, container-image Lambda functions) read images from Overcast's own
 * registry: resolve a repository reference (tag or digest) to the linux/amd64 image manifest and
 * find its blobs on disk. Read-only; it shares the ECR service's store and blob directory.
 */
export interface ImagePort {
  /** The image a reference names, or a reason it cannot be pulled. */
  resolve(account: string, region: string, repo: string, ref: string): Promise<ResolvedImage | PullFailure>;
  /** Path of a blob file (content-addressed, never modified). */
  blobPath(digest: string): string;
}

export interface ResolvedImage {
  ok: true;
  /** Digest of the image manifest (after choosing linux/amd64 from an index). */
  digest: string;
  /** Digest the reference resolved to (the index when there is one). */
  resolvedDigest: string;
  layers: Descriptor[];
  config: ImageConfigFile;
}

export interface PullFailure {
  ok: false;
  reason: 'repository' | 'manifest' | 'platform' | 'blob' | 'invalid';
  message: string;
}

/** The parts of an OCI/Docker image configuration a runtime reads. */
export interface ImageConfigFile {
  architecture?: string;
  os?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    WorkingDir?: string;
    StopSignal?: string;
    ExposedPorts?: Record<string, unknown>;
    Labels?: Record<string, string>;
  };
}

export interface ImagePortDeps {
  store: Store;
  clock: Clock;
  filesDir(service: string): string;
}

const MAX_CONFIG = 8 * 1024 * 1024;

function pickPlatform(manifests: Descriptor[]): Descriptor | undefined {
  return (
    manifests.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64') ??
    manifests.find((m) => !m.platform)
  );
}

export function imagePort(deps: ImagePortDeps): ImagePort {
  const files = new BlobFiles(deps.filesDir('ecr'));
  const registry = new Registry(deps.store, files, deps.clock, { createOnPush: false });
  return {
    blobPath: (digest) => files.blobPath(digest),
    async resolve(account, region, repo, ref) {
      const scope = { account, region };
      if (!(await registry.repo(scope, repo))) {
        return {
          ok: false,
          reason: 'repository',
          message: `The repository with name '${repo}' does not exist in the registry with id '${account}'`,
        };
      }
      let row = await registry.manifest(scope, repo, ref);
      if (!row) return { ok: false, reason: 'manifest', message: `${repo}:${ref}: not found` };
      const resolvedDigest = row.digest;
      for (let depth = 0; depth < 3; depth++) {
        const parsed = parseManifest(Buffer.from(row.body), row.media_type);
        if (parsed.isIndex) {
          const child = pickPlatform(parsed.manifests);
          if (!child) {
            return {
              ok: false,
              reason: 'platform',
              message: `no matching manifest for linux/amd64 in the manifest list entries`,
            };
          }
          row = await registry.manifest(scope, repo, child.digest);
          if (!row) return { ok: false, reason: 'manifest', message: `${repo}@${child.digest}: not found` };
          continue;
        }
        const configDesc = parsed.blobs[0]!;
        const bytes = await files.readBlobBytes(configDesc.digest, MAX_CONFIG);
        if (!bytes) return { ok: false, reason: 'blob', message: `config blob ${configDesc.digest} missing` };
        let config: ImageConfigFile;
        try {
          config = JSON.parse(bytes.toString('utf8')) as ImageConfigFile;
        } catch {
          return { ok: false, reason: 'invalid', message: `config blob ${configDesc.digest} is not JSON` };
        }
        return { ok: true, digest: row.digest, resolvedDigest, layers: parsed.blobs.slice(1), config };
      }
      return { ok: false, reason: 'invalid', message: 'nested image indexes' };
    },
  };
}
