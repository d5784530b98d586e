import { camel, omit } from './camel.js';
import { ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { bool, compact, num, tagMap } from './types.js';

/** API Gateway v1 (REST APIs) through its restJson API, with CloudFormation's property names. */
const svc = 'apigateway';
const enc = encodeURIComponent;

async function rootResourceId(ctx: ProviderContext, apiId: string): Promise<string | undefined> {
  const res = await ctx.client.rest(svc, 'GET', `/restapis/${apiId}/resources`, undefined, { limit: '500' });
  return (res.item ?? res.items ?? []).find((r: { path: string }) => r.path === '/')?.id;
}

function restApiBody(props: Props, ctx: ProviderContext) {
  return compact({
    name: props['Name'] ?? ctx.physicalName(128),
    description: props['Description'],
    version: props['Version'],
    binaryMediaTypes: props['BinaryMediaTypes'],
    minimumCompressionSize: num(props['MinimumCompressionSize']),
    apiKeySource: props['ApiKeySourceType'],
    endpointConfiguration: props['EndpointConfiguration'] ? camel(props['EndpointConfiguration']) : undefined,
    policy:
      props['Policy'] === undefined
        ? undefined
        : typeof props['Policy'] === 'string'
          ? props['Policy']
          : JSON.stringify(props['Policy']),
    disableExecuteApiEndpoint: bool(props['DisableExecuteApiEndpoint']),
    tags: tagMap(props['Tags']),
  });
}

async function restApiAttributes(ctx: ProviderContext, id: string) {
  return { RestApiId: id, RootResourceId: await rootResourceId(ctx, id) };
}

/** The OpenAPI body to import; `name` stands in for a missing `info.title` (the resource's Name names the API anyway). */
function withTitle(raw: unknown, name: unknown): unknown {
  const body = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (typeof name !== 'string' || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const info = (body as { info?: unknown }).info;
  if (info && typeof info === 'object' && typeof (info as { title?: unknown }).title === 'string') return body;
  return { ...body, info: { ...(info && typeof info === 'object' ? info : {}), title: name } };
}

export const restApi: ResourceProvider = {
  replaceOn: [],
  attributes: ['RestApiId', 'RootResourceId'],
  async create(props, ctx) {
    let id: string;
    if (props['Body'] !== undefined) {
      // A body without info.title (SAM's DefinitionBody often has none) is named as CloudFormation names
      // resources without a name of their own.
      const body = withTitle(props['Body'], props['Name'] ?? ctx.physicalName(128));
      const api = await ctx.client.rest(svc, 'POST', '/restapis', body, {
        mode: 'import',
        failonwarnings: String(bool(props['FailOnWarnings']) ?? false),
      });
      id = api.id;
      if (props['Name'] !== undefined && props['Name'] !== api.name)
        await ctx.client.rest(svc, 'PATCH', `/restapis/${id}`, {
          patchOperations: [{ op: 'replace', path: '/name', value: props['Name'] }],
        });
    } else {
      const api = await ctx.client.rest(svc, 'POST', '/restapis', restApiBody(props, ctx));
      id = api.id;
    }
    return { physicalId: id, attributes: await restApiAttributes(ctx, id) };
  },
  async update(id, props, old, _attrs, ctx) {
    if (props['Body'] !== undefined) {
      const body = withTitle(props['Body'], props['Name']);
      await ctx.client.rest(svc, 'PUT', `/restapis/${id}`, body, { mode: 'overwrite' });
    }
    const ops: unknown[] = [];
    for (const [k, path] of [
      ['Name', '/name'],
      ['Description', '/description'],
    ] as const)
      if (props[k] !== old[k] && props[k] !== undefined) ops.push({ op: 'replace', path, value: String(props[k]) });
    if (ops.length) await ctx.client.rest(svc, 'PATCH', `/restapis/${id}`, { patchOperations: ops });
    return { physicalId: id, attributes: await restApiAttributes(ctx, id) };
  },
  async delete(id, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${id}`));
  },
};

export const apiResource: ResourceProvider = {
  replaceOn: '*',
  attributes: ['ResourceId'],
  async create(props, ctx) {
    const r = await ctx.client.rest(svc, 'POST', `/restapis/${props['RestApiId']}/resources/${props['ParentId']}`, {
      pathPart: props['PathPart'],
    });
    return { physicalId: r.id, attributes: { ResourceId: r.id } };
  },
  async delete(id, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/resources/${id}`));
  },
};

