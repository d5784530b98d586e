import { cfnErrors, TemplateError } from '../errors.js';
import { INTRINSICS, PSEUDO_PARAMETERS, intrinsicName } from './intrinsics.js';
import type { Template } from './parse.js';

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
]);
const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
]);
export const PARAMETER_TYPES =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::EC2::[A-Za-z:]+|List<AWS::EC2::[A-Za-z:]+>|AWS::Route53::HostedZone::Id|List<AWS::Route53::HostedZone::Id>)$/;

/** A resource's logical ids referenced through Ref, Fn::GetAtt and Fn::Sub (both branches of Fn::If). */
export function references(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) references(v, out);
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const fn = intrinsicName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Ref' && typeof arg === 'string') out.add(arg);
  else if (fn === 'Fn::GetAtt') {
    if (typeof arg === 'string') out.add(arg.split('.')[0]!);
    else if (Array.isArray(arg) && typeof arg[0] === 'string') {
      out.add(arg[0]);
      references(arg.slice(1), out);
    }
  } else if (fn === 'Fn::Sub') {
    const str = Array.isArray(arg) ? arg[0] : arg;
    const vars = Array.isArray(arg) && arg[1] && typeof arg[1] === 'object' ? (arg[1] as Record<string, unknown>) : {};
    if (typeof str === 'string')
      for (const m of str.matchAll(/\$\{([^}!][^}]*)\}/g)) {
        const name = m[1]!.trim();
        if (!(name in vars)) out.add(name.split('.')[0]!);
      }
    references(vars, out);
  } else for (const v of Object.values(value)) references(v, out);
  return out;
}

/** Condition names used by Fn::If and Condition inside `value`. */
export function conditionReferences(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) conditionReferences(v, out);
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const fn = intrinsicName(value);
  const arg = fn ? (value as Record<string, unknown>)[fn] : undefined;
  if (fn === 'Fn::If' && Array.isArray(arg) && typeof arg[0] === 'string') out.add(arg[0]);
  if (fn === 'Condition' && typeof arg === 'string') out.add(arg);
  for (const v of Object.values(value)) conditionReferences(v, out);
  return out;
}

function unsupportedFunctions(value: unknown, path: string, errors: TemplateError[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => unsupportedFunctions(v, `${path}/${i}`, errors));
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'Fn::Transform' || k.startsWith('Fn::ForEach'))
      errors.push(
        new TemplateError(
          `${k.split(':').slice(0, 3).join(':')} (macros, AWS::Include, AWS::LanguageExtensions loops) is not supported by Overcast`,
          `${path}/${k}`,
          'format',
        ),
      );
    else if (k.startsWith('Fn::') && !INTRINSICS.has(k))
      errors.push(
        new TemplateError(
          `Encountered unsupported function: ${k} Supported functions are: [${[...INTRINSICS].filter((f) => f !== 'Condition').join(', ')}]`,
          `${path}/${k}`,
          'format',
        ),
      );
    unsupportedFunctions(v, `${path}/${k}`, errors);
  }
}

