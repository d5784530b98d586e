import { RESERVED_VARIABLES } from '../environments/env-vars.js';
import { lambdaErrors } from '../errors.js';

/** Variables Lambda sets itself; a function cannot set them (AWS rejects the request). TZ may be set. */
const RESERVED = new Set([...RESERVED_VARIABLES].filter((k) => k !== 'TZ'));

/** Checks Environment.Variables as CreateFunction / UpdateFunctionConfiguration do (reserved keys, 4 KB). */
export function checkEnvironment(variables: Record<string, string> | undefined): void {
  if (!variables) return;
  const reserved = Object.keys(variables).filter((k) => RESERVED.has(k));
  if (reserved.length > 0) {
    throw lambdaErrors.invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(variables);
  const size = Object.entries(variables).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > 4096) {
    throw lambdaErrors.invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
}
