import { ecrErrors } from '../errors.js';
import { isDigest, isUploadId } from '../names.js';
import { AppendError } from '../registry/blob-store.js';
import { RegistryError } from '../registry/registry.js';
import type { EcrOperation } from './common.js';
import { requireRepo, scopeOf } from './common.js';

/** Part size ECR advertises; parts travel base64 in JSON, so they must fit the core's 20 MB body limit. */
export const PART_SIZE = 10 * 1024 * 1024;

export const InitiateLayerUpload: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  await requireRepo(ecr, scope, input.repositoryName as string);
  const uploadId = await ecr.registry.startUpload(scope, input.repositoryName as string, 'sha256');
  return { uploadId, partSize: PART_SIZE };
};

async function requireUpload(ecr: Parameters<EcrOperation>[0], input: any, ctx: Parameters<EcrOperation>[2]) {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const id = input.uploadId as string;
  if (!isUploadId(id) || !(await ecr.registry.upload(scope, name, id)))
    throw ecrErrors.uploadNotFound(id, name, scope.account);
  return { scope, name, id };
}

export const UploadLayerPart: EcrOperation = async (ecr, input, ctx) => {
  const { scope, name, id } = await requireUpload(ecr, input, ctx);
  const part = Buffer.from(input.layerPartBlob as string, 'base64');
  const first = input.partFirstByte as number;
  const last = input.partLastByte as number;
  const size = await ecr.registry.files.uploadSize(id);
  const fields = { registryId: scope.account, repositoryName: name, uploadId: id, lastValidByteReceived: size - 1 };
  if (first !== size) {
    throw ecrErrors.invalidLayerPart(
      `The part with first byte '${first}' is not the next part of the upload; the last valid byte received is '${size - 1}'`,
      fields,
    );
  }
  if (last < first || last - first + 1 !== part.length) {
    throw ecrErrors.invalidLayerPart(
      `The part with first byte '${first}' and last byte '${last}' does not match the part size '${part.length}'`,
      fields,
    );
  }
  try {
    await ecr.registry.files.append(id, part);
  } catch (err) {
    if (err instanceof AppendError) throw ecrErrors.invalidLayerPart(err.message, fields);
    throw err;
  }
  await ecr.registry.touchUpload(id);
  return { registryId: scope.account, repositoryName: name, uploadId: id, lastByteReceived: last };
};

export const CompleteLayerUpload: EcrOperation = async (ecr, input, ctx) => {
  const { scope, name, id } = await requireUpload(ecr, input, ctx);
  const digests = input.layerDigests as string[];
  const digest = digests[0]!;
  if (!isDigest(digest)) throw ecrErrors.invalidLayer(`Invalid layer digest '${digest}'`);
  if ((await ecr.registry.files.uploadSize(id)) === 0) throw ecrErrors.emptyUpload(id);
  if ((await ecr.registry.blobSize(scope, name, digest)) !== undefined) {
    await ecr.registry.cancelUpload(id);
    throw ecrErrors.layerAlreadyExists(digest, name, scope.account);
  }
  try {
    await ecr.registry.finishUpload(scope, name, id, digest);
  } catch (err) {
    if (err instanceof RegistryError && err.code === 'DIGEST_INVALID') {
      const actual = (err.detail as { actual: string }).actual;
      throw ecrErrors.invalidLayer(`Layer digest '${digest}' does not match the calculated digest '${actual}'`);
    }
    throw err;
  }
  return { registryId: scope.account, repositoryName: name, uploadId: id, layerDigest: digest };
};

export const BatchCheckLayerAvailability: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const layers: unknown[] = [];
  const failures: unknown[] = [];
  for (const digest of input.layerDigests as string[]) {
    if (!digest) {
      failures.push({
        layerDigest: digest,
        failureCode: 'MissingLayerDigest',
        failureReason: 'The layer digest is missing',
      });
      continue;
    }
    if (!isDigest(digest)) {
      failures.push({
        layerDigest: digest,
        failureCode: 'InvalidLayerDigest',
        failureReason: `Invalid layer digest '${digest}'`,
      });
      continue;
    }
    const size = await ecr.registry.blobSize(scope, name, digest);
    if (size === undefined) {
      failures.push({
        layerDigest: digest,
        failureCode: 'MissingLayerDigest',
        failureReason: 'Could not find layer with the given digest',
      });
    } else {
      layers.push({
        layerDigest: digest,
        layerAvailability: 'AVAILABLE',
        layerSize: size,
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      });
    }
  }
  return { layers, failures };
};

export const GetDownloadUrlForLayer: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const digest = input.layerDigest as string;
  if (!isDigest(digest) || (await ecr.registry.blobSize(scope, name, digest)) === undefined) {
    throw ecrErrors.layerNotFound(digest, name, scope.account);
  }
  const { password } = ecr.tokens.issue(scope);
  const base = `http://${ctx.host}`;
  return {
    downloadUrl: `${base}/v2/${name}/blobs/${digest}?X-Overcast-Token=${encodeURIComponent(password)}`,
    layerDigest: digest,
  };
};
