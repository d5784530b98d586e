import type { OperationContext } from '../../../core/service.js';
import type { LambdaContext } from '../context.js';
import { functionArn } from '../functions/names.js';
import type { Handlers } from './shared.js';
import { refOf, requireFunction, requireVersion } from './shared.js';

/** Settings Overcast stores and shows but has nothing to apply to (runtime updates, recursion detection). */
export function miscOperations(lc: LambdaContext): Handlers {
  return {
    async GetRuntimeManagementConfig(input: { FunctionName: string; Qualifier?: string }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      await requireVersion(lc, ref);
      return { UpdateRuntimeOn: 'Auto', FunctionArn: functionArn(ref, ref.qualifier ?? '$LATEST') };
    },
    async PutRuntimeManagementConfig(
      input: { FunctionName: string; Qualifier?: string; UpdateRuntimeOn: string; RuntimeVersionArn?: string },
      ctx: OperationContext,
    ) {
      const ref = refOf(input, ctx);
      await requireVersion(lc, ref);
      return {
        UpdateRuntimeOn: input.UpdateRuntimeOn,
        FunctionArn: functionArn(ref, ref.qualifier ?? '$LATEST'),
        ...(input.RuntimeVersionArn ? { RuntimeVersionArn: input.RuntimeVersionArn } : {}),
      };
    },
    async GetFunctionRecursionConfig(input: { FunctionName: string }, ctx: OperationContext) {
      await requireFunction(lc, refOf(input, ctx));
      return { RecursiveLoop: 'Terminate' };
    },
    async PutFunctionRecursionConfig(input: { FunctionName: string; RecursiveLoop: string }, ctx: OperationContext) {
      await requireFunction(lc, refOf(input, ctx));
      return { RecursiveLoop: input.RecursiveLoop };
    },
    async GetFunctionCodeSigningConfig(input: { FunctionName: string }, ctx: OperationContext) {
      const ref = refOf(input, ctx);
      await requireFunction(lc, ref);
      return { FunctionName: ref.name, CodeSigningConfigArn: '' };
    },
  };
}
