import { camel, omit } from './camel.js';
import { ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { tagMap } from './types.js';

/** API Gateway v2 (HTTP and WebSocket APIs) through its restJson API, with CloudFormation's property names. */
const svc = 'apigateway';

function apiBody(props: Props, ctx: ProviderContext) {
  const body = camel(omit(props, 'Body', 'BodyS3Location', 'BasePath', 'FailOnWarnings', 'Tags')) as Props;
  body['name'] ??= ctx.physicalName(128);
  if (props['Tags']) body['tags'] = tagMap(props['Tags']);
  return body;
}

async function apiAttributes(ctx: ProviderContext, id: string) {
  const api = await ctx.client.rest(svc, 'GET', `/v2/apis/${id}`);
  return { ApiId: id, ApiEndpoint: api.apiEndpoint };
}

export const httpApi: ResourceProvider = {
  replaceOn: ['ProtocolType'],
  attributes: ['ApiEndpoint', 'ApiId'],
  async create(props, ctx) {
    let id: string;
    if (props['Body'] !== undefined) {
      const body = typeof props['Body'] === 'string' ? props['Body'] : JSON.stringify(props['Body']);
      const api = await ctx.client.rest(
        svc,
        'PUT',
        '/v2/apis',
        { body },
        { failOnWarnings: props['FailOnWarnings'] === undefined ? undefined : String(props['FailOnWarnings']) },
      );
      id = api.apiId;
    } else id = (await ctx.client.rest(svc, 'POST', '/v2/apis', apiBody(props, ctx))).apiId;
    return { physicalId: id, attributes: await apiAttributes(ctx, id) };
  },
  async update(id, props, _old, _attrs, ctx) {
    if (props['Body'] !== undefined) {
      const body = typeof props['Body'] === 'string' ? props['Body'] : JSON.stringify(props['Body']);
      await ctx.client.rest(svc, 'PUT', `/v2/apis/${id}`, { body });
    } else {
      const body = apiBody(props, ctx);
      delete body['protocolType'];
      delete body['tags'];
      await ctx.client.rest(svc, 'PATCH', `/v2/apis/${id}`, body);
    }
    return { physicalId: id, attributes: await apiAttributes(ctx, id) };
  },
  async delete(id, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/v2/apis/${id}`));
  },
};

/** A sub-resource of an API: created with POST, updated with PATCH of the same members. */
function child(
  kind: string,
  idField: string,
  attribute: string | undefined,
  immutable: string[],
  nameField?: string,
): ResourceProvider {
  const body = (props: Props, ctx: ProviderContext) => {
    const b = camel(omit(props, 'ApiId', 'Tags')) as Props;
    if (nameField && b[nameField] === undefined) b[nameField] = ctx.physicalName(128);
    if (props['Tags']) b['tags'] = tagMap(props['Tags']);
    return b;
  };
  return {
    replaceOn: ['ApiId', ...immutable],
    ...(attribute ? { attributes: [attribute] } : {}),
    async create(props, ctx) {
      const r = await ctx.client.rest(svc, 'POST', `/v2/apis/${props['ApiId']}/${kind}`, body(props, ctx));
      const id = String(r[idField]);
      return { physicalId: id, ...(attribute ? { attributes: { [attribute]: id } } : {}) };
    },
    async update(id, props, _old, attrs, ctx) {
      const b = body(props, ctx);
      for (const f of immutable) delete b[f.charAt(0).toLowerCase() + f.slice(1)];
      delete b['tags'];
      await ctx.client.rest(svc, 'PATCH', `/v2/apis/${props['ApiId']}/${kind}/${encodeURIComponent(id)}`, b);
      return { physicalId: id, attributes: attrs };
    },
    async delete(id, props, _attrs, ctx) {
      await ignoreNotFound(
        ctx.client.rest(svc, 'DELETE', `/v2/apis/${props['ApiId']}/${kind}/${encodeURIComponent(id)}`),
      );
    },
  };
}

export const httpRoute = child('routes', 'routeId', 'RouteId', []);
export const httpIntegration = child('integrations', 'integrationId', 'IntegrationId', []);
export const httpStage = child('stages', 'stageName', undefined, ['StageName'], 'stageName');
export const httpAuthorizer = child('authorizers', 'authorizerId', 'AuthorizerId', [], 'name');
export const httpDeployment = child('deployments', 'deploymentId', 'DeploymentId', ['StageName']);
