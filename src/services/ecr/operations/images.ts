import type { Ecr } from '../context.js';
import { ecrErrors } from '../errors.js';
import { isDigest } from '../names.js';
import { RegistryError } from '../registry/registry.js';
import type { ManifestRow, RepoRow, Scope } from '../registry/registry.js';
import type { EcrOperation } from './common.js';
import { pageOf, requireRepo, scopeOf, seconds } from './common.js';

interface ImageId {
  imageDigest?: string;
  imageTag?: string;
}

/** A repository, with its lifecycle policy applied as of now (expiry on the injected clock). */
async function currentRepo(ecr: Ecr, scope: Scope, name: string): Promise<RepoRow> {
  const row = await requireRepo(ecr, scope, name);
  if (row.lifecycle) await ecr.sweeper.applyLifecycle(row);
  return row;
}

const idText = (id: ImageId) => `{imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'}`;

type Resolved =
  { ok: true; row: ManifestRow & { body: Buffer } } | { ok: false; failureCode: string; failureReason: string };

/** Find the image an ImageIdentifier names (both members must agree). */
async function resolve(ecr: Ecr, scope: Scope, repo: string, id: ImageId): Promise<Resolved> {
  if (!id.imageDigest && !id.imageTag)
    return { ok: false, failureCode: 'MissingDigestAndTag', failureReason: 'Missing image digest and tag' };
  if (id.imageDigest && !isDigest(id.imageDigest))
    return {
      ok: false,
      failureCode: 'InvalidImageDigest',
      failureReason:
        "Invalid request parameters: image digest should satisfy the regex '[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+'",
    };
  const byTag = id.imageTag ? await ecr.registry.manifest(scope, repo, id.imageTag) : undefined;
  const byDigest = id.imageDigest ? await ecr.registry.manifest(scope, repo, id.imageDigest) : undefined;
  const row = byTag ?? byDigest;
  if (!row) return { ok: false, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' };
  if (id.imageTag && id.imageDigest && (!byTag || byTag.digest !== id.imageDigest)) {
    return {
      ok: false,
      failureCode: 'ImageTagDoesNotMatchDigest',
      failureReason: 'Invalid image tag and digest combination',
    };
  }
  return { ok: true, row };
}

export const ListImages: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await currentRepo(ecr, scope, name);
  const status = (input.filter?.tagStatus as string | undefined) ?? 'ANY';
  const rows = await ecr.registry.manifestRows(scope, name);
  const tags = await ecr.registry.tagsByDigest(scope, name);
  const ids: ImageId[] = [];
  for (const r of rows) {
    const t = tags.get(r.digest);
    if (t && status !== 'UNTAGGED') for (const tag of t) ids.push({ imageDigest: r.digest, imageTag: tag });
    if (!t && status !== 'TAGGED') ids.push({ imageDigest: r.digest });
  }
  const { page, nextToken } = pageOf(ids, input, 100);
  return { imageIds: page, ...(nextToken ? { nextToken } : {}) };
};

function imageDetail(
  scope: Scope,
  repo: string,
  row: ManifestRow,
  tags: string[] | undefined,
): Record<string, unknown> {
  return {
    registryId: scope.account,
    repositoryName: repo,
    imageDigest: row.digest,
    ...(tags && tags.length > 0 ? { imageTags: tags } : {}),
    imageSizeInBytes: Number(row.image_size),
    imagePushedAt: seconds(Number(row.pushed_at)),
    imageManifestMediaType: row.media_type,
    ...(row.artifact_type || row.config_media_type
      ? { artifactMediaType: row.artifact_type ?? row.config_media_type }
      : {}),
    ...(row.subject ? { subjectManifestDigest: row.subject } : {}),
    imageStatus: 'ACTIVE',
  };
}

export const DescribeImages: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await currentRepo(ecr, scope, name);
  const tags = await ecr.registry.tagsByDigest(scope, name);
  let rows: ManifestRow[];
  if (input.imageIds) {
    rows = [];
    for (const id of input.imageIds as ImageId[]) {
      const r = await resolve(ecr, scope, name, id);
      if (!r.ok) {
        throw ecrErrors.imageNotFound(
          `The image with imageId ${idText(id)} does not exist within the repository with name '${name}' in the registry with id '${scope.account}'`,
        );
      }
      if (!rows.some((x) => x.digest === r.row.digest)) rows.push(r.row);
    }
  } else {
    rows = await ecr.registry.manifestRows(scope, name);
    const status = (input.filter?.tagStatus as string | undefined) ?? 'ANY';
    if (status === 'TAGGED') rows = rows.filter((r) => tags.has(r.digest));
    if (status === 'UNTAGGED') rows = rows.filter((r) => !tags.has(r.digest));
  }
  const { page, nextToken } = pageOf(rows, input, 100);
  return {
    imageDetails: page.map((r) => imageDetail(scope, name, r, tags.get(r.digest))),
    ...(nextToken ? { nextToken } : {}),
  };
};

