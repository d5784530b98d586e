import { cfnErrors } from '../errors.js';
import type { Template } from './parse.js';

export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export interface ResolvedParameters {
  /** The value of each declared parameter as a string (what DescribeStacks shows). */
  values: Record<string, string>;
  /** The value intrinsics see: lists for List<…> and CommaDelimitedList. */
  typed: Record<string, string | string[]>;
}

function isList(type: string): boolean {
  return type.startsWith('List<') || type === 'CommaDelimitedList';
}

/** Resolve given values, previous values and defaults against the declarations, with AWS's messages. */
export function resolveParameters(
  template: Template,
  given: ParameterInput[] = [],
  previous: Record<string, string> = {},
): ResolvedParameters {
  const decls = (template['Parameters'] ?? {}) as Record<string, Record<string, any>>;
  const byKey = new Map<string, ParameterInput>();
  for (const p of given) if (p.ParameterKey !== undefined) byKey.set(p.ParameterKey, p);
  const unknown = [...byKey.keys()].filter((k) => !(k in decls));
  if (unknown.length) throw cfnErrors.validation(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(decls)) {
    const g = byKey.get(name);
    let v: string | undefined;
    if (g?.UsePreviousValue) {
      v = previous[name];
      if (v === undefined)
        throw cfnErrors.validation(
          `Invalid input for parameter key ${name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
    } else if (g?.ParameterValue !== undefined) v = g.ParameterValue;
    else if (decl['Default'] !== undefined)
      v = Array.isArray(decl['Default']) ? decl['Default'].join(',') : String(decl['Default']);
    if (v === undefined) missing.push(name);
    else values[name] = v;
  }
  if (missing.length) throw cfnErrors.validation(`Parameters: [${missing.join(', ')}] must have values`);
  const typed: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(values)) {
    const decl = decls[name]!;
    const type = String(decl['Type']);
    const items = isList(type)
      ? v === ''
        ? []
        : v.split(',').map((s) => (type === 'CommaDelimitedList' ? s.trim() : s.trim()))
      : [v];
    for (const item of items) checkConstraints(name, item, type, decl);
    typed[name] = isList(type) ? items : v;
  }
  return { values, typed };
}

function checkConstraints(name: string, value: string, type: string, decl: Record<string, any>): void {
  const fail = (message: string): never => {
    throw cfnErrors.validation(
      decl['ConstraintDescription'] !== undefined
        ? `Parameter '${name}' failed to satisfy constraint: ${String(decl['ConstraintDescription'])}`
        : message,
    );
  };
  const numeric = type === 'Number' || type === 'List<Number>';
  if (numeric && (value.trim() === '' || Number.isNaN(Number(value))))
    throw cfnErrors.validation(`Parameter '${name}' must be a number.`);
  if (Array.isArray(decl['AllowedValues']) && !decl['AllowedValues'].map(String).includes(value))
    fail(`Parameter '${name}' must be one of AllowedValues`);
  if (decl['AllowedPattern'] !== undefined && !new RegExp(`^(?:${String(decl['AllowedPattern'])})$`).test(value))
    fail(`Parameter '${name}' must match pattern ${String(decl['AllowedPattern'])}`);
  if (decl['MinLength'] !== undefined && value.length < Number(decl['MinLength']))
    fail(`Parameter '${name}' must contain at least ${Number(decl['MinLength'])} characters`);
  if (decl['MaxLength'] !== undefined && value.length > Number(decl['MaxLength']))
    fail(`Parameter '${name}' must contain at most ${Number(decl['MaxLength'])} characters`);
  if (decl['MinValue'] !== undefined && Number(value) < Number(decl['MinValue']))
    fail(`Parameter '${name}' must be a number not less than ${Number(decl['MinValue'])}`);
  if (decl['MaxValue'] !== undefined && Number(value) > Number(decl['MaxValue']))
    fail(`Parameter '${name}' must be a number not greater than ${Number(decl['MaxValue'])}`);
}

/** DescribeStacks' view: NoEcho values are masked. */
export function describeParameters(template: Template, values: Record<string, string>) {
  const decls = (template['Parameters'] ?? {}) as Record<string, Record<string, any>>;
  return Object.entries(values).map(([k, v]) => ({
    ParameterKey: k,
    ParameterValue: String(decls[k]?.['NoEcho']) === 'true' ? '****' : v,
  }));
}
