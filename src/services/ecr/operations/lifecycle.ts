import { ecrErrors } from '../errors.js';
import { LifecyclePolicyError, evaluateLifecycle, parseLifecyclePolicy } from '../registry/lifecycle.js';
import type { LifecycleRule } from '../registry/lifecycle.js';
import type { Scope } from '../registry/registry.js';
import { lifecycleImages } from '../registry/sweeper.js';
import type { EcrOperation } from './common.js';
import { pageOf, requireRepo, scopeOf, seconds } from './common.js';

function parse(text: string): LifecycleRule[] {
  try {
    return parseLifecyclePolicy(text);
  } catch (err) {
    if (err instanceof LifecyclePolicyError) throw ecrErrors.invalidParameter(err.message);
    throw err;
  }
}

async function setLifecycle(
  ecr: Parameters<EcrOperation>[0],
  scope: Scope,
  name: string,
  text: string | null,
): Promise<void> {
  await ecr.registry.store.run(
    'UPDATE ecr_repositories SET lifecycle = ?, lifecycle_evaluated_at = NULL WHERE account = ? AND region = ? AND name = ?',
    [text, scope.account, scope.region, name],
  );
}

export const PutLifecyclePolicy: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  parse(input.lifecyclePolicyText as string);
  await setLifecycle(ecr, scope, name, input.lifecyclePolicyText as string);
  return { registryId: scope.account, repositoryName: name, lifecyclePolicyText: input.lifecyclePolicyText };
};

export const GetLifecyclePolicy: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  const row = await requireRepo(ecr, scope, name);
  if (row.lifecycle === null) throw ecrErrors.lifecyclePolicyNotFound(name, scope.account);
  return {
    registryId: scope.account,
    repositoryName: name,
    lifecyclePolicyText: row.lifecycle,
    ...(row.lifecycle_evaluated_at !== null ? { lastEvaluatedAt: seconds(Number(row.lifecycle_evaluated_at)) } : {}),
  };
};

export const DeleteLifecyclePolicy: EcrOperation = async (ecr, input, ctx) => {
  const out = (await GetLifecyclePolicy(ecr, input, ctx)) as Record<string, unknown>;
  await setLifecycle(ecr, scopeOf(input, ctx), input.repositoryName as string, null);
  return out;
};

interface Preview {
  policy: string;
  results: { imageTags: string[]; imageDigest: string; imagePushedAt: number; appliedRulePriority: number }[];
}

export const StartLifecyclePolicyPreview: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  const row = await requireRepo(ecr, scope, name);
  const text = (input.lifecyclePolicyText as string | undefined) ?? row.lifecycle;
  if (!text) throw ecrErrors.lifecyclePolicyNotFound(name, scope.account);
  const rules = parse(text);
  const expired = evaluateLifecycle(rules, await lifecycleImages(ecr.registry, scope, name), ecr.registry.clock.now());
  const preview: Preview = {
    policy: text,
    results: expired.map((e) => ({
      imageTags: e.tags,
      imageDigest: e.digest,
      imagePushedAt: e.pushedAt,
      appliedRulePriority: e.rulePriority,
    })),
  };
  await ecr.registry.store.run(
    `INSERT INTO ecr_settings (account, region, name, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (account, region, name) DO UPDATE SET value = excluded.value`,
    [scope.account, scope.region, `preview:${name}`, JSON.stringify(preview)],
  );
  return { registryId: scope.account, repositoryName: name, lifecyclePolicyText: text, status: 'IN_PROGRESS' };
};

export const GetLifecyclePolicyPreview: EcrOperation = async (ecr, input, ctx) => {
  const scope = scopeOf(input, ctx);
  const name = input.repositoryName as string;
  await requireRepo(ecr, scope, name);
  const row = await ecr.registry.store.get<{ value: string }>(
    'SELECT value FROM ecr_settings WHERE account = ? AND region = ? AND name = ?',
    [scope.account, scope.region, `preview:${name}`],
  );
  if (!row) throw ecrErrors.lifecyclePreviewNotFound(name, scope.account);
  const preview = JSON.parse(row.value) as Preview;
  const { page, nextToken } = pageOf(preview.results, input, 100);
  return {
    registryId: scope.account,
    repositoryName: name,
    lifecyclePolicyText: preview.policy,
    status: 'COMPLETE',
    previewResults: page.map((r) => ({
      ...(r.imageTags.length > 0 ? { imageTags: r.imageTags } : {}),
      imageDigest: r.imageDigest,
      imagePushedAt: seconds(r.imagePushedAt),
      action: { type: 'EXPIRE' },
      appliedRulePriority: r.appliedRulePriority,
    })),
    summary: { expiringImageTotalCount: preview.results.length },
    ...(nextToken ? { nextToken } : {}),
  };
};
