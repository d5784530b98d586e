import {
  CreateApiKeyCommand,
  CreateAuthorizerCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  GetApiKeyCommand,
  GetGatewayResponseCommand,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetTagsCommand,
  GetUsagePlanKeysCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  TagResourceCommand,
  UpdateMethodCommand,
  UpdateResourceCommand,
  UpdateRestApiCommand,
  UpdateStageCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { apigwClient, deploy } from './helpers.js';

let server: TestServer;
let client: APIGatewayClient;

beforeAll(async () => {
  server = await startTestServer();
  client = apigwClient(server.endpoint);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

describe('REST APIs', () => {
  it('creates an API with its root resource and AWS defaults', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'pets', description: 'd', tags: { team: 'a' } }));
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api).toMatchObject({
      name: 'pets',
      description: 'd',
      apiKeySource: 'HEADER',
      disableExecuteApiEndpoint: false,
      endpointConfiguration: { types: ['EDGE'] },
      tags: { team: 'a' },
    });
    expect(api.createdDate).toBeInstanceOf(Date);
    const resources = await client.send(new GetResourcesCommand({ restApiId: api.id! }));
    expect(resources.items).toEqual([{ id: api.rootResourceId, path: '/' }]);
    const list = await client.send(new GetRestApisCommand({}));
    expect(list.items!.map((a) => a.id)).toContain(api.id);
  });

  it('answers AWS errors for unknown ids', async () => {
    await expect(client.send(new GetRestApiCommand({ restApiId: 'nope000000' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid API identifier specified 000000000000:nope000000',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      client.send(new CreateResourceCommand({ restApiId: 'nope000000', parentId: 'x', pathPart: 'a' })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Resource identifier specified',
    });
    await expect(client.send(new CreateRestApiCommand({ name: 'x', description: '' }))).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Description cannot be an empty string',
    });
  });

  it('applies patch operations as AWS does', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'patchme' }));
    const updated = await client.send(
      new UpdateRestApiCommand({
        restApiId: api.id!,
        patchOperations: [
          { op: 'replace', path: '/name', value: 'renamed' },
          { op: 'add', path: '/binaryMediaTypes/image~1png', value: '' },
          { op: 'add', path: '/binaryMediaTypes/application~1octet-stream' },
          { op: 'replace', path: '/minimumCompressionSize', value: '1024' },
        ],
      }),
    );
    expect(updated).toMatchObject({
      name: 'renamed',
      binaryMediaTypes: ['image/png', 'application/octet-stream'],
      minimumCompressionSize: 1024,
    });
    const removed = await client.send(
      new UpdateRestApiCommand({
        restApiId: api.id!,
        patchOperations: [{ op: 'remove', path: '/binaryMediaTypes/image~1png' }],
      }),
    );
    expect(removed.binaryMediaTypes).toEqual(['application/octet-stream']);
    await expect(
      client.send(
        new UpdateRestApiCommand({
          restApiId: api.id!,
          patchOperations: [{ op: 'replace', path: '/nonsense', value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Invalid patch path /nonsense',
    });
    await expect(
      client.send(
        new UpdateRestApiCommand({
          restApiId: api.id!,
          patchOperations: [{ op: 'replace', path: '/minimumCompressionSize', value: '-1' }],
        }),
      ),
    ).rejects.toMatchObject({
      message: 'Invalid minimum compression size, must be between 0 and 10485760',
    });
  });
});

