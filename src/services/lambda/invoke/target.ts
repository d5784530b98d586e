import { lambdaErrors } from '../errors.js';
import type { FunctionCatalog } from '../functions/catalog.js';
import { functionArn } from '../functions/names.js';
import type { FunctionRef } from '../functions/names.js';
import type { AliasConfiguration, FunctionMeta, VersionRecord } from '../functions/types.js';

/** What an invocation runs: the version an alias (or a version, or $LATEST) resolved to. */
export interface InvokeTarget {
  meta: FunctionMeta;
  record: VersionRecord;
  /** The version that runs (X-Amz-Executed-Version). */
  executedVersion: string;
  /** The ARN the caller named, qualified when it named a qualifier. */
  invokedArn: string;
  /** The qualifier settings (event-invoke config, URL) are looked up under. */
  qualifier: string;
  alias: AliasConfiguration | undefined;
}

/** Picks a version of an alias by its routing weights (`random` in [0, 1)). */
export function routeAlias(alias: AliasConfiguration, random: number): string {
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  let acc = 0;
  for (const [version, weight] of Object.entries(weights)) {
    acc += weight;
    if (random < acc) return version;
  }
  return alias.FunctionVersion;
}

export async function resolveTarget(
  catalog: FunctionCatalog,
  ref: FunctionRef,
  random: () => number = Math.random,
): Promise<InvokeTarget> {
  const meta = await catalog.meta(ref.account, ref.region, ref.name);
  const notFound = () => lambdaErrors.functionNotFound(functionArn(ref, ref.qualifier));
  if (!meta) throw notFound();
  const q = ref.qualifier;
  let version = '$LATEST';
  let alias: AliasConfiguration | undefined;
  if (q !== undefined && q !== '$LATEST') {
    if (/^\d+$/.test(q)) version = q;
    else {
      alias = await catalog.alias(ref.account, ref.region, ref.name, q);
      if (!alias) throw notFound();
      version = routeAlias(alias, random());
    }
  }
  const record = await catalog.version(ref.account, ref.region, ref.name, version);
  if (!record) throw notFound();
  return {
    meta,
    record,
    executedVersion: version,
    invokedArn: functionArn(ref, q),
    qualifier: q ?? '$LATEST',
    alias,
  };
}
