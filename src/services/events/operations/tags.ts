import type { OperationContext } from '../../../core/service.js';
import type { Events } from '../context.js';
import { eventsErrors } from '../errors.js';
import { DEFAULT_BUS, parseResourceArn, tagList } from '../names.js';
import type { ParsedResource } from '../names.js';
import { eventsSql } from '../storage/sql.js';
import type { Db } from '../../../storage/store.js';

const MAX_TAGS = 50;

interface Tagged {
  tags: Record<string, string>;
  save(db: Db, tags: Record<string, string>): Promise<unknown>;
}

async function resource(db: Db, r: ParsedResource): Promise<Tagged> {
  if (r.kind === 'rule') {
    const rule = await eventsSql.rule(db, r);
    if (!rule) throw eventsErrors.ruleNotFound(r.name, r.bus);
    return { tags: JSON.parse(rule.tags) as Record<string, string>, save: (tx, t) => eventsSql.setRuleTags(tx, r, t) };
  }
  if (r.name === DEFAULT_BUS) {
    throw eventsErrors.validation('Tags are not supported on the default event bus.');
  }
  const bus = await eventsSql.bus(db, r.account, r.region, r.name);
  if (!bus) throw eventsErrors.busNotFound(r.name);
  return {
    tags: JSON.parse(bus.tags) as Record<string, string>,
    save: (tx, t) => eventsSql.setBusTags(tx, r.account, r.region, r.name, t),
  };
}

export async function tagResource(
  ev: Events,
  input: { ResourceARN: string; Tags: Array<{ Key: string; Value: string }> },
  _ctx: OperationContext,
) {
  const parsed = parseResourceArn(input.ResourceARN);
  await ev.store.transaction(async (tx) => {
    const r = await resource(tx, parsed);
    const tags = { ...r.tags };
    for (const t of input.Tags) tags[t.Key] = t.Value;
    if (Object.keys(tags).length > MAX_TAGS) throw eventsErrors.limitExceeded();
    await r.save(tx, tags);
  });
  return {};
}

export async function untagResource(
  ev: Events,
  input: { ResourceARN: string; TagKeys: string[] },
  _ctx: OperationContext,
) {
  const parsed = parseResourceArn(input.ResourceARN);
  await ev.store.transaction(async (tx) => {
    const r = await resource(tx, parsed);
    const tags = { ...r.tags };
    for (const k of input.TagKeys) delete tags[k];
    await r.save(tx, tags);
  });
  return {};
}

export async function listTagsForResource(ev: Events, input: { ResourceARN: string }, _ctx: OperationContext) {
  const r = await resource(ev.store, parseResourceArn(input.ResourceARN));
  return { Tags: tagList(JSON.stringify(r.tags)) };
}
