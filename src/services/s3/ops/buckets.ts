import { bucketEncryption, bucketEncryptionXml, parseBucketEncryption, resetBucketEncryption } from '../sse.js';
import type { BucketEncryption } from '../sse.js';
import { randomBytes } from 'node:crypto';
import { readSmallBody } from '../body.js';
import type { Call } from '../context.js';
import { canonicalId } from '../context.js';
import { S3Error, s3Errors } from '../errors.js';
import { send, sendXml } from '../respond.js';
import type { Bucket, CorsRule, NotificationTarget } from '../storage/catalog.js';
import { child, childText, childrenNamed, doc, el, isoTime, parseXml, XML_DECL } from '../xml.js';
import { parseTagging, requireBucket, tagSetXml } from './common.js';
import { aclXml } from './objects.js';

/** S3's bucket naming rules (general purpose buckets). */
export function validBucketName(name: string): boolean {
  if (name.length < 3 || name.length > 63) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (name.includes('..') || name.includes('.-') || name.includes('-.')) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (name.startsWith('xn--') || name.startsWith('sthree-') || name.startsWith('amzn-s3-demo-')) return false;
  if (name.endsWith('-s3alias') || name.endsWith('--ol-s3') || name.endsWith('.mrap') || name.endsWith('--x-s3'))
    return false;
  return true;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

export async function listBuckets(call: Call): Promise<void> {
  const q = call.head.query;
  const prefix = q.get('prefix') ?? '';
  const regionFilter = q.get('bucket-region');
  const token = q.get('continuation-token');
  const maxParam = q.get('max-buckets');
  let max = 10000;
  if (maxParam !== null) {
    max = Number(maxParam);
    if (!/^\d+$/.test(maxParam) || max < 1 || max > 10000) {
      throw s3Errors.invalidArgument(
        'Argument max-buckets must be an integer between 1 and 10000.',
        'max-buckets',
        maxParam,
      );
    }
  }
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const mine = [...call.s3.catalog.buckets.values()]
    .filter((b) => b.account === call.caller.account && b.name.startsWith(prefix) && b.name > after)
    .filter((b) => regionFilter === null || b.region === regionFilter)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = mine.slice(0, max);
  let x = `<Owner><ID>${canonicalId(call.caller.account)}</ID><DisplayName>${call.caller.account}</DisplayName></Owner><Buckets>`;
  for (const b of page) {
    x += `<Bucket>${el('Name', b.name)}${el('CreationDate', isoTime(b.created))}${el('BucketRegion', b.region)}</Bucket>`;
  }
  x += '</Buckets>';
  if (mine.length > page.length)
    x += el('ContinuationToken', Buffer.from(page[page.length - 1]!.name).toString('base64url'));
  if (prefix) x += el('Prefix', prefix);
  sendXml(call, 200, doc('ListAllMyBucketsResult', x));
}

export async function createBucket(call: Call): Promise<void> {
  const name = call.bucketName!;
  // Buckets belong to an account: an unsigned CreateBucket is S3's 403 AccessDenied.
  if (call.caller.anonymous) throw s3Errors.accessDenied();
  const body = await readSmallBody(call.head, call.req, call.caller);
  if (!validBucketName(name)) throw s3Errors.invalidBucketName(name);
  const requestRegion = call.caller.region;
  let constraint: string | undefined;
  if (body.length > 0 && body.toString('utf8').trim()) {
    const root = parseXml(body.toString('utf8'));
    if (root.name !== 'CreateBucketConfiguration') throw s3Errors.malformedXml();
    constraint = childText(root, 'LocationConstraint')?.trim() || undefined;
  }
  let region = requestRegion;
  if (constraint !== undefined) {
    if (constraint === 'us-east-1') throw s3Errors.invalidLocationConstraint();
    if (constraint === 'EU') constraint = 'eu-west-1';
    if (!REGION.test(constraint)) throw s3Errors.invalidLocationConstraint();
    if (requestRegion !== 'us-east-1' && constraint !== requestRegion) {
      throw s3Errors.illegalLocationConstraint(requestRegion, constraint);
    }
    region = constraint;
  } else if (requestRegion !== 'us-east-1') {
    throw s3Errors.illegalLocationConstraint(requestRegion, 'unspecified');
  }
  const ownership = call.head.headers['x-amz-object-ownership'];
  if (ownership !== undefined && !['BucketOwnerPreferred', 'ObjectWriter', 'BucketOwnerEnforced'].includes(ownership))
    throw s3Errors.invalidArgument(`Invalid x-amz-object-ownership header: ${ownership}`, 'x-amz-object-ownership');
  const existing = call.s3.catalog.buckets.get(name);
  if (existing) {
    if (existing.account !== call.caller.account) throw s3Errors.bucketAlreadyExists(name);
    // For legacy compatibility S3 answers 200 to re-creating one's own bucket in us-east-1 (and
    // BucketAlreadyOwnedByYou in every other region).
    if (region === 'us-east-1' && existing.region === 'us-east-1') {
      send(call, 200, { location: `/${name}` });
      return;
    }
    throw s3Errors.bucketAlreadyOwnedByYou(name);
  }
  const bucket: Bucket = {
    name,
    account: call.caller.account,
    region,
    created: call.s3.clock.now(),
    versioning: '',
    config: {},
  };
  const objectLock = call.head.headers['x-amz-bucket-object-lock-enabled'];
  if (objectLock?.toLowerCase() === 'true') {
    bucket.versioning = 'Enabled';
    bucket.config.raw = {
      'object-lock': `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`,
    };
  }
  if (!(await call.s3.catalog.createBucket(bucket))) {
    const other = call.s3.catalog.buckets.get(name);
    throw other?.account === call.caller.account
      ? s3Errors.bucketAlreadyOwnedByYou(name)
      : s3Errors.bucketAlreadyExists(name);
  }
  send(call, 200, { location: `/${name}` });
}

export function headBucket(call: Call): void {
  const b = requireBucket(call);
  send(call, 200, { 'x-amz-bucket-region': b.region, 'x-amz-access-point-alias': 'false' });
}

export async function deleteBucket(call: Call): Promise<void> {
  const b = requireBucket(call);
  if (!(await call.s3.catalog.deleteBucket(b.name))) throw s3Errors.bucketNotEmpty(b.name, b.versioning !== '');
  send(call, 204, {});
}

export function getBucketLocation(call: Call): void {
  const b = requireBucket(call);
  const value = b.region === 'us-east-1' ? '' : b.region;
  sendXml(
    call,
    200,
    `${XML_DECL}<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${value}</LocationConstraint>`,
  );
}

// ---- versioning

export function getBucketVersioning(call: Call): void {
  const b = requireBucket(call);
  sendXml(call, 200, doc('VersioningConfiguration', b.versioning ? el('Status', b.versioning) : ''));
}

export async function putBucketVersioning(call: Call): Promise<void> {
  const b = requireBucket(call);
  const root = parseXml((await readSmallBody(call.head, call.req, call.caller)).toString('utf8'));
  if (root.name !== 'VersioningConfiguration') throw s3Errors.malformedXml();
  const status = childText(root, 'Status');
  if (status === undefined && childText(root, 'MfaDelete') === undefined)
    throw new S3Error('IllegalVersioningConfigurationException', 'The Versioning element must be specified', 400);
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw s3Errors.malformedXml();
  if (status !== undefined) {
    if (b.config.raw?.['object-lock'] && status === 'Suspended') {
      throw new S3Error(
        'InvalidBucketState',
        'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
        409,
      );
    }
    b.versioning = status;
    await call.s3.catalog.saveBucket(b);
  }
  send(call, 200, {});
}

// ---- tagging

export function getBucketTagging(call: Call): void {
  const b = requireBucket(call);
  if (!b.config.tags || b.config.tags.length === 0) throw s3Errors.noSuchTagSet(b.name);
  sendXml(call, 200, doc('Tagging', tagSetXml(b.config.tags)));
}

export async function putBucketTagging(call: Call): Promise<void> {
  const b = requireBucket(call);
  b.config.tags = parseTagging(await readSmallBody(call.head, call.req, call.caller), 50);
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

export async function deleteBucketTagging(call: Call): Promise<void> {
  const b = requireBucket(call);
  delete b.config.tags;
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

// ---- CORS

const CORS_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];

export function getBucketCors(call: Call): void {
  const b = requireBucket(call);
  if (!b.config.cors) throw s3Errors.noSuchCors(b.name);
  let x = '';
  for (const r of b.config.cors) {
    x += '<CORSRule>';
    if (r.id) x += el('ID', r.id);
    for (const h of r.allowedHeaders) x += el('AllowedHeader', h);
    for (const m of r.allowedMethods) x += el('AllowedMethod', m);
    for (const o of r.allowedOrigins) x += el('AllowedOrigin', o);
    for (const e of r.exposeHeaders) x += el('ExposeHeader', e);
    if (r.maxAgeSeconds !== undefined) x += el('MaxAgeSeconds', r.maxAgeSeconds);
    x += '</CORSRule>';
  }
  sendXml(call, 200, doc('CORSConfiguration', x));
}

export async function putBucketCors(call: Call): Promise<void> {
  const b = requireBucket(call);
  const root = parseXml((await readSmallBody(call.head, call.req, call.caller)).toString('utf8'));
  if (root.name !== 'CORSConfiguration') throw s3Errors.malformedXml();
  const rules = childrenNamed(root, 'CORSRule');
  if (rules.length === 0 || rules.length > 100) throw s3Errors.malformedXml();
  const out: CorsRule[] = rules.map((r) => {
    const methods = childrenNamed(r, 'AllowedMethod').map((m) => m.text.trim());
    const origins = childrenNamed(r, 'AllowedOrigin').map((m) => m.text.trim());
    if (methods.length === 0 || origins.length === 0) throw s3Errors.malformedXml();
    for (const m of methods) {
      if (!CORS_METHODS.includes(m))
        throw s3Errors.invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    const rule: CorsRule = {
      allowedMethods: methods,
      allowedOrigins: origins,
      allowedHeaders: childrenNamed(r, 'AllowedHeader').map((m) => m.text.trim()),
      exposeHeaders: childrenNamed(r, 'ExposeHeader').map((m) => m.text.trim()),
    };
    const id = childText(r, 'ID');
    if (id) rule.id = id;
    const age = childText(r, 'MaxAgeSeconds');
    if (age !== undefined) rule.maxAgeSeconds = Number(age);
    return rule;
  });
  b.config.cors = out;
  await call.s3.catalog.saveBucket(b);
  send(call, 200, {});
}

export async function deleteBucketCors(call: Call): Promise<void> {
  const b = requireBucket(call);
  delete b.config.cors;
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

// ---- policy

export function getBucketPolicy(call: Call): void {
  const b = requireBucket(call);
  if (!b.config.policy) throw s3Errors.noSuchPolicy(b.name);
  send(call, 200, { 'content-type': 'application/json' }, b.config.policy);
}

export async function putBucketPolicy(call: Call): Promise<void> {
  const b = requireBucket(call);
  const text = (await readSmallBody(call.head, call.req, call.caller, 20 * 1024)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!text.trim().startsWith('{') || typeof parsed !== 'object' || parsed === null) {
    throw new S3Error('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'", 400);
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  if (statements === undefined) throw new S3Error('MalformedPolicy', 'Missing required field Statement', 400);
  b.config.policy = text;
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

export async function deleteBucketPolicy(call: Call): Promise<void> {
  const b = requireBucket(call);
  delete b.config.policy;
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}

// ---- notifications

const EVENT =
  /^s3:(ObjectCreated:(\*|Put|Post|Copy|CompleteMultipartUpload)|ObjectRemoved:(\*|Delete|DeleteMarkerCreated)|ObjectRestore:(\*|Post|Completed|Delete)|ReducedRedundancyLostObject|Replication:(\*|OperationFailedReplication|OperationMissedThreshold|OperationReplicatedAfterThreshold|OperationNotTracked)|LifecycleExpiration:(\*|Delete|DeleteMarkerCreated)|LifecycleTransition|IntelligentTiering|ObjectTagging:(\*|Put|Delete)|ObjectAcl:Put)$/;

const KINDS: [string, string, NotificationTarget['kind']][] = [
  ['TopicConfiguration', 'Topic', 'sns'],
  ['QueueConfiguration', 'Queue', 'sqs'],
  ['CloudFunctionConfiguration', 'CloudFunction', 'lambda'],
];

export function getBucketNotification(call: Call): void {
  const b = requireBucket(call);
  let x = '';
  for (const [tag, arnTag, kind] of KINDS) {
    for (const t of b.config.notifications ?? []) {
      if (t.kind !== kind) continue;
      let inner = el('Id', t.id) + el(arnTag, t.arn);
      for (const e of t.events) inner += el('Event', e);
      if (t.prefix !== undefined || t.suffix !== undefined) {
        inner += '<Filter><S3Key>';
        if (t.prefix !== undefined) inner += `<FilterRule><Name>Prefix</Name>${el('Value', t.prefix)}</FilterRule>`;
        if (t.suffix !== undefined) inner += `<FilterRule><Name>Suffix</Name>${el('Value', t.suffix)}</FilterRule>`;
        inner += '</S3Key></Filter>';
      }
      x += `<${tag}>${inner}</${tag}>`;
    }
  }
  if (b.config.eventBridge) x += '<EventBridgeConfiguration></EventBridgeConfiguration>';
  sendXml(call, 200, doc('NotificationConfiguration', x));
}

export async function putBucketNotification(call: Call): Promise<void> {
  const b = requireBucket(call);
  const root = parseXml((await readSmallBody(call.head, call.req, call.caller)).toString('utf8'));
  if (root.name !== 'NotificationConfiguration') throw s3Errors.malformedXml();
  const targets: NotificationTarget[] = [];
  for (const [tag, arnTag, kind] of KINDS) {
    for (const node of childrenNamed(root, tag)) {
      const arn = childText(node, arnTag)?.trim();
      if (!arn) throw s3Errors.malformedXml();
      const events = childrenNamed(node, 'Event').map((e) => e.text.trim());
      if (events.length === 0) throw s3Errors.malformedXml();
      for (const e of events) {
        if (!EVENT.test(e)) throw s3Errors.invalidArgument('The event is not supported for notifications', e, e);
      }
      const t: NotificationTarget = { id: childText(node, 'Id')?.trim() || randomId(), kind, arn, events };
      const key = child(child(node, 'Filter') ?? { name: '', text: '', children: [] }, 'S3Key');
      for (const rule of key ? childrenNamed(key, 'FilterRule') : []) {
        const name = childText(rule, 'Name')?.trim().toLowerCase();
        const value = childText(rule, 'Value') ?? '';
        if (name === 'prefix' && t.prefix === undefined) t.prefix = value;
        else if (name === 'suffix' && t.suffix === undefined) t.suffix = value;
        else
          throw s3Errors.invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule', name ?? '');
      }
      targets.push(t);
    }
  }
  const skip = call.head.headers['x-amz-skip-destination-validation'] === 'true';
  if (!skip) await call.s3.notifier.validate(b, targets);
  b.config.notifications = targets;
  if (child(root, 'EventBridgeConfiguration')) b.config.eventBridge = true;
  else delete b.config.eventBridge;
  await call.s3.catalog.saveBucket(b);
  send(call, 200, {});
  if (!skip) await call.s3.notifier.sendTestEvents(b, targets, call.requestId, call.hostId, call.now);
}

function randomId(): string {
  return randomBytes(24).toString('base64').replace(/[+/=]/g, '').slice(0, 32);
}

// ---- default encryption

export function getBucketEncryption(call: Call): void {
  sendXml(call, 200, bucketEncryptionXml(bucketEncryption(requireBucket(call))));
}

export async function putBucketEncryption(call: Call): Promise<void> {
  const b = requireBucket(call);
  const text = (await readSmallBody(call.head, call.req, call.caller)).toString('utf8');
  await saveEncryption(call, b, parseBucketEncryption(text, bucketEncryption(b)));
  send(call, 200, {});
}

export async function deleteBucketEncryption(call: Call): Promise<void> {
  const b = requireBucket(call);
  await saveEncryption(call, b, resetBucketEncryption(bucketEncryption(b)));
  send(call, 204, {});
}

/** Stores a bucket's default encryption (and drops the as-sent copy an earlier Overcast kept). */
async function saveEncryption(call: Call, b: Bucket, encryption: BucketEncryption): Promise<void> {
  b.config.encryption = encryption;
  if (b.config.raw) delete b.config.raw['encryption'];
  await call.s3.catalog.saveBucket(b);
}

// ---- ACLs (accepted, not enforced) and stored-as-sent sub-resources

export function getBucketAcl(call: Call): void {
  const b = requireBucket(call);
  sendXml(call, 200, aclXml(b.account));
}

export async function putAcl(call: Call): Promise<void> {
  requireBucket(call);
  await readSmallBody(call.head, call.req, call.caller);
  send(call, 200, {});
}

/** Sub-resources stored as sent, with the answer S3 gives when none is set. */
export const RAW_SUBRESOURCES: Record<string, { root: string; missing: () => string | S3Error }> = {
  lifecycle: {
    root: 'LifecycleConfiguration',
    missing: () => new S3Error('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404),
  },
  ownershipControls: {
    root: 'OwnershipControls',
    missing: () => doc('OwnershipControls', '<Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>'),
  },
  publicAccessBlock: {
    root: 'PublicAccessBlockConfiguration',
    missing: () =>
      doc(
        'PublicAccessBlockConfiguration',
        '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>',
      ),
  },
  website: {
    root: 'WebsiteConfiguration',
    missing: () =>
      new S3Error('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', 404),
  },
  logging: { root: 'BucketLoggingStatus', missing: () => doc('BucketLoggingStatus', '') },
  accelerate: { root: 'AccelerateConfiguration', missing: () => doc('AccelerateConfiguration', '') },
  requestPayment: {
    root: 'RequestPaymentConfiguration',
    missing: () => doc('RequestPaymentConfiguration', '<Payer>BucketOwner</Payer>'),
  },
  'object-lock': {
    root: 'ObjectLockConfiguration',
    missing: () =>
      new S3Error(
        'ObjectLockConfigurationNotFoundError',
        'Object Lock configuration does not exist for this bucket',
        404,
      ),
  },
  replication: {
    root: 'ReplicationConfiguration',
    missing: () =>
      new S3Error('ReplicationConfigurationNotFoundError', 'The replication configuration was not found', 404),
  },
};

export function getRaw(call: Call, name: string): void {
  const b = requireBucket(call);
  const stored = b.config.raw?.[name];
  if (stored !== undefined) {
    sendXml(call, 200, stored.startsWith('<?xml') ? stored : XML_DECL + stored);
    return;
  }
  const missing = RAW_SUBRESOURCES[name]!.missing();
  if (missing instanceof S3Error) throw missing;
  sendXml(call, 200, missing);
}

export async function putRaw(call: Call, name: string): Promise<void> {
  const b = requireBucket(call);
  const text = (await readSmallBody(call.head, call.req, call.caller)).toString('utf8');
  const root = parseXml(text);
  if (root.name !== RAW_SUBRESOURCES[name]!.root) throw s3Errors.malformedXml();
  b.config.raw = { ...(b.config.raw ?? {}), [name]: text.replace(/^<\?xml[^>]*\?>\s*/, '') };
  await call.s3.catalog.saveBucket(b);
  send(call, 200, {});
}

export async function deleteRaw(call: Call, name: string): Promise<void> {
  const b = requireBucket(call);
  if (b.config.raw) delete b.config.raw[name];
  await call.s3.catalog.saveBucket(b);
  send(call, 204, {});
}
