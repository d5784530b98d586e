import { AwsError } from '../../../core/errors/aws-error.js';
import type { Ports } from '../../ports.js';
import { port } from '../../ports.js';
import type { LambdaPort } from '../../lambda/port.js';

export type LambdaInvoker = LambdaPort;

export class IntegrationTimeout extends Error {}

/** The function ARN of an integration or authorizer URI (a Lambda ARN or its invocation URI), stage variables substituted. */
export function functionOf(uri: string, stageVariables: Record<string, string>): string {
  const s = uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, k: string) => stageVariables[k] ?? '');
  const m = /^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/.exec(s);
  return m ? m[1]! : s;
}

/** Invokes a function for the gateway; `undefined` port or a Lambda error becomes an AwsError. */
export async function invokeFunction(
  ports: Ports,
  account: string,
  region: string,
  functionName: string,
  event: unknown,
  timeoutMs: number,
): Promise<{ payload: Buffer; functionError?: string }> {
  const lambda = port<LambdaInvoker>(ports, 'lambda');
  if (!lambda) throw new AwsError('ServiceUnavailable', 'Lambda is not available', { status: 500 });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IntegrationTimeout('integration timed out')), timeoutMs);
  });
  try {
    const r = await Promise.race([
      lambda.invoke({
        account,
        region,
        functionName,
        payload: Buffer.from(JSON.stringify(event)),
        jsonSerialized: true,
      }),
      timeout,
    ]);
    return r.functionError !== undefined
      ? { payload: r.payload, functionError: r.functionError }
      : { payload: r.payload };
  } finally {
    clearTimeout(timer);
  }
}
