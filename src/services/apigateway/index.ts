import { lazyModel } from '../../core/model/lazy.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import { logsPort } from '../logs/port.js';
import type { ApigwContext } from './context.js';
import { RestGateway } from './invoke/gateway.js';
import { deploymentOperations } from './operations/deployments.js';
import { importOperations } from './operations/import.js';
import { keyOperations } from './operations/keys.js';
import { methodOperations } from './operations/methods.js';
import { miscOperations } from './operations/misc.js';
import { resourceOperations } from './operations/resources.js';
import { restApiOperations } from './operations/restapis.js';
import { APIGW_MIGRATIONS, ApigwState } from './state.js';
import modelJson from './model.json' with { type: 'json' };

/**
 * botocore binds PutIntegration's body member `integrationHttpMethod` to the wire name `httpMethod`,
 * the name of its URI label too; the restJson codec reads body members by member name. Rename so
 * the handler sees both: the label as `uriHttpMethod`, the body member as `httpMethod`.
 */
function adaptModel(raw: ServiceModel): ServiceModel {
  const model = structuredClone(raw);
  const shape = model.shapes['PutIntegrationRequest']!;
  const members = shape.members!;
  members['uriHttpMethod'] = members['httpMethod']!;
  members['httpMethod'] = { shape: 'String' };
  delete members['integrationHttpMethod'];
  shape.required = (shape.required ?? []).map((r) => (r === 'httpMethod' ? 'uriHttpMethod' : r));
  return model;
}

const raw = modelJson as unknown as ServiceModel;
const model = lazyModel(raw.metadata, () => adaptModel(raw));

/** API Gateway REST APIs (`apigateway`, restJson1): control plane and the invoke-URL data plane. */
export async function createApiGateway(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('apigateway', APIGW_MIGRATIONS);
  const state = new ApigwState(deps.store);
  await state.load();
  const holder: { gateway?: RestGateway } = {};
  const gw: ApigwContext = {
    state,
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
    server: deps.server,
    ports: deps.ports,
    logs: logsPort({ store: deps.store, clock: deps.clock }),
    flushAuthorizers: (apiId, stage) => holder.gateway?.flush(apiId, stage),
  };
  const gateway = new RestGateway(gw);
  holder.gateway = gateway;
  return {
    name: 'apigateway',
    signingName: 'apigateway',
    protocol: 'restJson1',
    model,
    operations: {
      ...restApiOperations(gw),
      ...resourceOperations(gw),
      ...methodOperations(gw),
      ...deploymentOperations(gw),
      ...miscOperations(gw),
      ...keyOperations(gw),
      ...importOperations(gw),
    },
    mounts: [gateway.mount()],
  };
}
