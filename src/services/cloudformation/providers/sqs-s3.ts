import { createHash } from 'node:crypto';
import { ignoreNotFound, isNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { bool, changedProps, tagMap } from './types.js';

const SQS = 'AmazonSQS';

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
];

function queueAttributes(props: Props, forCreate: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of QUEUE_ATTRIBUTES) {
    const v = props[k];
    if (v === undefined) continue;
    if (!forCreate && (k === 'FifoQueue' || k === 'DeduplicationScope')) continue;
    // A standard queue's template may say FifoQueue: false; SQS's CreateQueue refuses the attribute.
    if (k === 'FifoQueue' && bool(v) === false) continue;
    out[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

async function queueArn(ctx: ProviderContext, url: string): Promise<string> {
  const r = await ctx.client.json('sqs', `${SQS}.GetQueueAttributes`, { QueueUrl: url, AttributeNames: ['QueueArn'] });
  return r.Attributes.QueueArn;
}

export const sqsQueue: ResourceProvider = {
  replaceOn: ['QueueName', 'FifoQueue'],
  attributes: ['Arn', 'QueueName', 'QueueUrl'],
  async create(props, ctx) {
    const fifo = bool(props['FifoQueue']) ?? false;
    const name = String(props['QueueName'] ?? `${ctx.physicalName(fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`);
    const r = await ctx.client.json('sqs', `${SQS}.CreateQueue`, {
      QueueName: name,
      Attributes: queueAttributes(props, true),
      ...(props['Tags'] ? { tags: tagMap(props['Tags']) } : {}),
    });
    return {
      physicalId: r.QueueUrl,
      attributes: { Arn: await queueArn(ctx, r.QueueUrl), QueueName: name, QueueUrl: r.QueueUrl },
    };
  },
  async update(url, props, old, attrs, ctx) {
    const attributes = queueAttributes(props, false);
    // Attributes removed from the template go back to their defaults.
    const defaults: Record<string, string> = {
      DelaySeconds: '0',
      MaximumMessageSize: '262144',
      MessageRetentionPeriod: '345600',
      ReceiveMessageWaitTimeSeconds: '0',
      VisibilityTimeout: '30',
      RedrivePolicy: '',
    };
    for (const k of Object.keys(queueAttributes(old, false)))
      if (!(k in attributes) && k in defaults) attributes[k] = defaults[k]!;
    if (Object.keys(attributes).length)
      await ctx.client.json('sqs', `${SQS}.SetQueueAttributes`, { QueueUrl: url, Attributes: attributes });
    if (changedProps(props, old).includes('Tags') && props['Tags'])
      await ctx.client.json('sqs', `${SQS}.TagQueue`, { QueueUrl: url, Tags: tagMap(props['Tags']) });
    return { physicalId: url, attributes: attrs };
  },
  async delete(url, _props, _attrs, ctx) {
    try {
      await ctx.client.json('sqs', `${SQS}.DeleteQueue`, { QueueUrl: url });
    } catch (e) {
      if (!isNotFound(e) && !/QueueDoesNotExist/.test((e as { code?: string }).code ?? '')) throw e;
    }
  },
};

export const sqsQueuePolicy: ResourceProvider = {
  replaceOn: [],
  async create(props, ctx) {
    for (const url of (props['Queues'] ?? []) as string[])
      await ctx.client.json('sqs', `${SQS}.SetQueueAttributes`, {
        QueueUrl: url,
        Attributes: { Policy: JSON.stringify(props['PolicyDocument']) },
      });
    return { physicalId: ctx.physicalName(128) };
  },
  async update(id, props, _old, _attrs, ctx) {
    await sqsQueuePolicy.create(props, ctx);
    return { physicalId: id };
  },
  async delete(_id, props, _attrs, ctx) {
    for (const url of (props['Queues'] ?? []) as string[])
      await ctx.client
        .json('sqs', `${SQS}.SetQueueAttributes`, { QueueUrl: url, Attributes: { Policy: '' } })
        .catch(() => undefined);
  },
};

// ---- S3 ----------------------------------------------------------------------------------------

const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const esc = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function filterXml(filter: any): string {
  const rules = (filter?.S3Key?.Rules ?? []) as { Name: string; Value: string }[];
  if (!rules.length) return '';
  return `<Filter><S3Key>${rules.map((r) => `<FilterRule><Name>${esc(r.Name)}</Name><Value>${esc(r.Value)}</Value></FilterRule>`).join('')}</S3Key></Filter>`;
}

function notificationXml(n: any): string {
  let inner = '';
  for (const c of (n?.LambdaConfigurations ?? []) as any[])
    inner += `<CloudFunctionConfiguration><CloudFunction>${esc(c.Function)}</CloudFunction><Event>${esc(c.Event)}</Event>${filterXml(c.Filter)}</CloudFunctionConfiguration>`;
  for (const c of (n?.QueueConfigurations ?? []) as any[])
    inner += `<QueueConfiguration><Queue>${esc(c.Queue)}</Queue><Event>${esc(c.Event)}</Event>${filterXml(c.Filter)}</QueueConfiguration>`;
  for (const c of (n?.TopicConfigurations ?? []) as any[])
    inner += `<TopicConfiguration><Topic>${esc(c.Topic)}</Topic><Event>${esc(c.Event)}</Event>${filterXml(c.Filter)}</TopicConfiguration>`;
  const eventBridge = n?.EventBridgeConfiguration?.EventBridgeEnabled;
  if (eventBridge === true || eventBridge === 'true') inner += '<EventBridgeConfiguration></EventBridgeConfiguration>';
  return `<NotificationConfiguration xmlns="${XMLNS}">${inner}</NotificationConfiguration>`;
}

function corsXml(cors: any): string {
  const rules = ((cors?.CorsRules ?? []) as any[])
    .map(
      (r) =>
        `<CORSRule>${r.Id ? `<ID>${esc(r.Id)}</ID>` : ''}${(r.AllowedOrigins ?? []).map((o: string) => `<AllowedOrigin>${esc(o)}</AllowedOrigin>`).join('')}` +
        `${(r.AllowedMethods ?? []).map((m: string) => `<AllowedMethod>${esc(m)}</AllowedMethod>`).join('')}` +
        `${(r.AllowedHeaders ?? []).map((h: string) => `<AllowedHeader>${esc(h)}</AllowedHeader>`).join('')}` +
        `${(r.ExposedHeaders ?? []).map((h: string) => `<ExposeHeader>${esc(h)}</ExposeHeader>`).join('')}` +
        `${r.MaxAge !== undefined ? `<MaxAgeSeconds>${esc(r.MaxAge)}</MaxAgeSeconds>` : ''}</CORSRule>`,
    )
    .join('');
  return `<CORSConfiguration xmlns="${XMLNS}">${rules}</CORSConfiguration>`;
}

/** BucketEncryption's ServerSideEncryptionConfiguration as PutBucketEncryption's body. */
function encryptionXml(enc: any): string {
  const rules = ((enc?.ServerSideEncryptionConfiguration ?? []) as any[])
    .map((r) => {
      const d = r.ServerSideEncryptionByDefault;
      const byDefault = d
        ? `<ApplyServerSideEncryptionByDefault><SSEAlgorithm>${esc(d.SSEAlgorithm)}</SSEAlgorithm>${d.KMSMasterKeyID !== undefined ? `<KMSMasterKeyID>${esc(d.KMSMasterKeyID)}</KMSMasterKeyID>` : ''}</ApplyServerSideEncryptionByDefault>`
        : '';
      const blocked = r.BlockedEncryptionTypes?.EncryptionType as string[] | undefined;
      return (
        `<Rule>${byDefault}` +
        (blocked
          ? `<BlockedEncryptionTypes>${blocked.map((t) => `<EncryptionType>${esc(t)}</EncryptionType>`).join('')}</BlockedEncryptionTypes>`
          : '') +
        (r.BucketKeyEnabled !== undefined ? `<BucketKeyEnabled>${esc(r.BucketKeyEnabled)}</BucketKeyEnabled>` : '') +
        '</Rule>'
      );
    })
    .join('');
  return `<ServerSideEncryptionConfiguration xmlns="${XMLNS}">${rules}</ServerSideEncryptionConfiguration>`;
}

async function putSub(ctx: ProviderContext, bucket: string, sub: string, xml: string) {
  await ctx.client.raw('s3', 'PUT', `/${bucket}?${sub}`, xml, {
    'content-type': 'application/xml',
    'content-md5': createHash('md5').update(xml).digest('base64'),
  });
}

async function configureBucket(ctx: ProviderContext, bucket: string, props: Props, old: Props | undefined) {
  const changed = (k: string) => JSON.stringify(props[k]) !== JSON.stringify(old?.[k]);
  if (props['VersioningConfiguration'] && changed('VersioningConfiguration'))
    await putSub(
      ctx,
      bucket,
      'versioning',
      `<VersioningConfiguration xmlns="${XMLNS}"><Status>${esc(props['VersioningConfiguration'].Status)}</Status></VersioningConfiguration>`,
    );
  if (changed('Tags')) {
    if (props['Tags']?.length)
      await putSub(
        ctx,
        bucket,
        'tagging',
        `<Tagging xmlns="${XMLNS}"><TagSet>${(props['Tags'] as { Key: string; Value: string }[]).map((t) => `<Tag><Key>${esc(t.Key)}</Key><Value>${esc(t.Value)}</Value></Tag>`).join('')}</TagSet></Tagging>`,
      );
    else if (old?.['Tags']) await ctx.client.raw('s3', 'DELETE', `/${bucket}?tagging`);
  }
  if (changed('BucketEncryption')) {
    if (props['BucketEncryption']) await putSub(ctx, bucket, 'encryption', encryptionXml(props['BucketEncryption']));
    else if (old?.['BucketEncryption']) await ctx.client.raw('s3', 'DELETE', `/${bucket}?encryption`);
  }
  if (changed('CorsConfiguration')) {
    if (props['CorsConfiguration']) await putSub(ctx, bucket, 'cors', corsXml(props['CorsConfiguration']));
    else if (old?.['CorsConfiguration']) await ctx.client.raw('s3', 'DELETE', `/${bucket}?cors`);
  }
  if (
    changed('NotificationConfiguration') &&
    (props['NotificationConfiguration'] || old?.['NotificationConfiguration'])
  )
    await putSub(ctx, bucket, 'notification', notificationXml(props['NotificationConfiguration']));
}

function bucketAttributes(ctx: ProviderContext, name: string) {
  return {
    Arn: `arn:${ctx.partition}:s3:::${name}`,
    DomainName: `${name}.s3.amazonaws.com`,
    RegionalDomainName: `${name}.s3.${ctx.region}.amazonaws.com`,
    DualStackDomainName: `${name}.s3.dualstack.${ctx.region}.amazonaws.com`,
    WebsiteURL: `http://${name}.s3-website-${ctx.region}.amazonaws.com`,
  };
}

export const s3Bucket: ResourceProvider = {
  replaceOn: ['BucketName', 'ObjectLockEnabled'],
  attributes: ['Arn', 'DomainName', 'RegionalDomainName', 'DualStackDomainName', 'WebsiteURL'],
  async create(props, ctx) {
    const name = String(props['BucketName'] ?? ctx.physicalName(63, { lowercase: true }));
    const body =
      ctx.region === 'us-east-1'
        ? ''
        : `<CreateBucketConfiguration xmlns="${XMLNS}"><LocationConstraint>${ctx.region}</LocationConstraint></CreateBucketConfiguration>`;
    await ctx.client.raw('s3', 'PUT', `/${name}`, body, body ? { 'content-type': 'application/xml' } : {});
    await configureBucket(ctx, name, props, undefined);
    return { physicalId: name, attributes: bucketAttributes(ctx, name) };
  },
  async update(name, props, old, _attrs, ctx) {
    await configureBucket(ctx, name, props, old);
    return { physicalId: name, attributes: bucketAttributes(ctx, name) };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.raw('s3', 'DELETE', `/${name}`));
  },
};

export const s3BucketPolicy: ResourceProvider = {
  replaceOn: ['Bucket'],
  async create(props, ctx) {
    await ctx.client.raw('s3', 'PUT', `/${props['Bucket']}?policy`, JSON.stringify(props['PolicyDocument']), {
      'content-type': 'application/json',
    });
    return { physicalId: ctx.physicalName(128) };
  },
  async update(id, props, _old, _attrs, ctx) {
    await s3BucketPolicy.create(props, ctx);
    return { physicalId: id };
  },
  async delete(_id, props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.raw('s3', 'DELETE', `/${props['Bucket']}?policy`));
  },
};
