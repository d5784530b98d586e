// The Policies property: managed policy names → ARNs, inline statements, SAM policy templates.
// data/policy-templates.json and data/managed-policies.json are data from aws/serverless-application-model
// (Apache-2.0): the 81 policy templates and the AWS managed policy names with their paths.
import managedPolicies from './data/managed-policies.json' with { type: 'json' };
import policyTemplates from './data/policy-templates.json' with { type: 'json' };
import { clone, invalid, isIntrinsic, isObj, type Obj } from './util.js';

const TEMPLATES = policyTemplates as Record<string, { Parameters: Obj; Definition: Obj }>;
const MANAGED = managedPolicies as Record<string, string>;

export const managedPolicyArn = (name: string): string =>
  `arn:aws:iam::aws:policy/${MANAGED[name] ? MANAGED[name] + '/' : ''}${name}`;

export function resolveManagedPolicy(name: string, extra?: Record<string, string>): string {
  if (extra?.[name]) return extra[name]!;
  if (name in MANAGED) return managedPolicyArn(name);
  return name;
}

const isIf = (v: unknown): v is { 'Fn::If': unknown[] } =>
  isObj(v) && Array.isArray(v['Fn::If']) && Object.keys(v).length === 1;
const isNoValue = (v: unknown): boolean => isObj(v) && v.Ref === 'AWS::NoValue';

export type PolicyKind = 'managed' | 'statement' | 'template' | 'unknown';

export function policyKind(p: unknown, id: string): PolicyKind {
  if (typeof p === 'string') return 'managed';
  if (isIf(p)) {
    const [, a, b] = p['Fn::If'];
    const ta = policyKind(a, id);
    const tb = policyKind(b, id);
    if (ta === tb) return ta;
    if (isNoValue(a)) return tb;
    if (isNoValue(b)) return ta;
    throw invalid(
      id,
      'Different policy types within the same Fn::If statement is unsupported. Separate different policy types into different Fn::If statements',
    );
  }
  if (isIntrinsic(p)) return 'managed';
  if (isObj(p) && 'Statement' in p) return 'statement';
  if (isObj(p) && Object.keys(p).length === 1 && Object.keys(p)[0]! in TEMPLATES) return 'template';
  return 'unknown';
}

function substitute(v: unknown, params: Obj): unknown {
  if (Array.isArray(v)) return v.map((x) => substitute(x, params));
  if (!isObj(v)) return v;
  if (Object.keys(v).length === 1 && typeof v.Ref === 'string' && v.Ref in params) return clone(params[v.Ref]);
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) out[k] = substitute(x, params);
  return out;
}

function expandTemplate(id: string, data: Obj): Obj {
  const name = Object.keys(data)[0]!;
  const tpl = TEMPLATES[name]!;
  const given = data[name];
  if (!isObj(given)) throw invalid(id, `Must specify valid parameter values for policy template '${name}'`);
  const missing = Object.keys(tpl.Parameters).filter((p) => !(p in given));
  if (missing.length)
    throw invalid(
      id,
      `Following required parameters of template '${name}' don't have values: [${missing.map((m) => `'${m}'`).join(', ')}]`,
    );
  return substitute(tpl.Definition, given) as Obj;
}

/** Policy templates plugin: replace each template entry by its expanded statement document. */
export function expandPolicyTemplates(id: string, policies: unknown): unknown {
  if (policies === undefined) return undefined;
  const list = Array.isArray(policies) ? policies : [policies];
  return list.map((p) => {
    if (policyKind(p, id) !== 'template') return p;
    if (isIf(p)) {
      const [c, a, b] = p['Fn::If'];
      return {
        'Fn::If': [c, isNoValue(a) ? a : expandTemplate(id, a as Obj), isNoValue(b) ? b : expandTemplate(id, b as Obj)],
      };
    }
    return expandTemplate(id, p as Obj);
  });
}

/** Build the execution role's ManagedPolicyArns and Policies from the (expanded) Policies list. */
export function rolePolicies(
  roleId: string,
  ownerId: string,
  policies: unknown,
  managedArns: unknown[],
  documents: Obj[],
  extraManaged?: Record<string, string>,
): void {
  if (policies === undefined || policies === null) return;
  const list = Array.isArray(policies) ? policies : [policies];
  list.forEach((p, index) => {
    const kind = policyKind(p, ownerId);
    if (kind === 'statement') {
      const wrap = (doc: unknown): Obj => ({ PolicyName: `${roleId}Policy${index}`, PolicyDocument: doc });
      if (isIf(p)) {
        const [c, a, b] = p['Fn::If'];
        documents.push({ 'Fn::If': [c, isNoValue(a) ? a : wrap(a), isNoValue(b) ? b : wrap(b)] });
      } else documents.push(wrap(p));
    } else if (kind === 'managed') {
      let arn: unknown = p;
      if (typeof p === 'string') arn = resolveManagedPolicy(p, extraManaged);
      else if (isIf(p)) {
        const [c, a, b] = p['Fn::If'];
        const conv = (x: unknown): unknown => (typeof x === 'string' ? resolveManagedPolicy(x, extraManaged) : x);
        arn = { 'Fn::If': [c, conv(a), conv(b)] };
      }
      if (!managedArns.some((m) => JSON.stringify(m) === JSON.stringify(arn))) managedArns.push(arn);
    } else {
      throw invalid(ownerId, `Policy at index ${index} in the 'Policies' property is not valid`);
    }
  });
}
