import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDeps } from '../deps.js';
import { getCallerIdentity } from './operations/get-caller-identity.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** STS (query protocol): who is calling. */
export function createSts(_deps: ServiceDeps): ServiceDefinition {
  return {
    name: 'sts',
    signingName: 'sts',
    protocol: 'query',
    model,
    operations: { GetCallerIdentity: getCallerIdentity },
  };
}
