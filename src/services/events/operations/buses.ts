import type { OperationContext } from '../../../core/service.js';
import type { Events } from '../context.js';
import { eventsErrors } from '../errors.js';
import { DEFAULT_BUS, busArn, busName, decodeToken, encodeToken } from '../names.js';
import type { BusRow } from '../storage/sql.js';
import { eventsSql } from '../storage/sql.js';

const seconds = (ms: number) => ms / 1000;

function busShape(c: { account: string; region: string }, b: BusRow | undefined, name: string) {
  return {
    Name: name,
    Arn: busArn(c, name),
    ...(b?.description ? { Description: b.description } : {}),
    ...(b ? { CreationTime: seconds(b.created_at), LastModifiedTime: seconds(b.modified_at) } : {}),
  };
}

export async function createEventBus(
  ev: Events,
  input: { Name: string; EventSourceName?: string; Description?: string; Tags?: Array<{ Key: string; Value: string }> },
  ctx: OperationContext,
) {
  if (input.Name === DEFAULT_BUS) throw eventsErrors.busExists(DEFAULT_BUS);
  if (input.Name.includes('/') && input.EventSourceName === undefined) {
    throw eventsErrors.validation("Event bus name must not contain '/'.");
  }
  if (input.Name.startsWith('aws.') && input.EventSourceName === undefined) {
    throw eventsErrors.validation("Event bus name must not start with 'aws.'.");
  }
  const now = ctx.clock.now();
  await ev.store.transaction(async (tx) => {
    if (await eventsSql.bus(tx, ctx.account, ctx.region, input.Name)) throw eventsErrors.busExists(input.Name);
    const tags: Record<string, string> = {};
    for (const t of input.Tags ?? []) tags[t.Key] = t.Value;
    await eventsSql.insertBus(tx, {
      account: ctx.account,
      region: ctx.region,
      name: input.Name,
      description: input.Description ?? null,
      created_at: now,
      modified_at: now,
      tags: JSON.stringify(tags),
    });
  });
  return { EventBusArn: busArn(ctx, input.Name), ...(input.Description ? { Description: input.Description } : {}) };
}

export async function describeEventBus(ev: Events, input: { Name?: string }, ctx: OperationContext) {
  const name = busName(input.Name);
  if (name === DEFAULT_BUS) return busShape(ctx, undefined, DEFAULT_BUS);
  const bus = await eventsSql.bus(ev.store, ctx.account, ctx.region, name);
  if (!bus) throw eventsErrors.busNotFound(name);
  return busShape(ctx, bus, name);
}

export async function listEventBuses(
  ev: Events,
  input: { NamePrefix?: string; NextToken?: string; Limit?: number },
  ctx: OperationContext,
) {
  const after = decodeToken(input.NextToken);
  const rows = await eventsSql.buses(ev.store, ctx.account, ctx.region);
  const all = [
    { name: DEFAULT_BUS, row: undefined as BusRow | undefined },
    ...rows.map((r) => ({ name: r.name, row: r })),
  ]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((b) => b.name.startsWith(input.NamePrefix ?? '') && (after === undefined || b.name > after));
  const limit = input.Limit ?? 100;
  const page = all.slice(0, limit);
  return {
    EventBuses: page.map((b) => busShape(ctx, b.row, b.name)),
    ...(all.length > limit ? { NextToken: encodeToken(page[page.length - 1]!.name) } : {}),
  };
}

/** UpdateEventBus: the description (KMS keys, dead-letter and log configuration are not kept). */
export async function updateEventBus(
  ev: Events,
  input: { Name?: string; Description?: string },
  ctx: OperationContext,
) {
  const name = busName(input.Name);
  if (name === DEFAULT_BUS) return { Arn: busArn(ctx, name), Name: name };
  await ev.store.transaction(async (tx) => {
    if (!(await eventsSql.bus(tx, ctx.account, ctx.region, name))) throw eventsErrors.busNotFound(name);
    await eventsSql.setBusDescription(tx, ctx.account, ctx.region, name, input.Description ?? null, ctx.clock.now());
  });
  return { Arn: busArn(ctx, name), Name: name, ...(input.Description ? { Description: input.Description } : {}) };
}

export async function deleteEventBus(ev: Events, input: { Name: string }, ctx: OperationContext) {
  const name = busName(input.Name);
  if (name === DEFAULT_BUS) throw eventsErrors.validation('Cannot delete event bus default.');
  await ev.store.transaction((tx) => eventsSql.deleteBus(tx, ctx.account, ctx.region, name));
  return {};
}
