import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  PutIntegrationCommand,
  PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import type { PutIntegrationCommandInput } from '@aws-sdk/client-api-gateway';
import { TEST_CREDENTIALS } from '../helpers/server.js';

export function apigwClient(endpoint: string): APIGatewayClient {
  return new APIGatewayClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

/** The path-style invoke URL (no DNS needed). */
export function invokeUrl(endpoint: string, apiId: string, stage: string, path = '/'): string {
  return `${endpoint}/_aws/execute-api/${apiId}/${stage}${path}`;
}

export const fnUri = (name: string) =>
  `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${name}/invocations`;

/** An API with the given paths, each with one method and integration; returns ids by path. */
export async function buildApi(
  client: APIGatewayClient,
  name: string,
  routes: {
    path: string;
    method: string;
    integration: Omit<PutIntegrationCommandInput, 'restApiId' | 'resourceId' | 'httpMethod'>;
    method_?: Record<string, unknown>;
  }[],
): Promise<{ apiId: string; ids: Record<string, string> }> {
  const api = await client.send(new CreateRestApiCommand({ name }));
  const apiId = api.id!;
  const ids: Record<string, string> = { '/': api.rootResourceId! };
  for (const r of routes) {
    const parts = r.path.split('/').filter(Boolean);
    let path = '';
    for (const part of parts) {
      const parent = ids[path || '/']!;
      path += `/${part}`;
      if (!ids[path])
        ids[path] = (
          await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: parent, pathPart: part }))
        ).id!;
    }
    const resourceId = ids[r.path]!;
    await client.send(
      new PutMethodCommand({
        restApiId: apiId,
        resourceId,
        httpMethod: r.method,
        authorizationType: 'NONE',
        ...(r.method_ ?? {}),
      }),
    );
    await client.send(
      new PutIntegrationCommand({ restApiId: apiId, resourceId, httpMethod: r.method, ...r.integration }),
    );
  }
  return { apiId, ids };
}

export async function deploy(
  client: APIGatewayClient,
  apiId: string,
  stageName = 'test',
  variables?: Record<string, string>,
) {
  return client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName, ...(variables ? { variables } : {}) }));
}

/** A Lambda handler that returns the event it received as the proxy response body. */
export const ECHO_HANDLER = `exports.handler = async (event) => {
  if (event.path === '/fail') throw new Error('boom');
  if (event.path === '/malformed') return { statusCode: 200, wrongValue: 'x' };
  if (event.path === '/string-status') return { statusCode: '201', body: 'created' };
  if (event.path === '/multi') return { statusCode: 200, headers: { 'X-Solo': 'solo', 'X-Both': 'value-solo' }, multiValueHeaders: { 'X-Multi': ['value1', 'value2'], 'X-Both': ['value-multi'] }, body: '' };
  if (event.path === '/binary') return { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: Buffer.from([0, 1, 2, 255]).toString('base64'), isBase64Encoded: true };
  if (event.path === '/nobody') return { statusCode: 204 };
  if (event.path === '/justastring') return 'justAString';
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
};`;
