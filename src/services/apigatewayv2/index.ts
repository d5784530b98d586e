import { Authenticator } from '../../core/auth/authenticate.js';
import type { HttpMount } from '../../core/http/mount.js';
import { readBody } from '../../core/http/read-body.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import { logsPort } from '../logs/port.js';
import { apiOperations, tagOperations } from './control/apis.js';
import type { V2Context } from './control/context.js';
import { dispatcher, encodeError } from './control/dispatch.js';
import { openApiOperations } from './control/openapi.js';
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

/** `Credential=<key>/<date>/<region>/apigateway/aws4_request` (header or presigned query). */
const SCOPE = /Credential=[^/]*\/[^/]*\/[^/]*\/apigateway\/|^[^/]*\/[^/]*\/[^/]*\/apigateway\//;

/**
 * API Gateway v2 (HTTP and WebSocket APIs). Its control plane shares the signing name `apigateway`
 * and the `/v2/` path prefix with others (REST APIs, the OCI registry), so it is served by a mount
 * that claims only signed requests naming one of this model's operations; the definition's own
 * signing name is distinct so that the pipeline keeps routing `apigateway` to REST APIs.
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
  const control = dispatcher(model, operations, auth, deps.clock, deps.log);
  const controlMount: HttpMount = {
    name: 'apigatewayv2-control',
    matches: (head) => {
      if (!head.rawPath.startsWith('/v2/')) return false;
      const credential = head.headers['authorization'] ?? head.query.get('X-Amz-Credential') ?? '';
      return SCOPE.test(credential) && control.claims(head.method, head.rawPath, head.query);
    },
    handle: async (head, req, res) => {
      let response;
      try {
        const body = await readBody(req);
        response = await control.handle({ ...head, rawHeaders: req.rawHeaders, body });
      } catch (err) {
        response = encodeError(err, deps.log, 'overcast');
      }
      const body = response.body;
      response.headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
      res.writeHead(response.status, response.headers);
      res.end(head.method === 'HEAD' ? undefined : body);
    },
  };
  return {
    name: 'apigatewayv2',
    signingName: 'apigatewayv2',
    protocol: 'restJson1',
    model,
    operations: {},
    mounts: [controlMount, invokeMount(rd, http, ws)],
    close() {
      ws.close();
    },
  };
}
