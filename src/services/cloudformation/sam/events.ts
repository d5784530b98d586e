// Function event sources: Api, HttpApi, Schedule, ScheduleV2, S3, SQS, DynamoDB, Kinesis, SNS, EventBridge.
import { isDeepStrictEqual } from 'node:util';
import { apiEvent } from './api.js';
import type { Ctx } from './context.js';
import { httpApiEvent } from './httpapi.js';
import { managedPolicyArn } from './policies.js';
import { getAtt, hashedId, invalid, isObj, ref, type Obj } from './util.js';

export interface FnTarget {
  target: Obj;
  functionId: string;
  aliasId?: string;
  roleId?: string;
  role?: Obj;
  pass: Obj;
}

const PULL_KEYS = [
  'StartingPosition', 'StartingPositionTimestamp', 'BatchSize', 'Enabled', 'MaximumBatchingWindowInSeconds',
  'MaximumRetryAttempts', 'BisectBatchOnFunctionError', 'MaximumRecordAgeInSeconds', 'ParallelizationFactor',
  'Topics', 'Queues', 'SourceAccessConfigurations', 'TumblingWindowInSeconds', 'FunctionResponseTypes',
  'FilterCriteria', 'KmsKeyArn', 'ScalingConfig', 'ProvisionedPollerConfig', 'MetricsConfig', 'LoggingConfig',
  'DestinationConfig',
]; // prettier-ignore
const PULL: Record<string, { arn: string; policy: string }> = {
  SQS: { arn: 'Queue', policy: 'AWSLambdaSQSQueueExecutionRole' },
  DynamoDB: { arn: 'Stream', policy: 'AWSLambdaDynamoDBExecutionRole' },
  Kinesis: { arn: 'Stream', policy: 'AWSLambdaKinesisExecutionRole' },
};

const fnArn = (t: FnTarget): Obj => (t.aliasId ? ref(t.aliasId) : getAtt(t.functionId, 'Arn'));

function permission(ctx: Ctx, id: string, t: FnTarget, principal: string, extra: Obj): void {
  ctx.add(id, {
    Type: 'AWS::Lambda::Permission',
    ...t.pass,
    Properties: { Action: 'lambda:InvokeFunction', FunctionName: t.target, Principal: principal, ...extra },
  });
}

function addRolePolicy(t: FnTarget, arn: string): void {
  if (!t.role) return;
  const list = t.role.ManagedPolicyArns as unknown[];
  if (!list.includes(arn)) list.push(arn);
}

function addRoleDoc(t: FnTarget, doc: Obj): void {
  if (!t.role) return;
  const docs: Obj[] = (t.role.Policies ??= []);
  const s = JSON.stringify(doc.PolicyDocument);
  if (!docs.some((d) => JSON.stringify(d.PolicyDocument) === s)) docs.push(doc);
}

