// AWS::Serverless::Function → Lambda function, role, version/alias, URL, event invoke config, events.
import type { Ctx } from './context.js';
import { eventResources } from './events.js';
import { rolePolicies } from './policies.js';
import { managedPolicyArn } from './policies.js';
import { getAtt, hashedId, invalid, isIntrinsic, isObj, ref, tagList, type Obj } from './util.js';

const LAMBDA_ASSUME = {
  Version: '2012-10-17',
  Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } }],
};

/** `s3://bucket/key?versionId=v` or `{Bucket, Key, Version}` → Code dict. */
export function s3Location(
  id: string,
  prop: string,
  uri: unknown,
  keys = ['S3Bucket', 'S3Key', 'S3ObjectVersion'],
): Obj {
  const [b, k, v] = keys as [string, string, string];
  if (isObj(uri) && Object.keys(uri).some((k) => k.startsWith('Overcast::'))) return { ...uri };
  if (typeof uri === 'string' && !uri.startsWith('s3://')) return { 'Overcast::LocalPath': uri };
  if (typeof uri === 'string') {
    const m = /^s3:\/\/([^/]+)\/([^?]+)(?:\?versionId=(.+))?$/.exec(uri);
    if (!m)
      throw invalid(
        id,
        `'${prop}' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query parameter.`,
      );
    const out: Obj = { [b]: m[1], [k]: m[2] };
    if (m[3]) out[v] = m[3];
    return out;
  }
  if (isObj(uri) && !isIntrinsic(uri)) {
    if (!('Bucket' in uri) || !('Key' in uri))
      throw invalid(id, `'${prop}' requires Bucket and Key properties to be specified.`);
    const out: Obj = { [b]: uri.Bucket, [k]: uri.Key };
    if (uri.Version !== undefined) out[v] = uri.Version;
    return out;
  }
  if (isIntrinsic(uri)) {
    // Overcast extension: a local path stays as a string (see docs/compat/sam.md).
    return { [b]: { 'Fn::Select': ['0', { 'Fn::Split': ['/', uri] }] }, [k]: uri };
  }
  throw invalid(id, `'${prop}' requires Bucket and Key properties to be specified.`);
}

export function codeDict(id: string, p: Obj): Obj {
  if (p.PackageType === 'Image') {
    if (p.ImageUri === undefined) throw invalid(id, "'ImageUri' must be set.");
    return { ImageUri: p.ImageUri };
  }
  let code: Obj;
  if (p.InlineCode !== undefined) code = { ZipFile: p.InlineCode };
  else if (p.CodeUri !== undefined) code = s3Location(id, 'CodeUri', p.CodeUri);
  else throw invalid(id, "Only one of 'InlineCode' or 'CodeUri' can be set.");
  if (p.SourceKMSKeyArn !== undefined) code.SourceKMSKeyArn = p.SourceKMSKeyArn;
  return code;
}

