import { coreErrors } from '../errors/aws-error.js';
import type { AwsError } from '../errors/aws-error.js';
import { codePoints } from './code-points.js';
import { formatValue, lowerFirst } from './format-value.js';
import type { MemberRef, ServiceModel, Shape } from './types.js';

/** One Coral-style constraint violation. */
export interface Violation {
  path: string;
  /** Rendered value, or undefined to omit it (`Value at '...'`). */
  value: string | undefined;
  constraint: string;
}

/** `1 validation error detected: Value 'x' at 'p' failed to satisfy constraint: ...; ...` */
export function formatViolations(violations: readonly Violation[]): string {
  const n = violations.length;
  const parts = violations.map(
    (v) =>
      `Value ${v.value === undefined ? '' : v.value === 'null' ? 'null ' : `'${v.value}' `}at '${v.path}' failed to satisfy constraint: ${v.constraint}`,
  );
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

export function violationsError(violations: readonly Violation[]): AwsError {
  return coreErrors.validation(formatViolations(violations));
}

const jsonKind = (v: unknown): string => {
  if (v === true) return 'TRUE_VALUE';
  if (v === false) return 'FALSE_VALUE';
  if (typeof v === 'number') return 'NUMBER_VALUE';
  if (typeof v === 'string') return 'STRING_VALUE';
  if (Array.isArray(v)) return 'START_ARRAY';
  return 'START_OBJECT';
};

/**
 * Check JSON types against the model (as Coral's deserialiser does). A mismatch is a
 * SerializationException, raised before any constraint is checked.
 */
export function checkTypes(model: ServiceModel, shapeName: string, value: unknown, opaque?: ReadonlySet<string>): void {
  if (value === null || value === undefined || opaque?.has(shapeName)) return;
  const shape = model.shapes[shapeName];
  if (!shape) return;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw coreErrors.serialization(`Unexpected value type in payload`);
      }
      const obj = value as Record<string, unknown>;
      for (const [name, ref] of membersOf(shape)) {
        // A JSON null member is an absent member.
        if (obj[name] === null) delete obj[name];
        else checkTypes(model, ref.shape, obj[name], opaque);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) {
        throw coreErrors.serialization(`Unexpected field type`);
      }
      for (const v of value) checkTypes(model, shape.member!.shape, v, opaque);
      return;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw coreErrors.serialization(`Unexpected field type`);
      }
      for (const v of Object.values(value as Record<string, unknown>)) checkTypes(model, shape.value!.shape, v, opaque);
      return;
    case 'string':
      if (typeof value !== 'string') {
        if (typeof value === 'object') {
          throw coreErrors.serialization(
            Array.isArray(value)
              ? 'Start of list found where not expected'
              : 'Start of structure or map found where not expected.',
          );
        }
        throw coreErrors.serialization(`${jsonKind(value)} cannot be converted to String`);
      }
      return;
    case 'blob':
      if (Buffer.isBuffer(value)) return; // a REST payload, already bytes
      if (typeof value !== 'string') {
        throw coreErrors.serialization(`${jsonKind(value)} cannot be converted to Blob`);
      }
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
        throw coreErrors.serialization(
          `Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`,
        );
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw coreErrors.serialization(`${jsonKind(value)} can not be converted to a Boolean`);
      }
      return;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw coreErrors.serialization(
          `${jsonKind(value)} can not be converted to ${shape.type === 'long' ? 'a Long' : 'an Integer'}`,
        );
      }
      return;
    case 'double':
    case 'float':
      if (typeof value !== 'number') {
        throw coreErrors.serialization(`${jsonKind(value)} can not be converted to a Double`);
      }
      return;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string') {
        throw coreErrors.serialization(`${jsonKind(value)} can not be converted to a Timestamp`);
      }
      return;
  }
}

/**
 * Collect Coral constraint violations (required, length, range, enum, pattern) in member order.
 * `opaque` shapes are left to the service (e.g. DynamoDB validates AttributeValues itself).
 */
