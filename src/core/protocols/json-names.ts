import type { ServiceModel } from '../model/types.js';

/**
 * restJson1 bodies name members by their `locationName` when the model gives one (API Gateway's
 * camelCase `apiId` for the member `ApiId`). These rename between wire and member names,
 * recursively, only along shapes that need it (most models need nothing, and pay nothing).
 */
const needs = new WeakMap<ServiceModel, Map<string, boolean>>();

function needsRename(model: ServiceModel, shapeName: string, seen = new Set<string>()): boolean {
  let memo = needs.get(model);
  if (!memo) {
    memo = new Map();
    needs.set(model, memo);
  }
  const known = memo.get(shapeName);
  if (known !== undefined) return known;
  if (seen.has(shapeName)) return false;
  seen.add(shapeName);
  const shape = model.shapes[shapeName];
  let result = false;
  if (shape?.type === 'structure') {
    for (const [name, ref] of Object.entries(shape.members ?? {})) {
      if (ref.location) continue;
      if ((ref.locationName !== undefined && ref.locationName !== name) || needsRename(model, ref.shape, seen)) {
        result = true;
        break;
      }
    }
  } else if (shape?.type === 'list') result = needsRename(model, shape.member!.shape, seen);
  else if (shape?.type === 'map') result = needsRename(model, shape.value!.shape, seen);
  memo.set(shapeName, result);
  return result;
}

function rename(model: ServiceModel, shapeName: string, value: unknown, toWire: boolean): unknown {
  if (value === null || value === undefined || !needsRename(model, shapeName)) return value;
  const shape = model.shapes[shapeName]!;
  if (shape.type === 'list') {
    return Array.isArray(value) ? value.map((v) => rename(model, shape.member!.shape, v, toWire)) : value;
  }
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) return value;
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (shape.type === 'map') {
    for (const [k, v] of Object.entries(obj)) out[k] = rename(model, shape.value!.shape, v, toWire);
    return out;
  }
  const members = shape.members ?? {};
  const byWire = new Map<string, string>();
  for (const [name, ref] of Object.entries(members)) if (!ref.location) byWire.set(ref.locationName ?? name, name);
  for (const [key, v] of Object.entries(obj)) {
    if (toWire) {
      const ref = members[key];
      out[ref && !ref.location ? (ref.locationName ?? key) : key] = ref ? rename(model, ref.shape, v, toWire) : v;
    } else {
      const name = byWire.get(key);
      out[name ?? key] = name ? rename(model, members[name]!.shape, v, toWire) : v;
    }
  }
  return out;
}

/** A parsed JSON body (wire names) as member names of `shapeName`. */
export const fromWireNames = (model: ServiceModel, shapeName: string, value: unknown): unknown =>
  rename(model, shapeName, value, false);

/** An output (member names) as wire names of `shapeName`. */
export const toWireNames = (model: ServiceModel, shapeName: string, value: unknown): unknown =>
  rename(model, shapeName, value, true);
