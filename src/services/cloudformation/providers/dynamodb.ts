import { ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { bool, changedProps, compact, num } from './types.js';

const T = 'DynamoDB_20120810';

function throughput(p: any) {
  return p ? { ReadCapacityUnits: num(p.ReadCapacityUnits), WriteCapacityUnits: num(p.WriteCapacityUnits) } : undefined;
}

function indexes(list: any[] | undefined) {
  return list?.map((i) => {
    // Contributor Insights are not part of CreateTable's index: UpdateContributorInsights sets them.
    const { ContributorInsightsSpecification: _insights, ...index } = i;
    return compact({
      ...index,
      ProvisionedThroughput: throughput(i.ProvisionedThroughput),
      OnDemandThroughput: onDemand(i.OnDemandThroughput),
      WarmThroughput: warm(i.WarmThroughput),
    });
  });
}

/** The Contributor Insights a template asks for, by index name ('' for the table). */
function insightsWanted(props: Props): Map<string, { enabled: boolean; mode?: string }> {
  const out = new Map<string, { enabled: boolean; mode?: string }>();
  const add = (key: string, spec: any) => {
    if (spec) out.set(key, { enabled: bool(spec.Enabled) ?? false, ...(spec.Mode ? { mode: spec.Mode } : {}) });
  };
  add('', props['ContributorInsightsSpecification']);
  for (const g of props['GlobalSecondaryIndexes'] ?? []) add(g.IndexName, g.ContributorInsightsSpecification);
  return out;
}

/** UpdateContributorInsights for every table or GSI whose ContributorInsightsSpecification changed. */
async function updateInsights(ctx: ProviderContext, name: string, props: Props, old: Props | undefined) {
  const wanted = insightsWanted(props);
  const had = old ? insightsWanted(old) : new Map<string, { enabled: boolean; mode?: string }>();
  const gsis = new Set((props['GlobalSecondaryIndexes'] ?? []).map((g: any) => g.IndexName));
  for (const key of new Set([...wanted.keys(), ...had.keys()])) {
    const want = wanted.get(key);
    const before = had.get(key);
    if (JSON.stringify(want) === JSON.stringify(before) || (key !== '' && !gsis.has(key))) continue;
    if (!want?.enabled && !before?.enabled) continue;
    await ctx.client.json(
      'dynamodb',
      `${T}.UpdateContributorInsights`,
      compact({
        TableName: name,
        IndexName: key === '' ? undefined : key,
        ContributorInsightsAction: want?.enabled ? 'ENABLE' : 'DISABLE',
        ContributorInsightsMode: want?.enabled ? want.mode : undefined,
      }),
    );
  }
}

function stream(spec: any) {
  return spec?.StreamViewType ? { StreamEnabled: true, StreamViewType: spec.StreamViewType } : undefined;
}

async function attributes(ctx: ProviderContext, name: string) {
  const { Table } = await ctx.client.json('dynamodb', `${T}.DescribeTable`, { TableName: name });
  return compact({ Arn: Table.TableArn, StreamArn: Table.LatestStreamArn, TableId: Table.TableId });
}

async function extras(ctx: ProviderContext, name: string, props: Props, old: Props | undefined) {
  const ttl = props['TimeToLiveSpecification'];
  const oldTtl = old?.['TimeToLiveSpecification'];
  if (JSON.stringify(ttl) !== JSON.stringify(oldTtl) && (ttl || oldTtl)) {
    const enabled = bool(ttl?.Enabled) ?? false;
    if (enabled || bool(oldTtl?.Enabled))
      await ctx.client.json('dynamodb', `${T}.UpdateTimeToLive`, {
        TableName: name,
        TimeToLiveSpecification: { Enabled: enabled, AttributeName: ttl?.AttributeName ?? oldTtl?.AttributeName },
      });
  }
  await updateInsights(ctx, name, props, old);
  const pitr = props['PointInTimeRecoverySpecification'];
  const oldPitr = old?.['PointInTimeRecoverySpecification'];
  if (JSON.stringify(pitr) !== JSON.stringify(oldPitr) && (pitr || oldPitr))
    await ctx.client.json('dynamodb', `${T}.UpdateContinuousBackups`, {
      TableName: name,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: bool(pitr?.PointInTimeRecoveryEnabled) ?? false },
    });
}

