// The AWS::Serverless-2016-10-31 transform: a SAM template in, plain CloudFormation out. Pure.
import { defaultDefinitionBody, fixOpenApi, implicitRestApi, translateApi } from './api.js';
import { Ctx } from './context.js';
import { translateFunction } from './function.js';
import { applyGlobals, parseGlobals } from './globals.js';
import { applyApiConditions } from './api-conditions.js';
import { implicitHttpApi, translateHttpApi } from './httpapi.js';
import { ParamResolver } from './intrinsics.js';
import { expandPolicyTemplates } from './policies.js';
import { translateLayer, translateSimpleTable } from './simple.js';
import { clone, isObj, SamError, type Obj } from './util.js';
import { translateWebSocketApi } from './websocket.js';

export const SAM_TRANSFORM = 'AWS::Serverless-2016-10-31';

export interface TransformOptions {
  parameters: Record<string, string>;
  account: string;
  region: string;
  stackName: string;
  /** Managed policy name → ARN overrides (the translator's policy loader). */
  managedPolicies?: Record<string, string>;
}

const SUPPORTED = new Set([
  'AWS::Serverless::Function',
  'AWS::Serverless::Api',
  'AWS::Serverless::HttpApi',
  'AWS::Serverless::SimpleTable',
  'AWS::Serverless::LayerVersion',
  'AWS::Serverless::WebSocketApi',
]);

/** True when the template declares the SAM transform. */
export function hasSamTransform(template: Record<string, unknown>): boolean {
  const t = template.Transform;
  return t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM));
}

/** Each cause's text, and the key the translator's harness orders causes by (logical id, else the text). */
function cause(e: SamError): { text: string; key: string } {
  if (e.kind === 'template') return { text: `Structure of the SAM template is invalid. ${e.message}`, key: '' };
  if (e.kind === 'document' || e.id === undefined) return { text: e.message, key: '' };
  return { text: `Resource with id [${e.id}] is invalid. ${e.message}`, key: e.id };
}

/** The translator's InvalidDocumentException: causes without repeats, ordered by logical id. */
function failure(errors: SamError[]): Error {
  const byText = new Map<string, string>();
  for (const e of errors) {
    const c = cause(e);
    byText.set(c.text, c.key || c.text);
  }
  const parts = [...byText].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([text]) => text);
  const err = new Error(
    `Invalid Serverless Application Specification document. Number of errors found: ${parts.length}. ${parts.join(' ')}`,
  );
  (err as Error & { errors: string[] }).errors = parts;
  return err;
}

/**
 * What the translator's implicit-API plugins check of Api and HttpApi events before anything reads them:
 * Properties a map, Path and Method strings (both required for Api; for HttpApi, both or neither).
 */
function eventShapeErrors(resources: Obj): SamError[] {
  const errors: SamError[] = [];
  for (const [id, r] of Object.entries(resources as Record<string, Obj>)) {
    if (r.Type !== 'AWS::Serverless::Function' || !isObj(r.Properties) || !isObj(r.Properties.Events)) continue;
    for (const [name, ev] of Object.entries(r.Properties.Events as Obj)) {
      // The implicit-API plugins look only at Api and HttpApi events (others are checked as they are translated).
      if (!isObj(ev) || (ev.Type !== 'Api' && ev.Type !== 'HttpApi')) continue;
      const err = (m: string): number => errors.push(new SamError(id, `Event with id [${name}] is invalid. ${m}`));
      if (ev.Properties !== undefined && ev.Properties !== null && !isObj(ev.Properties)) {
        err('Properties should be a map.');
        continue;
      }
      const p: Obj = isObj(ev.Properties) ? ev.Properties : {};
      const absent = (k: string): boolean => p[k] === undefined || p[k] === null;
      const bad = ['Path', 'Method'].find((k) => !absent(k) && typeof p[k] !== 'string');
      if (bad) err(`Property '${bad}' should be a string.`);
      else if (ev.Type === 'Api' && absent('Path')) err("Property 'Path' is required.");
      else if ((ev.Type === 'Api' || !absent('Path')) && absent('Method')) err("Property 'Method' is required.");
      else if (ev.Type === 'HttpApi' && absent('Path') && !absent('Method')) err("Property 'Path' is required.");
    }
  }
  return errors;
}

