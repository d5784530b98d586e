import {
  CreateApiCommand,
  CreateDeploymentCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  ExportApiCommand,
  GetApiCommand,
  GetApisCommand,
  GetRoutesCommand,
  GetStageCommand,
  GetTagsCommand,
  ImportApiCommand,
  ReimportApiCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateApiCommand,
  UpdateStageCommand,
  CreateAuthorizerCommand,
} from '@aws-sdk/client-apigatewayv2';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { ACCOUNT, fnArn, v2Client } from './helpers.js';

let server: TestServer;
let client: ApiGatewayV2Client;

beforeAll(async () => {
  server = await startTestServer();
  client = v2Client(server.endpoint);
});
afterAll(async () => {
  client.destroy();
  await server.stop();
});

async function error(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected an error');
}

describe('APIs', () => {
  it('creates, reads, updates, lists and deletes an HTTP API', async () => {
    const created = await client.send(
      new CreateApiCommand({ Name: 'shop', ProtocolType: 'HTTP', Description: 'd', Tags: { team: 'a' } }),
    );
    expect(created.ApiId).toMatch(/^[a-z0-9]{10}$/);
    expect(created).toMatchObject({
      Name: 'shop',
      ProtocolType: 'HTTP',
      RouteSelectionExpression: '$request.method $request.path',
      ApiKeySelectionExpression: '$request.header.x-api-key',
      DisableExecuteApiEndpoint: false,
      Description: 'd',
      Tags: { team: 'a' },
    });
    expect(created.CreatedDate).toBeInstanceOf(Date);
    expect(created.ApiEndpoint).toBe(`http://${created.ApiId}.execute-api.localhost:${server.overcast.port}`);
    const updated = await client.send(
      new UpdateApiCommand({ ApiId: created.ApiId!, Name: 'shop2', CorsConfiguration: { AllowOrigins: ['*'] } }),
    );
    expect(updated.Name).toBe('shop2');
    expect(updated.CorsConfiguration).toEqual({ AllowOrigins: ['*'] });
    const got = await client.send(new GetApiCommand({ ApiId: created.ApiId! }));
    expect(got.Name).toBe('shop2');
    const list = await client.send(new GetApisCommand({}));
    expect(list.Items?.map((a) => a.ApiId)).toContain(created.ApiId);
    await client.send(new DeleteApiCommand({ ApiId: created.ApiId! }));
    const e = await error(client.send(new GetApiCommand({ ApiId: created.ApiId! })));
    expect(e).toEqual({
      name: 'NotFoundException',
      message: `Invalid API identifier specified ${ACCOUNT}:${created.ApiId}`,
      status: 404,
    });
  });

  it('quick create makes an integration, a route and an auto-deployed $default stage', async () => {
    const api = await client.send(new CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: fnArn('nope') }));
    const routes = await client.send(new GetRoutesCommand({ ApiId: api.ApiId! }));
    expect(routes.Items).toHaveLength(1);
    expect(routes.Items![0]).toMatchObject({
      RouteKey: '$default',
      ApiGatewayManaged: true,
      AuthorizationType: 'NONE',
    });
    const stage = await client.send(new GetStageCommand({ ApiId: api.ApiId!, StageName: '$default' }));
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DeploymentId).toMatch(/^[a-z0-9]+$/);
  });

  it('WebSocket APIs need a route selection expression', async () => {
    const e = await error(client.send(new CreateApiCommand({ Name: 'ws', ProtocolType: 'WEBSOCKET' })));
    expect(e.name).toBe('BadRequestException');
    expect(e.status).toBe(400);
    const ok = await client.send(
      new CreateApiCommand({ Name: 'ws', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }),
    );
    expect(ok.ApiEndpoint).toMatch(/^ws:\/\//);
  });

  it('rejects missing required members and bad enums with BadRequestException', async () => {
    const e = await error(client.send(new CreateApiCommand({ Name: 'x', ProtocolType: 'SOAP' as never })));
    expect(e.name).toBe('BadRequestException');
  });
});

