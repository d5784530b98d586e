import { parseArn } from '../../../core/arn.js';
import { ecrErrors } from '../errors.js';
import type { RepoRow, Scope } from '../registry/registry.js';
import type { EcrOperation } from './common.js';
import { describeRepository, pageOf, requireRepo, scopeOf } from './common.js';

interface Tag {
  Key: string;
  Value: string;
}

function checkTags(tags: Tag[] | undefined): void {
  if (!tags) return;
  if (tags.length > 50) throw ecrErrors.tooManyTags('Tag limit exceeded');
  for (const t of tags) {
    if (t.Key.startsWith('aws:'))
      throw ecrErrors.invalidTagParameter("Invalid parameter: tag keys may not begin with 'aws:'");
  }
}

export const CreateRepository: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  checkTags(input.tags);
  if (await ecr.registry.repo(scope, name)) throw ecrErrors.repositoryAlreadyExists(name, scope.account);
  const encryption = input.encryptionConfiguration ?? { encryptionType: 'AES256' };
  if (encryption.encryptionType === 'KMS' && !encryption.kmsKey) {
    encryption.kmsKey = `arn:aws:kms:${scope.region}:${scope.account}:key/overcast-ecr-default`;
  }
  const row = await ecr.registry.createRepo(scope, name, {
    mutability: input.imageTagMutability ?? 'MUTABLE',
    mutability_filters: JSON.stringify(input.imageTagMutabilityExclusionFilters ?? []),
    scan_on_push: input.imageScanningConfiguration?.scanOnPush ? 1 : 0,
    encryption: JSON.stringify(encryption),
    tags: JSON.stringify(input.tags ?? []),
  });
  return { repository: describeRepository(ecr, row) };
};

export const DescribeRepositories: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  let rows: RepoRow[];
  if (input.repositoryNames) {
    rows = [];
    for (const name of input.repositoryNames as string[]) rows.push(await requireRepo(ecr, scope, name));
  } else {
    rows = await ecr.registry.store.all<RepoRow>(
      'SELECT * FROM ecr_repositories WHERE account = ? AND region = ? ORDER BY name',
      [scope.account, scope.region],
    );
  }
  const { page, nextToken } = pageOf(rows, input, 1000);
  return { repositories: page.map((r) => describeRepository(ecr, r)), ...(nextToken ? { nextToken } : {}) };
};

export const DeleteRepository: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  return ecr.registry.store.transaction(async (tx) => {
    const row = await ecr.registry.repo(scope, name, tx);
    if (!row) throw ecrErrors.repositoryNotFound(name, scope.account);
    if (!input.force) {
      const image = await tx.get(
        'SELECT 1 AS x FROM ecr_manifests WHERE account = ? AND region = ? AND repo = ? LIMIT 1',
        [scope.account, scope.region, name],
      );
      if (image) throw ecrErrors.repositoryNotEmpty(name, scope.account);
    }
    await ecr.registry.deleteRepo(scope, name, tx);
    return { repository: describeRepository(ecr, row) };
  });
};

export const PutImageTagMutability: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const filters = input.imageTagMutabilityExclusionFilters ?? [];
  if ((input.imageTagMutability as string).endsWith('_WITH_EXCLUSION') && filters.length === 0) {
    throw ecrErrors.invalidParameter(
      'Invalid parameter: imageTagMutabilityExclusionFilters are required for ' + String(input.imageTagMutability),
    );
  }
  await ecr.registry.store.run(
    'UPDATE ecr_repositories SET mutability = ?, mutability_filters = ? WHERE account = ? AND region = ? AND name = ?',
    [input.imageTagMutability, JSON.stringify(filters), scope.account, scope.region, name],
  );
  return {
    registryId: scope.account,
    repositoryName: name,
    imageTagMutability: input.imageTagMutability,
    ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters } : {}),
  };
};

export const PutImageScanningConfiguration: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const scanOnPush = input.imageScanningConfiguration?.scanOnPush === true;
  await ecr.registry.store.run(
    'UPDATE ecr_repositories SET scan_on_push = ? WHERE account = ? AND region = ? AND name = ?',
    [scanOnPush ? 1 : 0, scope.account, scope.region, name],
  );
  return { registryId: scope.account, repositoryName: name, imageScanningConfiguration: { scanOnPush } };
};

// ---- repository policies (stored, not enforced)

export const SetRepositoryPolicy: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  try {
    JSON.parse(input.policyText as string);
  } catch {
    throw ecrErrors.invalidParameter(
      "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'",
    );
  }
  await ecr.registry.store.run('UPDATE ecr_repositories SET policy = ? WHERE account = ? AND region = ? AND name = ?', [
    input.policyText,
    scope.account,
    scope.region,
    name,
  ]);
  return { registryId: scope.account, repositoryName: name, policyText: input.policyText };
};

export const GetRepositoryPolicy: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  const row = await requireRepo(ecr, scope, name);
  if (row.policy === null) throw ecrErrors.repositoryPolicyNotFound(name, scope.account);
  return { registryId: scope.account, repositoryName: name, policyText: row.policy };
};

export const DeleteRepositoryPolicy: EcrOperation = async (ecr, input, ctx) => {
  const out = (await GetRepositoryPolicy(ecr, input, ctx)) as { registryId: string; repositoryName: string };
  await ecr.registry.store.run(
    'UPDATE ecr_repositories SET policy = NULL WHERE account = ? AND region = ? AND name = ?',
    [out.registryId, ctx.region, out.repositoryName],
  );
  return out;
};

// ---- resource tags

async function repoOfArn(ecr: Parameters<EcrOperation>[0], arn: string): Promise<{ scope: Scope; row: RepoRow }> {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== 'ecr' || !parsed.resource.startsWith('repository/')) {
    throw ecrErrors.invalidParameter("Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'");
  }
  const scope = { account: parsed.account, region: parsed.region };
  const name = parsed.resource.slice('repository/'.length);
  const row = await ecr.registry.repo(scope, name);
  if (!row) throw ecrErrors.repositoryNotFound(name, scope.account);
  return { scope, row };
}

async function saveTags(ecr: Parameters<EcrOperation>[0], scope: Scope, name: string, tags: Tag[]): Promise<void> {
  await ecr.registry.store.run('UPDATE ecr_repositories SET tags = ? WHERE account = ? AND region = ? AND name = ?', [
    JSON.stringify(tags),
    scope.account,
    scope.region,
    name,
  ]);
}

export const TagResource: EcrOperation = async (ecr, input) => {
  const { scope, row } = await repoOfArn(ecr, input.resourceArn as string);
  checkTags(input.tags);
  const tags = JSON.parse(row.tags) as Tag[];
  for (const t of input.tags as Tag[]) {
    const existing = tags.find((x) => x.Key === t.Key);
    if (existing) existing.Value = t.Value;
    else tags.push(t);
  }
  checkTags(tags);
  await saveTags(ecr, scope, row.name, tags);
  return {};
};

export const UntagResource: EcrOperation = async (ecr, input) => {
  const { scope, row } = await repoOfArn(ecr, input.resourceArn as string);
  const remove = new Set(input.tagKeys as string[]);
  await saveTags(
    ecr,
    scope,
    row.name,
    (JSON.parse(row.tags) as Tag[]).filter((t) => !remove.has(t.Key)),
  );
  return {};
};

export const ListTagsForResource: EcrOperation = async (ecr, input) => {
  const { row } = await repoOfArn(ecr, input.resourceArn as string);
  return { tags: JSON.parse(row.tags) as Tag[] };
};