export function collectViolations(
  model: ServiceModel,
  shapeName: string,
  value: unknown,
  path = '',
  out: Violation[] = [],
  opaque?: ReadonlySet<string>,
): Violation[] {
  const shape = model.shapes[shapeName];
  if (!shape || opaque?.has(shapeName)) return out;
  if (value === null || value === undefined) return out;
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      for (const [name, ref] of membersOf(shape)) {
        const v = obj[name];
        // Most members of most requests are absent: their paths are built only when needed.
        if (v === undefined || v === null) {
          if (shape.required?.includes(name))
            out.push({ path: memberPath(path, name), value: 'null', constraint: 'Member must not be null' });
          continue;
        }
        collectViolations(model, ref.shape, v, memberPath(path, name), out, opaque);
      }
      return out;
    }
    case 'list': {
      const list = value as unknown[];
      lengthViolations(model, shapeName, shape, list.length, value, path, out);
      // Members of a shape this pass skips (e.g. an item's AttributeValues) can only be null.
      const inner = opaque?.has(shape.member!.shape) ? undefined : shape.member!.shape;
      for (let i = 0; i < list.length; i++) {
        const v = list[i];
        if (v === null || v === undefined)
          out.push({ path: `${path}.${i + 1}.member`, value: 'null', constraint: 'Member must not be null' });
        else if (inner !== undefined) collectViolations(model, inner, v, `${path}.${i + 1}.member`, out, opaque);
      }
      return out;
    }
    case 'map': {
      const map = value as Record<string, unknown>;
      const keys = Object.keys(map);
      lengthViolations(model, shapeName, shape, keys.length, value, path, out);
      const inner = opaque?.has(shape.value!.shape) ? undefined : shape.value!.shape;
      for (const k of keys) {
        const v = map[k];
        if (v === null || v === undefined)
          out.push({ path: `${path}.${k}.member`, value: 'null', constraint: 'Member must not be null' });
        else if (inner !== undefined) collectViolations(model, inner, v, `${path}.${k}.member`, out, opaque);
      }
      return out;
    }
    case 'string': {
      const s = value as string;
      if (shape.enum && !shape.enum.includes(s)) {
        out.push({ path, value: s, constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]` });
        return out;
      }
      if (shape.min !== undefined || shape.max !== undefined)
        lengthViolations(model, shapeName, shape, codePoints(s), s, path, out);
      if (shape.pattern && !fullMatch(shape.pattern, s)) {
        out.push({ path, value: s, constraint: `Member must satisfy regular expression pattern: ${shape.pattern}` });
      }
      return out;
    }
    case 'blob':
      return out;
    case 'integer':
    case 'long':
    case 'double':
    case 'float': {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min) {
        out.push({
          path,
          value: String(n),
          constraint: `Member must have value greater than or equal to ${shape.min}`,
        });
      }
      if (shape.max !== undefined && n > shape.max) {
        out.push({ path, value: String(n), constraint: `Member must have value less than or equal to ${shape.max}` });
      }
      return out;
    }
    default:
      return out;
  }
}

function lengthViolations(
  model: ServiceModel,
  shapeName: string,
  shape: Shape,
  length: number,
  value: unknown,
  path: string,
  out: Violation[],
): void {
  if (shape.min !== undefined && length < shape.min) {
    out.push({
      path,
      value: formatValue(model, shapeName, value),
      constraint: `Member must have length greater than or equal to ${shape.min}`,
    });
  }
  if (shape.max !== undefined && length > shape.max) {
    out.push({
      path,
      value: formatValue(model, shapeName, value),
      constraint: `Member must have length less than or equal to ${shape.max}`,
    });
  }
}

function memberPath(path: string, name: string): string {
  return path ? `${path}.${lowerFirst(name)}` : lowerFirst(name);
}

const patternCache = new Map<string, RegExp>();
function fullMatch(pattern: string, s: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    try {
      re = new RegExp(`^(?:${pattern})$`, 'su');
    } catch {
      re = /^[\s\S]*$/;
    }
    patternCache.set(pattern, re);
  }
  return re.test(s);
}

/**
 * Whether JSON `value` nests more than `limit` levels (the value itself is level 1). Recursive but
 * bounded: it never goes more than `limit` calls deep, whatever the input, and allocates nothing.
 */
export function deeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (Array.isArray(value)) {
    for (const child of value) if (deeperThan(child, limit - 1)) return true;
  } else {
    const obj = value as Record<string, unknown>;
    for (const k in obj) if (deeperThan(obj[k], limit - 1)) return true;
  }
  return false;
}

const MEMBERS = new WeakMap<Shape, [string, MemberRef][]>();

/** A structure's members as an array, computed once per shape (validation runs on every request). */
function membersOf(shape: Shape): [string, MemberRef][] {
  let members = MEMBERS.get(shape);
  if (!members) MEMBERS.set(shape, (members = Object.entries(shape.members ?? {})));
  return members;
}