export function translateFunction(ctx: Ctx, id: string, res: Obj): void {
  const p: Obj = res.Properties ?? {};
  const pass = ctx.passthrough(res);
  if (isObj(p.Tags) && 'lambda:createdBy' in p.Tags)
    throw invalid(
      id,
      'lambda:createdBy is a reserved Tag key name and cannot be set on your function. Please change the tag key in the input.',
    );
  if (p.ProvisionedConcurrencyConfig && !p.AutoPublishAlias)
    throw invalid(id, 'To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function');
  const fn: Obj = {};
  const props: Obj = {};
  const set = (k: string, v: unknown): void => {
    if (v !== undefined && v !== null) props[k] = v;
  };
  set('FunctionName', p.FunctionName);
  set('Handler', p.Handler);
  set('Runtime', p.Runtime);
  set('Description', p.Description);
  set('MemorySize', p.MemorySize);
  set('Timeout', p.Timeout);
  set('VpcConfig', p.VpcConfig);
  set('Role', p.Role);
  set('Environment', p.Environment);
  props.Code = codeDict(id, p);
  set('KmsKeyArn', p.KmsKeyArn);
  set('ReservedConcurrentExecutions', p.ReservedConcurrentExecutions);
  props.Tags = tagList(p.Tags, ['lambda:createdBy', 'SAM']);
  set('Layers', p.Layers);
  set('FileSystemConfigs', p.FileSystemConfigs);
  set('ImageConfig', p.ImageConfig);
  set('PackageType', p.PackageType);
  set('Architectures', p.Architectures);
  set('SnapStart', p.SnapStart);
  set('EphemeralStorage', p.EphemeralStorage);
  const tracing = ctx.params.resolve(p.Tracing);
  if (p.Tracing && tracing !== 'Disabled') props.TracingConfig = { Mode: p.Tracing };
  if (p.DeadLetterQueue) {
    if (!isObj(p.DeadLetterQueue) || !['SNS', 'SQS'].includes(p.DeadLetterQueue.Type))
      throw invalid(id, "'DeadLetterQueue' requires Type of SNS or SQS");
    props.DeadLetterConfig = { TargetArn: p.DeadLetterQueue.TargetArn };
  }
  set('CodeSigningConfigArn', p.CodeSigningConfigArn);
  set('RuntimeManagementConfig', p.RuntimeManagementConfig);
  set('LoggingConfig', p.LoggingConfig);
  set('TenancyConfig', p.TenancyConfig);
  set('RecursiveLoop', p.RecursiveLoop);
  set('DurableConfig', p.DurableConfig);
  if (isObj(p.CapacityProviderConfig) && Object.keys(p.CapacityProviderConfig).length) {
    const c = p.CapacityProviderConfig;
    const lmi: Obj = { CapacityProviderArn: c.Arn };
    if (c.PerExecutionEnvironmentMaxConcurrency !== undefined && c.PerExecutionEnvironmentMaxConcurrency !== null)
      lmi.PerExecutionEnvironmentMaxConcurrency = c.PerExecutionEnvironmentMaxConcurrency;
    if (c.ExecutionEnvironmentMemoryGiBPerVCpu !== undefined && c.ExecutionEnvironmentMemoryGiBPerVCpu !== null)
      lmi.ExecutionEnvironmentMemoryGiBPerVCpu = c.ExecutionEnvironmentMemoryGiBPerVCpu;
    props.CapacityProviderConfig = { LambdaManagedInstancesCapacityProviderConfig: lmi };
  }
  set('FunctionScalingConfig', p.FunctionScalingConfig);
  set('PublishToLatestPublished', p.PublishToLatestPublished);
  fn.Type = 'AWS::Lambda::Function';
  fn.Properties = props;
  Object.assign(fn, ctx.attributes(res));
  ctx.add(id, fn);
  const generated: string[] = [id];

  // AutoPublishAlias → Version (hashed id) + Alias
  let aliasId: string | undefined;
  let aliasName = '';
  if (p.AutoPublishAlias !== undefined) {
    const name = ctx.params.resolve(p.AutoPublishAlias);
    if (typeof name !== 'string')
      throw invalid(id, "'AutoPublishAlias' must be a string or a Ref to a template parameter");
    aliasName = name;
    let sha: string | undefined;
    if (p.AutoPublishCodeSha256 !== undefined) {
      sha = ctx.params.resolve(p.AutoPublishCodeSha256);
      if (typeof sha !== 'string') throw invalid(id, 'AutoPublishCodeSha256 must be a string');
      const d = ctx.params.resolve(p.Description);
      props.Description = !d || typeof d === 'string' ? (d ? `${d} ${sha}` : sha) : { 'Fn::Join': [' ', [d, sha]] };
    }
    let logical: Obj;
    if (p.AutoPublishAliasAllProperties) logical = { ...props };
    else {
      logical = { ...ctx.params.resolve(props.Code) };
      if (props.Environment) Object.assign(logical, props.Environment);
      if (props.MemorySize) logical.MemorySize = props.MemorySize;
      if (isObj(props.SnapStart) && (props.SnapStart.ApplyOn ?? 'None') !== 'None') logical.SnapStart = props.SnapStart;
    }
    const versionId = sha !== undefined ? `${id}Version${sha.slice(0, 10)}` : hashedId(`${id}Version`, logical);
    const vattrs: Obj = { ...pass };
    if (!('DeletionPolicy' in vattrs)) vattrs.DeletionPolicy = p.VersionDeletionPolicy ?? 'Retain';
    const vprops: Obj = { FunctionName: ref(id) };
    if (p.VersionDescription !== undefined) vprops.Description = p.VersionDescription;
    ctx.add(versionId, { Type: 'AWS::Lambda::Version', ...vattrs, Properties: vprops });
    if (!/^(?!^[0-9]+$)([a-zA-Z0-9\-_]+)$/.test(aliasName))
      throw invalid(
        id,
        `AutoPublishAlias name ('${aliasName}') must contain only alphanumeric characters, hyphens, or underscores matching (?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.`,
      );
    aliasId = `${id}Alias${aliasName.replace(/-/g, 'D').replace(/_/g, 'U')}`;
    const aprops: Obj = { Name: aliasName, FunctionName: ref(id), FunctionVersion: getAtt(versionId, 'Version') };
    if (p.ProvisionedConcurrencyConfig) aprops.ProvisionedConcurrencyConfig = p.ProvisionedConcurrencyConfig;
    ctx.add(aliasId, { Type: 'AWS::Lambda::Alias', ...pass, Properties: aprops });
    generated.push(versionId, aliasId);
  }
  const target = aliasId ? ref(aliasId) : ref(id);

  if (p.FunctionUrlConfig) {
    const c = p.FunctionUrlConfig;
    if (!isIntrinsic(c) && !isIntrinsic(c.AuthType) && !['AWS_IAM', 'NONE'].includes(c.AuthType))
      throw invalid(
        id,
        'AuthType is required to configure function property `FunctionUrlConfig`. Please provide either AWS_IAM or NONE.',
      );
    const uprops: Obj = {};
    if (c.Cors) uprops.Cors = c.Cors;
    uprops.AuthType = c.AuthType;
    uprops.TargetFunctionArn = target;
    if (c.InvokeMode !== undefined) uprops.InvokeMode = c.InvokeMode;
    ctx.add(`${id}Url`, { Type: 'AWS::Lambda::Url', ...pass, Properties: uprops });
    generated.push(`${id}Url`);
    if (c.AuthType === 'NONE' && !isIntrinsic(c)) {
      ctx.add(`${id}UrlPublicPermissions`, {
        Type: 'AWS::Lambda::Permission',
        ...pass,
        Properties: {
          Action: 'lambda:InvokeFunctionUrl',
          FunctionName: target,
          Principal: '*',
          FunctionUrlAuthType: 'NONE',
        },
      });
      ctx.add(`${id}URLInvokeAllowPublicAccess`, {
        Type: 'AWS::Lambda::Permission',
        ...pass,
        Properties: {
          Action: 'lambda:InvokeFunction',
          Principal: '*',
          FunctionName: target,
          InvokedViaFunctionUrl: true,
        },
      });
    }
  }

  // EventInvokeConfig
  const invokePolicies: Obj[] = [];
  if (p.EventInvokeConfig) {
    const cfg = ctx.params.resolve(p.EventInvokeConfig) as Obj;
    const eid = `${id}EventInvokeConfig`;
    const dest: Obj = {};
    if (cfg.DestinationConfig) {
      for (const name of ['OnSuccess', 'OnFailure']) {
        const d = cfg.DestinationConfig[name];
        if (d === undefined || d === null) continue;
        const types = ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket'];
        if (!types.includes(d.Type))
          throw invalid(
            id,
            `'Type: ${d.Type ?? 'None'}' must be one of ['SQS', 'SNS', 'EventBridge', 'Lambda', 'S3Bucket']`,
          );
        const rid = eid + name;
        // A destination `!If [Cond, arn, NoValue]` (or the reverse) creates the queue/topic only for the
        // branch without an ARN, under a generated condition, as the translator does.
        const [propCond, condArn] = destinationCondition(ctx, id, d.Destination);
        let arn = d.Destination;
        if (d.Destination === undefined || d.Destination === null || propCond) {
          const combined = andConditions(ctx, id, res.Condition, propCond);
          let made: Obj;
          if (d.Type === 'SQS') {
            ctx.add(rid + 'Queue', { Type: 'AWS::SQS::Queue', ...pass, Properties: {} });
            made = getAtt(rid + 'Queue', 'Arn');
            if (combined) (ctx.out[rid + 'Queue'] as Obj).Condition = combined;
          } else if (d.Type === 'SNS') {
            ctx.add(rid + 'Topic', { Type: 'AWS::SNS::Topic', ...pass, Properties: {} });
            made = ref(rid + 'Topic');
            if (combined) (ctx.out[rid + 'Topic'] as Obj).Condition = combined;
          } else throw invalid(id, "Destination is required if Type is not ['SQS', 'SNS']");
          arn = propCond ? { 'Fn::If': [propCond, made, condArn] } : made;
        }
        dest[name] = { Destination: arn };
        invokePolicies.push(destinationPolicy(d.Type, rid, arn));
      }
    }
    const eprops: Obj = { FunctionName: ref(id), Qualifier: aliasName || '$LATEST', DestinationConfig: dest };
    if (cfg.MaximumEventAgeInSeconds !== undefined) eprops.MaximumEventAgeInSeconds = cfg.MaximumEventAgeInSeconds;
    if (cfg.MaximumRetryAttempts !== undefined) eprops.MaximumRetryAttempts = cfg.MaximumRetryAttempts;
    const eres: Obj = { Type: 'AWS::Lambda::EventInvokeConfig', ...ctx.attributes(res, true), Properties: eprops };
    if (aliasId) eres.DependsOn = [aliasId];
    ctx.add(eid, eres);
  }

  // Execution role
  const roleId = `${id}Role`;
  const role: Obj = {
    Type: 'AWS::IAM::Role',
    ...pass,
    Properties: {} as Obj,
  };
  const rp = role.Properties as Obj;
  rp.AssumeRolePolicyDocument = p.AssumeRolePolicyDocument ?? LAMBDA_ASSUME;
  const managed: unknown[] = [
    isObj(p.DurableConfig) && Object.keys(p.DurableConfig).length
      ? 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicDurableExecutionRolePolicy'
      : managedPolicyArn('AWSLambdaBasicExecutionRole'),
  ];
  if (p.Tracing && tracing !== 'Disabled') managed.push(managedPolicyArn('AWSXrayWriteOnlyAccess'));
  if (p.VpcConfig) managed.push(managedPolicyArn('AWSLambdaVPCAccessExecutionRole'));
  const docs: Obj[] = [];
  if (p.DeadLetterQueue)
    docs.push({
      PolicyName: 'DeadLetterQueuePolicy',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: p.DeadLetterQueue.Type === 'SQS' ? 'sqs:SendMessage' : 'sns:Publish',
            Resource: p.DeadLetterQueue.TargetArn,
            Effect: 'Allow',
          },
        ],
      },
    });
  docs.push(...invokePolicies);
  rolePolicies(roleId, id, p.Policies, managed, docs, ctx.managedPolicyMap);
  rp.ManagedPolicyArns = managed;
  if (docs.length) rp.Policies = docs;
  if (p.RolePath !== undefined) rp.Path = p.RolePath;
  if (p.PermissionsBoundary !== undefined) rp.PermissionsBoundary = p.PermissionsBoundary;
  rp.Tags = tagList(p.Tags, ['lambda:createdBy', 'SAM']);
  let roleUsed = false;
  if (props.Role === undefined) {
    props.Role = getAtt(roleId, 'Arn');
    roleUsed = true;
  } else if (isObj(props.Role) && Array.isArray(props.Role['Fn::If'])) {
    const [cond, a, b] = ctx.params.resolve(props.Role)['Fn::If'] as [string, unknown, unknown];
    const nv = (x: unknown): boolean => isObj(x) && x.Ref === 'AWS::NoValue';
    if (nv(a) && nv(b)) {
      props.Role = getAtt(roleId, 'Arn');
      roleUsed = true;
    } else if (nv(a)) {
      props.Role = { 'Fn::If': [cond, getAtt(roleId, 'Arn'), b] };
      role.Condition = cond;
      roleUsed = true;
    } else if (nv(b)) {
      props.Role = { 'Fn::If': [cond, a, getAtt(roleId, 'Arn')] };
      role.Condition = `NOT${cond}`;
      ctx.conditions[`NOT${cond}`] = { 'Fn::Not': [{ Condition: cond }] };
      roleUsed = true;
    }
  }
  if (roleUsed) {
    ctx.add(roleId, role);
    generated.push(roleId);
  }

  eventResources(ctx, id, p, {
    target,
    functionId: id,
    aliasId,
    roleId: roleUsed ? roleId : undefined,
    role: roleUsed ? rp : undefined,
    pass,
  });

  if (p.PropagateTags && isObj(p.Tags)) ctx.propagateTags(ctx.generatedBy(id), p.Tags);
}