export function eventResources(ctx: Ctx, fnId: string, p: Obj, t: FnTarget): void {
  if (p.Events === undefined || p.Events === null) return;
  if (!isObj(p.Events)) throw invalid(fnId, "Property 'Events' should be a map.");
  const fnRes = ctx.resources[fnId] as Obj;
  // The translator's order: by Path (an HttpApi event without Path and Method is `$default`), else by name,
  // so that a `$default` route is seen before the paths whose permission it makes redundant.
  const key = ([name, ev]: [string, unknown]): string => {
    if (!isObj(ev)) return name;
    const pr = isObj(ev.Properties) ? ev.Properties : {};
    if (ev.Type === 'HttpApi' && !pr.Path && !pr.Method) return '$default';
    return typeof pr.Path === 'string' ? pr.Path : name;
  };
  const entries = Object.entries(p.Events).sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const [name, ev] of entries) {
    if (!isObj(ev)) throw invalid(fnId, `Event with id [${name}] is invalid. Event should be a map.`);
    const type = ev.Type;
    if (ev.Properties !== undefined && ev.Properties !== null && !isObj(ev.Properties))
      throw invalid(fnId, `Event with id [${name}] is invalid. Properties should be a map.`);
    const props: Obj = isObj(ev.Properties) ? ev.Properties : {};
    const id = fnId + name;
    switch (type) {
      case 'Api':
        apiEvent(ctx, fnId, name, props, { ...t, isAlias: !!t.aliasId } as never, fnRes);
        break;
      case 'HttpApi':
        httpApiEvent(ctx, fnId, name, props, t, fnRes);
        break;
      case 'Schedule': {
        if (props.State !== undefined && props.Enabled !== undefined)
          throw invalid(
            fnId,
            `Event with id [${name}] is invalid. State and Enabled Properties cannot both be specified.`,
          );
        const rp: Obj = { ScheduleExpression: props.Schedule };
        if (props.State !== undefined) rp.State = props.State;
        if (props.Enabled !== undefined) rp.State = props.Enabled ? 'ENABLED' : 'DISABLED';
        if (props.Name !== undefined) rp.Name = props.Name;
        if (props.Description !== undefined) rp.Description = props.Description;
        const target: Obj = { Arn: fnArn(t), Id: targetId(id) };
        if (props.Input !== undefined) target.Input = props.Input;
        if (props.RetryPolicy !== undefined) target.RetryPolicy = props.RetryPolicy;
        if (isObj(props.DeadLetterConfig)) target.DeadLetterConfig = dlq(ctx, fnId, id, props.DeadLetterConfig, t);
        rp.Targets = [target];
        ctx.add(id, { Type: 'AWS::Events::Rule', ...t.pass, Properties: rp });
        permission(ctx, `${id}Permission`, t, 'events.amazonaws.com', { SourceArn: getAtt(id, 'Arn') });
        break;
      }
      case 'CloudWatchEvent':
      case 'EventBridgeRule': {
        const rp: Obj = { EventPattern: props.Pattern };
        if (props.EventBusName !== undefined) rp.EventBusName = props.EventBusName;
        if (props.State !== undefined) rp.State = props.State;
        if (props.Enabled !== undefined) rp.State = props.Enabled ? 'ENABLED' : 'DISABLED';
        if (props.RuleName !== undefined) rp.Name = props.RuleName;
        const target: Obj = { Arn: fnArn(t), Id: props.Target?.Id ?? targetId(id) };
        for (const k of ['Input', 'InputPath', 'InputTransformer', 'RetryPolicy'])
          if (props[k] !== undefined) target[k] = props[k];
        if (isObj(props.DeadLetterConfig)) target.DeadLetterConfig = dlq(ctx, fnId, id, props.DeadLetterConfig, t);
        rp.Targets = [target];
        ctx.add(id, { Type: 'AWS::Events::Rule', ...t.pass, Properties: rp });
        permission(ctx, `${id}Permission`, t, 'events.amazonaws.com', { SourceArn: getAtt(id, 'Arn') });
        break;
      }
      case 'ScheduleV2': {
        const sp: Obj = {};
        const target: Obj = { Arn: fnArn(t) };
        // Scheduler's dead-letter queue: the given Arn, or a new queue its role may send to (no queue policy).
        let dlqArn: unknown;
        const dlqCfg = props.DeadLetterConfig;
        if (dlqCfg !== undefined && dlqCfg !== null) {
          if (!isObj(dlqCfg))
            throw invalid(fnId, `Event with id [${name}] is invalid. Property 'DeadLetterConfig' should be a map.`);
          checkDlq(fnId, id, dlqCfg);
          dlqArn = dlqCfg.Arn;
          if (dlqArn === undefined || dlqArn === null) {
            const qid = (dlqCfg.QueueLogicalId as string | undefined) ?? `${id}Queue`;
            ctx.add(qid, { Type: 'AWS::SQS::Queue', ...t.pass, Properties: {} });
            dlqArn = getAtt(qid, 'Arn');
          }
        }
        let roleArn = props.RoleArn;
        if (!roleArn) {
          const policies: Obj[] = [
            {
              PolicyName: `${id}LambdaPolicy`,
              PolicyDocument: {
                Statement: [{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: fnArn(t) }],
              },
            },
          ];
          if (dlqArn)
            policies.push({
              PolicyName: `${id}SQSPolicy`,
              PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: dlqArn }] },
            });
          ctx.add(`${id}Role`, {
            Type: 'AWS::IAM::Role',
            ...t.pass,
            Properties: {
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['scheduler.amazonaws.com'] } },
                ],
              },
              Policies: policies,
              ...(props.PermissionsBoundary !== undefined ? { PermissionsBoundary: props.PermissionsBoundary } : {}),
            },
          });
          roleArn = getAtt(`${id}Role`, 'Arn');
        }
        target.RoleArn = roleArn;
        if (props.Input !== undefined) target.Input = props.Input;
        if (props.RetryPolicy !== undefined) target.RetryPolicy = props.RetryPolicy;
        if (dlqCfg !== undefined && dlqCfg !== null) target.DeadLetterConfig = { Arn: dlqArn };
        sp.ScheduleExpression = props.ScheduleExpression;
        sp.FlexibleTimeWindow = props.FlexibleTimeWindow ?? { Mode: 'OFF' };
        if (!props.OmitName) sp.Name = props.Name ?? id;
        for (const k of [
          'ScheduleExpressionTimezone',
          'State',
          'Description',
          'StartDate',
          'EndDate',
          'GroupName',
          'KmsKeyArn',
        ])
          if (props[k] !== undefined) sp[k] = props[k];
        sp.Target = target;
        ctx.add(id, { Type: 'AWS::Scheduler::Schedule', ...t.pass, Properties: sp });
        break;
      }
      case 'SQS':
      case 'DynamoDB':
      case 'Kinesis':
        pullEvent(ctx, type, id, props, t);
        break;
      case 'S3':
        s3Event(ctx, fnId, name, id, props, t);
        break;
      case 'SNS':
        snsEvent(ctx, fnId, name, id, props, t);
        break;
      default:
        throw invalid(
          fnId,
          `Event with id [${name}] is invalid. Event type '${String(type)}' is not supported by Overcast's SAM transform.`,
        );
    }
  }
}

