import { v2Errors } from '../errors.js';
import type { Doc } from './store.js';

/** Headers HTTP API parameter mappings may not touch (AWS's "Reserved headers"). */
const RESERVED = new Set([
  'authorization',
  'connection',
  'content-encoding',
  'content-length',
  'content-location',
  'forwarded',
  'keep-alive',
  'origin',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailers',
  'transfer-encoding',
  'upgrade',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'via',
]);

export function isReservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return (
    RESERVED.has(n) ||
    n.startsWith('access-control-') ||
    n.startsWith('apigw-') ||
    n.startsWith('x-amz-') ||
    n.startsWith('x-amzn-')
  );
}

const invalid = (detail: string) =>
  v2Errors.badRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [${detail}]`);

/** `$name.x` / `${name.x}` references in a mapping value (a static string has none). */
export const REFERENCE = /\$\{([^}]*)\}|\$([A-Za-z][A-Za-z0-9_]*(?:\.[^\s$]*)?)/g;

const REQUEST_SOURCE =
  /^(request\.(header|querystring)\.[^.\s][^\s]*|request\.body(\..+|\[.+)?|request\.path(\.[A-Za-z0-9._-]+)?|context\.[A-Za-z0-9._]+|stageVariables\.[A-Za-z0-9_]+)$/;
const RESPONSE_SOURCE =
  /^(response\.header\.[^.\s][^\s]*|response\.body(\..+|\[.+)?|context\.[A-Za-z0-9._]+|stageVariables\.[A-Za-z0-9_]+)$/;

function checkValue(value: unknown, source: RegExp): void {
  const v = String(value ?? '');
  for (const m of v.matchAll(REFERENCE)) {
    const ref = m[1] ?? m[2]!;
    if (!source.test(ref)) throw invalid(`Invalid mapping expression specified: ${v}`);
  }
}

function checkHeader(name: string): void {
  if (name === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
    throw invalid(`Invalid mapping expression specified: header.${name}`);
  if (isReservedHeader(name)) throw invalid(`Operations on header ${name} are restricted`);
}

/** HTTP API `RequestParameters` (integrations without a subtype): `<action>:header|querystring.<name>`, `overwrite:path`. */
export function checkRequestParameters(params: unknown): void {
  if (params === undefined || params === null) return;
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    const m = /^(append|overwrite|remove):(header|querystring)\.(.*)$/.exec(key);
    if (key !== 'overwrite:path' && !m)
      throw invalid(`Invalid Request Actioned Parameter destination specified: ${key}`);
    if (m?.[2] === 'header') checkHeader(m[3]!);
    if (m?.[2] === 'querystring' && m[3] === '')
      throw invalid(`Invalid Request Actioned Parameter destination specified: ${key}`);
    if (m?.[1] !== 'remove') checkValue(value, REQUEST_SOURCE);
  }
}

/** HTTP API `ResponseParameters`: status code → `<action>:header.<name>` / `overwrite:statuscode`. */
export function checkResponseParameters(params: unknown): void {
  if (params === undefined || params === null) return;
  for (const [status, map] of Object.entries(params as Record<string, Record<string, unknown>>)) {
    if (!/^[1-5]\d\d$/.test(status)) throw invalid(`Invalid status code specified: ${status}`);
    for (const [key, value] of Object.entries(map ?? {})) {
      const m = /^(append|overwrite|remove):header\.(.*)$/.exec(key);
      if (key !== 'overwrite:statuscode' && !m)
        throw invalid(`Invalid Response Actioned Parameter destination specified: ${key}`);
      if (m) checkHeader(m[2]!);
      if (key === 'overwrite:statuscode' && !/^[1-5]\d\d$/.test(String(value)) && !String(value).includes('$'))
        throw invalid(`Invalid status code specified: ${String(value)}`);
      if (m?.[1] !== 'remove') checkValue(value, RESPONSE_SOURCE);
    }
  }
}

/**
 * UpdateIntegration merges parameter maps, as AWS does: an empty value removes a request mapping,
 * an empty map removes a status code's response mappings.
 */
export function mergeParameters(doc: Doc, input: Record<string, any>): void {
  const req = input['RequestParameters'] as Record<string, string> | undefined;
  if (req !== undefined) {
    const next: Record<string, string> = { ...(doc['RequestParameters'] ?? {}) };
    for (const [k, v] of Object.entries(req)) {
      if (v === '') delete next[k];
      else next[k] = v;
    }
    if (Object.keys(next).length > 0) doc['RequestParameters'] = next;
    else delete doc['RequestParameters'];
  }
  const res = input['ResponseParameters'] as Record<string, Record<string, string>> | undefined;
  if (res !== undefined) {
    const next: Record<string, Record<string, string>> = { ...(doc['ResponseParameters'] ?? {}) };
    for (const [status, map] of Object.entries(res)) {
      if (!map || Object.keys(map).length === 0) {
        delete next[status];
        continue;
      }
      const inner = { ...(next[status] ?? {}) };
      for (const [k, v] of Object.entries(map)) {
        if (v === '') delete inner[k];
        else inner[k] = v;
      }
      if (Object.keys(inner).length > 0) next[status] = inner;
      else delete next[status];
    }
    if (Object.keys(next).length > 0) doc['ResponseParameters'] = next;
    else delete doc['ResponseParameters'];
  }
}