async function putMethod(props: Props, ctx: ProviderContext) {
  const base = `/restapis/${props['RestApiId']}/resources/${props['ResourceId']}/methods/${props['HttpMethod']}`;
  await ctx.client.rest(
    svc,
    'PUT',
    base,
    compact({
      authorizationType: props['AuthorizationType'] ?? 'NONE',
      authorizerId: props['AuthorizerId'],
      apiKeyRequired: bool(props['ApiKeyRequired']),
      operationName: props['OperationName'],
      requestParameters: props['RequestParameters'],
      requestModels: props['RequestModels'],
      requestValidatorId: props['RequestValidatorId'],
      authorizationScopes: props['AuthorizationScopes'],
    }),
  );
  for (const mr of (props['MethodResponses'] ?? []) as Props[])
    await ctx.client.rest(
      svc,
      'PUT',
      `${base}/responses/${mr['StatusCode']}`,
      compact({ responseParameters: mr['ResponseParameters'], responseModels: mr['ResponseModels'] }),
    );
  const integ = props['Integration'] as Props | undefined;
  if (integ) {
    await ctx.client.rest(
      svc,
      'PUT',
      `${base}/integration`,
      compact({
        type: integ['Type'],
        httpMethod: integ['IntegrationHttpMethod'],
        uri: integ['Uri'],
        credentials: integ['Credentials'],
        requestParameters: integ['RequestParameters'],
        requestTemplates: integ['RequestTemplates'],
        passthroughBehavior: integ['PassthroughBehavior'],
        contentHandling: integ['ContentHandling'],
        timeoutInMillis: num(integ['TimeoutInMillis']),
        cacheNamespace: integ['CacheNamespace'],
        cacheKeyParameters: integ['CacheKeyParameters'],
        connectionType: integ['ConnectionType'],
        connectionId: integ['ConnectionId'],
      }),
    );
    for (const ir of (integ['IntegrationResponses'] ?? []) as Props[])
      await ctx.client.rest(
        svc,
        'PUT',
        `${base}/integration/responses/${ir['StatusCode']}`,
        compact({
          selectionPattern: ir['SelectionPattern'],
          responseParameters: ir['ResponseParameters'],
          responseTemplates: ir['ResponseTemplates'],
          contentHandling: ir['ContentHandling'],
        }),
      );
  }
  return `${props['RestApiId']}|${props['ResourceId']}|${props['HttpMethod']}`;
}

async function deleteMethod(props: Props, ctx: ProviderContext) {
  await ignoreNotFound(
    ctx.client.rest(
      svc,
      'DELETE',
      `/restapis/${props['RestApiId']}/resources/${props['ResourceId']}/methods/${props['HttpMethod']}`,
    ),
  );
}

export const apiMethod: ResourceProvider = {
  replaceOn: ['RestApiId', 'ResourceId', 'HttpMethod'],
  async create(props, ctx) {
    return { physicalId: await putMethod(props, ctx) };
  },
  async update(_id, props, _old, _attrs, ctx) {
    await deleteMethod(props, ctx);
    return { physicalId: await putMethod(props, ctx) };
  },
  async delete(_id, props, _attrs, ctx) {
    await deleteMethod(props, ctx);
  },
};

export const apiDeployment: ResourceProvider = {
  replaceOn: ['RestApiId', 'DeploymentCanarySettings'],
  attributes: ['DeploymentId'],
  async create(props, ctx) {
    const d = await ctx.client.rest(
      svc,
      'POST',
      `/restapis/${props['RestApiId']}/deployments`,
      compact({
        stageName: props['StageName'],
        description: props['Description'],
        stageDescription: props['StageDescription']?.Description,
        variables: props['StageDescription']?.Variables,
      }),
    );
    return { physicalId: d.id, attributes: { DeploymentId: d.id } };
  },
  async update(id, props, _old, attrs, ctx) {
    if (props['Description'] !== undefined)
      await ctx.client.rest(svc, 'PATCH', `/restapis/${props['RestApiId']}/deployments/${id}`, {
        patchOperations: [{ op: 'replace', path: '/description', value: String(props['Description']) }],
      });
    return { physicalId: id, attributes: attrs };
  },
  async delete(id, props, _attrs, ctx) {
    if (props['StageName'] !== undefined)
      await ignoreNotFound(
        ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/stages/${enc(String(props['StageName']))}`),
      );
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/deployments/${id}`));
  },
};