describe('routes, integrations, stages, deployments', () => {
  it('validates route keys and rejects duplicates with ConflictException', async () => {
    const api = await client.send(new CreateApiCommand({ Name: 'r', ProtocolType: 'HTTP' }));
    const integ = await client.send(
      new CreateIntegrationCommand({
        ApiId: api.ApiId!,
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: fnArn('f'),
        PayloadFormatVersion: '2.0',
      }),
    );
    expect(integ).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      TimeoutInMillis: 30000,
      ConnectionType: 'INTERNET',
    });
    const route = await client.send(
      new CreateRouteCommand({
        ApiId: api.ApiId!,
        RouteKey: 'GET /pets/{id}',
        Target: `integrations/${integ.IntegrationId}`,
      }),
    );
    expect(route).toMatchObject({ RouteKey: 'GET /pets/{id}', AuthorizationType: 'NONE', ApiKeyRequired: false });
    expect(
      (await error(client.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /pets/{id}' })))).name,
    ).toBe('ConflictException');
    for (const bad of ['GET pets', 'FETCH /x', 'GET /{proxy+}/x', 'GET //x']) {
      const e = await error(client.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: bad })));
      expect(e.name, bad).toBe('BadRequestException');
    }
    expect(
      (
        await error(
          client.send(
            new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /a', Target: 'integrations/zzzzzzz' }),
          ),
        )
      ).name,
    ).toBe('BadRequestException');
    // AWS_PROXY for an HTTP API needs a payload format version.
    const noVersion = await error(
      client.send(
        new CreateIntegrationCommand({ ApiId: api.ApiId!, IntegrationType: 'AWS_PROXY', IntegrationUri: fnArn('f') }),
      ),
    );
    expect(noVersion.name).toBe('BadRequestException');
    const mock = await error(client.send(new CreateIntegrationCommand({ ApiId: api.ApiId!, IntegrationType: 'MOCK' })));
    expect(mock.name).toBe('BadRequestException');
  });

  it('deploys into stages and keeps stage variables and route settings', async () => {
    const api = await client.send(new CreateApiCommand({ Name: 's', ProtocolType: 'HTTP' }));
    expect((await error(client.send(new CreateDeploymentCommand({ ApiId: api.ApiId! })))).message).toBe(
      'At least one route is required before deploying the Api.',
    );
    await client.send(new CreateRouteCommand({ ApiId: api.ApiId!, RouteKey: 'GET /x' }));
    const stage = await client.send(
      new CreateStageCommand({ ApiId: api.ApiId!, StageName: 'dev', StageVariables: { a: '1' } }),
    );
    expect(stage).toMatchObject({
      StageName: 'dev',
      StageVariables: { a: '1' },
      DefaultRouteSettings: { DetailedMetricsEnabled: false },
      RouteSettings: {},
    });
    expect(stage.DeploymentId).toBeUndefined();
    const dep = await client.send(new CreateDeploymentCommand({ ApiId: api.ApiId!, StageName: 'dev' }));
    expect(dep).toMatchObject({ DeploymentStatus: 'DEPLOYED', AutoDeployed: false });
    const updated = await client.send(
      new UpdateStageCommand({
        ApiId: api.ApiId!,
        StageName: 'dev',
        StageVariables: { b: '2' },
        RouteSettings: { 'GET /x': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 } },
      }),
    );
    expect(updated.DeploymentId).toBe(dep.DeploymentId);
    expect(updated.StageVariables).toEqual({ a: '1', b: '2' });
    expect(updated.RouteSettings).toEqual({ 'GET /x': { ThrottlingBurstLimit: 1, ThrottlingRateLimit: 1 } });
    expect((await error(client.send(new CreateStageCommand({ ApiId: api.ApiId!, StageName: 'dev' })))).name).toBe(
      'ConflictException',
    );
    const missing = await error(client.send(new GetStageCommand({ ApiId: api.ApiId!, StageName: 'nope' })));
    expect(missing).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('tags APIs by ARN', async () => {
    const api = await client.send(new CreateApiCommand({ Name: 't', ProtocolType: 'HTTP', Tags: { a: '1' } }));
    const arn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
    await client.send(new TagResourceCommand({ ResourceArn: arn, Tags: { b: '2' } }));
    await client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
    expect((await client.send(new GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ b: '2' });
    expect(
      (await error(client.send(new GetTagsCommand({ ResourceArn: 'arn:aws:apigateway:us-east-1::/apis/zzzzzzzzzz' }))))
        .name,
    ).toBe('NotFoundException');
  });
});

