import type { HttpRequest } from '../http/types.js';
import type { ServiceDefinition } from '../service.js';
import { queryParams } from './query.js';
import { matchRoute } from './rest-routes.js';
import { familyOf, protocolsOf, requestFamily } from './select.js';

/**
 * Whether a request names one of the service's operations in a protocol it speaks: a REST route
 * (method + URI template), a query `Action`, or an X-Amz-Target prefix. Used only to tell apart
 * services that share a SigV4 signing name (API Gateway's REST APIs and HTTP/WebSocket APIs).
 */
export function serviceClaims(service: ServiceDefinition, req: HttpRequest): boolean {
  const family = requestFamily(req);
  for (const protocol of protocolsOf(service)) {
    const f = familyOf(protocol);
    if (f === 'rest') {
      if (matchRoute(service.model, req) !== undefined) return true;
    } else if (f !== family) {
      continue;
    } else if (f === 'query') {
      const action = queryParams(req).get('Action');
      if (action !== null && Object.hasOwn(service.operations, action)) return true;
    } else {
      const target = req.headers['x-amz-target']!;
      const dot = target.lastIndexOf('.');
      if (dot >= 0 && target.slice(0, dot) === service.model.metadata.targetPrefix) return true;
    }
  }
  return false;
}
