import type { Ecs } from '../context.js';
import { ecsErrors } from '../errors.js';
import type { Tag } from '../types.js';
import type { EcsOperation } from './common.js';

/** The tag list of the resource an ARN names (tags live in the resource's document). */
function resource(ecs: Ecs, arn: string): { tags: Tag[]; save: () => Promise<void> } {
  const kinds = [
    ['cluster', ':cluster/'],
    ['task', ':task/'],
    ['service', ':service/'],
    ['taskdef', ':task-definition/'],
  ] as const;
  for (const [kind, marker] of kinds) {
    if (!arn.includes(marker)) continue;
    const doc = ecs.state.get(kind, arn) as { tags?: Tag[]; _tags?: Tag[] } | undefined;
    if (!doc) break;
    const key = kind === 'taskdef' ? '_tags' : 'tags';
    doc[key] ??= [];
    return { tags: doc[key], save: () => ecs.state.put(kind, arn, doc as never) };
  }
  if (!arn.startsWith('arn:')) throw ecsErrors.invalidParameter('The ARN provided is invalid.');
  throw ecsErrors.resourceNotFound('The specified resource is not found.');
}

export const TagResource: EcsOperation = async (ecs, input) => {
  const r = resource(ecs, input.resourceArn);
  for (const t of input.tags as Tag[]) {
    if (t.key.startsWith('aws:')) throw ecsErrors.invalidParameter('Tag keys beginning with aws: are reserved.');
    const i = r.tags.findIndex((x) => x.key === t.key);
    if (i >= 0) r.tags[i] = t;
    else r.tags.push(t);
  }
  if (r.tags.length > 50) throw ecsErrors.invalidParameter('The number of tags exceeds the limit of 50.');
  await r.save();
  return {};
};

export const UntagResource: EcsOperation = async (ecs, input) => {
  const r = resource(ecs, input.resourceArn);
  const keep = r.tags.filter((t) => !(input.tagKeys as string[]).includes(t.key));
  r.tags.splice(0, r.tags.length, ...keep);
  await r.save();
  return {};
};

export const ListTagsForResource: EcsOperation = (ecs, input) => ({ tags: resource(ecs, input.resourceArn).tags });
