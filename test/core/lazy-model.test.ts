import { describe, expect, it } from 'vitest';
import { lazyModel } from '../../src/core/model/lazy.js';
import type { ServiceModel } from '../../src/core/model/types.js';

const metadata: ServiceModel['metadata'] = { apiVersion: '2020-01-01', endpointPrefix: 'x', protocol: 'json' };

describe('lazyModel', () => {
  it('builds operations and shapes once, on first use, and keeps them as plain properties', () => {
    let builds = 0;
    const model = lazyModel(metadata, () => {
      builds++;
      return { metadata, operations: { Op: { name: 'Op' } as never }, shapes: { S: { type: 'string' } } };
    });
    expect(model.metadata.endpointPrefix).toBe('x');
    expect(builds).toBe(0);
    expect(Object.keys(model.operations)).toEqual(['Op']);
    expect(builds).toBe(1);
    expect(model.shapes['S']).toEqual({ type: 'string' });
    expect(builds).toBe(1);
    for (const key of ['operations', 'shapes'] as const) {
      const d = Object.getOwnPropertyDescriptor(model, key)!;
      expect(d.get).toBeUndefined();
      expect(d.enumerable).toBe(true);
    }
    expect(structuredClone(model).shapes['S']).toEqual({ type: 'string' });
  });
});