/** SQS, DynamoDB and Kinesis: an event source mapping, and the source's managed policy on the role. */
function pullEvent(ctx: Ctx, type: string, id: string, props: Obj, t: FnTarget): void {
  const cfg = PULL[type]!;
  // Required as the translator checks them (in its property order), against the event's logical id.
  for (const k of type === 'SQS' ? ['Queue'] : ['StartingPosition', 'Stream'])
    if (props[k] === undefined || props[k] === null) throw invalid(id, `Missing required property '${k}'.`);
  const ep: Obj = { FunctionName: t.target, EventSourceArn: props[cfg.arn] };
  for (const k of PULL_KEYS) if (props[k] !== undefined && props[k] !== null) ep[k] = props[k];
  if (isObj(props.DestinationConfig?.OnFailure) && props.DestinationConfig.OnFailure.Type) {
    const of = { ...props.DestinationConfig.OnFailure };
    const dtype = of.Type;
    delete of.Type;
    ep.DestinationConfig = { ...props.DestinationConfig, OnFailure: of };
    if (dtype === 'SQS')
      addRoleDoc(t, {
        PolicyName: id + 'SQSPolicy',
        PolicyDocument: { Statement: [{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: of.Destination }] },
      });
    if (dtype === 'SNS')
      addRoleDoc(t, {
        PolicyName: id + 'SNSPolicy',
        PolicyDocument: { Statement: [{ Action: 'sns:publish', Effect: 'Allow', Resource: of.Destination }] },
      });
  }
  ctx.add(id, { Type: 'AWS::Lambda::EventSourceMapping', ...t.pass, Properties: ep });
  addRolePolicy(t, managedPolicyArn(cfg.policy));
}