describe('resources, methods and integrations', () => {
  it('builds a tree and enforces AWS path rules', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'tree' }));
    const root = api.rootResourceId!;
    const pets = await client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: 'pets' }));
    const id = await client.send(
      new CreateResourceCommand({ restApiId: api.id!, parentId: pets.id!, pathPart: '{id}' }),
    );
    expect(id.path).toBe('/pets/{id}');
    await expect(
      client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: 'pets' })),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      message: 'Another resource with the same parent already has this name: pets',
    });
    await expect(
      client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: pets.id!, pathPart: '{other}' })),
    ).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'A sibling ({id}) of this resource already has a variable path part -- only one is allowed',
    });
    const proxy = await client.send(
      new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: '{proxy+}' }),
    );
    await expect(
      client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: proxy.id!, pathPart: 'x' })),
    ).rejects.toMatchObject({
      message: 'Cannot create a child of a resource with a greedy path variable: {proxy+}',
    });
    const moved = await client.send(
      new UpdateResourceCommand({
        restApiId: api.id!,
        resourceId: pets.id!,
        patchOperations: [{ op: 'replace', path: '/pathPart', value: 'animals' }],
      }),
    );
    expect(moved.path).toBe('/animals');
    const all = await client.send(new GetResourcesCommand({ restApiId: api.id! }));
    expect(all.items!.map((r) => r.path).sort()).toEqual(['/', '/animals', '/animals/{id}', '/{proxy+}']);
    await client.send(new DeleteResourceCommand({ restApiId: api.id!, resourceId: pets.id! }));
    const after = await client.send(new GetResourcesCommand({ restApiId: api.id! }));
    expect(after.items!.map((r) => r.path).sort()).toEqual(['/', '/{proxy+}']);
  });

  it('stores methods, integrations and responses with AWS defaults', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'methods' }));
    const root = api.rootResourceId!;
    const put = await client.send(
      new PutMethodCommand({
        restApiId: api.id!,
        resourceId: root,
        httpMethod: 'GET',
        authorizationType: 'NONE',
        requestParameters: { 'method.request.querystring.q': true },
      }),
    );
    expect(put).toMatchObject({
      httpMethod: 'GET',
      authorizationType: 'NONE',
      apiKeyRequired: false,
      requestParameters: { 'method.request.querystring.q': true },
    });
    await expect(
      client.send(
        new PutMethodCommand({ restApiId: api.id!, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }),
      ),
    ).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(
      client.send(
        new PutMethodCommand({ restApiId: api.id!, resourceId: root, httpMethod: 'FETCH', authorizationType: 'NONE' }),
      ),
    ).rejects.toMatchObject({
      message: 'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY',
    });
    await expect(
      client.send(
        new PutMethodCommand({ restApiId: api.id!, resourceId: root, httpMethod: 'POST', authorizationType: 'CUSTOM' }),
      ),
    ).rejects.toMatchObject({
      message:
        'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.',
    });
    await client.send(
      new PutMethodResponseCommand({
        restApiId: api.id!,
        resourceId: root,
        httpMethod: 'GET',
        statusCode: '200',
        responseParameters: { 'method.response.header.X-A': false },
      }),
    );
    const integration = await client.send(
      new PutIntegrationCommand({
        restApiId: api.id!,
        resourceId: root,
        httpMethod: 'GET',
        type: 'HTTP',
        integrationHttpMethod: 'GET',
        uri: 'http://example.com/{q}',
      }),
    );
    expect(integration).toMatchObject({
      type: 'HTTP',
      httpMethod: 'GET',
      uri: 'http://example.com/{q}',
      passthroughBehavior: 'WHEN_NO_MATCH',
      timeoutInMillis: 29000,
      cacheKeyParameters: [],
      cacheNamespace: root,
    });
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: api.id!,
        resourceId: root,
        httpMethod: 'GET',
        statusCode: '200',
        responseTemplates: { 'application/json': '$input.body' },
      }),
    );
    const method = await client.send(new GetMethodCommand({ restApiId: api.id!, resourceId: root, httpMethod: 'GET' }));
    expect(method.methodResponses!['200']).toEqual({
      statusCode: '200',
      responseParameters: { 'method.response.header.X-A': false },
    });
    expect(method.methodIntegration!.integrationResponses!['200']).toEqual({
      statusCode: '200',
      selectionPattern: '',
      responseTemplates: { 'application/json': '$input.body' },
    });
    const patched = await client.send(
      new UpdateMethodCommand({
        restApiId: api.id!,
        resourceId: root,
        httpMethod: 'GET',
        patchOperations: [
          { op: 'replace', path: '/apiKeyRequired', value: 'true' },
          { op: 'remove', path: '/requestParameters/method.request.querystring.q' },
        ],
      }),
    );
    expect(patched.apiKeyRequired).toBe(true);
    expect(patched.requestParameters).toBeUndefined();
    await expect(
      client.send(new GetIntegrationCommand({ restApiId: api.id!, resourceId: root, httpMethod: 'POST' })),
    ).rejects.toMatchObject({ message: 'Invalid Method identifier specified' });
  });
});