export function transformSam(template: Record<string, unknown>, options: TransformOptions): Record<string, unknown> {
  const tpl = clone(template) as Obj;
  if (!isObj(tpl.Resources) || Object.keys(tpl.Resources).length === 0)
    throw failure([new SamError(undefined, "'Resources' section is required", 'template')]);
  const paramValues: Record<string, unknown> = {};
  if (isObj(tpl.Parameters))
    for (const [k, v] of Object.entries(tpl.Parameters))
      if (isObj(v) && v.Default !== undefined) paramValues[k] = v.Default;
  Object.assign(paramValues, options.parameters);
  paramValues['AWS::Region'] ??= options.region;
  paramValues['AWS::Partition'] ??= 'aws';
  const params = new ParamResolver(paramValues);
  const resources = tpl.Resources as Obj;
  const errors: SamError[] = [];

  // The translator's first checks: every resource a map, every SAM resource's Properties a map. A
  // resource without a string Type is not SAM's: it passes through as it is.
  if (!Object.values(resources).every(isObj))
    throw failure([
      new SamError(
        undefined,
        "All 'Resources' must be Objects. If you're using YAML, this may be an indentation issue.",
        'template',
      ),
    ]);
  for (const [id, r] of Object.entries(resources as Record<string, Obj>)) {
    if (typeof r.Type !== 'string' || !r.Type.startsWith('AWS::Serverless::')) continue;
    if ('Properties' in r && !isObj(r.Properties))
      throw failure([new SamError(id, "Attribute 'Properties' should be a map.")]);
  }
  for (const [id, r] of Object.entries(resources as Record<string, Obj>))
    if (typeof r.Type === 'string' && r.Type.startsWith('AWS::Serverless::') && !SUPPORTED.has(r.Type))
      errors.push(new SamError(id, `Resource type '${r.Type}' is not supported by Overcast's SAM transform.`));
  if (errors.length) throw failure(errors);

  errors.push(...eventShapeErrors(resources));
  if (errors.length) throw failure(errors);

  try {
    defaultDefinitionBody(resources);
    const before = new Set(Object.keys(resources));
    implicitRestApi(resources);
    implicitHttpApi(resources);
    const created = new Set(Object.keys(resources).filter((k) => !before.has(k)));
    applyGlobals(resources, parseGlobals(tpl.Globals));
    fixOpenApi(resources);
    applyApiConditions(tpl, created);
  } catch (e) {
    if (e instanceof SamError) throw failure([e]);
    throw e;
  }
  delete tpl.Globals;

  const ctx = new Ctx(tpl, params, options.managedPolicies);
  const order = (t: unknown): number =>
    typeof t !== 'string'
      ? 3
      : t === 'AWS::Serverless::Function'
        ? 0
        : t === 'AWS::Serverless::Api'
          ? 1
          : t.startsWith('AWS::Serverless::')
            ? 2
            : 3;
  const ids = Object.keys(resources).sort((a, b) => order(resources[a].Type) - order(resources[b].Type));
  const renamed: Record<string, string> = {};
  const functionNames = new Map<string, string>();
  for (const id of ids) {
    const r = resources[id] as Obj;
    if (r.Type === 'AWS::Serverless::Function' && isObj(r.Properties) && r.Properties.FunctionName !== undefined) {
      // nothing: function names only matter for redeploy hashes of APIs, which we keep simple
      functionNames.set(id, String(r.Properties.FunctionName));
    }
  }
  for (const id of ids) {
    const r = resources[id] as Obj;
    ctx.begin(id);
    try {
      switch (r.Type) {
        case 'AWS::Serverless::Function': {
          if (isObj(r.Properties) && r.Properties.Policies !== undefined)
            r.Properties.Policies = expandPolicyTemplates(id, r.Properties.Policies);
          translateFunction(ctx, id, r);
          break;
        }
        case 'AWS::Serverless::Api':
          translateApi(ctx, id, r);
          break;
        case 'AWS::Serverless::HttpApi':
          translateHttpApi(ctx, id, r);
          break;
        case 'AWS::Serverless::SimpleTable':
          translateSimpleTable(ctx, id, r);
          break;
        case 'AWS::Serverless::LayerVersion': {
          const n = translateLayer(ctx, id, r);
          if (n !== id) renamed[id] = n;
          break;
        }
        case 'AWS::Serverless::WebSocketApi':
          translateWebSocketApi(ctx, id, r);
          break;
        default:
          if (!(id in ctx.out)) ctx.add(id, r);
      }
    } catch (e) {
      if (e instanceof SamError) errors.push(e);
      else throw e;
    }
  }
  if (errors.length) throw failure(errors);
  // Keep non-SAM resources (possibly mutated by S3 events) in the output, in template order.
  const out: Obj = {};
  for (const [id, r] of Object.entries(ctx.out)) out[id] = r;
  const refs = resourceRefs(ctx, resources);
  const result: Obj = { ...tpl, Resources: rewrite(out, renamed, refs) as Obj };
  if (Object.keys(ctx.conditions).length) result.Conditions = ctx.conditions;
  if (tpl.Outputs !== undefined) result.Outputs = rewrite(tpl.Outputs, renamed, refs);
  // The translator drops the whole Transform key, other transforms listed with SAM's included.
  delete result.Transform;
  return result;
}

