import type { OperationContext } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import type { RegionState } from '../state.js';
import type { MethodDoc, ResourceDoc, RestApiDoc } from '../types.js';

export const nowSeconds = (ctx: OperationContext): number => Math.floor(ctx.clock.now() / 1000);

export function region(gw: ApigwContext, ctx: OperationContext): RegionState {
  return gw.state.region(ctx.account, ctx.region);
}

/** The API or NotFoundException in the style of the operation (`api`: "Invalid API identifier specified acct:id"). */
export function requireApi(
  gw: ApigwContext,
  ctx: OperationContext,
  id: string,
  style: 'api' | 'rest' | 'rest400' | 'resource' = 'api',
): RestApiDoc {
  const api = region(gw, ctx).apis.get(id);
  if (api) return api;
  if (style === 'resource') throw apigwErrors.resourceNotFound();
  if (style === 'rest') throw apigwErrors.restApiNotFound();
  if (style === 'rest400') throw apigwErrors.badRequest('Invalid REST API identifier specified');
  throw apigwErrors.apiNotFound(ctx.account, id);
}

export function requireResource(api: RestApiDoc, id: string): ResourceDoc {
  const r = api.resources[id];
  if (!r) throw apigwErrors.resourceNotFound();
  return r;
}

export function requireMethod(api: RestApiDoc, resourceId: string, method: string): MethodDoc {
  const m = requireResource(api, resourceId).resourceMethods?.[method.toUpperCase()];
  if (!m) throw apigwErrors.methodNotFound();
  return m;
}

/** AWS paging: `limit` (default 25, at most 500) and an opaque `position`. */
export function page<T>(items: T[], input: { limit?: number; position?: string }): { item: T[]; position?: string } {
  const limit = Math.min(Math.max(input.limit ?? 25, 1), 500);
  const start = input.position
    ? Number.parseInt(Buffer.from(input.position, 'base64url').toString('utf8'), 10) || 0
    : 0;
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return next ? { item: slice, position: next } : { item: slice };
}

export const clone = <T>(v: T): T => structuredClone(v);

/** Removes undefined members (the SDK shows absent, not null). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

export const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'ANY'];
