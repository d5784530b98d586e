import { cfnErrors, TemplateError } from '../errors.js';
import { evaluate, intrinsicName } from './intrinsics.js';
import type { EvalContext } from './intrinsics.js';
import type { Template } from './parse.js';

/**
 * The Rules section: each rule's assertions over parameter values, checked before a stack
 * operation starts (Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::RefAll and
 * Fn::ValueOf beside the condition functions). A failed assertion answers its AssertDescription.
 */
export function checkRules(template: Template, parameters: Record<string, string | string[]>, region: string): void {
  const rules = (template['Rules'] ?? {}) as Record<string, any>;
  const declared = (template['Parameters'] ?? {}) as Record<string, any>;
  const fail = (path: string): never => {
    throw new TemplateError('rules can only reference parameters', path);
  };
  const ctx: EvalContext = {
    account: '',
    region,
    stackName: '',
    stackId: '',
    notificationArns: [],
    parameters,
    mappings: (template['Mappings'] ?? {}) as Record<string, any>,
    condition: (_n, path) => fail(path),
    resourceRef: (_n, path) => fail(path),
    resourceAttr: (_n, _a, path) => fail(path),
    importValue: (_n, path) => fail(path),
    isResource: () => false,
  };
  const value = (v: unknown, path: string): unknown => {
    const fn = intrinsicName(v);
    const arg = fn ? (v as Record<string, unknown>)[fn] : undefined;
    if (fn === 'Fn::RefAll')
      return Object.entries(declared)
        .filter(([, d]) => d.Type === arg)
        .flatMap(([k]) => parameters[k] ?? []);
    if (fn === 'Fn::ValueOf' || fn === 'Fn::ValueOfAll') return [];
    return evaluate(v, ctx, path);
  };
  const list = (v: unknown, path: string): string[] => {
    const r = value(v, path);
    return (Array.isArray(r) ? r : [r]).map(String);
  };
  const truth = (v: unknown, path: string): boolean => {
    const fn = intrinsicName(v);
    const arg = fn ? ((v as Record<string, unknown>)[fn] as unknown[]) : undefined;
    switch (fn) {
      case 'Fn::And':
        return arg!.every((a, i) => truth(a, `${path}/${fn}/${i}`));
      case 'Fn::Or':
        return arg!.some((a, i) => truth(a, `${path}/${fn}/${i}`));
      case 'Fn::Not':
        return !truth(arg![0], `${path}/${fn}/0`);
      case 'Fn::Equals':
        return String(value(arg![0], path)) === String(value(arg![1], path));
      case 'Fn::Contains':
        return list(arg![0], path).includes(String(value(arg![1], path)));
      case 'Fn::EachMemberEquals':
        return list(arg![0], path).every((m) => m === String(value(arg![1], path)));
      case 'Fn::EachMemberIn': {
        const allowed = list(arg![1], path);
        return list(arg![0], path).every((m) => allowed.includes(m));
      }
      default:
        return Boolean(value(v, path));
    }
  };
  for (const [name, rule] of Object.entries(rules)) {
    const path = `/Rules/${name}`;
    if (rule?.RuleCondition !== undefined && !truth(rule.RuleCondition, `${path}/RuleCondition`)) continue;
    for (const [i, a] of ((rule?.Assertions ?? []) as any[]).entries())
      if (!truth(a.Assert, `${path}/Assertions/${i}/Assert`))
        throw cfnErrors.validation(String(a.AssertDescription ?? `Template validation error: Rule ${name} failed`));
  }
}
