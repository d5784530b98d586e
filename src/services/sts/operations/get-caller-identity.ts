import type { OperationContext } from '../../../core/service.js';

export interface GetCallerIdentityOutput {
  UserId: string;
  Account: string;
  Arn: string;
}

export function getCallerIdentity(_input: unknown, ctx: OperationContext): GetCallerIdentityOutput {
  const isRoot = ctx.principalArn.endsWith(':root');
  return { UserId: isRoot ? ctx.account : ctx.accessKeyId, Account: ctx.account, Arn: ctx.principalArn };
}