function isMap(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function dependsOnList(resource: Record<string, unknown>): string[] {
  const d = resource['DependsOn'];
  return d === undefined ? [] : Array.isArray(d) ? d.map(String) : [String(d)];
}

/** Static checks of a (transformed) template; every error found, each with its template path. */
export function validateTemplate(t: Template): void {
  const errors: TemplateError[] = [];
  const push = (message: string, path: string) => errors.push(new TemplateError(message, path, 'format'));
  const unknown = Object.keys(t).filter((k) => !TOP_LEVEL.has(k));
  if (unknown.length) push(`Invalid template property or properties [${unknown.join(', ')}]`, '/');
  if (t['AWSTemplateFormatVersion'] !== undefined && String(t['AWSTemplateFormatVersion']) !== '2010-09-09')
    push(
      `'${String(t['AWSTemplateFormatVersion'])}' is not a supported version of AWSTemplateFormatVersion`,
      '/AWSTemplateFormatVersion',
    );
  if (t['Description'] !== undefined && typeof t['Description'] !== 'string')
    push('Every Description member must be a string.', '/Description');
  const resources = t['Resources'];
  if (!isMap(resources) || Object.keys(resources).length === 0) {
    push('At least one Resources member must be defined.', '/Resources');
    throw toAwsError(errors);
  }
  const count = (section: string, max: number) => {
    const n = isMap(t[section]) ? Object.keys(t[section]).length : 0;
    if (n > max)
      push(`Number of ${section.toLowerCase()}, ${n}, is greater than maximum allowed, ${max}`, `/${section}`);
  };
  count('Resources', 500);
  count('Parameters', 200);
  count('Outputs', 200);
  count('Mappings', 200);
  const params = isMap(t['Parameters']) ? t['Parameters'] : {};
  if (t['Parameters'] !== undefined && !isMap(t['Parameters'])) push('Parameters must be a map', '/Parameters');
  for (const [name, p] of Object.entries(params)) {
    const path = `/Parameters/${name}`;
    if (!isMap(p) || p['Type'] === undefined) push('Every Parameters object must contain a Type member.', path);
    else if (String(p['Type']).startsWith('AWS::SSM::Parameter'))
      push(`Parameter type ${String(p['Type'])} is not supported by Overcast (no SSM Parameter Store)`, `${path}/Type`);
    else if (!PARAMETER_TYPES.test(String(p['Type'])))
      push(`Unrecognized parameter type: ${String(p['Type'])}`, `${path}/Type`);
    if (name in resources) push(`Parameter and Resource have the same logical id: ${name}`, path);
  }
  const conditions = isMap(t['Conditions']) ? t['Conditions'] : {};
  const mappings = isMap(t['Mappings']) ? t['Mappings'] : {};
  if (t['Mappings'] !== undefined && !isMap(t['Mappings'])) push('Mappings must be a map', '/Mappings');
  for (const [name, m] of Object.entries(mappings))
    if (!isMap(m) || Object.values(m).some((v) => !isMap(v)))
      push(`Every Mappings member ${name} must be a map`, `/Mappings/${name}`);
  const known = (name: string) => name in params || name in resources || PSEUDO_PARAMETERS.includes(name);
  const unresolved = (value: unknown, block: string, path: string) => {
    const missing = [...references(value)].filter((r) => !known(r));
    if (missing.length)
      push(`Unresolved resource dependencies [${missing.join(', ')}] in the ${block} block of the template`, path);
  };
  const conditionsExist = (value: unknown, block: string, path: string) => {
    const missing = [...conditionReferences(value)].filter((c) => !(c in conditions));
    if (missing.length)
      push(`Unresolved condition dependencies [${missing.join(', ')}] in the ${block} block of the template`, path);
  };
  for (const [name, c] of Object.entries(conditions)) {
    const path = `/Conditions/${name}`;
    const refs = [...references(c)].filter((r) => r in resources);
    if (refs.length) push(`Cannot reference resources in the Conditions block of the template`, path);
    unresolved(c, 'Conditions', path);
    conditionsExist(c, 'Conditions', path);
  }
  for (const [id, r] of Object.entries(resources)) {
    const path = `/Resources/${id}`;
    if (id.startsWith('Fn::ForEach')) {
      push('Fn::ForEach (AWS::LanguageExtensions loops) is not supported by Overcast', path);
      continue;
    }
    if (!/^[A-Za-z0-9]+$/.test(id)) push(`Resource name ${id} is non alphanumeric.`, path);
    if (!isMap(r)) {
      push('Every Resources object must contain a Type member.', path);
      continue;
    }
    if (typeof r['Type'] !== 'string') push('Every Resources object must contain a Type member.', path);
    const bad = Object.keys(r).filter((k) => !RESOURCE_ATTRIBUTES.has(k));
    if (bad.length) push(`Invalid template resource property '${bad.join("', '")}'`, path);
    if (r['Properties'] !== undefined && !isMap(r['Properties']))
      push('Properties must be a map', `${path}/Properties`);
    const missingDeps = dependsOnList(r).filter((d) => !(d in resources));
    if (missingDeps.length)
      push(
        `Unresolved resource dependencies [${missingDeps.join(', ')}] in the Resources block of the template`,
        `${path}/DependsOn`,
      );
    if (r['Condition'] !== undefined && !(String(r['Condition']) in conditions))
      push(
        `Unresolved condition dependencies [${String(r['Condition'])}] in the Resources block of the template`,
        `${path}/Condition`,
      );
    unresolved(r['Properties'], 'Resources', `${path}/Properties`);
    conditionsExist(r['Properties'], 'Resources', `${path}/Properties`);
    unsupportedFunctions(r['Properties'], `${path}/Properties`, errors);
  }
  const outputs = t['Outputs'];
  if (outputs !== undefined && !isMap(outputs)) push('Outputs must be a map', '/Outputs');
  for (const [name, o] of Object.entries(isMap(outputs) ? outputs : {})) {
    const path = `/Outputs/${name}`;
    if (!isMap(o) || o['Value'] === undefined) {
      push(`Every Outputs member must contain a Value object`, path);
      continue;
    }
    unresolved(o, 'Outputs', path);
    conditionsExist(o, 'Outputs', path);
    if (o['Condition'] !== undefined && !(String(o['Condition']) in conditions))
      push(
        `Unresolved condition dependencies [${String(o['Condition'])}] in the Outputs block of the template`,
        `${path}/Condition`,
      );
    unsupportedFunctions(o, path, errors);
  }
  if (errors.length) throw toAwsError(errors);
  cycles(resources);
}

/** Errors collected from a template, as one ValidationError listing each with its path. */
export function toAwsError(errors: TemplateError[]) {
  const format = errors.some((e) => e.kind === 'format');
  const text = errors
    .map((e) => (errors.length > 1 || e.path !== '/' ? `[${e.path}] ${e.message}` : e.message))
    .join('; ');
  return format ? cfnErrors.templateFormat(text) : cfnErrors.templateError(text);
}

/** Dependencies of each resource: DependsOn and every Ref/GetAtt/Sub of another resource. */
export function dependencyGraph(resources: Record<string, any>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [id, r] of Object.entries(resources)) {
    const deps = new Set<string>();
    for (const d of dependsOnList(r)) if (d in resources) deps.add(d);
    for (const d of references(r['Properties'])) if (d in resources && d !== id) deps.add(d);
    if (references(r['Properties']).has(id)) deps.add(id);
    graph.set(id, deps);
  }
  return graph;
}

function cycles(resources: Record<string, any>): void {
  const graph = dependencyGraph(resources);
  const state = new Map<string, number>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    const s = state.get(id);
    if (s === 2) return;
    if (s === 1) {
      const cycle = stack.slice(stack.indexOf(id));
      throw cfnErrors.validation(`Circular dependency between resources: [${[...new Set(cycle)].sort().join(', ')}]`);
    }
    state.set(id, 1);
    stack.push(id);
    for (const d of graph.get(id) ?? []) visit(d);
    stack.pop();
    state.set(id, 2);
  };
  for (const id of graph.keys()) visit(id);
}
