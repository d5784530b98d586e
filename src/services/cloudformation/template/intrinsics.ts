import { TemplateError } from '../errors.js';

/** `Ref: AWS::NoValue`: removes the property (or list element) that holds it. */
export const NO_VALUE = Symbol('AWS::NoValue');

/** What intrinsic functions read: parameters, pseudo parameters, mappings, conditions and resources. */
export interface EvalContext {
  account: string;
  region: string;
  stackName: string;
  stackId: string;
  notificationArns: string[];
  /** Parameter values; List<…> and CommaDelimitedList parameters are arrays. */
  parameters: Record<string, string | string[]>;
  mappings: Record<string, any>;
  /** Evaluates a named condition (memoised by the caller). */
  condition(name: string, path: string): boolean;
  /** The Ref value of a resource (its physical id, or what the type documents). */
  resourceRef(logicalId: string, path: string): unknown;
  /** A Fn::GetAtt attribute of a resource. */
  resourceAttr(logicalId: string, attribute: string, path: string): unknown;
  /** Fn::ImportValue: another stack's export. */
  importValue(name: string, path: string): string;
  /** Whether `name` is a resource of the template (for Fn::Sub and Ref resolution). */
  isResource(name: string): boolean;
}

export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

export const INTRINSICS = new Set([
  'Ref',
  'Condition',
  'Fn::GetAtt',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::If',
  'Fn::Equals',
  'Fn::And',
  'Fn::Or',
  'Fn::Not',
  'Fn::FindInMap',
  'Fn::ImportValue',
  'Fn::GetAZs',
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::ToJsonString',
  'Fn::Length',
]);

/** The single intrinsic key of `value` when it is an intrinsic function call. */
export function intrinsicName(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === 'Ref' || k.startsWith('Fn::') || k === 'Condition' ? k : undefined;
}

export function pseudoValue(name: string, ctx: EvalContext): unknown {
  switch (name) {
    case 'AWS::AccountId':
      return ctx.account;
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return ctx.stackId;
    case 'AWS::Partition':
      return partitionOf(ctx.region);
    case 'AWS::URLSuffix':
      return ctx.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    case 'AWS::NotificationARNs':
      return ctx.notificationArns;
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return undefined;
  }
}

export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** Resolve every intrinsic function in `value`; `AWS::NoValue` drops keys and list elements. */
export function evaluate(value: unknown, ctx: EvalContext, path: string): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    value.forEach((v, i) => {
      const r = evaluate(v, ctx, `${path}/${i}`);
      if (r !== NO_VALUE) out.push(r);
    });
    return out;
  }
  if (value === null || typeof value !== 'object') return value;
  const fn = intrinsicName(value);
  if (fn && fn !== 'Condition') return evalFunction(fn, (value as Record<string, unknown>)[fn], ctx, `${path}/${fn}`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = evaluate(v, ctx, `${path}/${k}`);
    if (r !== NO_VALUE) out[k] = r;
  }
  return out;
}

function fail(path: string, message: string): never {
  throw new TemplateError(message, path);
}

function asString(v: unknown, fn: string, path: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(path, `${fn} requires a string value`);
}

function asList(v: unknown, fn: string, path: string): unknown[] {
  if (Array.isArray(v)) return v;
  return fail(path, `${fn} requires a list`);
}

function args(v: unknown, n: number | [number, number], fn: string, message: string, path: string): unknown[] {
  const [min, max] = typeof n === 'number' ? [n, n] : n;
  if (!Array.isArray(v) || v.length < min || v.length > max) fail(path, message || `${fn} requires ${min} arguments`);
  return v;
}

/** Evaluate a condition expression (Fn::Equals/And/Or/Not, Condition, or a condition name inside Fn::If). */
export function evalCondition(value: unknown, ctx: EvalContext, path: string): boolean {
  const fn = intrinsicName(value);
  if (fn === 'Condition') return ctx.condition(asString((value as any).Condition, 'Condition', path), path);
  if (fn === 'Fn::Equals' || fn === 'Fn::And' || fn === 'Fn::Or' || fn === 'Fn::Not')
    return evalFunction(fn, (value as any)[fn], ctx, `${path}/${fn}`) as boolean;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return fail(path, 'Conditions can only be boolean operations on parameters and other conditions');
}