/**
 * SNS: a subscription of the function, or with `SqsSubscription` of a queue (a new one, or the given
 * QueueArn/QueueUrl) that the topic may send to and an event source mapping reads.
 */
function snsEvent(ctx: Ctx, fnId: string, name: string, id: string, props: Obj, t: FnTarget): void {
  const subscription = (protocol: string, endpoint: unknown): void => {
    const sp: Obj = { Endpoint: endpoint, Protocol: protocol, TopicArn: props.Topic };
    for (const k of ['Region', 'FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy'])
      if (props[k] !== undefined && props[k] !== null) sp[k] = props[k];
    ctx.add(id, { Type: 'AWS::SNS::Subscription', ...t.pass, Properties: sp });
  };
  const queuePolicy = (policyId: string, queueArn: unknown, queueUrl: unknown): void =>
    sendMessagePolicy(ctx, policyId, t.pass, { queueArn, queueUrl, principal: '*', sourceArn: props.Topic });
  const mapping = (queueArn: unknown, batchSize: unknown): void =>
    pullEvent(ctx, 'SQS', `${id}EventSourceMapping`, { Queue: queueArn, BatchSize: batchSize || 10, Enabled: true }, t);
  const sqs = props.SqsSubscription;
  if (!sqs) {
    permission(ctx, `${id}Permission`, t, 'sns.amazonaws.com', { SourceArn: props.Topic });
    subscription('lambda', fnArn(t));
    return;
  }
  if (typeof sqs === 'boolean') {
    const topicId = isObj(props.Topic) && typeof props.Topic.Ref === 'string' ? props.Topic.Ref : undefined;
    const topic = topicId !== undefined ? ctx.resources[topicId] : undefined;
    const fifo: unknown = isObj(topic?.Properties) ? ctx.params.resolve(topic.Properties.FifoTopic ?? false) : false;
    const qid = `${id}Queue`;
    const queueArn = getAtt(qid, 'Arn');
    mapping(queueArn, undefined);
    ctx.add(qid, { Type: 'AWS::SQS::Queue', ...t.pass, Properties: fifo ? { FifoQueue: fifo } : {} });
    queuePolicy(`${id}QueuePolicy`, queueArn, ref(qid));
    subscription('sqs', queueArn);
    return;
  }
  if (!isObj(sqs))
    throw invalid(fnId, `Event with id [${name}] is invalid. Property 'SqsSubscription' should be a map.`);
  if (!sqs.QueueArn || !sqs.QueueUrl)
    throw invalid(fnId, `Event with id [${name}] is invalid. No QueueARN or QueueURL provided.`);
  queuePolicy((sqs.QueuePolicyLogicalId as string | undefined) || `${id}QueuePolicy`, sqs.QueueArn, sqs.QueueUrl);
  subscription('sqs', sqs.QueueArn);
  mapping(sqs.QueueArn, sqs.BatchSize);
}

/** An AWS::SQS::QueuePolicy letting `principal` send to the queue on behalf of `sourceArn` only. */
function sendMessagePolicy(
  ctx: Ctx,
  id: string,
  pass: Obj,
  q: { queueArn: unknown; queueUrl: unknown; principal: unknown; sourceArn: unknown },
): void {
  ctx.add(id, {
    Type: 'AWS::SQS::QueuePolicy',
    ...pass,
    Properties: {
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: q.principal,
            Resource: q.queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': q.sourceArn } },
          },
        ],
      },
      Queues: [q.queueUrl],
    },
  });
}

function targetId(id: string): string {
  const suffix = 'LambdaTarget';
  const base = id.replace(/[^A-Za-z0-9_.-]/g, '');
  return (base + suffix).length > 64 ? base.slice(0, 64 - suffix.length) + suffix : base + suffix;
}

