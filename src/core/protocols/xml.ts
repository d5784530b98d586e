import type { ServiceModel } from '../model/types.js';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Serialise a value of a model shape as XML elements (query / restXml output conventions). */
export function shapeToXml(model: ServiceModel, shapeName: string, value: unknown, tag: string): string {
  if (value === undefined || value === null) return '';
  const shape = model.shapes[shapeName];
  const type = shape?.type ?? 'string';
  switch (type) {
    case 'structure': {
      let inner = '';
      for (const [name, ref] of Object.entries(shape?.members ?? {})) {
        const v = (value as Record<string, unknown>)[name];
        inner += shapeToXml(model, ref.shape, v, ref.locationName ?? name);
      }
      return `<${tag}>${inner}</${tag}>`;
    }
    case 'list': {
      const memberRef = shape!.member!;
      const items = value as unknown[];
      if (shape!.flattened)
        return items.map((v) => shapeToXml(model, memberRef.shape, v, memberRef.locationName ?? tag)).join('');
      const memberTag = memberRef.locationName ?? 'member';
      return `<${tag}>${items.map((v) => shapeToXml(model, memberRef.shape, v, memberTag)).join('')}</${tag}>`;
    }
    case 'map': {
      const entries = Object.entries(value as Record<string, unknown>)
        .map(
          ([k, v]) =>
            `<entry>${shapeToXml(model, shape!.key!.shape, k, 'key')}${shapeToXml(model, shape!.value!.shape, v, 'value')}</entry>`,
        )
        .join('');
      return `<${tag}>${entries}</${tag}>`;
    }
    case 'timestamp': {
      const d = value instanceof Date ? value : new Date(typeof value === 'number' ? value * 1000 : String(value));
      return `<${tag}>${d.toISOString()}</${tag}>`;
    }
    case 'blob':
      return `<${tag}>${Buffer.isBuffer(value) ? value.toString('base64') : escapeXml(String(value))}</${tag}>`;
    default:
      return `<${tag}>${escapeXml(String(value))}</${tag}>`;
  }
}
