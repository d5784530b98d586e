import type { OperationContext } from '../../../core/service.js';
import type { Ecs } from '../context.js';

export type EcsOperation = (ecs: Ecs, input: any, ctx: OperationContext) => Promise<unknown> | unknown;

/** Page a list with ECS's nextToken/maxResults (the token is the offset, opaque to clients). */
export function pageOf<T>(items: T[], input: { nextToken?: string; maxResults?: number }, max = 100) {
  const start = input.nextToken ? Number(Buffer.from(input.nextToken, 'base64url').toString('utf8')) || 0 : 0;
  const size = Math.min(input.maxResults ?? max, max);
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

/** Strip internal `_` fields and convert millisecond timestamps of a document to epoch seconds. */
export function out<T extends object>(doc: T, timeFields: readonly string[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k.startsWith('_') || v === undefined) continue;
    o[k] = timeFields.includes(k) && typeof v === 'number' ? v / 1000 : v;
  }
  return o;
}
