import { ignoreNotFound, ServiceCallError } from './client.js';
import { inlineZip, localCode } from './code.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { bool, changedProps, compact, num, tagMap } from './types.js';

const enc = encodeURIComponent;

/** `name`, `name:qualifier`, or an ARN (with an optional qualifier) → function name and qualifier. */
export function splitFunction(ref: string): { name: string; qualifier?: string } {
  if (ref.startsWith('arn:')) {
    const parts = ref.split(':');
    return { name: parts.slice(0, 7).join(':'), ...(parts[7] ? { qualifier: parts[7] } : {}) };
  }
  const [name, qualifier] = ref.split(':');
  return { name: name!, ...(qualifier ? { qualifier } : {}) };
}

async function code(props: Props, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const c = (props['Code'] ?? {}) as Record<string, unknown>;
  const local = await localCode(c);
  if (local !== undefined) return { ZipFile: local };
  if (typeof c['ZipFile'] === 'string') return { ZipFile: await inlineZip(c['ZipFile'], props['Runtime']) };
  if (c['S3Bucket'] !== undefined || c['S3Key'] !== undefined) return { ZipFile: await fromS3(ctx, c) };
  return compact({ ImageUri: c['ImageUri'] });
}

/** Code in S3 is read from Overcast's S3 and handed to Lambda as a zip (Lambda's wording for errors). */
async function fromS3(ctx: ProviderContext, c: Record<string, unknown>): Promise<string> {
  try {
    const body = await ctx.client.s3Object(
      String(c['S3Bucket']),
      String(c['S3Key']),
      c['S3ObjectVersion'] as string | undefined,
    );
    return body.toString('base64');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'Error';
    throw new ServiceCallError(
      'InvalidParameterValueException',
      `Error occurred while GetObject. S3 Error Code: ${code}. S3 Error Message: ${(e as Error).message}`,
      400,
    );
  }
}

function configuration(props: Props) {
  return compact({
    Role: props['Role'],
    Handler: props['Handler'],
    Runtime: props['Runtime'],
    Description: props['Description'],
    Timeout: num(props['Timeout']),
    MemorySize: num(props['MemorySize']),
    Environment: props['Environment'] ? { Variables: stringValues(props['Environment'].Variables ?? {}) } : undefined,
    Layers: props['Layers'],
    DeadLetterConfig: props['DeadLetterConfig'],
    TracingConfig: props['TracingConfig'],
    VpcConfig: props['VpcConfig'],
    KMSKeyArn: props['KmsKeyArn'],
    ImageConfig: props['ImageConfig'],
    EphemeralStorage: props['EphemeralStorage'] ? { Size: num(props['EphemeralStorage'].Size) } : undefined,
    LoggingConfig: props['LoggingConfig'],
    FileSystemConfigs: props['FileSystemConfigs'],
    SnapStart: props['SnapStart'],
  });
}

/** Wait until the function is Active and its last update done (as CloudFormation does), then answer its attributes. */
async function functionAttributes(ctx: ProviderContext, name: string) {
  let f = await ctx.client.rest('lambda', 'GET', `/2015-03-31/functions/${enc(name)}`);
  const deadline = Date.now() + 15 * 60_000;
  while (
    (f.Configuration.State === 'Pending' || f.Configuration.LastUpdateStatus === 'InProgress') &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 25));
    f = await ctx.client.rest('lambda', 'GET', `/2015-03-31/functions/${enc(name)}`);
  }
  if (f.Configuration.State === 'Failed')
    throw new Error(`Function ${name} failed to become active: ${f.Configuration.StateReason ?? ''}`);
  return {
    Arn: f.Configuration.FunctionArn,
    'SnapStartResponse.ApplyOn': 'None',
    'SnapStartResponse.OptimizationStatus': 'Off',
  };
}

async function concurrency(ctx: ProviderContext, name: string, value: unknown, previous: unknown) {
  if (value !== undefined)
    await ctx.client.rest('lambda', 'PUT', `/2017-10-31/functions/${enc(name)}/concurrency`, {
      ReservedConcurrentExecutions: num(value),
    });
  else if (previous !== undefined)
    await ctx.client.rest('lambda', 'DELETE', `/2017-10-31/functions/${enc(name)}/concurrency`);
}