/** What CreateTable and ImportTable's TableCreationParameters share. */
function tableShape(name: string, props: Props): Record<string, unknown> {
  const sse = props['SSESpecification'];
  return {
    TableName: name,
    AttributeDefinitions: props['AttributeDefinitions'],
    KeySchema: props['KeySchema'],
    BillingMode: props['BillingMode'],
    ProvisionedThroughput: throughput(props['ProvisionedThroughput']),
    // An empty list is DynamoDB's ValidationException; a template's `[]` means none.
    GlobalSecondaryIndexes: props['GlobalSecondaryIndexes']?.length
      ? indexes(props['GlobalSecondaryIndexes'])
      : undefined,
    SSESpecification: sse
      ? compact({ Enabled: bool(sse.SSEEnabled), SSEType: sse.SSEType, KMSMasterKeyId: sse.KMSMasterKeyId })
      : undefined,
    OnDemandThroughput: onDemand(props['OnDemandThroughput']),
    WarmThroughput: warm(props['WarmThroughput']),
  };
}

/** A template's struct of numbers (YAML may give them as strings), members it leaves out omitted. */
function numbers(p: any, ...names: string[]) {
  return p ? compact(Object.fromEntries(names.map((n) => [n, num(p[n])]))) : undefined;
}
const onDemand = (p: any) => numbers(p, 'MaxReadRequestUnits', 'MaxWriteRequestUnits');
const warm = (p: any) => numbers(p, 'ReadUnitsPerSecond', 'WriteUnitsPerSecond');

/**
 * A table with ImportSourceSpecification is created by ImportTable, as CloudFormation does; an
 * import that fails fails the resource. Streams and tags, which ImportTable does not take, follow.
 */
async function importTable(ctx: ProviderContext, name: string, props: Props): Promise<void> {
  const spec = props['ImportSourceSpecification'];
  if (props['LocalSecondaryIndexes']?.length)
    throw new Error('LocalSecondaryIndexes cannot be created by an import (ImportSourceSpecification)');
  const { ImportTableDescription: started } = await ctx.client.json('dynamodb', `${T}.ImportTable`, {
    S3BucketSource: spec.S3BucketSource,
    InputFormat: spec.InputFormat,
    ...compact({ InputFormatOptions: spec.InputFormatOptions, InputCompressionType: spec.InputCompressionType }),
    TableCreationParameters: compact(tableShape(name, props)),
  });
  const { ImportTableDescription: done } = await ctx.client.json('dynamodb', `${T}.DescribeImport`, {
    ImportArn: started.ImportArn,
  });
  if (done.ImportStatus !== 'COMPLETED')
    throw new Error(`Import ${done.ImportArn} ${done.ImportStatus}: ${done.FailureCode}: ${done.FailureMessage}`);
  const streamSpec = stream(props['StreamSpecification']);
  if (streamSpec)
    await ctx.client.json('dynamodb', `${T}.UpdateTable`, { TableName: name, StreamSpecification: streamSpec });
  if (props['Tags']?.length) {
    const arn = (await attributes(ctx, name)).Arn;
    await ctx.client.json('dynamodb', `${T}.TagResource`, { ResourceArn: arn, Tags: props['Tags'] });
  }
  if (bool(props['DeletionProtectionEnabled']))
    await ctx.client.json('dynamodb', `${T}.UpdateTable`, { TableName: name, DeletionProtectionEnabled: true });
}

