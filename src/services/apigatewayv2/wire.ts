import type { ServiceModel } from '../../core/model/types.js';

/**
 * API Gateway v2 names its JSON members in camelCase (`locationName`), unlike the member names of
 * the model (`ApiId`). These walk a shape and rename in both directions, recursively.
 */
export function fromWire(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (!shape || value === null || value === undefined) return value;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue;
        const wire = ref.locationName ?? name;
        if (wire in obj) out[name] = fromWire(model, ref.shape, obj[wire]);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => fromWire(model, shape.member!.shape, v)) : value;
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = fromWire(model, shape.value!.shape, v);
      return out;
    }
    default:
      return value;
  }
}

export function toWire(model: ServiceModel, shapeName: string, value: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (value === null || value === undefined) return value;
  if (!shape) return value;
  switch (shape.type) {
    case 'structure': {
      const obj = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location || obj[name] === undefined) continue;
        out[ref.locationName ?? name] = toWire(model, ref.shape, obj[name]);
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((v) => toWire(model, shape.member!.shape, v));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>))
        out[k] = toWire(model, shape.value!.shape, v);
      return out;
    }
    case 'timestamp':
      return typeof value === 'number' ? new Date(value).toISOString() : value;
    case 'blob':
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    default:
      return value;
  }
}
