import type { OperationContext } from '../../../core/service.js';
import { RawPayload } from '../../../core/protocols/rest-json.js';
import type { LambdaContext } from '../context.js';
import type { Handlers } from './shared.js';

interface InvokeInput {
  FunctionName: string;
  Qualifier?: string;
  InvocationType?: 'RequestResponse' | 'Event' | 'DryRun';
  LogType?: 'None' | 'Tail';
  ClientContext?: string;
  Payload?: Buffer;
}

export function invokeOperations(lc: LambdaContext): Handlers {
  return {
    async Invoke(input: InvokeInput, ctx: OperationContext) {
      const result = await lc.invoker.invoke({
        account: ctx.account,
        region: ctx.region,
        functionName: input.FunctionName,
        qualifier: input.Qualifier,
        payload: input.Payload ?? Buffer.alloc(0),
        invocationType: input.InvocationType,
        logType: input.LogType,
        clientContext: input.ClientContext,
        requestId: ctx.requestId,
      });
      return {
        StatusCode: result.statusCode,
        ...(result.functionError ? { FunctionError: result.functionError } : {}),
        ...(result.logResult !== undefined ? { LogResult: result.logResult } : {}),
        ...(result.executedVersion && result.statusCode === 200 ? { ExecutedVersion: result.executedVersion } : {}),
        ...(result.statusCode === 200 ? { Payload: new RawPayload(result.payload, 'application/json') } : {}),
      };
    },

    async InvokeAsync(input: { FunctionName: string; InvokeArgs?: Buffer }, ctx: OperationContext) {
      await lc.invoker.invoke({
        account: ctx.account,
        region: ctx.region,
        functionName: input.FunctionName,
        payload: input.InvokeArgs ?? Buffer.alloc(0),
        invocationType: 'Event',
        requestId: ctx.requestId,
      });
      return { Status: 202 };
    },
  };
}
