import { cfnErrors } from '../errors.js';
import { AwsClient } from '../providers/client.js';
import { SKIP_UNSUPPORTED_TAG } from '../engine/engine.js';
import { isCustomType, PROVIDERS } from '../providers/index.js';
import { transformSam } from '../sam/transform.js';
import { validateTemplate } from '../template/analyze.js';
import { parseTemplate } from '../template/parse.js';
import type { Template } from '../template/parse.js';
import { resolveParameters } from '../template/parameters.js';
import { checkRules } from '../template/rules.js';
import type { ParameterInput, ResolvedParameters } from '../template/parameters.js';

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';
const IGNORED_TRANSFORMS = new Set(['AWS::LanguageExtensions']);
const IAM_TYPES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': '',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::AccessKey': '',
  'AWS::IAM::UserToGroupAddition': '',
};

export interface PrepareInput {
  TemplateBody?: string;
  TemplateURL?: string;
  Parameters?: ParameterInput[];
  Capabilities?: string[];
  Tags?: { Key: string; Value: string }[];
}

export interface Prepared {
  body: string;
  original: Template;
  template: Template;
  params: ResolvedParameters;
  transforms: string[];
}

/** The template of a request: TemplateBody, TemplateURL (read from Overcast's S3), or the previous one. */
export async function templateBodyOf(
  input: { TemplateBody?: string; TemplateURL?: string; UsePreviousTemplate?: boolean },
  client: AwsClient,
  previous?: string,
): Promise<string> {
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined)
    throw cfnErrors.validation('Exactly one of TemplateBody or TemplateUrl must be specified.');
  if (input.TemplateURL !== undefined) {
    const loc = s3Location(input.TemplateURL);
    if (!loc) throw cfnErrors.validation('TemplateURL must be a supported URL.');
    try {
      return (await client.s3Object(loc.bucket, loc.key, loc.versionId)).toString('utf8');
    } catch {
      throw cfnErrors.validation('TemplateURL must reference a valid S3 object to which you have access.');
    }
  }
  if (input.TemplateBody !== undefined) return input.TemplateBody;
  if (input.UsePreviousTemplate && previous !== undefined) return previous;
  throw cfnErrors.validation('Either Template URL or Template Body must be specified.');
}

/** Bucket and key of an S3 URL: path style, virtual-hosted style, or Overcast's own endpoint. */
export function s3Location(raw: string): { bucket: string; key: string; versionId?: string } | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const versionId = url.searchParams.get('versionId') ?? undefined;
  const path = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const host = url.hostname;
  const virtual =
    /^(.+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com(?:\.cn)?$/.exec(host) ??
    /^(.+)\.s3\.(?:[a-z0-9-]+\.)?localhost$/.exec(host);
  const out = (bucket: string | undefined, key: string) =>
    bucket && key ? { bucket, key, ...(versionId ? { versionId } : {}) } : undefined;
  if (virtual && !/^s3$/.test(virtual[1]!)) return out(virtual[1], path.join('/'));
  return out(path[0], path.slice(1).join('/'));
}

export function declaredTransforms(t: Template): string[] {
  const tr = t['Transform'];
  return tr === undefined ? [] : Array.isArray(tr) ? tr.map(String) : [String(tr)];
}

/** Apply the declared transforms (the SAM transform; AWS::LanguageExtensions is accepted as is). */
export function applyTransforms(
  original: Template,
  given: ParameterInput[],
  ctx: { account: string; region: string; stackName: string },
): Template {
  const transforms = declaredTransforms(original);
  let t = original;
  for (const name of transforms) {
    if (name === SAM_TRANSFORM) {
      const parameters: Record<string, string> = {};
      for (const [k, d] of Object.entries((original['Parameters'] ?? {}) as Record<string, any>))
        if (d?.Default !== undefined)
          parameters[k] = Array.isArray(d.Default) ? d.Default.join(',') : String(d.Default);
      for (const p of given)
        if (p.ParameterKey !== undefined && p.ParameterValue !== undefined)
          parameters[p.ParameterKey] = p.ParameterValue;
      try {
        t = transformSam(structuredClone(t), {
          parameters,
          account: ctx.account,
          region: ctx.region,
          stackName: ctx.stackName,
        });
      } catch (e) {
        throw cfnErrors.validation(`Transform ${SAM_TRANSFORM} failed with: ${(e as Error).message}`);
      }
    } else if (!IGNORED_TRANSFORMS.has(name))
      throw cfnErrors.validation(`Transform ${name} is not supported by Overcast`);
  }
  if (t !== original || transforms.length) {
    t = { ...t };
    delete t['Transform'];
  }
  return t;
}

