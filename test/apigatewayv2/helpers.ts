import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createNodeFunction, lambdaClient } from '../helpers/lambda.js';
import { TEST_CREDENTIALS } from '../helpers/server.js';

export function v2Client(endpoint: string): ApiGatewayV2Client {
  return new ApiGatewayV2Client({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export { lambdaClient };

export const ACCOUNT = '000000000000';
export const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

/**
 * Echo: returns the event as JSON (payload 2.0 explicit form), unless
 * `x-return` is set (then it returns the request body parsed as JSON) or `x-throw` (then it throws).
 */
export const ECHO = `
exports.handler = async (event) => {
  const h = event.headers || {};
  const get = (n) => h[n] ?? h[Object.keys(h).find((k) => k.toLowerCase() === n) ?? ''];
  if (get('x-throw')) throw new Error('boom');
  if (get('x-return')) return JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
};`;

export async function createEcho(lambda: LambdaClient, name: string): Promise<string> {
  await createNodeFunction(lambda, name, { 'index.js': ECHO });
  return fnArn(name);
}

/** URL of an API path through the path-based invoke URL. */
export const invokeUrl = (endpoint: string, apiId: string, path: string) =>
  `${endpoint}/_aws/execute-api/${apiId}${path}`;
