import { ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { compact, num, tagMap } from './types.js';

const enc = encodeURIComponent;

/** CloudFormation's timestamps are ISO strings; restJson1 carries epoch seconds. */
function epochSeconds(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  const ms = Date.parse(String(v));
  return Number.isNaN(ms) ? (v as number) : ms / 1000;
}

function target(t: Props): Props {
  const retry = t['RetryPolicy'] as Props | undefined;
  return compact({
    ...t,
    RetryPolicy: retry
      ? compact({
          MaximumEventAgeInSeconds: num(retry['MaximumEventAgeInSeconds']),
          MaximumRetryAttempts: num(retry['MaximumRetryAttempts']),
        })
      : undefined,
  });
}

/** CreateSchedule / UpdateSchedule body of the resource's properties (UpdateSchedule replaces everything). */
function scheduleBody(props: Props): Props {
  const ftw = (props['FlexibleTimeWindow'] ?? { Mode: 'OFF' }) as Props;
  return compact({
    GroupName: props['GroupName'],
    ScheduleExpression: props['ScheduleExpression'],
    ScheduleExpressionTimezone: props['ScheduleExpressionTimezone'],
    StartDate: epochSeconds(props['StartDate']),
    EndDate: epochSeconds(props['EndDate']),
    FlexibleTimeWindow: compact({ Mode: ftw['Mode'], MaximumWindowInMinutes: num(ftw['MaximumWindowInMinutes']) }),
    State: props['State'],
    Description: props['Description'],
    KmsKeyArn: props['KmsKeyArn'],
    ActionAfterCompletion: props['ActionAfterCompletion'],
    Target: target((props['Target'] ?? {}) as Props),
  });
}

/** AWS::Scheduler::Schedule: Ref is the name; GetAtt Arn. */
export const schedulerSchedule: ResourceProvider = {
  replaceOn: ['Name', 'GroupName'],
  attributes: ['Arn'],
  async create(props, ctx: ProviderContext) {
    const name = String(props['Name'] ?? ctx.physicalName(64));
    const r = await ctx.client.rest('scheduler', 'POST', `/schedules/${enc(name)}`, scheduleBody(props));
    return { physicalId: name, attributes: { Arn: r.ScheduleArn } };
  },
  async update(name, props, _old, _attrs, ctx) {
    const r = await ctx.client.rest('scheduler', 'PUT', `/schedules/${enc(name)}`, scheduleBody(props));
    return { physicalId: name, attributes: { Arn: r.ScheduleArn } };
  },
  async delete(name, props, _attrs, ctx) {
    const group = props['GroupName'] as string | undefined;
    await ignoreNotFound(
      ctx.client.rest('scheduler', 'DELETE', `/schedules/${enc(name)}`, undefined, { groupName: group }),
    );
  },
};

async function groupAttributes(name: string, ctx: ProviderContext): Promise<Record<string, unknown>> {
  const g = await ctx.client.rest('scheduler', 'GET', `/schedule-groups/${enc(name)}`);
  const iso = (s: unknown) => (typeof s === 'number' ? new Date(s * 1000).toISOString() : s);
  return {
    Arn: g.Arn,
    CreationDate: iso(g.CreationDate),
    LastModificationDate: iso(g.LastModificationDate),
    State: g.State,
  };
}

const tagList = (tags: unknown) =>
  Object.entries(tagMap(tags) ?? {}).map(([Key, Value]) => ({ Key, Value: String(Value) }));

/** AWS::Scheduler::ScheduleGroup: Ref is the name; GetAtt Arn, CreationDate, LastModificationDate, State. */
export const schedulerScheduleGroup: ResourceProvider = {
  replaceOn: ['Name'],
  attributes: ['Arn', 'CreationDate', 'LastModificationDate', 'State'],
  async create(props, ctx) {
    const name = String(props['Name'] ?? ctx.physicalName(64));
    const tags = tagList(props['Tags']);
    await ctx.client.rest('scheduler', 'POST', `/schedule-groups/${enc(name)}`, tags.length ? { Tags: tags } : {});
    return { physicalId: name, attributes: await groupAttributes(name, ctx) };
  },
  async update(name, props, old, _attrs, ctx) {
    const attrs = await groupAttributes(name, ctx);
    const arn = String(attrs['Arn']);
    const now = tagMap(props['Tags']) ?? {};
    const removed = Object.keys(tagMap(old['Tags']) ?? {}).filter((k) => !(k in now));
    if (removed.length) {
      await ctx.client.rest(
        'scheduler',
        'DELETE',
        `/tags/${enc(arn)}?${removed.map((k) => `TagKeys=${enc(k)}`).join('&')}`,
      );
    }
    const tags = tagList(props['Tags']);
    if (tags.length) await ctx.client.rest('scheduler', 'POST', `/tags/${enc(arn)}`, { Tags: tags });
    return { physicalId: name, attributes: attrs };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(ctx.client.rest('scheduler', 'DELETE', `/schedule-groups/${enc(name)}`));
  },
};