describe('deployments, stages, authorizers, keys and plans', () => {
  it('deploys to stages and patches stage settings', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'stages' }));
    await client.send(
      new PutMethodCommand({
        restApiId: api.id!,
        resourceId: api.rootResourceId!,
        httpMethod: 'GET',
        authorizationType: 'NONE',
      }),
    );
    await client.send(
      new PutIntegrationCommand({
        restApiId: api.id!,
        resourceId: api.rootResourceId!,
        httpMethod: 'GET',
        type: 'MOCK',
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
      }),
    );
    const d = await deploy(client, api.id!, 'dev', { a: '1' });
    const stage = await client.send(new GetStageCommand({ restApiId: api.id!, stageName: 'dev' }));
    expect(stage).toMatchObject({
      stageName: 'dev',
      deploymentId: d.id,
      variables: { a: '1' },
      cacheClusterEnabled: false,
      cacheClusterStatus: 'NOT_AVAILABLE',
      tracingEnabled: false,
      methodSettings: {},
    });
    await expect(
      client.send(new CreateStageCommand({ restApiId: api.id!, stageName: 'dev', deploymentId: d.id! })),
    ).rejects.toMatchObject({ name: 'ConflictException' });
    const updated = await client.send(
      new UpdateStageCommand({
        restApiId: api.id!,
        stageName: 'dev',
        patchOperations: [
          { op: 'replace', path: '/*/*/throttling/rateLimit', value: '5' },
          { op: 'replace', path: '/~1/GET/caching/enabled', value: 'true' },
          { op: 'replace', path: '/variables/b', value: '2' },
          { op: 'replace', path: '/accessLogSettings/format', value: '$context.requestId' },
        ],
      }),
    );
    expect(updated.methodSettings!['*/*']).toMatchObject({ throttlingRateLimit: 5, throttlingBurstLimit: 5000 });
    expect(updated.methodSettings!['~1/GET']).toMatchObject({ cachingEnabled: true, cacheTtlInSeconds: 300 });
    expect(updated.variables).toEqual({ a: '1', b: '2' });
    await expect(
      client.send(
        new UpdateStageCommand({
          restApiId: api.id!,
          stageName: 'dev',
          patchOperations: [{ op: 'replace', path: '/accessLogSettings/wrong', value: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({
      message:
        'Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, /accessLogSettings/format]',
    });
    await expect(client.send(new GetStageCommand({ restApiId: api.id!, stageName: 'nope' }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Stage identifier specified',
    });
  });

  it('stores authorizers, validators, models, gateway responses and tags', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'misc' }));
    const a = await client.send(
      new CreateAuthorizerCommand({
        restApiId: api.id!,
        name: 'tok',
        type: 'TOKEN',
        authorizerUri:
          'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations',
        identitySource: 'method.request.header.Authorization',
      }),
    );
    expect(a).toMatchObject({ name: 'tok', type: 'TOKEN', authorizerResultTtlInSeconds: 300 });
    const cognito = await client.send(
      new CreateAuthorizerCommand({
        restApiId: api.id!,
        name: 'pool',
        type: 'COGNITO_USER_POOLS',
        providerARNs: ['arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_x'],
        identitySource: 'method.request.header.Authorization',
      }),
    );
    expect(cognito.providerARNs).toHaveLength(1);
    const v = await client.send(
      new CreateRequestValidatorCommand({ restApiId: api.id!, name: 'body', validateRequestBody: true }),
    );
    expect(v).toMatchObject({ name: 'body', validateRequestBody: true, validateRequestParameters: false });
    await expect(
      client.send(new CreateRequestValidatorCommand({ restApiId: 'nope000000', name: 'x' })),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: 'Invalid REST API identifier specified' });
    const m = await client.send(
      new CreateModelCommand({
        restApiId: api.id!,
        name: 'Pet',
        contentType: 'application/json',
        schema: '{"type":"object","properties":{"name":{"type":"string"}}}',
      }),
    );
    expect(m.name).toBe('Pet');
    await expect(
      client.send(
        new CreateModelCommand({
          restApiId: api.id!,
          name: 'Pet',
          contentType: 'application/json',
          schema: '{"type":"object","properties":{}}',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ConflictException',
      message: 'Model name already exists for this REST API',
    });
    const defaultResponse = await client.send(
      new GetGatewayResponseCommand({ restApiId: api.id!, responseType: 'MISSING_AUTHENTICATION_TOKEN' }),
    );
    expect(defaultResponse).toMatchObject({
      statusCode: '403',
      defaultResponse: true,
      responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
    });
    const custom = await client.send(
      new PutGatewayResponseCommand({
        restApiId: api.id!,
        responseType: 'DEFAULT_4XX',
        statusCode: '418',
        responseTemplates: { 'application/json': '{"oops":true}' },
      }),
    );
    expect(custom).toMatchObject({ defaultResponse: false, statusCode: '418' });
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { k: 'v' } }));
    expect((await client.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ k: 'v' });
  });

  it('creates API keys and usage plans with keys', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'plans' }));
    await client.send(
      new PutMethodCommand({
        restApiId: api.id!,
        resourceId: api.rootResourceId!,
        httpMethod: 'GET',
        authorizationType: 'NONE',
      }),
    );
    await client.send(
      new PutIntegrationCommand({
        restApiId: api.id!,
        resourceId: api.rootResourceId!,
        httpMethod: 'GET',
        type: 'MOCK',
      }),
    );
    await deploy(client, api.id!, 'prod');
    const key = await client.send(new CreateApiKeyCommand({ name: 'k1', enabled: true }));
    expect(key.value).toHaveLength(40);
    expect((await client.send(new GetApiKeyCommand({ apiKey: key.id! }))).value).toBeUndefined();
    expect((await client.send(new GetApiKeyCommand({ apiKey: key.id!, includeValue: true }))).value).toBe(key.value);
    const plan = await client.send(
      new CreateUsagePlanCommand({
        name: 'basic',
        apiStages: [{ apiId: api.id!, stage: 'prod' }],
        throttle: { rateLimit: 10, burstLimit: 5 },
        quota: { limit: 100, period: 'DAY' },
      }),
    );
    expect(plan).toMatchObject({
      name: 'basic',
      apiStages: [{ apiId: api.id, stage: 'prod' }],
      quota: { limit: 100, period: 'DAY', offset: 0 },
    });
    const pk = await client.send(
      new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }),
    );
    expect(pk).toMatchObject({ id: key.id, type: 'API_KEY', value: key.value, name: 'k1' });
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id! }))).items).toHaveLength(1);
    const updated = await client.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id!,
        patchOperations: [
          { op: 'replace', path: '/quota/limit', value: '5' },
          { op: 'replace', path: '/throttle/rateLimit', value: '2.5' },
        ],
      }),
    );
    expect(updated).toMatchObject({ quota: { limit: 5 }, throttle: { rateLimit: 2.5, burstLimit: 5 } });
    await expect(
      client.send(new CreateUsagePlanCommand({ name: 'bad', apiStages: [{ apiId: api.id!, stage: 'nope' }] })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('deletes an API and forgets it', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'gone' }));
    await client.send(new DeleteRestApiCommand({ restApiId: api.id! }));
    await expect(client.send(new GetRestApiCommand({ restApiId: api.id! }))).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });
});