function evalFunction(fn: string, arg: unknown, ctx: EvalContext, path: string): unknown {
  switch (fn) {
    case 'Ref': {
      const name = asString(arg, 'Ref', path);
      if (name.startsWith('AWS::')) {
        const v = pseudoValue(name, ctx);
        if (v === undefined)
          fail(path, `Unresolved resource dependencies [${name}] in the Resources block of the template`);
        return v;
      }
      if (name in ctx.parameters) return ctx.parameters[name];
      if (ctx.isResource(name)) return ctx.resourceRef(name, path);
      return fail(path, `Unresolved resource dependencies [${name}] in the Resources block of the template`);
    }
    case 'Fn::GetAtt': {
      let parts: unknown[];
      if (typeof arg === 'string') {
        const dot = arg.indexOf('.');
        parts = dot < 0 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)];
      } else parts = asList(arg, fn, path);
      if (parts.length !== 2)
        fail(
          path,
          'every Fn::GetAtt object requires two non-empty parameters, the resource name and the resource attribute',
        );
      const res = asString(parts[0], fn, path);
      const attr = asString(evaluate(parts[1], ctx, `${path}/1`), fn, path);
      if (!ctx.isResource(res)) fail(path, `instance of Fn::GetAtt references undefined resource ${res}`);
      return ctx.resourceAttr(res, attr, path);
    }
    case 'Fn::Sub': {
      let template: unknown;
      let vars: Record<string, unknown> = {};
      if (Array.isArray(arg)) {
        if (arg.length !== 2)
          fail(
            path,
            "One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string",
          );
        template = arg[0];
        const v = evaluate(arg[1], ctx, `${path}/1`);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'Fn::Sub variables must be a map');
        vars = v as Record<string, unknown>;
      } else template = arg;
      const str = asString(template, fn, path);
      return str.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
        if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
        const name = inner.trim();
        if (name in vars) return subString(vars[name], path);
        if (name.startsWith('AWS::')) {
          const v = pseudoValue(name, ctx);
          if (v === undefined || v === NO_VALUE)
            fail(path, `Unresolved resource dependencies [${name}] in the Resources block of the template`);
          return subString(v, path);
        }
        if (name in ctx.parameters) return subString(ctx.parameters[name], path);
        const dot = name.indexOf('.');
        if (dot > 0 && ctx.isResource(name.slice(0, dot)))
          return subString(ctx.resourceAttr(name.slice(0, dot), name.slice(dot + 1), path), path);
        if (ctx.isResource(name)) return subString(ctx.resourceRef(name, path), path);
        void whole;
        return fail(path, `Unresolved resource dependencies [${name}] in the Resources block of the template`);
      });
    }
    case 'Fn::Join': {
      const a = args(
        arg,
        2,
        fn,
        'every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.',
        path,
      );
      const delim = asString(a[0], fn, path);
      const list = evaluate(a[1], ctx, `${path}/1`);
      return asList(list, fn, path)
        .map((v) => asString(v, fn, path))
        .join(delim);
    }
    case 'Fn::Select': {
      const a = args(
        arg,
        2,
        fn,
        'Fn::Select requires a list argument with two elements: an integer index and a list',
        path,
      );
      const index = Number(evaluate(a[0], ctx, `${path}/0`));
      const list = asList(evaluate(a[1], ctx, `${path}/1`), fn, path);
      if (!Number.isInteger(index) || index < 0 || index >= list.length)
        fail(path, `Fn::Select cannot select nonexistent value at index ${String(a[0])}`);
      return list[index];
    }
    case 'Fn::Split': {
      const a = args(
        arg,
        2,
        fn,
        'Fn::Split requires a list argument with two elements: a delimiter and a source string',
        path,
      );
      const delim = asString(a[0], fn, path);
      return asString(evaluate(a[1], ctx, `${path}/1`), fn, path).split(delim);
    }
    case 'Fn::If': {
      const a = args(arg, 3, fn, 'Fn::If requires a list argument with three elements', path);
      const name = asString(a[0], fn, path);
      return ctx.condition(name, path) ? evaluate(a[1], ctx, `${path}/1`) : evaluate(a[2], ctx, `${path}/2`);
    }
    case 'Fn::Equals': {
      const a = args(arg, 2, fn, 'Fn::Equals requires a list argument with two elements', path);
      return equalsValue(evaluate(a[0], ctx, `${path}/0`)) === equalsValue(evaluate(a[1], ctx, `${path}/1`));
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const a = args(arg, [2, 10], fn, `${fn} requires a list argument with between 2 and 10 conditions`, path);
      const values = a.map((c, i) => evalCondition(c, ctx, `${path}/${i}`));
      return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
    }
    case 'Fn::Not': {
      const a = args(arg, 1, fn, 'Fn::Not requires a list argument with one condition', path);
      return !evalCondition(a[0], ctx, `${path}/0`);
    }
    case 'Fn::FindInMap': {
      const a = args(arg, [3, 4], fn, 'Fn::FindInMap requires a list argument with three elements', path);
      const [m, k1, k2] = a.slice(0, 3).map((v, i) => asString(evaluate(v, ctx, `${path}/${i}`), fn, path));
      const map = ctx.mappings[m!];
      if (map === undefined) fail(path, `Mapping named '${m}' is not present in the 'Mappings' section of template.`);
      const v = map?.[k1!]?.[k2!];
      if (v === undefined) {
        const dflt = a[3] as { DefaultValue?: unknown } | undefined;
        if (dflt && typeof dflt === 'object' && 'DefaultValue' in dflt)
          return evaluate(dflt.DefaultValue, ctx, `${path}/3`);
        fail(path, `Unable to get mapping for ${m}::${k1}::${k2}`);
      }
      return v;
    }
    case 'Fn::ImportValue':
      return ctx.importValue(asString(evaluate(arg, ctx, path), fn, path), path);
    case 'Fn::GetAZs': {
      const r = asString(evaluate(arg ?? '', ctx, path), fn, path) || ctx.region;
      return ['a', 'b', 'c'].map((s) => `${r}${s}`);
    }
    case 'Fn::Base64':
      return Buffer.from(asString(evaluate(arg, ctx, path), fn, path), 'utf8').toString('base64');
    case 'Fn::Cidr': {
      const a = args(
        arg,
        3,
        fn,
        'Fn::Cidr requires a list argument with three elements: ipBlock, count and cidrBits',
        path,
      );
      const [block, count, bits] = a.map((v, i) => evaluate(v, ctx, `${path}/${i}`));
      return cidr(asString(block, fn, path), Number(count), Number(bits), path);
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(evaluate(arg, ctx, path));
    case 'Fn::Length':
      return asList(evaluate(arg, ctx, path), fn, path).length;
    default:
      return fail(
        path,
        `Encountered unsupported function: ${fn} Supported functions are: [${[...INTRINSICS].filter((f) => f !== 'Condition').join(', ')}]`,
      );
  }
}

function equalsValue(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function subString(v: unknown, path: string): string {
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fail(path, 'Fn::Sub variables must resolve to strings');
}

function cidr(block: string, count: number, bits: number, path: string): string[] {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block);
  if (!m) fail(path, `Fn::Cidr: invalid ipBlock ${block}`);
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  const newPrefix = 32 - bits;
  if (!Number.isInteger(count) || count < 1 || count > 256 || newPrefix < prefix || bits < 0 || bits > 32)
    fail(path, 'Fn::Cidr: invalid count or cidrBits');
  const size = 2 ** bits;
  if (count * size > 2 ** (32 - prefix)) fail(path, `Fn::Cidr: ${block} cannot hold ${count} subnets of /${newPrefix}`);
  const start = Math.floor(base / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = start + i * size;
    out.push(`${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.')}/${newPrefix}`);
  }
  return out;
}
