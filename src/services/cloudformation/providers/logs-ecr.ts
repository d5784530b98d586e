import { ignoreNotFound } from './client.js';
import type { ProviderContext, ResourceProvider } from './types.js';
import { bool, changedProps, num, tagMap } from './types.js';

const LOGS = 'Logs_20140328';
const ECR = 'AmazonEC2ContainerRegistry_V20150921';

async function retention(ctx: ProviderContext, name: string, days: unknown) {
  if (days !== undefined)
    await ctx.client.json(
      'logs',
      `${LOGS}.PutRetentionPolicy`,
      { logGroupName: name, retentionInDays: num(days) },
      '1.1',
    );
  else await ctx.client.json('logs', `${LOGS}.DeleteRetentionPolicy`, { logGroupName: name }, '1.1');
}

export const logGroup: ResourceProvider = {
  replaceOn: ['LogGroupName', 'LogGroupClass'],
  attributes: ['Arn'],
  async create(props, ctx) {
    const name = String(props['LogGroupName'] ?? ctx.physicalName(512));
    await ctx.client.json(
      'logs',
      `${LOGS}.CreateLogGroup`,
      {
        logGroupName: name,
        ...(props['KmsKeyId'] ? { kmsKeyId: props['KmsKeyId'] } : {}),
        ...(props['Tags'] ? { tags: tagMap(props['Tags']) } : {}),
      },
      '1.1',
    );
    if (props['RetentionInDays'] !== undefined) await retention(ctx, name, props['RetentionInDays']);
    return {
      physicalId: name,
      attributes: { Arn: `arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:${name}:*` },
    };
  },
  async update(name, props, old, attrs, ctx) {
    if (changedProps(props, old).includes('RetentionInDays')) await retention(ctx, name, props['RetentionInDays']);
    return { physicalId: name, attributes: attrs };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.json('logs', `${LOGS}.DeleteLogGroup`, { logGroupName: name }, '1.1'));
  },
};

export const ecrRepository: ResourceProvider = {
  replaceOn: ['RepositoryName', 'EncryptionConfiguration'],
  attributes: ['Arn', 'RepositoryUri'],
  async create(props, ctx) {
    const name = String(props['RepositoryName'] ?? ctx.physicalName(256, { lowercase: true }));
    const r = await ctx.client.json(
      'ecr',
      `${ECR}.CreateRepository`,
      {
        repositoryName: name,
        ...(props['ImageTagMutability'] ? { imageTagMutability: props['ImageTagMutability'] } : {}),
        ...(props['ImageScanningConfiguration']
          ? { imageScanningConfiguration: { scanOnPush: bool(props['ImageScanningConfiguration'].ScanOnPush) } }
          : {}),
        ...(props['Tags'] ? { tags: props['Tags'] } : {}),
      },
      '1.1',
    );
    if (props['LifecyclePolicy']?.LifecyclePolicyText)
      await ctx.client.json(
        'ecr',
        `${ECR}.PutLifecyclePolicy`,
        { repositoryName: name, lifecyclePolicyText: props['LifecyclePolicy'].LifecyclePolicyText },
        '1.1',
      );
    if (props['RepositoryPolicyText'])
      await ctx.client.json(
        'ecr',
        `${ECR}.SetRepositoryPolicy`,
        { repositoryName: name, policyText: JSON.stringify(props['RepositoryPolicyText']) },
        '1.1',
      );
    return {
      physicalId: name,
      attributes: { Arn: r.repository.repositoryArn, RepositoryUri: r.repository.repositoryUri },
    };
  },
  async update(name, props, old, attrs, ctx) {
    const changed = changedProps(props, old);
    if (changed.includes('ImageTagMutability'))
      await ctx.client.json(
        'ecr',
        `${ECR}.PutImageTagMutability`,
        { repositoryName: name, imageTagMutability: props['ImageTagMutability'] ?? 'MUTABLE' },
        '1.1',
      );
    if (changed.includes('LifecyclePolicy') && props['LifecyclePolicy']?.LifecyclePolicyText)
      await ctx.client.json(
        'ecr',
        `${ECR}.PutLifecyclePolicy`,
        { repositoryName: name, lifecyclePolicyText: props['LifecyclePolicy'].LifecyclePolicyText },
        '1.1',
      );
    return { physicalId: name, attributes: attrs };
  },
  async delete(name, props, _attrs, ctx) {
    await ignoreNotFound(
      ctx.client.json(
        'ecr',
        `${ECR}.DeleteRepository`,
        { repositoryName: name, force: bool(props['EmptyOnDelete']) ?? false },
        '1.1',
      ),
    );
  },
};
