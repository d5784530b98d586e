import { readFileSync } from 'node:fs';
import { configSchema } from './schema.js';
import type { OvercastConfig, OvercastConfigInput } from './schema.js';

/** Environment variables Overcast reads, and the option each sets. */
export function configFromEnv(env: NodeJS.ProcessEnv): OvercastConfigInput {
  const out: Record<string, unknown> = {};
  if (env['OVERCAST_PORT']) out['port'] = Number(env['OVERCAST_PORT']);
  if (env['OVERCAST_HOST']) out['host'] = env['OVERCAST_HOST'];
  if (env['OVERCAST_REGISTRY_PORT']) out['registryPort'] = Number(env['OVERCAST_REGISTRY_PORT']);
  if (env['OVERCAST_DATA_DIR']) out['dataDir'] = env['OVERCAST_DATA_DIR'];
  if (env['OVERCAST_EPHEMERAL'])
    out['ephemeral'] = env['OVERCAST_EPHEMERAL'] === '1' || env['OVERCAST_EPHEMERAL'] === 'true';
  if (env['OVERCAST_AUTH']) out['auth'] = env['OVERCAST_AUTH'];
  if (env['OVERCAST_LOG_LEVEL']) out['logLevel'] = env['OVERCAST_LOG_LEVEL'];
  if (env['OVERCAST_REGION']) out['region'] = env['OVERCAST_REGION'];
  if (env['OVERCAST_CREDENTIALS']) out['credentials'] = JSON.parse(env['OVERCAST_CREDENTIALS']);
  if (env['OVERCAST_DYNAMODB_THROTTLE']) out['dynamodb'] = { throttle: onOff(env['OVERCAST_DYNAMODB_THROTTLE']) };
  return out as OvercastConfigInput;
}

export function configFromFile(path: string): OvercastConfigInput {
  return JSON.parse(readFileSync(path, 'utf8')) as OvercastConfigInput;
}

/** Merge sources (later wins) and validate; throws a readable error naming the bad option. */
export function resolveConfig(...sources: OvercastConfigInput[]): OvercastConfig {
  const merged: Record<string, unknown> = {};
  for (const s of sources) {
    for (const [k, v] of Object.entries(s)) {
      if (v === undefined) continue;
      // Sections (dynamodb, lambda, ...) merge key by key, so a flag does not drop a file's other settings.
      const prev = merged[k];
      merged[k] = isPlainObject(prev) && isPlainObject(v) ? { ...prev, ...v } : v;
    }
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${issues}`);
  }
  return result.data;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `on`/`off` (also true/false, 1/0) as a boolean; anything else is left for the schema to reject. */
export function onOff(value: string): boolean | string {
  const v = value.toLowerCase();
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  return value;
}
