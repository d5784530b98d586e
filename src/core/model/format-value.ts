import type { ServiceModel } from './types.js';

/**
 * Render a value the way AWS's Java (Coral) validators print it in messages:
 * strings raw, lists `[a, b]`, maps `{k=v}`, structures `Name(member=value, ...)`.
 */
export function formatValue(model: ServiceModel, shapeName: string | undefined, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const shape = shapeName ? model.shapes[shapeName] : undefined;
  if (Array.isArray(value)) {
    const member = shape?.member?.shape;
    return `[${value.map((v) => formatValue(model, member, v)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    if (shape?.type === 'structure') {
      const parts: string[] = [];
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const v = (value as Record<string, unknown>)[name];
        if (v === undefined || v === null) continue;
        parts.push(`${lowerFirst(name)}=${formatValue(model, ref.shape, v)}`);
      }
      return `${shapeName}(${parts.join(', ')})`;
    }
    const valueShape = shape?.value?.shape;
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${k}=${formatValue(model, valueShape, v)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return String(value);
}

export function lowerFirst(s: string): string {
  return s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1);
}
