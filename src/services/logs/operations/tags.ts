import type { OperationContext } from '../../../core/service.js';
import { parseArn } from '../../../core/arn.js';
import type { Db } from '../../../storage/store.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { groupNameFromArn, parseTags, requireGroup } from '../groups.js';
import { logsSql } from '../storage/sql.js';
import type { GroupRow } from '../storage/sql.js';

const MAX_TAGS = 50;

async function groupOfArn(db: Db, resourceArn: string, ctx: OperationContext): Promise<GroupRow> {
  const parsed = parseArn(resourceArn);
  if (!parsed || parsed.service !== 'logs') throw logsErrors.invalidParameter(`Invalid resource arn: ${resourceArn}`);
  const name = groupNameFromArn(resourceArn, ctx);
  if (name === undefined) throw logsErrors.resourceNotFound();
  return requireGroup(db, ctx, name);
}

async function addTags(
  logs: Logs,
  find: (tx: Db) => Promise<GroupRow>,
  tags: Record<string, string>,
  tooMany: (g: GroupRow) => Error,
) {
  await logs.store.transaction(async (tx) => {
    const group = await find(tx);
    const merged = { ...parseTags(group), ...tags };
    if (Object.keys(merged).length > MAX_TAGS) throw tooMany(group);
    await logsSql.setTags(tx, group.id, merged);
  });
  return {};
}

async function removeTags(logs: Logs, find: (tx: Db) => Promise<GroupRow>, keys: readonly string[]) {
  await logs.store.transaction(async (tx) => {
    const group = await find(tx);
    const tags = parseTags(group);
    for (const k of keys) delete tags[k];
    await logsSql.setTags(tx, group.id, tags);
  });
  return {};
}

/** TagLogGroup (deprecated by AWS in favour of TagResource, still served). */
export const tagLogGroup = (
  logs: Logs,
  input: { logGroupName: string; tags: Record<string, string> },
  ctx: OperationContext,
) =>
  addTags(
    logs,
    (tx) => requireGroup(tx, ctx, input.logGroupName),
    input.tags,
    () => logsErrors.invalidParameter('A resource can have no more than 50 tags.'),
  );

export const untagLogGroup = (logs: Logs, input: { logGroupName: string; tags: string[] }, ctx: OperationContext) =>
  removeTags(logs, (tx) => requireGroup(tx, ctx, input.logGroupName), input.tags);

export async function listTagsLogGroup(logs: Logs, input: { logGroupName: string }, ctx: OperationContext) {
  return { tags: parseTags(await requireGroup(logs.store, ctx, input.logGroupName)) };
}

export const tagResource = (
  logs: Logs,
  input: { resourceArn: string; tags: Record<string, string> },
  ctx: OperationContext,
) =>
  addTags(
    logs,
    (tx) => groupOfArn(tx, input.resourceArn, ctx),
    input.tags,
    () => logsErrors.tooManyTags(input.resourceArn),
  );

export const untagResource = (logs: Logs, input: { resourceArn: string; tagKeys: string[] }, ctx: OperationContext) =>
  removeTags(logs, (tx) => groupOfArn(tx, input.resourceArn, ctx), input.tagKeys);

export async function listTagsForResource(logs: Logs, input: { resourceArn: string }, ctx: OperationContext) {
  return { tags: parseTags(await groupOfArn(logs.store, input.resourceArn, ctx)) };
}
