import {
  GetAuthorizersCommand,
  GetExportCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { apigwClient, deploy, fnUri, invokeUrl } from './helpers.js';

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

const PETSTORE = `openapi: 3.0.1
info:
  title: PetStore
  description: A realistic pet store
  version: '2026-01-01'
x-amazon-apigateway-binary-media-types: [image/png]
x-amazon-apigateway-api-key-source: HEADER
x-amazon-apigateway-request-validators:
  all: { validateRequestBody: true, validateRequestParameters: true }
x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX:
    responseParameters: { gatewayresponse.header.Access-Control-Allow-Origin: "'*'" }
    responseTemplates: { application/json: '{"message":$context.error.messageString}' }
paths:
  /pets:
    get:
      operationId: ListPets
      parameters:
        - { name: type, in: query, required: false, schema: { type: string } }
      responses:
        '200': { description: ok, headers: { Access-Control-Allow-Origin: { schema: { type: string } } } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses:
          default:
            statusCode: '200'
            responseParameters: { method.response.header.Access-Control-Allow-Origin: "'*'" }
            responseTemplates: { application/json: '[{"id": 1, "type": "$input.params(''type'')"}]' }
    post:
      operationId: CreatePet
      x-amazon-apigateway-request-validator: all
      requestBody:
        content:
          application/json: { schema: { $ref: '#/components/schemas/NewPet' } }
      security: [{ api_key: [] }]
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: { application/json: '{"statusCode": 200}' }
        responses: { default: { statusCode: '200', responseTemplates: { application/json: '{"created": true}' } } }
  /pets/{petId}:
    parameters:
      - { name: petId, in: path, required: true, schema: { type: string } }
    get:
      security: [{ tokenAuth: [] }]
      responses: { '200': { description: ok } }
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: ${fnUri('pets')}
  /{proxy+}:
    x-amazon-apigateway-any-method:
      responses: {}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: http://127.0.0.1:9/{proxy}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: { type: string }
        age: { type: integer }
  securitySchemes:
    api_key: { type: apiKey, name: x-api-key, in: header }
    tokenAuth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: ${fnUri('auth')}
        authorizerResultTtlInSeconds: 60
`;

describe('ImportRestApi / PutRestApi / GetExport', () => {
  let apiId: string;

  it('imports a realistic OpenAPI 3 YAML definition', async () => {
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(PETSTORE) }));
    apiId = api.id!;
    expect(api).toMatchObject({
      name: 'PetStore',
      description: 'A realistic pet store',
      version: '2026-01-01',
      binaryMediaTypes: ['image/png'],
    });
    const resources = await client.send(new GetResourcesCommand({ restApiId: apiId, embed: ['methods'] }));
    const byPath = Object.fromEntries(resources.items!.map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual(['/', '/pets', '/pets/{petId}', '/{proxy+}']);
    expect(Object.keys(byPath['/pets']!.resourceMethods!).sort()).toEqual(['GET', 'POST']);
    const post = await client.send(
      new GetMethodCommand({ restApiId: apiId, resourceId: byPath['/pets']!.id!, httpMethod: 'POST' }),
    );
    expect(post).toMatchObject({
      apiKeyRequired: true,
      operationName: 'CreatePet',
      requestModels: { 'application/json': 'NewPet' },
    });
    expect(post.requestValidatorId).toBeDefined();
    const authorizers = await client.send(new GetAuthorizersCommand({ restApiId: apiId }));
    expect(authorizers.items).toEqual([
      expect.objectContaining({
        name: 'tokenAuth',
        type: 'TOKEN',
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: 60,
      }),
    ]);
    const byId = await client.send(
      new GetMethodCommand({ restApiId: apiId, resourceId: byPath['/pets/{petId}']!.id!, httpMethod: 'GET' }),
    );
    expect(byId).toMatchObject({
      authorizationType: 'CUSTOM',
      authorizerId: authorizers.items![0]!.id,
      requestParameters: { 'method.request.path.petId': true },
    });
    expect(byId.methodIntegration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST', uri: fnUri('pets') });
    const any = byPath['/{proxy+}']!.resourceMethods!['ANY']!;
    expect(any.methodIntegration).toMatchObject({ type: 'HTTP_PROXY', httpMethod: 'ANY' });
  });

  it('serves the imported API: MOCK templates, request validation, gateway responses', async () => {
    await deploy(client, apiId, 'live');
    const list = await fetch(invokeUrl(server.endpoint, apiId, 'live', '/pets?type=cat'));
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBe('*');
    expect(await list.json()).toEqual([{ id: 1, type: 'cat' }]);
    const noKey = await fetch(invokeUrl(server.endpoint, apiId, 'live', '/pets'), {
      method: 'POST',
      body: '{"name":"x"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(noKey.status).toBe(403);
    expect(noKey.headers.get('access-control-allow-origin')).toBe('*');
    expect(await noKey.json()).toEqual({ message: 'Forbidden' });
  });

  it('exports the stage as OpenAPI 3 (JSON) and Swagger 2 (YAML) with the extensions', async () => {
    const oas = await client.send(
      new GetExportCommand({
        restApiId: apiId,
        stageName: 'live',
        exportType: 'oas30',
        parameters: { extensions: 'integrations,authorizers' },
        accepts: 'application/json',
      }),
    );
    const doc = JSON.parse(Buffer.from(oas.body!).toString('utf8'));
    expect(doc.openapi).toBe('3.0.1');
    expect(doc.info.title).toBe('PetStore');
    expect(doc.servers[0].variables.basePath.default).toBe('live');
    expect(doc.paths['/pets'].get['x-amazon-apigateway-integration'].type).toBe('mock');
    expect(doc.paths['/{proxy+}']['x-amazon-apigateway-any-method']).toBeDefined();
    expect(doc.components.securitySchemes.tokenAuth['x-amazon-apigateway-authorizer']).toMatchObject({
      type: 'token',
      authorizerUri: fnUri('auth'),
    });
    const swagger = await client.send(
      new GetExportCommand({ restApiId: apiId, stageName: 'live', exportType: 'swagger', accepts: 'application/yaml' }),
    );
    expect(swagger.contentType).toBe('application/yaml');
    const sw = parseYaml(Buffer.from(swagger.body!).toString('utf8'));
    expect(sw).toMatchObject({ swagger: '2.0', basePath: '/live' });
    expect(sw.paths['/pets'].get['x-amazon-apigateway-integration']).toBeUndefined();
    // The export imports back.
    const again = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)) }));
    const resources = await client.send(new GetResourcesCommand({ restApiId: again.id! }));
    expect(resources.items!.map((r) => r.path).sort()).toEqual(['/', '/pets', '/pets/{petId}', '/{proxy+}']);
  });

  it('PutRestApi merges or overwrites', async () => {
    const extra = JSON.stringify({
      swagger: '2.0',
      info: { title: 'PetStore v2' },
      paths: {
        '/health': {
          get: {
            responses: {},
            'x-amazon-apigateway-integration': {
              type: 'mock',
              requestTemplates: { 'application/json': '{"statusCode": 200}' },
            },
          },
        },
      },
    });
    await client.send(new PutRestApiCommand({ restApiId: apiId, mode: 'merge', body: Buffer.from(extra) }));
    let paths = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!.map((r) => r.path).sort();
    expect(paths).toEqual(['/', '/health', '/pets', '/pets/{petId}', '/{proxy+}']);
    await client.send(new PutRestApiCommand({ restApiId: apiId, mode: 'overwrite', body: Buffer.from(extra) }));
    paths = (await client.send(new GetResourcesCommand({ restApiId: apiId }))).items!.map((r) => r.path).sort();
    expect(paths).toEqual(['/', '/health']);
    expect((await client.send(new GetRestApiCommand({ restApiId: apiId }))).name).toBe('PetStore v2');
  });

  it('rejects a body that is not OpenAPI', async () => {
    await expect(client.send(new ImportRestApiCommand({ body: Buffer.from('not: [valid') }))).rejects.toMatchObject({
      name: 'BadRequestException',
    });
  });
});