export const lambdaFunction: ResourceProvider = {
  replaceOn: ['FunctionName', 'PackageType'],
  attributes: ['Arn', 'SnapStartResponse.ApplyOn', 'SnapStartResponse.OptimizationStatus'],
  async create(props, ctx) {
    const name = props['FunctionName'] ?? ctx.physicalName(64);
    await ctx.client.rest('lambda', 'POST', '/2015-03-31/functions', {
      FunctionName: name,
      ...configuration(props),
      Code: await code(props, ctx),
      PackageType: props['PackageType'],
      Architectures: props['Architectures'],
      Tags: {
        'aws:cloudformation:stack-name': ctx.stackName,
        'aws:cloudformation:logical-id': ctx.logicalId,
        ...tagMap(props['Tags']),
      },
    });
    await concurrency(ctx, name, props['ReservedConcurrentExecutions'], undefined);
    return { physicalId: name, attributes: await functionAttributes(ctx, name) };
  },
  async update(name, props, old, _attrs, ctx) {
    const changed = changedProps(props, old);
    if (changed.some((k) => k === 'Code' || k === 'Architectures')) {
      await ctx.client.rest('lambda', 'PUT', `/2015-03-31/functions/${enc(name)}/code`, {
        ...(await code(props, ctx)),
        Architectures: props['Architectures'],
      });
      await functionAttributes(ctx, name);
    }
    const cfg = configuration(props);
    const oldCfg = configuration(old);
    if (JSON.stringify(cfg) !== JSON.stringify(oldCfg)) {
      // Members removed from the template go back to their defaults.
      const reset: Record<string, unknown> = {};
      if (oldCfg.Environment && !cfg.Environment) reset['Environment'] = { Variables: {} };
      if (oldCfg.Layers && !cfg.Layers) reset['Layers'] = [];
      if (oldCfg.Description !== undefined && cfg.Description === undefined) reset['Description'] = '';
      if (oldCfg.Timeout !== undefined && cfg.Timeout === undefined) reset['Timeout'] = 3;
      if (oldCfg.MemorySize !== undefined && cfg.MemorySize === undefined) reset['MemorySize'] = 128;
      await ctx.client.rest('lambda', 'PUT', `/2015-03-31/functions/${enc(name)}/configuration`, { ...reset, ...cfg });
    }
    if (changed.includes('ReservedConcurrentExecutions'))
      await concurrency(ctx, name, props['ReservedConcurrentExecutions'], old['ReservedConcurrentExecutions']);
    return { physicalId: name, attributes: await functionAttributes(ctx, name) };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest('lambda', 'DELETE', `/2015-03-31/functions/${enc(name)}`));
  },
};

export const lambdaVersion: ResourceProvider = {
  replaceOn: '*',
  attributes: ['Version', 'FunctionArn'],
  async create(props, ctx) {
    const { name } = splitFunction(String(props['FunctionName']));
    const v = await ctx.client.rest(
      'lambda',
      'POST',
      `/2015-03-31/functions/${enc(name)}/versions`,
      compact({
        Description: props['Description'],
        CodeSha256: props['CodeSha256'],
      }),
    );
    return { physicalId: v.FunctionArn, attributes: { Version: v.Version, FunctionArn: v.FunctionArn } };
  },
  async delete(arn, _props, _attrs, ctx) {
    const { name, qualifier } = splitFunction(arn);
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2015-03-31/functions/${enc(name)}`, undefined, { Qualifier: qualifier }),
    );
  },
};

function aliasBody(props: Props) {
  return compact({
    FunctionVersion: String(props['FunctionVersion']),
    Description: props['Description'],
    RoutingConfig: props['RoutingConfig'],
  });
}

export const lambdaAlias: ResourceProvider = {
  replaceOn: ['FunctionName', 'Name'],
  attributes: ['AliasArn'],
  async create(props, ctx) {
    const { name } = splitFunction(String(props['FunctionName']));
    const a = await ctx.client.rest('lambda', 'POST', `/2015-03-31/functions/${enc(name)}/aliases`, {
      Name: props['Name'],
      ...aliasBody(props),
    });
    return { physicalId: a.AliasArn, attributes: { AliasArn: a.AliasArn } };
  },
  async update(arn, props, _old, _attrs, ctx) {
    const { name } = splitFunction(String(props['FunctionName']));
    const body = aliasBody(props);
    await ctx.client.rest('lambda', 'PUT', `/2015-03-31/functions/${enc(name)}/aliases/${enc(String(props['Name']))}`, {
      ...body,
      RoutingConfig: body.RoutingConfig ?? { AdditionalVersionWeights: {} },
    });
    return { physicalId: arn, attributes: { AliasArn: arn } };
  },
  async delete(arn, _props, _attrs, ctx) {
    const { name, qualifier } = splitFunction(arn);
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2015-03-31/functions/${enc(name)}/aliases/${enc(qualifier ?? '')}`),
    );
  },
};

