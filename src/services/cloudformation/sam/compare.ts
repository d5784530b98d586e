// Comparison as the translator's test harness does it: lists sorted (except Layers), hashed logical ids
// (API deployments, auto-published versions, layer versions) and deployment descriptions normalised.
import { isObj, type Obj } from './util.js';

const HASHED: Record<string, RegExp> = {
  'AWS::ApiGateway::Deployment': /^(.*Deployment)[0-9a-f]{10}$/,
  'AWS::Lambda::Version': /^(.*Version)[0-9a-f]{10}$/,
  'AWS::Lambda::LayerVersion': /^(.*)[0-9a-f]{10}$/,
};

function cmp(a: unknown, b: unknown): number {
  const key = (v: unknown): string => (isObj(v) ? 'dict' : Array.isArray(v) ? 'list' : typeof v);
  if (isObj(a) && isObj(b)) {
    const x = JSON.stringify(sortKeys(a));
    const y = JSON.stringify(sortKeys(b));
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean'))
    return (a as never) < (b as never) ? -1 : (a as never) > (b as never) ? 1 : 0;
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function deepSort(v: unknown, parent?: string): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => deepSort(x));
    return parent === 'Layers' ? items : items.sort(cmp);
  }
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = deepSort(v[k], k);
  return out;
}

/** A canonical form of a translated template for equality checks. */
export function normalise(template: Obj): Obj {
  const res = isObj(template.Resources) ? template.Resources : {};
  const rename: Record<string, string> = {};
  for (const [id, r] of Object.entries(res)) {
    const re = isObj(r) ? HASHED[r.Type as string] : undefined;
    const m = re?.exec(id);
    if (m) rename[id] = `${m[1]}HASH`;
  }
  let text = JSON.stringify(template);
  for (const [from, to] of Object.entries(rename).sort((a, b) => b[0].length - a[0].length))
    text = text
      .split(`"${from}"`)
      .join(`"${to}"`)
      .split(`\${${from}}`)
      .join(`\${${to}}`)
      .split(`\${${from}.`)
      .join(`\${${to}.`);
  text = text.replace(/RestApi deployment id: [0-9a-f]{40}/g, 'RestApi deployment id: HASH');
  return deepSort(JSON.parse(text)) as Obj;
}