export const apiStage: ResourceProvider = {
  replaceOn: ['RestApiId', 'StageName'],
  async create(props, ctx) {
    const name = String(props['StageName'] ?? ctx.physicalName(128));
    await ctx.client.rest(
      svc,
      'POST',
      `/restapis/${props['RestApiId']}/stages`,
      compact({
        stageName: name,
        deploymentId: props['DeploymentId'],
        description: props['Description'],
        variables: props['Variables'],
        cacheClusterEnabled: bool(props['CacheClusterEnabled']),
        tracingEnabled: bool(props['TracingEnabled']),
        tags: tagMap(props['Tags']),
      }),
    );
    return { physicalId: name };
  },
  async update(name, props, old, _attrs, ctx) {
    const ops: unknown[] = [];
    if (props['DeploymentId'] !== old['DeploymentId'])
      ops.push({ op: 'replace', path: '/deploymentId', value: String(props['DeploymentId']) });
    if (props['Description'] !== old['Description'])
      ops.push({ op: 'replace', path: '/description', value: String(props['Description'] ?? '') });
    const vars = (props['Variables'] ?? {}) as Record<string, string>;
    const oldVars = (old['Variables'] ?? {}) as Record<string, string>;
    for (const k of Object.keys(oldVars)) if (!(k in vars)) ops.push({ op: 'remove', path: `/variables/${k}` });
    for (const [k, v] of Object.entries(vars))
      if (oldVars[k] !== v) ops.push({ op: 'replace', path: `/variables/${k}`, value: String(v) });
    if (ops.length)
      await ctx.client.rest(svc, 'PATCH', `/restapis/${props['RestApiId']}/stages/${enc(name)}`, {
        patchOperations: ops,
      });
    return { physicalId: name };
  },
  async delete(name, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/stages/${enc(name)}`));
  },
};

export const apiAuthorizer: ResourceProvider = {
  replaceOn: ['RestApiId'],
  attributes: ['AuthorizerId'],
  async create(props, ctx) {
    const body = camel(omit(props, 'RestApiId')) as Props;
    if (body['authorizerResultTtlInSeconds'] !== undefined)
      body['authorizerResultTtlInSeconds'] = num(body['authorizerResultTtlInSeconds']);
    body['name'] ??= ctx.physicalName(128);
    const a = await ctx.client.rest(svc, 'POST', `/restapis/${props['RestApiId']}/authorizers`, body);
    return { physicalId: a.id, attributes: { AuthorizerId: a.id } };
  },
  async update(id, props, _old, _attrs, ctx) {
    await apiAuthorizer.delete(id, props, {}, ctx);
    return apiAuthorizer.create(props, ctx);
  },
  async delete(id, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/authorizers/${id}`));
  },
};