/** GlobalTable keeps its settings per replica; a single-region table takes the first replica's. */
function normalise(props: Props): Props {
  if (!Array.isArray(props['Replicas'])) return props;
  const replica = props['Replicas'][0] ?? {};
  const out: Props = { ...props };
  delete out['Replicas'];
  if (replica.PointInTimeRecoverySpecification)
    out['PointInTimeRecoverySpecification'] = replica.PointInTimeRecoverySpecification;
  if (replica.Tags) out['Tags'] = replica.Tags;
  if (replica.DeletionProtectionEnabled !== undefined)
    out['DeletionProtectionEnabled'] = replica.DeletionProtectionEnabled;
  if (replica.TableClass) out['TableClass'] = replica.TableClass;
  if (replica.ContributorInsightsSpecification)
    out['ContributorInsightsSpecification'] = replica.ContributorInsightsSpecification;
  // A replica's GSI settings (Contributor Insights) join the table's GSI of the same name.
  const replicaGsis = new Map<string, any>((replica.GlobalSecondaryIndexes ?? []).map((g: any) => [g.IndexName, g]));
  if (replicaGsis.size > 0 && Array.isArray(props['GlobalSecondaryIndexes'])) {
    out['GlobalSecondaryIndexes'] = props['GlobalSecondaryIndexes'].map((g: any) => {
      const spec = replicaGsis.get(g.IndexName)?.ContributorInsightsSpecification;
      return spec ? { ...g, ContributorInsightsSpecification: spec } : g;
    });
  }
  if (props['WriteProvisionedThroughputSettings']) out['BillingMode'] = out['BillingMode'] ?? 'PROVISIONED';
  return out;
}

