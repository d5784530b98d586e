import type { ServiceModel } from './types.js';

/**
 * A model whose operations and shapes are built on first use (a service nobody calls never builds
 * them: `overcast start` is faster), and whose metadata — which routing reads at start-up — is
 * there at once. Each getter turns into a plain property on first read, so requests read data
 * properties, not accessors.
 */
export function lazyModel(metadata: ServiceModel['metadata'], build: () => ServiceModel): ServiceModel {
  let built: ServiceModel | undefined;
  const get = () => (built ??= build());
  return {
    metadata,
    get operations() {
      const value = get().operations;
      Object.defineProperty(this, 'operations', { value, enumerable: true, writable: true });
      return value;
    },
    get shapes() {
      const value = get().shapes;
      Object.defineProperty(this, 'shapes', { value, enumerable: true, writable: true });
      return value;
    },
  };
}