describe.skipIf(!hasAwsCli)('AWS CLI', () => {
  it('create-rest-api, create-resource, put-method, get-resources', async () => {
    const api = await aws(server.endpoint, ['apigateway', 'create-rest-api', '--name', 'cli-api']);
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    const root = (await aws(server.endpoint, ['apigateway', 'get-resources', '--rest-api-id', api.id])).items[0];
    expect(root.path).toBe('/');
    const res = await aws(server.endpoint, [
      'apigateway',
      'create-resource',
      '--rest-api-id',
      api.id,
      '--parent-id',
      root.id,
      '--path-part',
      'items',
    ]);
    expect(res.path).toBe('/items');
    await aws(server.endpoint, [
      'apigateway',
      'put-method',
      '--rest-api-id',
      api.id,
      '--resource-id',
      res.id,
      '--http-method',
      'GET',
      '--authorization-type',
      'NONE',
    ]);
    await aws(server.endpoint, [
      'apigateway',
      'put-integration',
      '--rest-api-id',
      api.id,
      '--resource-id',
      res.id,
      '--http-method',
      'GET',
      '--type',
      'MOCK',
      '--request-templates',
      '{"application/json":"{\\"statusCode\\": 200}"}',
    ]);
    const all = await aws(server.endpoint, ['apigateway', 'get-resources', '--rest-api-id', api.id]);
    expect(all.items.find((r: { path: string }) => r.path === '/items').resourceMethods).toEqual({ GET: {} });
    const updated = await aws(server.endpoint, [
      'apigateway',
      'update-rest-api',
      '--rest-api-id',
      api.id,
      '--patch-operations',
      'op=replace,path=/description,value=hello',
    ]);
    expect(updated.description).toBe('hello');
  });
});
