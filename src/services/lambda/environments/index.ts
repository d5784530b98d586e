export type * from './types.js';
export { ProcessEnvironmentProvider, type ProcessProviderOptions } from './process-provider.js';
export { ProcessEnvironment } from './process-environment.js';
export { RESERVED_VARIABLES } from './env-vars.js';
export { runtimeInfo } from './runtimes.js';
