import { ServiceCallError, ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { changedProps, compact, num, tagMap } from './types.js';

const T = 'AWSEvents';

const call = (ctx: ProviderContext, op: string, input: unknown) =>
  ctx.client.json('events', `${T}.${op}`, input, '1.1');

const isDefaultBus = (bus: unknown) => bus === undefined || bus === null || bus === '' || bus === 'default';

/** A bus property (a name or an ARN) as the bus name. */
function busNameOf(bus: unknown): string | undefined {
  if (isDefaultBus(bus)) return undefined;
  const s = String(bus);
  const m = /:event-bus\/(.+)$/.exec(s);
  return m ? m[1] : s;
}

/** Ref of a rule: its name on the default bus, `bus|name` on another. */
function ruleRef(bus: string | undefined, name: string): string {
  return bus === undefined ? name : `${bus}|${name}`;
}

function parseRuleRef(ref: string): { bus: string | undefined; name: string } {
  const bar = ref.lastIndexOf('|');
  return bar < 0 ? { bus: undefined, name: ref } : { bus: ref.slice(0, bar), name: ref.slice(bar + 1) };
}

/** A template target as PutTargets takes it (numbers coerced, JSON values as text). */
function targetInput(t: Props): Props {
  const retry = t['RetryPolicy'] as Props | undefined;
  const tr = t['InputTransformer'] as Props | undefined;
  return compact({
    ...t,
    Input: t['Input'] === undefined || typeof t['Input'] === 'string' ? t['Input'] : JSON.stringify(t['Input']),
    InputTransformer: tr
      ? compact({
          InputPathsMap: tr['InputPathsMap'],
          InputTemplate:
            typeof tr['InputTemplate'] === 'string' ? tr['InputTemplate'] : JSON.stringify(tr['InputTemplate']),
        })
      : undefined,
    RetryPolicy: retry
      ? compact({
          MaximumRetryAttempts: num(retry['MaximumRetryAttempts']),
          MaximumEventAgeInSeconds: num(retry['MaximumEventAgeInSeconds']),
        })
      : undefined,
  });
}

async function putRule(props: Props, name: string, bus: string | undefined, ctx: ProviderContext): Promise<string> {
  const pattern = props['EventPattern'];
  const tags = Object.entries(tagMap(props['Tags']) ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) }));
  const r = await call(
    ctx,
    'PutRule',
    compact({
      Name: name,
      EventBusName: bus,
      ScheduleExpression: props['ScheduleExpression'],
      EventPattern: pattern === undefined || typeof pattern === 'string' ? pattern : JSON.stringify(pattern),
      State: props['State'],
      Description: props['Description'],
      RoleArn: props['RoleArn'],
      Tags: tags.length ? tags : undefined,
    }),
  );
  return String(r.RuleArn);
}

async function putTargets(targets: Props[], name: string, bus: string | undefined, ctx: ProviderContext) {
  if (targets.length === 0) return;
  const r = await call(
    ctx,
    'PutTargets',
    compact({ Rule: name, EventBusName: bus, Targets: targets.map(targetInput) }),
  );
  if (Number(r.FailedEntryCount ?? 0) > 0) {
    const f = (r.FailedEntries as Props[])[0]!;
    throw new ServiceCallError(String(f['ErrorCode']), String(f['ErrorMessage']), 400);
  }
}

async function removeAllTargets(name: string, bus: string | undefined, ctx: ProviderContext) {
  let token: string | undefined;
  const ids: string[] = [];
  do {
    const r = await call(ctx, 'ListTargetsByRule', compact({ Rule: name, EventBusName: bus, NextToken: token }));
    for (const t of (r.Targets ?? []) as Props[]) ids.push(String(t['Id']));
    token = r.NextToken;
  } while (token);
  for (let i = 0; i < ids.length; i += 100) {
    await call(
      ctx,
      'RemoveTargets',
      compact({ Rule: name, EventBusName: bus, Ids: ids.slice(i, i + 100), Force: true }),
    );
  }
}

/** AWS::Events::Rule: Ref is the rule name (`bus|name` off the default bus); GetAtt Arn. */
export const eventsRule: ResourceProvider = {
  replaceOn: ['Name', 'EventBusName'],
  attributes: ['Arn'],
  async create(props, ctx) {
    const name = String(props['Name'] ?? ctx.physicalName(64));
    const bus = busNameOf(props['EventBusName']);
    const arn = await putRule(props, name, bus, ctx);
    await putTargets((props['Targets'] ?? []) as Props[], name, bus, ctx);
    return { physicalId: ruleRef(bus, name), attributes: { Arn: arn } };
  },
  async update(ref, props, old, attrs, ctx) {
    const { bus, name } = parseRuleRef(ref);
    const changed = changedProps(props, old);
    let arn = attrs['Arn'] as string;
    if (changed.some((k) => k !== 'Targets')) arn = await putRule(props, name, bus, ctx);
    if (changed.includes('Targets')) {
      const next = (props['Targets'] ?? []) as Props[];
      const keep = new Set(next.map((t) => String(t['Id'])));
      const gone = ((old['Targets'] ?? []) as Props[]).map((t) => String(t['Id'])).filter((id) => !keep.has(id));
      if (gone.length)
        await call(ctx, 'RemoveTargets', compact({ Rule: name, EventBusName: bus, Ids: gone, Force: true }));
      await putTargets(next, name, bus, ctx);
    }
    return { physicalId: ref, attributes: { Arn: arn } };
  },
  async delete(ref, _props, _attrs, ctx) {
    const { bus, name } = parseRuleRef(ref);
    try {
      await removeAllTargets(name, bus, ctx);
    } catch (err) {
      if (err instanceof ServiceCallError && err.code === 'ResourceNotFoundException') return;
      throw err;
    }
    await ignoreNotFound(call(ctx, 'DeleteRule', compact({ Name: name, EventBusName: bus, Force: true })));
  },
};

const busArn = (ctx: ProviderContext, name: string) =>
  `arn:${ctx.partition}:events:${ctx.region}:${ctx.account}:event-bus/${name}`;

/** AWS::Events::EventBus: Ref is the name; GetAtt Arn, Name. */
export const eventsEventBus: ResourceProvider = {
  replaceOn: ['Name', 'EventSourceName'],
  attributes: ['Arn', 'Name'],
  async create(props, ctx) {
    const name = String(props['Name']);
    const tags = Object.entries(tagMap(props['Tags']) ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) }));
    const r = await call(
      ctx,
      'CreateEventBus',
      compact({
        Name: name,
        EventSourceName: props['EventSourceName'],
        Description: props['Description'],
        Tags: tags.length ? tags : undefined,
      }),
    );
    return { physicalId: name, attributes: { Arn: r.EventBusArn, Name: name } };
  },
  async update(name, props, old, attrs, ctx) {
    if (changedProps(props, old).includes('Tags')) {
      const arn = busArn(ctx, name);
      const now = tagMap(props['Tags']) ?? {};
      const removed = Object.keys(tagMap(old['Tags']) ?? {}).filter((k) => !(k in now));
      if (removed.length) await call(ctx, 'UntagResource', { ResourceARN: arn, TagKeys: removed });
      const tags = Object.entries(now).map(([Key, Value]) => ({ Key, Value: String(Value) }));
      if (tags.length) await call(ctx, 'TagResource', { ResourceARN: arn, Tags: tags });
    }
    return { physicalId: name, attributes: attrs };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(call(ctx, 'DeleteEventBus', { Name: name }));
  },
};
