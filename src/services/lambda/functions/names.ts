import { lambdaErrors } from '../errors.js';

/** A function reference as the API accepts it: name, name:qualifier, full or partial ARN. */
export interface FunctionRef {
  account: string;
  region: string;
  name: string;
  qualifier: string | undefined;
}

const ARN =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]{1,64})(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Parses FunctionName (+ an optional Qualifier parameter) against the caller's account and region. */
export function parseFunctionRef(
  functionName: string,
  qualifierParam: string | undefined,
  caller: { account: string; region: string },
): FunctionRef {
  const m = ARN.exec(functionName);
  if (!m || (functionName.startsWith('arn:') && !functionName.includes(':function:'))) {
    throw lambdaErrors.invalidParameter(
      `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const [, region, account, name, arnQualifier] = m;
  if (arnQualifier !== undefined && qualifierParam !== undefined && arnQualifier !== qualifierParam) {
    throw lambdaErrors.invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return {
    account: account ?? caller.account,
    region: region ?? caller.region,
    name: name!,
    qualifier: arnQualifier ?? qualifierParam,
  };
}

export function functionArn(ref: { account: string; region: string; name: string }, qualifier?: string): string {
  const base = `arn:aws:lambda:${ref.region}:${ref.account}:function:${ref.name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

export function layerArn(account: string, region: string, name: string, version?: number): string {
  const base = `arn:aws:lambda:${region}:${account}:layer:${name}`;
  return version === undefined ? base : `${base}:${version}`;
}

const LAYER_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):layer:([a-zA-Z0-9_-]+)(?::(\d+))?$/;

/** A layer name or ARN (LayerName parameters accept both). */
export function parseLayerRef(
  nameOrArn: string,
  caller: { account: string; region: string },
): { account: string; region: string; name: string; version?: number } {
  const m = LAYER_ARN.exec(nameOrArn);
  if (m) return { region: m[1]!, account: m[2]!, name: m[3]!, ...(m[4] ? { version: Number(m[4]) } : {}) };
  return { account: caller.account, region: caller.region, name: nameOrArn };
}

/** Lambda's timestamp format: 2026-11-27T12:34:56.789+0000 */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