/** The capabilities a template needs (IAM resources; transforms when not created through a change set). */
export function requiredCapabilities(
  t: Template,
  transforms: string[],
  viaChangeSet: boolean,
): { caps: string[]; reason?: string } {
  let named = false;
  let iam = false;
  for (const r of Object.values((t['Resources'] ?? {}) as Record<string, any>)) {
    const prop = IAM_TYPES[String(r?.Type)];
    if (prop === undefined) continue;
    iam = true;
    if (prop && r.Properties?.[prop] !== undefined) named = true;
  }
  const caps: string[] = [];
  if (named) caps.push('CAPABILITY_NAMED_IAM');
  else if (iam) caps.push('CAPABILITY_IAM');
  if (transforms.length && !viaChangeSet) caps.push('CAPABILITY_AUTO_EXPAND');
  return {
    caps,
    ...(iam
      ? {
          reason:
            'The following resource(s) require capabilities: [' +
            Object.entries((t['Resources'] ?? {}) as Record<string, any>)
              .filter(([, r]) => IAM_TYPES[String(r?.Type)] !== undefined)
              .map(([, r]) => r.Type)
              .filter((v, i, a) => a.indexOf(v) === i)
              .join(', ') +
            ']',
        }
      : {}),
  };
}

export function checkCapabilities(required: string[], given: string[] = []): void {
  const missing = required.filter(
    (c) => !given.includes(c) && !(c === 'CAPABILITY_IAM' && given.includes('CAPABILITY_NAMED_IAM')),
  );
  if (missing.length) throw cfnErrors.insufficientCapabilities(missing);
}

/** Resource types Overcast cannot provision (unless the stack is tagged to skip them). */
export function checkSupportedTypes(t: Template, tags: { Key: string; Value: string }[] = []): void {
  if (tags.some((x) => x.Key === SKIP_UNSUPPORTED_TAG && x.Value === 'true')) return;
  const types = new Set<string>();
  for (const r of Object.values((t['Resources'] ?? {}) as Record<string, any>)) {
    const type = String(r?.Type);
    if (!PROVIDERS[type] && !isCustomType(type)) types.add(type);
  }
  if (types.size)
    throw cfnErrors.validation(
      `Template format error: Unrecognized resource types: [${[...types].join(', ')}]. Overcast does not provide these resource types; tag the stack ${SKIP_UNSUPPORTED_TAG}=true to skip them.`,
    );
}

/** Parse, transform, validate and resolve parameters: everything checked before a stack operation starts. */
export function prepare(
  body: string,
  given: ParameterInput[],
  ctx: { account: string; region: string; stackName: string },
  previousParams: Record<string, string> = {},
): Prepared {
  const t = prepareTemplate(body, given, ctx);
  const params = resolveParameters(t.template, given, previousParams);
  checkRules(t.template, params.typed, ctx.region);
  return { ...t, params };
}

/** Every literal `Fn::GetAtt` (and `${Res.Attr}` of Fn::Sub) in `value`: [resource, attribute]. */
function getAtts(value: unknown, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) value.forEach((v) => getAtts(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'Fn::GetAtt') {
        const parts = typeof v === 'string' ? [v.slice(0, v.indexOf('.')), v.slice(v.indexOf('.') + 1)] : v;
        if (Array.isArray(parts) && typeof parts[0] === 'string' && typeof parts[1] === 'string')
          out.push([parts[0], parts[1]]);
      } else if (k === 'Fn::Sub') {
        const str = Array.isArray(v) ? v[0] : v;
        const vars = Array.isArray(v) && v[1] && typeof v[1] === 'object' ? (v[1] as Record<string, unknown>) : {};
        if (typeof str === 'string')
          for (const m of str.matchAll(/\$\{([^}!][^}]*)\}/g)) {
            const name = m[1]!.trim();
            const dot = name.indexOf('.');
            if (dot > 0 && !(name in vars)) out.push([name.slice(0, dot), name.slice(dot + 1)]);
          }
      }
      getAtts(v, out);
    }
  }
  return out;
}

/** Fn::GetAtt of an attribute the resource type does not have, rejected before anything starts (as AWS does). */
export function checkAttributes(t: Template): void {
  const resources = (t['Resources'] ?? {}) as Record<string, any>;
  for (const [res, attr] of getAtts([resources, t['Outputs'] ?? {}])) {
    const known = PROVIDERS[String(resources[res]?.Type)]?.attributes;
    if (known && !known.includes(attr))
      throw cfnErrors.templateError(`resource ${res} does not support attribute type ${attr} in Fn::GetAtt`);
  }
}

/** Parse, transform and validate a template (no parameter values needed). */
export function prepareTemplate(
  body: string,
  given: ParameterInput[],
  ctx: { account: string; region: string; stackName: string },
): Omit<Prepared, 'params'> {
  const original = parseTemplate(body);
  const template = applyTransforms(original, given, ctx);
  validateTemplate(template);
  checkAttributes(template);
  return { body, original, template, transforms: declaredTransforms(original) };
}
