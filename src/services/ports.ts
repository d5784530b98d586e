/**
 * Cross-service ports: the small interfaces one service exports for others (Lambda's invoker for
 * API Gateway and event sources, the Logs writer for Lambda). A service registers its port when the
 * registry creates it; services created later find it here. Never another service's tables.
 */
export interface Ports {
  [name: string]: unknown;
}

/** Typed access to a port another service registered, or undefined when that service is absent. */
export function port<T>(ports: Ports, name: string): T | undefined {
  return ports[name] as T | undefined;
}