/** The translator's checks of an event's DeadLetterConfig (Schedule, ScheduleV2, EventBridge rules). */
function checkDlq(fnId: string, id: string, cfg: Obj): void {
  const err = (m: string): Error => invalid(fnId, `Event with id [${id}] is invalid. ${m}`);
  const hasArn = 'Arn' in cfg;
  const hasType = 'Type' in cfg;
  if (hasArn && hasType) throw err("You can either define 'Arn' or 'Type' property of DeadLetterConfig.");
  if (hasType && cfg.Type !== 'SQS')
    throw err("The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.");
  if (!hasArn && !hasType) throw err("No 'Arn' or 'Type' property provided for DeadLetterConfig.");
  if (cfg.QueueLogicalId !== undefined && cfg.QueueLogicalId !== null && typeof cfg.QueueLogicalId !== 'string')
    throw err('QueueLogicalId must be a string');
}

function dlq(ctx: Ctx, fnId: string, id: string, cfg: Obj, t: FnTarget): Obj {
  checkDlq(fnId, id, cfg);
  if (cfg.Arn !== undefined) return { Arn: cfg.Arn };
  const qid = cfg.QueueLogicalId ?? `${id}Queue`;
  ctx.add(qid, { Type: 'AWS::SQS::Queue', ...t.pass, Properties: {} });
  sendMessagePolicy(ctx, `${qid}Policy`, t.pass, {
    queueArn: getAtt(qid, 'Arn'),
    queueUrl: ref(qid),
    principal: { Service: 'events.amazonaws.com' },
    sourceArn: getAtt(id, 'Arn'),
  });
  return { Arn: getAtt(qid, 'Arn') };
}

function s3Event(ctx: Ctx, fnId: string, name: string, id: string, props: Obj, t: FnTarget): void {
  const bucketId = isObj(props.Bucket) ? props.Bucket.Ref : undefined;
  const bucket = typeof bucketId === 'string' ? (ctx.out[bucketId] ?? ctx.resources[bucketId]) : undefined;
  if (!isObj(bucket))
    throw invalid(
      fnId,
      `Event with id [${name}] is invalid. S3 events must reference an S3 bucket in the same template.`,
    );
  const permId = `${id}Permission`;
  permission(ctx, permId, t, 's3.amazonaws.com', { SourceAccount: ref('AWS::AccountId') });
  const bp: Obj = (bucket.Properties ??= {});
  if (!isObj(bp)) throw invalid(bucketId, 'Properties should be a map.');
  const condition = t.pass.Condition;
  if (condition !== undefined) {
    // A conditional permission cannot be in DependsOn: the translator makes the bucket depend on it
    // through a tag whose value Refs it under the same condition.
    const tags = (bp.Tags ??= []);
    if (!Array.isArray(tags)) throw invalid(bucketId, "Property 'Tags' should be a list.");
    tags.push({
      Key: `sam:ConditionalDependsOn:${permId}`,
      Value: { 'Fn::If': [condition, ref(permId), 'no dependency'] },
    });
  } else {
    const deps =
      bucket.DependsOn === undefined ? [] : Array.isArray(bucket.DependsOn) ? bucket.DependsOn : [bucket.DependsOn];
    if (!deps.includes(permId)) deps.push(permId);
    bucket.DependsOn = deps;
  }
  const nc: Obj = (bp.NotificationConfiguration ??= {});
  if (!isObj(nc)) throw invalid(bucketId, "Property 'NotificationConfiguration' should be a map.");
  const lc: unknown[] = (nc.LambdaConfigurations ??= []);
  if (!Array.isArray(lc)) throw invalid(bucketId, 'Invalid type for LambdaConfigurations. Must be a list.');
  const events = Array.isArray(props.Events) ? props.Events : [props.Events];
  for (const e of events) {
    const c: Obj = { Function: fnArn(t) };
    if (props.Filter !== undefined) c.Filter = props.Filter;
    c.Event = e;
    const mapping = condition !== undefined ? { 'Fn::If': [condition, c, ref('AWS::NoValue')] } : c;
    // Mappings already there (written in the template, or by another event) are not repeated.
    if (!lc.some((x) => isDeepStrictEqual(x, mapping))) lc.push(mapping);
  }
  void hashedId;
}