export const dynamodbTable: ResourceProvider = {
  replaceOn: ['TableName', 'KeySchema', 'LocalSecondaryIndexes'],
  attributes: ['Arn', 'StreamArn', 'TableId'],
  async create(raw, ctx) {
    const props = normalise(raw);
    const name = props['TableName'] ?? ctx.physicalName(255);
    if (props['ImportSourceSpecification']) {
      await importTable(ctx, name, props);
      await extras(ctx, name, props, undefined);
      return { physicalId: name, attributes: await attributes(ctx, name) };
    }
    await ctx.client.json(
      'dynamodb',
      `${T}.CreateTable`,
      compact({
        ...tableShape(name, props),
        LocalSecondaryIndexes: props['LocalSecondaryIndexes']?.length ? props['LocalSecondaryIndexes'] : undefined,
        StreamSpecification: stream(props['StreamSpecification']),
        Tags: props['Tags'],
        TableClass: props['TableClass'],
        DeletionProtectionEnabled: bool(props['DeletionProtectionEnabled']),
      }),
    );
    await extras(ctx, name, props, undefined);
    return { physicalId: name, attributes: await attributes(ctx, name) };
  },
  async update(name, raw, rawOld, _attrs, ctx) {
    const props = normalise(raw);
    const old = normalise(rawOld);
    const changed = changedProps(props, old);
    const update: Record<string, unknown> = {};
    // Only an effective change: DynamoDB refuses throughput that "will not change".
    const billingOf = (p: Props) => p['BillingMode'] ?? 'PROVISIONED';
    const capacityOf = (p: Props) =>
      billingOf(p) === 'PROVISIONED' ? JSON.stringify(throughput(p['ProvisionedThroughput'])) : '';
    if (billingOf(props) !== billingOf(old) || capacityOf(props) !== capacityOf(old)) {
      update['BillingMode'] = billingOf(props);
      if (update['BillingMode'] === 'PROVISIONED')
        update['ProvisionedThroughput'] = throughput(props['ProvisionedThroughput']);
    }
    if (changed.includes('StreamSpecification'))
      update['StreamSpecification'] = stream(props['StreamSpecification']) ?? { StreamEnabled: false };
    if (changed.includes('DeletionProtectionEnabled'))
      update['DeletionProtectionEnabled'] = bool(props['DeletionProtectionEnabled']) ?? false;
    if (changed.includes('TableClass') && props['TableClass']) update['TableClass'] = props['TableClass'];
    // A limit the template drops is cleared (-1); warm throughput only grows (and alone).
    if (
      changed.includes('OnDemandThroughput') &&
      (props['OnDemandThroughput'] || props['BillingMode'] === 'PAY_PER_REQUEST')
    )
      update['OnDemandThroughput'] = onDemand(props['OnDemandThroughput']) ?? {
        MaxReadRequestUnits: -1,
        MaxWriteRequestUnits: -1,
      };
    if (changed.includes('WarmThroughput') && props['WarmThroughput'])
      update['WarmThroughput'] = warm(props['WarmThroughput']);
    if (changed.includes('SSESpecification')) {
      const kms = (p: Props) => bool(p['SSESpecification']?.SSEEnabled) ?? false;
      // Turning a KMS key off sends Enabled: false; an AWS-owned key that stays one needs no call.
      if (kms(props)) update['SSESpecification'] = tableShape(name, props)['SSESpecification'];
      else if (kms(old)) update['SSESpecification'] = { Enabled: false };
    }
    if (changed.includes('GlobalSecondaryIndexes')) {
      const oldIdx = new Map<string, any>((old['GlobalSecondaryIndexes'] ?? []).map((i: any) => [i.IndexName, i]));
      const newIdx = new Map<string, any>((props['GlobalSecondaryIndexes'] ?? []).map((i: any) => [i.IndexName, i]));
      const updates: unknown[] = [];
      for (const [n] of oldIdx) if (!newIdx.has(n)) updates.push({ Delete: { IndexName: n } });
      for (const [n, i] of newIdx) if (!oldIdx.has(n)) updates.push({ Create: indexes([i])![0] });
      update['GlobalSecondaryIndexUpdates'] = updates;
      update['AttributeDefinitions'] = props['AttributeDefinitions'];
    }
    // DynamoDB takes one kind of change per UpdateTable call: throughput (with the GSIs' own when
    // the table turns PROVISIONED), the stream, deletion protection, the table class, and each index.
    const calls: Record<string, unknown>[] = [];
    const {
      GlobalSecondaryIndexUpdates: gsi,
      AttributeDefinitions: defs,
      BillingMode,
      ProvisionedThroughput,
      ...rest
    } = update;
    if (BillingMode !== undefined) {
      const billing: Record<string, unknown> = compact({ BillingMode, ProvisionedThroughput });
      const oldNames = new Set((old['GlobalSecondaryIndexes'] ?? []).map((i: any) => i.IndexName));
      const kept = (props['GlobalSecondaryIndexes'] ?? []).filter((i: any) => oldNames.has(i.IndexName));
      if (BillingMode === 'PROVISIONED' && old['BillingMode'] === 'PAY_PER_REQUEST' && kept.length > 0)
        billing['GlobalSecondaryIndexUpdates'] = kept.map((i: any) => ({
          Update: { IndexName: i.IndexName, ProvisionedThroughput: throughput(i.ProvisionedThroughput) },
        }));
      calls.push(billing);
    }
    for (const [k, v] of Object.entries(rest)) calls.push({ [k]: v });
    for (const u of (gsi as unknown[] | undefined) ?? [])
      calls.push({ GlobalSecondaryIndexUpdates: [u], AttributeDefinitions: defs });
    for (const c of calls) await ctx.client.json('dynamodb', `${T}.UpdateTable`, { TableName: name, ...c });
    if (changed.includes('Tags')) {
      const arn = (await attributes(ctx, name)).Arn;
      const oldKeys = (old['Tags'] ?? []).map((t: any) => t.Key);
      if (oldKeys.length)
        await ctx.client.json('dynamodb', `${T}.UntagResource`, { ResourceArn: arn, TagKeys: oldKeys });
      if (props['Tags']?.length)
        await ctx.client.json('dynamodb', `${T}.TagResource`, { ResourceArn: arn, Tags: props['Tags'] });
    }
    await extras(ctx, name, props, old);
    return { physicalId: name, attributes: await attributes(ctx, name) };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.json('dynamodb', `${T}.DeleteTable`, { TableName: name }));
  },
};
