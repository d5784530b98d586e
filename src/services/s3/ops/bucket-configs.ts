import type { Call } from '../context.js';
import { readSmallBody } from '../body.js';
import { S3Error, s3Errors } from '../errors.js';
import { send, sendXml } from '../respond.js';
import { doc, el, parseXml, XML_DECL } from '../xml.js';
import { requireBucket } from './common.js';

/**
 * A bucket's configurations kept by id (analytics, inventory, metrics, Intelligent-Tiering):
 * stored as sent (bucket config `raw`, under `<sub-resource>#<id>`), answered, listed and deleted,
 * never applied. Without `id`, GET lists them.
 */
export const ID_CONFIGS: Record<string, { root: string; list: string }> = {
  analytics: { root: 'AnalyticsConfiguration', list: 'ListBucketAnalyticsConfigurationResult' },
  inventory: { root: 'InventoryConfiguration', list: 'ListInventoryConfigurationsResult' },
  metrics: { root: 'MetricsConfiguration', list: 'ListMetricsConfigurationsResult' },
  'intelligent-tiering': {
    root: 'IntelligentTieringConfiguration',
    list: 'ListBucketIntelligentTieringConfigurationsOutput',
  },
};

const noSuchConfiguration = (): S3Error =>
  new S3Error('NoSuchConfiguration', 'The specified configuration does not exist.', 404);

function idOf(call: Call): string {
  const id = call.head.query.get('id');
  if (id === null || id === '') throw s3Errors.invalidArgument('Missing required parameter id', 'id', '');
  return id;
}

const stripDecl = (text: string): string => text.replace(/^<\?xml[^>]*\?>\s*/, '');

export function getIdConfig(call: Call, name: string): void {
  const b = requireBucket(call);
  const raw = b.config.raw ?? {};
  if (call.head.query.get('id') === null) {
    const prefix = `${name}#`;
    const items = Object.keys(raw)
      .filter((k) => k.startsWith(prefix))
      .sort()
      .map((k) => raw[k]!)
      .join('');
    sendXml(call, 200, doc(ID_CONFIGS[name]!.list, el('IsTruncated', false) + items));
    return;
  }
  const stored = raw[`${name}#${idOf(call)}`];
  if (stored === undefined) throw noSuchConfiguration();
  sendXml(call, 200, XML_DECL + stored);
}

export async function putIdConfig(call: Call, name: string): Promise<void> {
  const b = requireBucket(call);
  const id = idOf(call);
  const text = (await readSmallBody(call.head, call.req, call.caller)).toString('utf8');
  const root = parseXml(text);
  if (root.name !== ID_CONFIGS[name]!.root) throw s3Errors.malformedXml();
  b.config.raw = { ...(b.config.raw ?? {}), [`${name}#${id}`]: stripDecl(text) };
  await call.s3.catalog.saveBucket(b);
  send(call, 200, {});
}

export async function deleteIdConfig(call: Call, name: string): Promise<void> {
  const b = requireBucket(call);
  const key = `${name}#${idOf(call)}`;
  if (b.config.raw?.[key] === undefined) throw noSuchConfiguration();
  delete b.config.raw[key];
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

/** GetBucketPolicyStatus: public when a statement allows everyone (`*`) without conditions. */
export function getBucketPolicyStatus(call: Call): void {
  const b = requireBucket(call);
  if (!b.config.policy) throw s3Errors.noSuchPolicy(b.name);
  let isPublic = false;
  try {
    const policy = JSON.parse(b.config.policy) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    for (const s of statements as Record<string, unknown>[]) {
      if (!s || s['Effect'] !== 'Allow' || s['Condition'] !== undefined) continue;
      const p = s['Principal'];
      const aws = p && typeof p === 'object' ? (p as Record<string, unknown>)['AWS'] : undefined;
      if (p === '*' || aws === '*' || (Array.isArray(aws) && aws.includes('*'))) isPublic = true;
    }
  } catch {
    // A stored policy is valid JSON (PutBucketPolicy checks it).
  }
  sendXml(call, 200, doc('PolicyStatus', el('IsPublic', isPublic)));
}