/** `Fn.Alias`, `Fn.Version`, `Api.Stage`, `Api.Deployment` → generated logical ids. */
function resourceRefs(ctx: Ctx, resources: Obj): Record<string, string> {
  const m: Record<string, string> = {};
  for (const [id, r] of Object.entries(resources)) {
    const gen = ctx.generatedBy(id);
    const find = (type: string): string | undefined => gen.find((g) => (ctx.out[g] as Obj)?.Type === type);
    if (r.Type === 'AWS::Serverless::Function') {
      const a = find('AWS::Lambda::Alias');
      const v = find('AWS::Lambda::Version');
      if (a) m[`${id}.Alias`] = a;
      if (v) m[`${id}.Version`] = v;
      const topic = find('AWS::SNS::Topic');
      const queue = find('AWS::SQS::Queue');
      if (topic) m[`${id}.DestinationTopic`] = topic;
      if (queue) m[`${id}.DestinationQueue`] = queue;
    } else if (r.Type === 'AWS::Serverless::Api') {
      const s = find('AWS::ApiGateway::Stage');
      const d = find('AWS::ApiGateway::Deployment');
      if (s) m[`${id}.Stage`] = s;
      if (d) m[`${id}.Deployment`] = d;
      const shared = isObj(r.Properties?.Auth?.UsagePlan) && r.Properties.Auth.UsagePlan.CreateUsagePlan === 'SHARED';
      for (const [prop, type, sharedId] of [
        ['UsagePlan', 'AWS::ApiGateway::UsagePlan', 'ServerlessUsagePlan'],
        ['UsagePlanKey', 'AWS::ApiGateway::UsagePlanKey', 'ServerlessUsagePlanKey'],
        ['ApiKey', 'AWS::ApiGateway::ApiKey', 'ServerlessApiKey'],
      ] as const) {
        const g = find(type) ?? (shared && ctx.out[sharedId] ? sharedId : undefined);
        if (g) m[`${id}.${prop}`] = g;
      }
      const dn = find('AWS::ApiGateway::DomainName');
      const dn2 = find('AWS::ApiGateway::DomainNameV2');
      if (dn) m[`${id}.DomainName`] = dn;
      if (dn2) m[`${id}.DomainNameV2`] = dn2;
    } else if (r.Type === 'AWS::Serverless::HttpApi' || r.Type === 'AWS::Serverless::WebSocketApi') {
      const s = find('AWS::ApiGatewayV2::Stage');
      if (s) m[`${id}.Stage`] = s;
      const dn = find('AWS::ApiGatewayV2::DomainName');
      if (dn) m[`${id}.DomainName`] = dn;
    }
  }
  return m;
}

function rewrite(v: unknown, renamed: Record<string, string>, refs: Record<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, renamed, refs));
  if (!isObj(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0]!;
    const x = v[k];
    if (k === 'Ref' && typeof x === 'string') {
      if (renamed[x]) return { Ref: renamed[x] };
      if (refs[x]) return { Ref: refs[x] };
    }
    if (k === 'Fn::GetAtt') {
      const parts = Array.isArray(x) ? x : typeof x === 'string' ? x.split('.') : undefined;
      if (parts && typeof parts[0] === 'string') {
        if (renamed[parts[0]]) return { 'Fn::GetAtt': [renamed[parts[0]], ...parts.slice(1)] };
        if (parts.every((x) => typeof x === 'string')) {
          const flat = (parts as string[]).join('.').split('.');
          const two = `${flat[0]}.${flat[1]}`;
          if (flat.length >= 3 && refs[two]) return { 'Fn::GetAtt': [refs[two], flat.slice(2).join('.')] };
        }
      }
    }
    if (k === 'Fn::Sub') {
      const sub = (s: string): string =>
        s.replace(/\$\{([^}!]+)\}/g, (m, name: string) => {
          const [head, ...rest] = name.split('.');
          if (renamed[head!]) return `\${${[renamed[head!], ...rest].join('.')}}`;
          if (refs[name]) return `\${${refs[name]}}`;
          const two = `${head}.${rest[0]}`;
          if (rest.length === 2 && refs[two]) return `\${${refs[two]}.${rest[1]}}`;
          return m;
        });
      if (typeof x === 'string') return { 'Fn::Sub': sub(x) };
      if (Array.isArray(x) && typeof x[0] === 'string') return { 'Fn::Sub': [sub(x[0]), rewrite(x[1], renamed, refs)] };
    }
  }
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'DependsOn') {
      const f = (d: unknown): unknown => (typeof d === 'string' && renamed[d] ? renamed[d] : d);
      out[k] = Array.isArray(x) ? x.map(f) : f(x);
    } else out[k] = rewrite(x, renamed, refs);
  }
  return out;
}
