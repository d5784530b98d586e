// The implicit API plugins' handling of resource attributes of the functions behind API events: the
// implicit API (ServerlessRestApi / ServerlessHttpApi) gets a Condition when every event that feeds it
// is conditional (an `Fn::Or` of them when they differ), and its DeletionPolicy/UpdateReplacePolicy
// from the functions; a path of a managed API whose methods are all conditional is wrapped in Fn::If.
import { isObj, refId, type Obj } from './util.js';

const MAX_OR = 10;

/** The translator's make_combined_condition: Fn::Or in chunks of 10, chained under numbered names. */
export function combinedConditions(conditions: string[], name: string): Obj {
  let list = [...conditions];
  const out: Obj = {};
  let n = Math.ceil((list.length - 1) / (MAX_OR - 1)) - 1;
  while (list.length > 1) {
    let cname = name;
    if (n > 0) {
      cname = `${name}${n}`;
      n--;
    }
    out[cname] = { 'Fn::Or': list.slice(0, MAX_OR).map((c) => ({ Condition: c })) };
    list = [...list.slice(MAX_OR), cname];
  }
  return out;
}

interface Kind {
  eventType: string;
  idProp: string;
  implicitId: string;
  apiType: string;
}

const KINDS: Kind[] = [
  { eventType: 'Api', idProp: 'RestApiId', implicitId: 'ServerlessRestApi', apiType: 'AWS::Serverless::Api' },
  { eventType: 'HttpApi', idProp: 'ApiId', implicitId: 'ServerlessHttpApi', apiType: 'AWS::Serverless::HttpApi' },
];

function policyOf(values: unknown[], order: string[]): string | undefined {
  for (const p of order) if (values.includes(p)) return p;
  return undefined;
}

/**
 * Run after the implicit APIs exist (their events carry the API id) and before translation.
 * `implicitCreated` names the implicit APIs the transform generated (a user's own resource is left alone).
 */
export function applyApiConditions(template: Obj, implicitCreated: Set<string>): void {
  const resources = template.Resources as Obj;
  for (const kind of KINDS) {
    const conds = new Map<string, Map<string, Map<string, string | null>>>();
    const deletion = new Map<string, unknown[]>();
    const replace = new Map<string, unknown[]>();
    for (const res of Object.values(resources)) {
      if (!isObj(res) || res.Type !== 'AWS::Serverless::Function' || !isObj(res.Properties)) continue;
      if (!isObj(res.Properties.Events)) continue;
      for (const ev of Object.values(res.Properties.Events)) {
        if (!isObj(ev) || ev.Type !== kind.eventType) continue;
        const p: Obj = isObj(ev.Properties) ? ev.Properties : {};
        const apiId = refId(p[kind.idProp]);
        if (typeof apiId !== 'string') continue;
        let path = p.Path;
        let method = p.Method;
        if (kind.eventType === 'HttpApi' && !path && !method) {
          path = '$default';
          method = 'x-amazon-apigateway-any-method';
        }
        if (typeof path !== 'string' || typeof method !== 'string') continue;
        const byPath = conds.get(apiId) ?? new Map<string, Map<string, string | null>>();
        conds.set(apiId, byPath);
        const byMethod = byPath.get(path) ?? new Map<string, string | null>();
        byPath.set(path, byMethod);
        byMethod.set(method, typeof res.Condition === 'string' ? res.Condition : null);
        deletion.set(apiId, [...(deletion.get(apiId) ?? []), res.DeletionPolicy]);
        replace.set(apiId, [...(replace.get(apiId) ?? []), res.UpdateReplacePolicy]);
      }
    }
    const addConditions = (name: string, list: Set<string>): void => {
      const all = (template.Conditions ??= {}) as Obj;
      Object.assign(all, combinedConditions([...list].sort(), name));
    };
    // The implicit API's own attributes.
    const implicit = resources[kind.implicitId];
    if (implicitCreated.has(kind.implicitId) && isObj(implicit)) {
      const byPath = conds.get(kind.implicitId);
      if (byPath?.size) {
        const all = new Set<string | null>();
        for (const m of byPath.values()) for (const c of m.values()) all.add(c);
        delete implicit.Condition;
        if (all.size && !all.has(null)) {
          if (all.size === 1) implicit.Condition = [...all][0];
          else {
            implicit.Condition = `${kind.implicitId}Condition`;
            addConditions(implicit.Condition, all as Set<string>);
          }
        }
      }
      const dp = policyOf(deletion.get(kind.implicitId) ?? [], ['Retain', 'Delete']);
      if (dp) implicit.DeletionPolicy = dp;
      const rp = policyOf(replace.get(kind.implicitId) ?? [], ['Retain', 'Snapshot', 'Delete']);
      if (rp) implicit.UpdateReplacePolicy = rp;
    }
    // Paths of managed APIs whose every method is conditional.
    for (const [apiId, res] of Object.entries(resources)) {
      if (!isObj(res) || res.Type !== kind.apiType || !isObj(res.Properties) || !res.Properties.__MANAGE_SWAGGER)
        continue;
      const body = res.Properties.DefinitionBody;
      if (!isObj(body) || !isObj(body.paths)) continue;
      const byPath = conds.get(apiId);
      if (!byPath) continue;
      for (const path of Object.keys(body.paths)) {
        const methods = byPath.get(path);
        if (!methods?.size) continue;
        const all = new Set(methods.values());
        if (all.has(null)) continue;
        let cond: string;
        if (all.size === 1) cond = [...all][0]!;
        else {
          cond = `${apiId}${path.replace(/\//g, 'SLASH').replace(/\{/g, 'OB').replace(/\}/g, 'CB')}PathCondition`;
          addConditions(cond, all as Set<string>);
        }
        body.paths[path] = { 'Fn::If': [cond, body.paths[path], { Ref: 'AWS::NoValue' }] };
      }
    }
  }
}
