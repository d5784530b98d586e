import { randomUUID } from 'node:crypto';
import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { lambdaErrors } from '../errors.js';
import { functionArn, parseFunctionRef } from '../functions/names.js';
import type { FunctionRef } from '../functions/names.js';
import type { FunctionConfiguration, FunctionMeta, VersionRecord } from '../functions/types.js';

export type Handlers = Record<string, OperationHandler>;

/** A function that must exist (ResourceNotFoundException "Function not found: <arn>" otherwise). */
export async function requireFunction(lc: LambdaContext, ref: FunctionRef): Promise<FunctionMeta> {
  const meta = await lc.catalog.meta(ref.account, ref.region, ref.name);
  if (!meta) throw lambdaErrors.functionNotFound(functionArn(ref));
  return meta;
}

export function refOf(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext): FunctionRef {
  return parseFunctionRef(input.FunctionName, input.Qualifier, ctx);
}

/**
 * A version by qualifier: $LATEST, a number, or an alias (resolved to its primary version).
 * ResourceNotFoundException with the qualified ARN when it does not exist.
 */
export async function requireVersion(lc: LambdaContext, ref: FunctionRef): Promise<VersionRecord> {
  await requireFunction(lc, ref);
  let version = ref.qualifier ?? '$LATEST';
  if (version !== '$LATEST' && !/^\d+$/.test(version)) {
    const alias = await lc.catalog.alias(ref.account, ref.region, ref.name, version);
    if (!alias) throw lambdaErrors.functionNotFound(functionArn(ref, ref.qualifier));
    version = alias.FunctionVersion;
  }
  const record = await lc.catalog.version(ref.account, ref.region, ref.name, version);
  if (!record) throw lambdaErrors.functionNotFound(functionArn(ref, ref.qualifier));
  return record;
}

/** The configuration as the API shows it now: Pending → Active, InProgress → Successful once ready. */
export function viewConfig(record: VersionRecord, now: number): FunctionConfiguration {
  const c = { ...record.config };
  if (now >= record.readyAt) {
    if (c.State === 'Pending') {
      c.State = 'Active';
      delete c.StateReason;
      delete c.StateReasonCode;
    }
    if (c.LastUpdateStatus === 'InProgress') {
      c.LastUpdateStatus = 'Successful';
      delete c.LastUpdateStatusReason;
      delete c.LastUpdateStatusReasonCode;
    }
  }
  return c;
}

/** RevisionId preconditions (PreconditionFailedException as AWS words it). */
export function checkRevision(given: string | undefined, current: string): void {
  if (given !== undefined && given !== current) {
    throw lambdaErrors.preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

export const newRevision = (): string => randomUUID();

/** Marker pagination over a sorted list: Marker is the index to continue at. */
export function paginate<T>(
  items: T[],
  marker: string | undefined,
  maxItems: number | undefined,
  max = 50,
): { page: T[]; next?: string } {
  let start = 0;
  if (marker !== undefined) {
    const n = Number(Buffer.from(marker, 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0) throw lambdaErrors.invalidParameter('Invalid marker');
    start = n;
  }
  const size = Math.min(maxItems ?? max, 10_000);
  const page = items.slice(start, start + size);
  const end = start + page.length;
  return end < items.length ? { page, next: Buffer.from(String(end)).toString('base64') } : { page };
}