describe('OpenAPI import and export', () => {
  const definition = {
    openapi: '3.0.1',
    info: { title: 'Pets', version: '1.0' },
    paths: {
      '/pets': {
        get: {
          'x-amazon-apigateway-integration': {
            type: 'aws_proxy',
            uri: fnArn('pets'),
            payloadFormatVersion: '2.0',
            httpMethod: 'POST',
          },
          security: [{ jwt: ['read'] }],
        },
      },
      '/pets/{id}': {
        'x-amazon-apigateway-any-method': {
          'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: fnArn('pets'), payloadFormatVersion: '1.0' },
        },
      },
    },
    components: {
      securitySchemes: {
        jwt: {
          type: 'oauth2',
          'x-amazon-apigateway-authorizer': {
            type: 'jwt',
            identitySource: '$request.header.Authorization',
            jwtConfiguration: { issuer: 'https://issuer.example', audience: ['aud'] },
          },
        },
      },
    },
    'x-amazon-apigateway-cors': { allowOrigins: ['https://a.example'], allowMethods: ['GET'] },
  };

  it('imports JSON, exports JSON and YAML, reimports YAML', async () => {
    const imported = await client.send(new ImportApiCommand({ Body: JSON.stringify(definition) }));
    expect(imported).toMatchObject({
      Name: 'Pets',
      Version: '1.0',
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: ['https://a.example'], AllowMethods: ['GET'] },
    });
    const routes = await client.send(new GetRoutesCommand({ ApiId: imported.ApiId! }));
    expect(routes.Items!.map((r) => r.RouteKey).sort()).toEqual(['ANY /pets/{id}', 'GET /pets']);
    const get = routes.Items!.find((r) => r.RouteKey === 'GET /pets')!;
    expect(get).toMatchObject({ AuthorizationType: 'JWT', AuthorizationScopes: ['read'] });
    const json = JSON.parse(
      Buffer.from(
        (
          await client.send(
            new ExportApiCommand({ ApiId: imported.ApiId!, Specification: 'OAS30', OutputType: 'JSON' }),
          )
        ).body!,
      ).toString(),
    );
    expect(json.openapi).toBe('3.0.1');
    expect(Object.keys(json.paths).sort()).toEqual(['/pets', '/pets/{id}']);
    expect(json.paths['/pets'].get['x-amazon-apigateway-integration']).toMatchObject({
      type: 'aws_proxy',
      uri: fnArn('pets'),
      payloadFormatVersion: '2.0',
    });
    expect(json.components.securitySchemes.jwt['x-amazon-apigateway-authorizer'].jwtConfiguration.issuer).toBe(
      'https://issuer.example',
    );
    const yamlOut = Buffer.from(
      (await client.send(new ExportApiCommand({ ApiId: imported.ApiId!, Specification: 'OAS30', OutputType: 'YAML' })))
        .body!,
    ).toString();
    expect(parseYaml(yamlOut).paths['/pets/{id}']['x-amazon-apigateway-any-method']).toBeDefined();
    const yamlDoc = yamlOut.replace('/pets/{id}', '/dogs/{id}');
    const re = await client.send(new ReimportApiCommand({ ApiId: imported.ApiId!, Body: yamlDoc }));
    expect(re.ApiId).toBe(imported.ApiId);
    const after = await client.send(new GetRoutesCommand({ ApiId: imported.ApiId! }));
    expect(after.Items!.map((r) => r.RouteKey).sort()).toEqual(['ANY /dogs/{id}', 'GET /pets']);
  });

  it('rejects definitions that are not OpenAPI 3', async () => {
    expect((await error(client.send(new ImportApiCommand({ Body: '{"swagger":"2.0","paths":{}}' })))).name).toBe(
      'BadRequestException',
    );
    expect((await error(client.send(new ImportApiCommand({ Body: ': : not yaml [' })))).name).toBe(
      'BadRequestException',
    );
  });
});

describe('JWT authorizer configuration', () => {
  it('needs an issuer', async () => {
    const api = await client.send(new CreateApiCommand({ Name: 'j', ProtocolType: 'HTTP' }));
    const e = await error(
      client.send(
        new CreateAuthorizerCommand({
          ApiId: api.ApiId!,
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          Name: 'j',
        }),
      ),
    );
    expect(e.name).toBe('BadRequestException');
  });
});

describe.skipIf(!hasAwsCli)('AWS CLI', () => {
  it('creates and lists APIs and routes with aws apigatewayv2', async () => {
    const api = await aws(server.endpoint, ['apigatewayv2', 'create-api', '--name', 'cli', '--protocol-type', 'HTTP']);
    expect(api.ApiId).toMatch(/^[a-z0-9]{10}$/);
    const route = await aws(server.endpoint, [
      'apigatewayv2',
      'create-route',
      '--api-id',
      api.ApiId,
      '--route-key',
      'GET /cli',
    ]);
    expect(route.RouteKey).toBe('GET /cli');
    const apis = await aws(server.endpoint, ['apigatewayv2', 'get-apis']);
    expect(apis.Items.map((a: { ApiId: string }) => a.ApiId)).toContain(api.ApiId);
    await expect(aws(server.endpoint, ['apigatewayv2', 'get-api', '--api-id', 'zzzzzzzzzz'])).rejects.toThrow(
      /NotFoundException.*Invalid API identifier specified/,
    );
  });
});
