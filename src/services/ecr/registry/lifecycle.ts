/** ECR lifecycle policies: parsing with AWS's validation rules and evaluation on the injected clock. */

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecycleImage {
  digest: string;
  tags: string[];
  pushedAt: number;
}

export interface LifecycleResult extends LifecycleImage {
  rulePriority: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export class LifecyclePolicyError extends Error {}

const fail = (reason: string): never => {
  throw new LifecyclePolicyError(
    `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${reason}'`,
  );
};

export function parseLifecyclePolicy(text: string): LifecycleRule[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail('could not parse the policy as JSON');
  }
  const rules = (json as { rules?: unknown }).rules;
  if (!Array.isArray(rules) || rules.length === 0) return fail('object has missing required properties (["rules"])');
  const seen = new Set<number>();
  const out: LifecycleRule[] = [];
  for (const r of rules as LifecycleRule[]) {
    if (typeof r !== 'object' || r === null) return fail('instance type is not an object');
    if (!Number.isInteger(r.rulePriority) || r.rulePriority < 1) return fail('rulePriority must be a positive integer');
    if (seen.has(r.rulePriority)) return fail(`rulePriority ${r.rulePriority} is used by more than one rule`);
    seen.add(r.rulePriority);
    const s = r.selection;
    if (!s || typeof s !== 'object') return fail('object has missing required properties (["selection"])');
    if (!['tagged', 'untagged', 'any'].includes(s.tagStatus))
      return fail(
        `instance value ("${String(s.tagStatus)}") not found in enum (possible values: ["tagged","untagged","any"])`,
      );
    if (s.tagStatus === 'tagged' && !s.tagPrefixList?.length && !s.tagPatternList?.length) {
      return fail('tagPrefixList or tagPatternList is required when tagStatus is tagged');
    }
    if (s.tagPrefixList && s.tagPatternList) return fail('tagPrefixList and tagPatternList cannot both be set');
    if (s.countType !== 'imageCountMoreThan' && s.countType !== 'sinceImagePushed') {
      return fail(
        `instance value ("${String(s.countType)}") not found in enum (possible values: ["imageCountMoreThan","sinceImagePushed"])`,
      );
    }
    if (s.countType === 'sinceImagePushed' && s.countUnit !== 'days')
      return fail('countUnit is required to be "days" when countType is sinceImagePushed');
    if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined)
      return fail('countUnit is not allowed when countType is imageCountMoreThan');
    if (!Number.isInteger(s.countNumber) || s.countNumber < 1) return fail('countNumber must be a positive integer');
    if (r.action?.type !== 'expire') return fail('action type must be "expire"');
    out.push(r);
  }
  out.sort((a, b) => a.rulePriority - b.rulePriority);
  const anyIndex = out.findIndex((r) => r.selection.tagStatus === 'any');
  if (anyIndex >= 0 && anyIndex !== out.length - 1)
    return fail("a rule with tagStatus 'any' must have the highest rulePriority");
  return out;
}

const glob = (p: string) =>
  new RegExp(
    `^${p
      .split('*')
      .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

function selects(rule: LifecycleRule, image: LifecycleImage): boolean {
  const s = rule.selection;
  if (s.tagStatus === 'untagged') return image.tags.length === 0;
  if (s.tagStatus === 'any') return true;
  if (image.tags.length === 0) return false;
  // Every prefix (pattern) of the list must match one of the image's tags.
  if (s.tagPrefixList) return s.tagPrefixList.every((p) => image.tags.some((t) => t.startsWith(p)));
  return (s.tagPatternList ?? []).every((p) => image.tags.some((t) => glob(p).test(t)));
}

/**
 * Images the policy expires at `now`. Rules apply in priority order; an image selected by a
 * higher-priority rule is not considered by lower-priority ones.
 */
export function evaluateLifecycle(rules: LifecycleRule[], images: LifecycleImage[], now: number): LifecycleResult[] {
  const claimed = new Set<string>();
  const expired: LifecycleResult[] = [];
  for (const rule of rules) {
    const matched = images.filter((i) => !claimed.has(i.digest) && selects(rule, i));
    for (const i of matched) claimed.add(i.digest);
    const s = rule.selection;
    let victims: LifecycleImage[];
    if (s.countType === 'imageCountMoreThan') {
      const newestFirst = [...matched].sort((a, b) => b.pushedAt - a.pushedAt || (a.digest < b.digest ? -1 : 1));
      victims = newestFirst.slice(s.countNumber);
    } else {
      victims = matched.filter((i) => i.pushedAt <= now - s.countNumber * DAY_MS);
    }
    for (const v of victims) expired.push({ ...v, rulePriority: rule.rulePriority });
  }
  return expired;
}
