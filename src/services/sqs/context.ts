import type { OperationContext } from '../../core/service.js';
import type { ServerInfo } from '../deps.js';
import type { Queue, SqsEngine } from './engine.js';
import { sqsErrors } from './errors.js';

export interface SqsContext {
  engine: SqsEngine;
  server: ServerInfo;
}

/** `<endpoint>/<account>/<name>`: AWS's path-style queue URL on the host the caller used. */
export function queueUrl(host: string | undefined, server: ServerInfo, q: Queue): string {
  const base = host ? `http://${host}` : server.endpoint;
  return `${base}/${q.account}/${q.name}`;
}

/** Account and name of a queue URL (`http://host/<account>/<name>`), a `/<account>/<name>` path or an ARN. */
export function parseQueueRef(ref: string): { account?: string; region?: string; name: string } | undefined {
  if (ref.startsWith('arn:')) {
    const parts = ref.split(':');
    if (parts.length !== 6 || parts[2] !== 'sqs') return undefined;
    return { region: parts[3]!, account: parts[4]!, name: parts[5]! };
  }
  let path = ref;
  const scheme = ref.indexOf('://');
  if (scheme >= 0) {
    const slash = ref.indexOf('/', scheme + 3);
    path = slash < 0 ? '' : ref.slice(slash);
  }
  const segments = path
    .split('?')[0]!
    .split('/')
    .filter((s) => s !== '');
  if (segments.length === 2 && /^\d{12}$/.test(segments[0]!)) return { account: segments[0]!, name: segments[1]! };
  if (segments.length === 1 && scheme < 0) return { name: segments[0]! };
  return undefined;
}

/** The queue a QueueUrl names, or QueueDoesNotExist. */
export function requireQueue(sc: SqsContext, url: unknown, ctx: OperationContext): Queue {
  if (typeof url !== 'string' || url === '') throw sqsErrors.missingParameter('QueueUrl');
  const ref = parseQueueRef(url);
  if (!ref) throw sqsErrors.queueDoesNotExist();
  const q = sc.engine.find(ref.account ?? ctx.account, ref.region ?? ctx.region, ref.name);
  if (!q) throw sqsErrors.queueDoesNotExist();
  return q;
}

export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
