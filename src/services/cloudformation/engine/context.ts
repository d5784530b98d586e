import { TemplateError } from '../errors.js';
import { evalCondition, evaluate } from '../template/intrinsics.js';
import type { EvalContext } from '../template/intrinsics.js';
import type { Template } from '../template/parse.js';
import type { OutputRecord, ResourceRecord } from '../types.js';
import { withLocalDigests } from '../providers/code.js';
import { isCustomType, PROVIDERS } from '../providers/index.js';

export interface ContextInput {
  account: string;
  region: string;
  stackName: string;
  stackId: string;
  notificationArns: string[];
  template: Template;
  parameters: Record<string, string | string[]>;
  /** The live resources whose Ref and attributes intrinsics read. */
  resources: Record<string, ResourceRecord>;
  exports: Map<string, string>;
  /** Called for references to resources that do not exist yet (change set previews); throws when absent. */
  pending?: (logicalId: string, attribute?: string) => unknown;
  /** Export names read by Fn::ImportValue are collected here. */
  imported?: Set<string>;
}

/** The Ref value of a created resource. */
export function refOf(r: ResourceRecord): unknown {
  return 'Ref' in r.attributes ? r.attributes['Ref'] : r.physicalId;
}

export function makeContext(input: ContextInput): EvalContext {
  const conditions = (input.template['Conditions'] ?? {}) as Record<string, unknown>;
  const declared = (input.template['Resources'] ?? {}) as Record<string, unknown>;
  const memo = new Map<string, boolean>();
  const evaluating = new Set<string>();
  const ctx: EvalContext = {
    account: input.account,
    region: input.region,
    stackName: input.stackName,
    stackId: input.stackId,
    notificationArns: input.notificationArns,
    parameters: input.parameters,
    mappings: (input.template['Mappings'] ?? {}) as Record<string, any>,
    condition(name, path) {
      const known = memo.get(name);
      if (known !== undefined) return known;
      if (!(name in conditions)) throw new TemplateError(`Unresolved condition dependencies [${name}]`, path);
      if (evaluating.has(name))
        throw new TemplateError(`Circular dependency between conditions: [${[...evaluating].join(', ')}]`, path);
      evaluating.add(name);
      const v = evalCondition(conditions[name], ctx, `/Conditions/${name}`);
      evaluating.delete(name);
      memo.set(name, v);
      return v;
    },
    resourceRef(id, path) {
      const r = input.resources[id];
      if (r?.physicalId !== undefined && !r.status.startsWith('DELETE')) return refOf(r);
      if (input.pending) return input.pending(id);
      throw new TemplateError(`Resource ${id} is not available`, path);
    },
    resourceAttr(id, attr, path) {
      const r = input.resources[id];
      const type = String((declared[id] as { Type?: string } | undefined)?.Type ?? r?.type ?? '');
      const known = PROVIDERS[type]?.attributes;
      if (known && !known.includes(attr))
        throw new TemplateError(`resource ${id} does not support attribute type ${attr} in Fn::GetAtt`, path);
      if (r?.physicalId !== undefined && !r.status.startsWith('DELETE')) {
        if (attr in r.attributes) return r.attributes[attr];
        if (isCustomType(type))
          throw new TemplateError(
            `CustomResource attribute error: Vendor response doesn't contain ${attr} key in object ${input.stackId}|${id}`,
            path,
          );
        if (!known) return `${r.physicalId}.${attr}`;
        throw new TemplateError(`Attribute '${attr}' does not exist`, path);
      }
      if (input.pending) return input.pending(id, attr);
      throw new TemplateError(`Resource ${id} is not available`, path);
    },
    importValue(name, path) {
      const v = input.exports.get(name);
      if (v === undefined) throw new TemplateError(`No export named ${name} found.`, path);
      input.imported?.add(name);
      return v;
    },
    isResource: (name) => name in declared,
  };
  return ctx;
}

/** Logical ids of the template's resources whose Condition holds. */
export function activeResources(template: Template, ctx: EvalContext): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [id, r] of Object.entries((template['Resources'] ?? {}) as Record<string, any>))
    if (r.Condition === undefined || ctx.condition(String(r.Condition), `/Resources/${id}/Condition`)) out[id] = r;
  return out;
}

/** Evaluate a resource's Properties. */
export function resolveProperties(id: string, resource: any, ctx: EvalContext): Record<string, unknown> {
  const props = (evaluate(resource.Properties ?? {}, ctx, `/Resources/${id}/Properties`) ?? {}) as Record<
    string,
    unknown
  >;
  return withLocalDigests(props);
}

/** Evaluate the Outputs whose Condition holds. */
export function resolveOutputs(template: Template, ctx: EvalContext): OutputRecord[] {
  const out: OutputRecord[] = [];
  for (const [key, o] of Object.entries((template['Outputs'] ?? {}) as Record<string, any>)) {
    if (o.Condition !== undefined && !ctx.condition(String(o.Condition), `/Outputs/${key}/Condition`)) continue;
    const v = evaluate(o.Value, ctx, `/Outputs/${key}/Value`);
    const rec: OutputRecord = {
      OutputKey: key,
      OutputValue: Array.isArray(v) ? v.join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v),
    };
    if (o.Description !== undefined)
      rec.Description = String(evaluate(o.Description, ctx, `/Outputs/${key}/Description`));
    if (o.Export?.Name !== undefined)
      rec.ExportName = String(evaluate(o.Export.Name, ctx, `/Outputs/${key}/Export/Name`));
    out.push(rec);
  }
  return out;
}