export const lambdaPermission: ResourceProvider = {
  replaceOn: '*',
  async create(props, ctx) {
    const { name, qualifier } = splitFunction(String(props['FunctionName']));
    const sid = ctx.physicalName(100);
    await ctx.client.rest(
      'lambda',
      'POST',
      `/2015-03-31/functions/${enc(name)}/policy`,
      compact({
        StatementId: sid,
        Action: props['Action'],
        Principal: props['Principal'],
        SourceArn: props['SourceArn'],
        SourceAccount: props['SourceAccount'],
        EventSourceToken: props['EventSourceToken'],
        FunctionUrlAuthType: props['FunctionUrlAuthType'],
        PrincipalOrgID: props['PrincipalOrgID'],
      }),
      { Qualifier: qualifier },
    );
    return { physicalId: sid, attributes: { Id: sid } };
  },
  async delete(sid, props, _attrs, ctx) {
    const { name, qualifier } = splitFunction(String(props['FunctionName']));
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2015-03-31/functions/${enc(name)}/policy/${enc(sid)}`, undefined, {
        Qualifier: qualifier,
      }),
    );
  },
};

export const lambdaLayerVersion: ResourceProvider = {
  replaceOn: '*',
  attributes: ['LayerVersionArn'],
  async create(props, ctx) {
    const layerName = props['LayerName'] ?? ctx.physicalName(64);
    const content = (props['Content'] ?? {}) as Record<string, unknown>;
    const local = await localCode(content);
    const l = await ctx.client.rest(
      'lambda',
      'POST',
      `/2018-10-31/layers/${enc(String(layerName))}/versions`,
      compact({
        Content: { ZipFile: local ?? (await fromS3(ctx, content)) },
        Description: props['Description'],
        CompatibleRuntimes: props['CompatibleRuntimes'],
        CompatibleArchitectures: props['CompatibleArchitectures'],
        LicenseInfo: props['LicenseInfo'],
      }),
    );
    return { physicalId: l.LayerVersionArn, attributes: { LayerVersionArn: l.LayerVersionArn } };
  },
  async delete(arn, _props, _attrs, ctx) {
    const parts = arn.split(':');
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2018-10-31/layers/${enc(parts[6]!)}/versions/${parts[7]}`),
    );
  },
};

function esmBody(props: Props) {
  return compact({
    Enabled: bool(props['Enabled']),
    BatchSize: num(props['BatchSize']),
    FilterCriteria: props['FilterCriteria'],
    MaximumBatchingWindowInSeconds: num(props['MaximumBatchingWindowInSeconds']),
    MaximumRecordAgeInSeconds: num(props['MaximumRecordAgeInSeconds']),
    MaximumRetryAttempts: num(props['MaximumRetryAttempts']),
    BisectBatchOnFunctionError: bool(props['BisectBatchOnFunctionError']),
    ParallelizationFactor: num(props['ParallelizationFactor']),
    DestinationConfig: props['DestinationConfig'],
    FunctionResponseTypes: props['FunctionResponseTypes'],
    TumblingWindowInSeconds: num(props['TumblingWindowInSeconds']),
    ScalingConfig: props['ScalingConfig'],
  });
}