export const BatchGetImage: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await currentRepo(ecr, scope, name);
  const images: unknown[] = [];
  const failures: unknown[] = [];
  for (const id of input.imageIds as ImageId[]) {
    const r = await resolve(ecr, scope, name, id);
    if (!r.ok) {
      failures.push({ imageId: id, failureCode: r.failureCode, failureReason: r.failureReason });
      continue;
    }
    images.push({
      registryId: scope.account,
      repositoryName: name,
      imageId: { imageDigest: r.row.digest, ...(id.imageTag ? { imageTag: id.imageTag } : {}) },
      imageManifest: r.row.body.toString('utf8'),
      imageManifestMediaType: r.row.media_type,
    });
  }
  return { images, failures };
};

export const BatchDeleteImage: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const imageIds: ImageId[] = [];
  const failures: unknown[] = [];
  for (const id of input.imageIds as ImageId[]) {
    const r = await resolve(ecr, scope, name, id);
    if (!r.ok) {
      failures.push({ imageId: id, failureCode: r.failureCode, failureReason: r.failureReason });
      continue;
    }
    const digest = r.row.digest;
    const failure = await ecr.registry.store.transaction(async (tx) => {
      const tagsOf = async () =>
        (
          await tx.all<{ tag: string }>(
            'SELECT tag FROM ecr_tags WHERE account = ? AND region = ? AND repo = ? AND digest = ? ORDER BY tag',
            [scope.account, scope.region, name, digest],
          )
        ).map((t) => t.tag);
      // Deleting the last tag of an image deletes the image (ECR semantics).
      if (id.imageTag && !id.imageDigest && (await tagsOf()).length > 1) {
        await ecr.registry.deleteTag(scope, name, id.imageTag, tx);
        imageIds.push({ imageDigest: digest, imageTag: id.imageTag });
        return undefined;
      }
      const parents = await ecr.registry.parentsOf(scope, name, digest, tx);
      if (parents.length > 0) {
        return {
          imageId: id,
          failureCode: 'ImageReferencedByManifestList',
          failureReason: `Requested image referenced by manifest list: [${parents.join(', ')}]`,
        };
      }
      const tags = await tagsOf();
      await ecr.registry.deleteManifest(scope, name, digest, tx);
      if (tags.length === 0) imageIds.push({ imageDigest: digest });
      for (const tag of tags) imageIds.push({ imageDigest: digest, imageTag: tag });
      return undefined;
    });
    if (failure) failures.push(failure);
  }
  return { imageIds, failures };
};

export const PutImage: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const body = Buffer.from(input.imageManifest as string, 'utf8');
  const tag = input.imageTag as string | undefined;
  if (tag !== undefined) {
    const current = await ecr.registry.manifest(scope, name, tag);
    if (current && current.body.equals(body))
      throw ecrErrors.imageAlreadyExists(current.digest, tag, name, scope.account);
  }
  try {
    const { digest, parsed } = await ecr.registry.putManifest(scope, name, body, input.imageManifestMediaType, {
      tags: tag !== undefined ? [tag] : [],
      ...(input.imageDigest ? { digest: input.imageDigest as string } : {}),
    });
    return {
      image: {
        registryId: scope.account,
        repositoryName: name,
        imageId: { imageDigest: digest, ...(tag !== undefined ? { imageTag: tag } : {}) },
        imageManifest: input.imageManifest,
        imageManifestMediaType: parsed.mediaType,
      },
    };
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    switch (err.code) {
      case 'MANIFEST_BLOB_UNKNOWN':
        throw ecrErrors.layersNotFound((err.detail as { digests: string[] }).digests, name, scope.account);
      case 'TAG_IMMUTABLE':
        throw ecrErrors.imageTagAlreadyExists(tag ?? '', name);
      case 'UNSUPPORTED':
        throw ecrErrors.unsupportedImageType(err.message);
      case 'NAME_UNKNOWN':
        throw ecrErrors.repositoryNotFound(name, scope.account);
      case 'DIGEST_INVALID':
        throw ecrErrors.imageDigestDoesNotMatch(input.imageDigest as string, (err.detail as { actual: string }).actual);
      default:
        throw ecrErrors.invalidParameter(
          `Invalid parameter at 'ImageManifest' failed to satisfy constraint: '${err.message}'`,
        );
    }
  }
};
