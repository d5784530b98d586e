import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { OperationContext } from '../../../core/service.js';
import type { ServerInfo } from '../../deps.js';
import { v2Errors } from '../errors.js';
import type { ApiState, ApiStore, Doc, Kind } from './store.js';

/** What the control-plane operations share. */
export interface V2Context {
  store: ApiStore;
  clock: Clock;
  log: Logger;
  server: ServerInfo;
  /** Forget runtime caches of an API (authorizer results) — set by the runtime. */
  onReset?: (apiId: string, stageName?: string) => void;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `n` random [a-z0-9] characters (API ids: 10; route, integration, ... ids: 7). */
export function newId(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[bytes[i]! % 36];
  return out;
}

export function apiOf(c: V2Context, ctx: OperationContext, apiId: unknown): ApiState {
  const state = c.store.find(ctx.account, ctx.region, String(apiId));
  if (!state) throw v2Errors.apiNotFound(ctx.account, String(apiId));
  return state;
}

const LABELS: Record<Kind, string> = {
  route: 'Route',
  integration: 'Integration',
  stage: 'Stage',
  deployment: 'Deployment',
  authorizer: 'Authorizer',
  routeresponse: 'RouteResponse',
  integrationresponse: 'IntegrationResponse',
  model: 'Model',
};

export function itemOf(state: ApiState, kind: Kind, id: unknown): Doc {
  const doc = state.items[kind].get(String(id));
  if (!doc) throw v2Errors.notFound(LABELS[kind], `Invalid ${LABELS[kind]} identifier specified ${String(id)}`);
  return doc;
}

export function isWebSocket(state: ApiState): boolean {
  return state.api['ProtocolType'] === 'WEBSOCKET';
}

/** Copies the members present in `input` (except `omit`) onto `doc`. */
export function assign(doc: Doc, input: Record<string, unknown>, omit: readonly string[] = []): Doc {
  for (const [k, v] of Object.entries(input)) if (v !== undefined && !omit.includes(k)) doc[k] = v;
  return doc;
}

export function page<T>(items: T[], input: Record<string, unknown>): { Items: T[]; NextToken?: string } {
  const start = input['NextToken'] ? Number(Buffer.from(String(input['NextToken']), 'base64').toString()) || 0 : 0;
  const max = input['MaxResults'] ? Math.max(1, Number(input['MaxResults']) || 100) : 100;
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64') : undefined;
  return next ? { Items: slice, NextToken: next } : { Items: slice };
}

/** Output copy without internal (underscore) fields. */
export function view(doc: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

export function apiEndpoint(c: V2Context, state: ApiState): string {
  const scheme = isWebSocket(state) ? 'ws' : 'http';
  return `${scheme}://${state.api['ApiId'] as string}.execute-api.localhost:${c.server.port}`;
}
