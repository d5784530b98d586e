import type { OperationContext } from '../../../core/service.js';
import type { Ecr } from '../context.js';
import { ecrErrors } from '../errors.js';
import { registryHost } from '../names.js';
import type { RepoRow, Scope } from '../registry/registry.js';

/** An ECR operation: the shared registry state, typed input, the caller. */
export type EcrOperation = (ecr: Ecr, input: any, ctx: OperationContext) => Promise<unknown> | unknown;

export function scopeOf(input: { registryId?: string }, ctx: OperationContext): Scope {
  return { account: input.registryId ?? ctx.account, region: ctx.region };
}

export const seconds = (ms: number): number => ms / 1000;

export function repositoryArn(scope: Scope, name: string): string {
  return `arn:aws:ecr:${scope.region}:${scope.account}:repository/${name}`;
}

export function repositoryUri(ecr: Ecr, scope: Scope, name: string): string {
  return `${registryHost(scope.account, scope.region, ecr.server.port)}/${name}`;
}

export async function requireRepo(ecr: Ecr, scope: Scope, name: string): Promise<RepoRow> {
  const row = await ecr.registry.repo(scope, name);
  if (!row) throw ecrErrors.repositoryNotFound(name, scope.account);
  return row;
}

/** The `Repository` shape of the API. */
export function describeRepository(ecr: Ecr, row: RepoRow): Record<string, unknown> {
  const scope = { account: row.account, region: row.region };
  const filters = JSON.parse(row.mutability_filters) as unknown[];
  return {
    repositoryArn: repositoryArn(scope, row.name),
    registryId: row.account,
    repositoryName: row.name,
    repositoryUri: repositoryUri(ecr, scope, row.name),
    createdAt: seconds(Number(row.created_at)),
    imageTagMutability: row.mutability,
    ...(filters.length > 0 ? { imageTagMutabilityExclusionFilters: filters } : {}),
    imageScanningConfiguration: { scanOnPush: Number(row.scan_on_push) === 1 },
    encryptionConfiguration: JSON.parse(row.encryption) as unknown,
  };
}

/** Opaque pagination tokens: the offset into a stable ordering. */
export function pageOf<T>(
  items: T[],
  input: { nextToken?: string; maxResults?: number },
  defaultMax = 100,
): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (input.nextToken !== undefined) {
    const decoded = Number(Buffer.from(input.nextToken, 'base64').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0)
      throw ecrErrors.invalidParameter(
        "Invalid parameter at 'nextToken' failed to satisfy constraint: 'Invalid token'",
      );
    offset = decoded;
  }
  const max = input.maxResults ?? defaultMax;
  const page = items.slice(offset, offset + max);
  const next = offset + max;
  return next < items.length ? { page, nextToken: Buffer.from(String(next)).toString('base64') } : { page };
}