/** The translator's _get_or_make_condition: the condition under which SAM creates the destination, and the ARN otherwise. */
function destinationCondition(ctx: Ctx, fnId: string, dest: unknown): [string | undefined, unknown] {
  if (!isObj(dest) || !Array.isArray(dest['Fn::If']) || Object.keys(dest).length !== 1) return [undefined, undefined];
  const [cond, a, b] = dest['Fn::If'] as unknown[];
  const noValue = (v: unknown): boolean => isObj(v) && v.Ref === 'AWS::NoValue';
  if (typeof cond !== 'string') return [undefined, undefined];
  if (noValue(a) && noValue(b)) return [undefined, undefined];
  if (noValue(a)) return [cond, b];
  if (noValue(b)) {
    const not = hashedId(`NOT${cond}`, `${fnId}EventInvokeConfig`);
    ctx.conditions[not] = { 'Fn::Not': [{ Condition: cond }] };
    return [not, a];
  }
  return [undefined, undefined];
}

function andConditions(ctx: Ctx, fnId: string, resource: unknown, property: string | undefined): string | undefined {
  if (typeof resource !== 'string') return property;
  if (!property) return resource;
  const name = hashedId(`${resource}AND${property}`, fnId);
  ctx.conditions[name] = {
    'Fn::And': [{ Condition: { Condition: resource } }, { Condition: { Condition: property } }],
  };
  return name;
}

function destinationPolicy(type: string, rid: string, arn: unknown): Obj {
  const st = (Action: string, suffix: string): Obj => ({
    PolicyName: rid + suffix,
    PolicyDocument: { Statement: [{ Action, Effect: 'Allow', Resource: arn }] },
  });
  switch (type) {
    case 'SQS':
      return st('sqs:SendMessage', 'SQSPolicy');
    case 'SNS':
      return st('sns:publish', 'SNSPolicy');
    case 'EventBridge':
      return st('events:PutEvents', 'EventBridgePolicy');
    case 'Lambda':
      return st('lambda:InvokeFunction', 'LambdaPolicy');
    default:
      return {
        PolicyName: rid + 'S3Policy',
        PolicyDocument: {
          Statement: [
            { Action: 's3:PutObject', Effect: 'Allow', Resource: { 'Fn::Join': ['/', [arn, '*']] } },
            { Action: 's3:ListBucket', Effect: 'Allow', Resource: arn },
          ],
        },
      };
  }
}

export { LAMBDA_ASSUME };
