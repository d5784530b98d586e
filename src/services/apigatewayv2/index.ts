import { Authenticator } from '../../core/auth/authenticate.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import { logsPort } from '../logs/port.js';
import { apiOperations, tagOperations } from './control/apis.js';
import type { V2Context } from './control/context.js';
import { openApiOperations } from './control/openapi.js';
import { v2Codec, validator } from './control/protocol.js';
import { authorizerOperations, integrationOperations, modelOperations, routeOperations } from './control/resources.js';
import { stageOperations } from './control/stages.js';
import { ApiStore } from './control/store.js';
import { Authorizers } from './runtime/authorizers.js';
import type { RuntimeDeps } from './runtime/deps.js';
import { HttpGateway } from './runtime/http.js';
import { invokeMount } from './runtime/mount.js';
import { Throttle } from './runtime/throttle.js';
import { WebSocketGateway } from './runtime/websocket.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/**
 * API Gateway v2 (HTTP and WebSocket APIs). Its control plane shares the signing name `apigateway`
 * with REST APIs: the pipeline gives it the requests its routes (`/v2/apis...`, `/v2/domainnames`,
 * `/v2/tags/...`) match. Invoke URLs and WebSocket upgrades are a mount.
 */
export async function createApiGatewayV2(deps: ServiceDeps): Promise<ServiceDefinition> {
  const store = new ApiStore(deps.store);
  await store.load();
  const auth = new Authenticator(
    {
      mode: deps.config.auth,
      credentials: deps.config.credentials,
      defaultAccount: deps.config.account,
      defaultRegion: deps.config.region,
    },
    deps.clock,
  );
  const throttle = new Throttle(deps.clock);
  const authorizers = new Authorizers(deps.ports, deps.clock, deps.log);
  const env = process.env;
  const rd: RuntimeDeps = {
    store,
    clock: deps.clock,
    log: deps.log,
    ports: deps.ports,
    logs: logsPort({ store: deps.store, clock: deps.clock }),
    auth,
    authorizers,
    throttle,
    accountRate: Number(env['OVERCAST_APIGW_ACCOUNT_RATE'] ?? 10_000),
    accountBurst: Number(env['OVERCAST_APIGW_ACCOUNT_BURST'] ?? 5_000),
    wsIdleMs: Number(env['OVERCAST_APIGW_WS_IDLE_MS'] ?? 10 * 60_000),
    wsMaxMs: Number(env['OVERCAST_APIGW_WS_MAX_MS'] ?? 2 * 3600_000),
  };
  const http = new HttpGateway(rd);
  const ws = new WebSocketGateway(rd);
  const c: V2Context = {
    store,
    clock: deps.clock,
    log: deps.log,
    server: deps.server,
    onReset: (apiId) => {
      authorizers.reset(apiId);
      if (!store.apis.has(apiId)) {
        ws.dropApi(apiId);
        throttle.forget(apiId + '/');
      }
    },
  };
  const operations = {
    ...apiOperations(c),
    ...tagOperations(c),
    ...routeOperations(c),
    ...integrationOperations(c),
    ...authorizerOperations(c),
    ...modelOperations(c),
    ...stageOperations(c),
    ...openApiOperations(c),
  };
  return {
    name: 'apigatewayv2',
    signingName: 'apigateway',
    protocol: 'restJson1',
    codecs: { restJson1: v2Codec },
    model,
    operations,
    validate: validator(model),
    mounts: [invokeMount(rd, http, ws)],
    close() {
      ws.close();
    },
  };
}
