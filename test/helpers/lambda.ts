import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import type { CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { TEST_CREDENTIALS } from './server.js';
import { makeZip } from './zip.js';

export function lambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

/** Creates a Node.js function from inline files (index.js by default). */
export async function createNodeFunction(
  lambda: LambdaClient,
  name: string,
  files: Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
) {
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: await makeZip(files) },
      ...extra,
    }),
  );
}

export const decode = (payload: Uint8Array | undefined): unknown =>
  JSON.parse(Buffer.from(payload ?? []).toString('utf8'));

/**
 * A Node.js function that calls AWS through the SDK: the SDK's import alone can take seconds on a
 * loaded CI machine, so it gets a 30 s timeout instead of Lambda's default 3 s.
 */
export function createSdkFunction(
  lambda: LambdaClient,
  name: string,
  files: Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
) {
  return createNodeFunction(lambda, name, files, { Timeout: 30, ...extra });
}
