import { invalid } from '../errors.js';

export const MAX_POLICY_BYTES = 20480;

const invalidDocument = (why: string) =>
  invalid(`One or more parameter values were invalid: Invalid policy document: ${why}`);

/** What GetResourcePolicy shows as the Version of a document sent without one. */
const DEFAULT_VERSION = '2008-10-17';
/** The order of a statement's members in the canonical form (others follow, as sent). */
const STATEMENT_ORDER = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A one-element list reads back as its element. */
const single = (v: Json): Json => (Array.isArray(v) && v.length === 1 ? v[0]! : v);

/** An account id stands for its root; a principal listed twice (as id and as ARN) once. */
function canonicalPrincipal(p: Json): Json {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return p;
  const out: Record<string, Json> = {};
  for (const [kind, value] of Object.entries(p)) {
    if (kind !== 'AWS') {
      out[kind] = single(value);
      continue;
    }
    const list = (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' && /^\d{12}$/.test(v) ? `arn:aws:iam::${v}:root` : v,
    );
    out[kind] = single([...new Set(list)]);
  }
  return out;
}

function canonicalStatement(s: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  const keys = [
    ...STATEMENT_ORDER.filter((k) => k in s),
    ...Object.keys(s).filter((k) => !STATEMENT_ORDER.includes(k)),
  ];
  for (const k of keys) {
    let v: Json = s[k] ?? null;
    if (k === 'Effect' && typeof v === 'string') v = v.charAt(0).toUpperCase() + v.slice(1).toLowerCase();
    else if (k === 'Principal' || k === 'NotPrincipal') v = canonicalPrincipal(v);
    else if (k === 'Action' || k === 'NotAction' || k === 'Resource' || k === 'NotResource') v = single(v);
    out[k] = v;
  }
  return out;
}

/** Whether a principal grants everyone: `"*"` or `{"AWS": "*"}`. */
const everyone = (p: Json): boolean =>
  p === '*' ||
  (p !== null &&
    typeof p === 'object' &&
    !Array.isArray(p) &&
    (Array.isArray(p['AWS']) ? p['AWS'].includes('*') : p['AWS'] === '*'));

/**
 * Check a resource-based policy document and return its canonical form, which decides whether a
 * re-Put changes anything: minified, `Version`/`Id`/`Statement` first, each statement a list entry
 * with its members in DynamoDB's order (Sid, Effect, Principal, Action, Resource, Condition),
 * `Effect` capitalised, one-element Action/Resource lists as strings and account-id principals as
 * their root ARNs. A document without `Version` keeps none here; GetResourcePolicy shows
 * `2008-10-17` (policyForGet). Overcast stores policies; it does not enforce them.
 */
export function checkPolicyDocument(policy: string): string {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw invalid(
      `One or more parameter values were invalid: Maximum policy size of ${MAX_POLICY_BYTES} bytes exceeded`,
    );
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(policy) as Json;
  } catch {
    throw invalidDocument('This policy contains invalid Json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalidDocument(
      parsed === null ? 'This text appears not to be a policy' : 'This policy contains invalid Json',
    );
  const raw = parsed['Statement'];
  const statements = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (statements.length === 0) throw invalidDocument('Could not parse the policy: Statement is empty!');
  const sids = new Set<string>();
  const canonical: Json[] = [];
  for (const s of statements) {
    if (s === null || typeof s !== 'object' || Array.isArray(s))
      throw invalidDocument('This policy contains invalid Json');
    if (s['Effect'] === undefined) throw invalidDocument('Missing required field Effect');
    if (s['Resource'] === undefined && s['NotResource'] === undefined)
      throw invalidDocument('Missing required field Resource');
    if (typeof s['Sid'] === 'string') {
      if (sids.has(s['Sid'])) throw invalidDocument('The Statement Ids in the policy are not unique');
      sids.add(s['Sid']);
    }
    const statement = canonicalStatement(s);
    if (statement['Effect'] === 'Allow' && everyone(statement['Principal'] ?? null)) {
      throw invalid(
        'Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access',
      );
    }
    canonical.push(statement);
  }
  const doc: Record<string, Json> = {};
  if (parsed['Version'] !== undefined) doc['Version'] = parsed['Version'];
  if (parsed['Id'] !== undefined) doc['Id'] = parsed['Id'];
  doc['Statement'] = canonical;
  for (const [k, v] of Object.entries(parsed)) if (!(k in doc)) doc[k] = v;
  return JSON.stringify(doc);
}

/** The stored (canonical) document as GetResourcePolicy answers it: with a Version. */
export function policyForGet(stored: string): string {
  return stored.startsWith('{"Version":') ? stored : `{"Version":"${DEFAULT_VERSION}",${stored.slice(1)}`;
}
