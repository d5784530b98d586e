import type { HttpRequest } from '../http/types.js';
import type { ProtocolName, ServiceDefinition } from '../service.js';
import type { ProtocolCodec } from './codec.js';
import { codecFor } from './index.js';

/** The three ways a request names its operation. */
export type ProtocolFamily = 'json' | 'query' | 'rest';

const FAMILY: Record<ProtocolName, ProtocolFamily> = {
  'awsJson1.0': 'json',
  'awsJson1.1': 'json',
  query: 'query',
  restJson1: 'rest',
  restXml: 'rest',
};

export const familyOf = (protocol: ProtocolName): ProtocolFamily => FAMILY[protocol];

/**
 * The family a request is written in: an X-Amz-Target header is awsJson; a form-encoded POST (or a
 * GET with `Action`) is query; anything else is REST (method + URI template).
 */
export function requestFamily(req: Pick<HttpRequest, 'method' | 'headers' | 'query'>): ProtocolFamily {
  if (req.headers['x-amz-target'] !== undefined) return 'json';
  if (req.method === 'POST') {
    const type = req.headers['content-type'];
    if (type !== undefined && type.startsWith('application/x-www-form-urlencoded')) return 'query';
  } else if (req.method === 'GET' && req.query.has('Action')) return 'query';
  return 'rest';
}

/** The protocols a service speaks (its `protocol` first). */
export function protocolsOf(service: ServiceDefinition): ProtocolName[] {
  const all = [service.protocol];
  for (const p of service.protocols ?? []) if (!all.includes(p)) all.push(p);
  return all;
}

/** Picks the codec of one request for a service. */
export type CodecPicker = (req: HttpRequest) => ProtocolCodec;

/**
 * The codec picker of a service, built once. A one-protocol service always answers its codec;
 * a service speaking several answers the codec of the request's family, or its default.
 */
export function codecPicker(service: ServiceDefinition): CodecPicker {
  const codecOf = (p: ProtocolName) => service.codecs?.[p] ?? codecFor(p);
  const primary = codecOf(service.protocol);
  const protocols = protocolsOf(service);
  if (protocols.length === 1) return () => primary;
  const byFamily = new Map<ProtocolFamily, ProtocolCodec>();
  for (const p of protocols) if (!byFamily.has(familyOf(p))) byFamily.set(familyOf(p), codecOf(p));
  return (req) => byFamily.get(requestFamily(req)) ?? primary;
}