export const apiKey: ResourceProvider = {
  replaceOn: '*',
  attributes: ['APIKeyId'],
  async create(props, ctx) {
    const k = await ctx.client.rest(
      svc,
      'POST',
      '/apikeys',
      compact({
        name: props['Name'] ?? ctx.physicalName(128),
        description: props['Description'],
        enabled: bool(props['Enabled']) ?? false,
        value: props['Value'],
        generateDistinctId: bool(props['GenerateDistinctId']),
        customerId: props['CustomerId'],
        stageKeys: (props['StageKeys'] as Props[] | undefined)?.map((s) => ({
          restApiId: s['RestApiId'],
          stageName: s['StageName'],
        })),
        tags: tagMap(props['Tags']),
      }),
    );
    return { physicalId: k.id, attributes: { APIKeyId: k.id } };
  },
  async delete(id, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/apikeys/${id}`));
  },
};

export const usagePlan: ResourceProvider = {
  replaceOn: '*',
  attributes: ['Id'],
  async create(props, ctx) {
    const p = await ctx.client.rest(
      svc,
      'POST',
      '/usageplans',
      compact({
        name: props['UsagePlanName'] ?? ctx.physicalName(128),
        description: props['Description'],
        apiStages: (props['ApiStages'] as Props[] | undefined)?.map((s) =>
          compact({ apiId: s['ApiId'], stage: s['Stage'], throttle: s['Throttle'] ? camel(s['Throttle']) : undefined }),
        ),
        throttle: props['Throttle']
          ? { burstLimit: num(props['Throttle'].BurstLimit), rateLimit: num(props['Throttle'].RateLimit) }
          : undefined,
        quota: props['Quota']
          ? compact({
              limit: num(props['Quota'].Limit),
              offset: num(props['Quota'].Offset),
              period: props['Quota'].Period,
            })
          : undefined,
        tags: tagMap(props['Tags']),
      }),
    );
    return { physicalId: p.id, attributes: { Id: p.id } };
  },
  async delete(id, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/usageplans/${id}`));
  },
};

export const usagePlanKey: ResourceProvider = {
  replaceOn: '*',
  attributes: ['Id'],
  async create(props, ctx) {
    await ctx.client.rest(svc, 'POST', `/usageplans/${props['UsagePlanId']}/keys`, {
      keyId: props['KeyId'],
      keyType: props['KeyType'] ?? 'API_KEY',
    });
    return { physicalId: String(props['KeyId']), attributes: { Id: `${props['KeyId']}:${props['UsagePlanId']}` } };
  },
  async delete(id, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/usageplans/${props['UsagePlanId']}/keys/${id}`));
  },
};

export const apiRequestValidator: ResourceProvider = {
  replaceOn: '*',
  attributes: ['RequestValidatorId'],
  async create(props, ctx) {
    const v = await ctx.client.rest(
      svc,
      'POST',
      `/restapis/${props['RestApiId']}/requestvalidators`,
      compact({
        name: props['Name'] ?? ctx.physicalName(128),
        validateRequestBody: bool(props['ValidateRequestBody']),
        validateRequestParameters: bool(props['ValidateRequestParameters']),
      }),
    );
    return { physicalId: v.id, attributes: { RequestValidatorId: v.id } };
  },
  async delete(id, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/requestvalidators/${id}`));
  },
};

export const apiModel: ResourceProvider = {
  replaceOn: '*',
  async create(props, ctx) {
    const name = String(props['Name'] ?? ctx.logicalId);
    await ctx.client.rest(
      svc,
      'POST',
      `/restapis/${props['RestApiId']}/models`,
      compact({
        name,
        contentType: props['ContentType'] ?? 'application/json',
        description: props['Description'],
        schema:
          props['Schema'] === undefined
            ? undefined
            : typeof props['Schema'] === 'string'
              ? props['Schema']
              : JSON.stringify(props['Schema']),
      }),
    );
    return { physicalId: name };
  },
  async delete(name, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/models/${enc(name)}`));
  },
};

export const gatewayResponse: ResourceProvider = {
  replaceOn: '*',
  async create(props, ctx) {
    await ctx.client.rest(
      svc,
      'PUT',
      `/restapis/${props['RestApiId']}/gatewayresponses/${props['ResponseType']}`,
      compact({
        statusCode: props['StatusCode'],
        responseParameters: props['ResponseParameters'],
        responseTemplates: props['ResponseTemplates'],
      }),
    );
    return { physicalId: `${props['RestApiId']}|${props['ResponseType']}` };
  },
  async delete(_id, props, _attrs, ctx) {
    await ignoreNotFound(
      ctx.client.rest(svc, 'DELETE', `/restapis/${props['RestApiId']}/gatewayresponses/${props['ResponseType']}`),
    );
  },
};

/** AWS::ApiGateway::Account (the CloudWatch role of the account): stored only. */
export const apiAccount: ResourceProvider = {
  replaceOn: [],
  async create(_props, ctx) {
    return { physicalId: `${ctx.stackName}-${ctx.logicalId}` };
  },
  async update(id) {
    return { physicalId: id };
  },
  async delete() {},
};