export const lambdaEventSourceMapping: ResourceProvider = {
  replaceOn: [
    'EventSourceArn',
    'StartingPosition',
    'StartingPositionTimestamp',
    'SelfManagedEventSource',
    'Queues',
    'Topics',
  ],
  attributes: ['Id', 'EventSourceMappingArn'],
  async create(props, ctx) {
    const m = await ctx.client.rest('lambda', 'POST', '/2015-03-31/event-source-mappings', {
      FunctionName: props['FunctionName'],
      EventSourceArn: props['EventSourceArn'],
      StartingPosition: props['StartingPosition'],
      StartingPositionTimestamp: num(props['StartingPositionTimestamp']),
      ...esmBody(props),
    });
    return { physicalId: m.UUID, attributes: { Id: m.UUID, EventSourceMappingArn: m.EventSourceMappingArn } };
  },
  async update(uuid, props, _old, attrs, ctx) {
    await ctx.client.rest('lambda', 'PUT', `/2015-03-31/event-source-mappings/${uuid}`, {
      FunctionName: props['FunctionName'],
      ...esmBody(props),
    });
    return { physicalId: uuid, attributes: attrs };
  },
  async delete(uuid, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest('lambda', 'DELETE', `/2015-03-31/event-source-mappings/${uuid}`));
  },
};

function urlTarget(props: Props) {
  const { name, qualifier } = splitFunction(String(props['TargetFunctionArn']));
  return { name, qualifier: props['Qualifier'] ?? qualifier };
}

export const lambdaUrl: ResourceProvider = {
  replaceOn: ['TargetFunctionArn', 'Qualifier'],
  attributes: ['FunctionArn', 'FunctionUrl'],
  async create(props, ctx) {
    const { name, qualifier } = urlTarget(props);
    const u = await ctx.client.rest(
      'lambda',
      'POST',
      `/2021-10-31/functions/${enc(name)}/url`,
      compact({
        AuthType: props['AuthType'],
        Cors: props['Cors'],
        InvokeMode: props['InvokeMode'],
      }),
      { Qualifier: qualifier },
    );
    return { physicalId: u.FunctionArn, attributes: { FunctionArn: u.FunctionArn, FunctionUrl: u.FunctionUrl } };
  },
  async update(id, props, _old, attrs, ctx) {
    const { name, qualifier } = urlTarget(props);
    await ctx.client.rest(
      'lambda',
      'PUT',
      `/2021-10-31/functions/${enc(name)}/url`,
      compact({
        AuthType: props['AuthType'],
        Cors: props['Cors'] ?? {},
        InvokeMode: props['InvokeMode'],
      }),
      { Qualifier: qualifier },
    );
    return { physicalId: id, attributes: attrs };
  },
  async delete(_id, props, _attrs, ctx) {
    const { name, qualifier } = urlTarget(props);
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2021-10-31/functions/${enc(name)}/url`, undefined, {
        Qualifier: qualifier,
      }),
    );
  },
};

export const lambdaEventInvokeConfig: ResourceProvider = {
  replaceOn: ['FunctionName', 'Qualifier'],
  async create(props, ctx) {
    const { name } = splitFunction(String(props['FunctionName']));
    await ctx.client.rest(
      'lambda',
      'PUT',
      `/2019-09-25/functions/${enc(name)}/event-invoke-config`,
      compact({
        MaximumRetryAttempts: num(props['MaximumRetryAttempts']),
        MaximumEventAgeInSeconds: num(props['MaximumEventAgeInSeconds']),
        DestinationConfig: props['DestinationConfig'],
      }),
      { Qualifier: props['Qualifier'] },
    );
    return { physicalId: `${name}:${String(props['Qualifier'] ?? '$LATEST')}` };
  },
  async update(id, props, _old, _attrs, ctx) {
    return { physicalId: (await lambdaEventInvokeConfig.create(props, ctx)).physicalId ?? id };
  },
  async delete(_id, props, _attrs, ctx) {
    const { name } = splitFunction(String(props['FunctionName']));
    await ignoreNotFound(
      ctx.client.rest('lambda', 'DELETE', `/2019-09-25/functions/${enc(name)}/event-invoke-config`, undefined, {
        Qualifier: props['Qualifier'],
      }),
    );
  },
};

/** CloudFormation passes scalar template values of String properties as strings (YAML `PORT: 8080`). */
function stringValues(vars: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars))
    out[k] =
      typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return out;
}
