/**
 * The Lambda port other services call (API Gateway integrations and authorizers, S3 notifications,
 * EventBridge and Scheduler targets), registered as `deps.ports['lambda']` when Lambda is created.
 * Its implementation is Lambda's invoker (invoke/invoker.ts); errors are the AwsErrors the Invoke
 * API answers (ResourceNotFoundException, TooManyRequestsException, ...).
 *
 * ```ts
 * const lambda = port<LambdaPort>(deps.ports, LAMBDA_PORT);
 * await lambda?.invoke({ account, region, functionName: arn, payload: Buffer.from('{}'), invocationType: 'Event' });
 * ```
 */
export const LAMBDA_PORT = 'lambda';

export interface LambdaInvokeRequest {
  account: string;
  region: string;
  /** Name, partial or full ARN (a qualifier inside the ARN is honoured). */
  functionName: string;
  qualifier?: string | undefined;
  payload: Buffer;
  /** RequestResponse when absent. */
  invocationType?: 'RequestResponse' | 'Event' | 'DryRun' | undefined;
  /** The payload is JSON.stringify's output (an event the caller built): not parsed again to check it. */
  jsonSerialized?: boolean | undefined;
}

export interface LambdaInvokeResult {
  statusCode: number;
  payload: Buffer;
  /** `Unhandled` / `Handled` when the function failed. */
  functionError?: string;
  executedVersion?: string;
  requestId: string;
}

export interface LambdaPort {
  invoke(req: LambdaInvokeRequest): Promise<LambdaInvokeResult>;
  /** Checks that a function (and qualifier) exists; rejects with ResourceNotFoundException otherwise. */
  resolve(account: string, region: string, functionName: string, qualifier?: string): Promise<unknown>;
}
