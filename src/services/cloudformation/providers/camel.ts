/** Keys whose values are free-form maps (their keys are data, not member names). */
const MAP_KEYS = new Set([
  'RequestParameters',
  'RequestTemplates',
  'RequestModels',
  'ResponseParameters',
  'ResponseTemplates',
  'ResponseModels',
  'StageVariables',
  'Variables',
  'Tags',
  'AuthorizationScopes',
  'Body',
]);

const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

/** CloudFormation's PascalCase properties → the camelCase members of the restJson APIs (API Gateway). */
export function camel(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => camel(v, key));
  if (value === null || typeof value !== 'object') return value;
  if (MAP_KEYS.has(key)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'RouteSettings' && v && typeof v === 'object' && !Array.isArray(v) && key !== '') {
      out['routeSettings'] = Object.fromEntries(Object.entries(v).map(([rk, rv]) => [rk, camel(rv, 'x')]));
      continue;
    }
    out[lowerFirst(k)] = camel(v, k);
  }
  return out;
}

/** The members of `props` except those named. */
export function omit(props: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const out = { ...props };
  for (const n of names) delete out[n];
  return out;
}
