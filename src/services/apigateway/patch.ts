import { apigwErrors } from './errors.js';

export interface PatchOp {
  op?: string;
  path?: string;
  value?: string;
  from?: string;
}

/** `/a/b~1c` → ['a', 'b/c'] (JSON Pointer escapes, as the API uses them). */
export function pointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function badOp(allowed: string[]): never {
  throw apigwErrors.badRequest(`Invalid patch operation specified. Must be one of: [${allowed.join(', ')}]`);
}

export function unsupported(path: string, op: string): never {
  throw apigwErrors.badRequest(
    `Invalid patch path  '${path}' specified for op '${op}'. Please choose supported operations`,
  );
}

export function asBool(value: string | undefined, path: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw apigwErrors.badRequest(`Invalid value specified for ${path.slice(1)}: ${value ?? 'null'}`);
}

export function asInt(value: string | undefined, path: string): number {
  if (value === undefined || !/^-?\d+$/.test(value))
    throw apigwErrors.badRequest(`Invalid value specified for ${path.slice(1)}: ${value ?? 'null'}`);
  return Number(value);
}

type FieldType = 'string' | 'bool' | 'int';

/** One settable field of a resource. */
export interface Field {
  type: FieldType;
  ops?: string[];
}

/** A map field: `/requestTemplates/application~1json`. */
export interface MapField {
  map: FieldType;
}

/** A set of strings: `/binaryMediaTypes/image~1png` (add/remove; replace swaps `value` in). */
export interface ListField {
  list: true;
}

export type FieldSpec = Field | MapField | ListField;

/**
 * Applies patch operations to `target` (a copy the caller commits only when every operation
 * succeeded). `custom` sees each operation first and returns true when it handled it.
 */
export function applyPatch(
  target: Record<string, any>,
  ops: readonly PatchOp[] | undefined,
  spec: Record<string, FieldSpec>,
  custom?: (op: string, segs: string[], value: string | undefined, path: string) => boolean,
): void {
  for (const patch of ops ?? []) {
    const op = patch.op ?? 'replace';
    const path = patch.path;
    if (path === undefined || !path.startsWith('/')) throw apigwErrors.patchPath(path);
    const segs = pointer(path);
    if (custom?.(op, segs, patch.value, path)) continue;
    const field = spec[segs[0]!];
    if (!field) throw apigwErrors.patchPath(path);
    if ('type' in field) {
      if (segs.length !== 1) throw apigwErrors.patchPath(path);
      const allowed = field.ops ?? ['replace'];
      if (!allowed.includes(op)) badOp(allowed);
      if (op === 'remove') delete target[segs[0]!];
      else target[segs[0]!] = convert(field.type, patch.value, path);
    } else if ('map' in field) {
      if (segs.length < 2) throw apigwErrors.patchPath(path);
      const key = segs.slice(1).join('/');
      const map = (target[segs[0]!] ??= {}) as Record<string, unknown>;
      if (op === 'remove') {
        if (!(key in map)) throw apigwErrors.notFound('Invalid parameter name specified');
        delete map[key];
      } else if (op === 'add' || op === 'replace') {
        map[key] = convert(field.map, patch.value, path);
      } else badOp(['add', 'remove', 'replace']);
      if (Object.keys(map).length === 0) delete target[segs[0]!];
    } else {
      const list = (target[segs[0]!] ??= []) as string[];
      const item = segs.length > 1 ? segs.slice(1).join('/') : patch.value;
      if (op === 'add') {
        if (item !== undefined && !list.includes(item)) list.push(item);
      } else if (op === 'remove') {
        const i = item === undefined ? -1 : list.indexOf(item);
        if (i >= 0) list.splice(i, 1);
      } else if (op === 'replace' && segs.length > 1 && patch.value !== undefined) {
        const i = list.indexOf(item!);
        if (i >= 0) list[i] = patch.value;
        else list.push(patch.value);
      } else badOp(['add', 'remove', 'replace']);
      if (list.length === 0) delete target[segs[0]!];
    }
  }
}

function convert(type: FieldType, value: string | undefined, path: string): unknown {
  if (type === 'bool') return asBool(value, path);
  if (type === 'int') return asInt(value, path);
  return value ?? '';
}
