import { eventsErrors } from './errors.js';

export const DEFAULT_BUS = 'default';

const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;
const RULE_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):rule\/(.+)$/;

export interface Caller {
  account: string;
  region: string;
}

export function busArn(c: Caller, bus: string): string {
  return `arn:aws:events:${c.region}:${c.account}:event-bus/${bus}`;
}

export function ruleArn(c: Caller, bus: string, rule: string): string {
  return `arn:aws:events:${c.region}:${c.account}:rule/${bus === DEFAULT_BUS ? '' : `${bus}/`}${rule}`;
}

/** The bus an `EventBusName` parameter (a name or an ARN) names. */
export function busName(value: string | undefined): string {
  if (value === undefined || value === '') return DEFAULT_BUS;
  const m = BUS_ARN.exec(value);
  return m ? m[3]! : value;
}

/** The account and region of a bus ARN (the caller's for a plain name). */
export function busOwner(value: string | undefined, c: Caller): Caller {
  const m = value ? BUS_ARN.exec(value) : null;
  return m ? { region: m[1]!, account: m[2]! } : c;
}

export type ParsedResource =
  | { kind: 'rule'; account: string; region: string; bus: string; name: string }
  | { kind: 'bus'; account: string; region: string; name: string };

/** A rule or bus ARN (TagResource and friends). */
export function parseResourceArn(arn: string): ParsedResource {
  const bus = BUS_ARN.exec(arn);
  if (bus) return { kind: 'bus', region: bus[1]!, account: bus[2]!, name: bus[3]! };
  const rule = RULE_ARN.exec(arn);
  if (rule) {
    const path = rule[3]!;
    const slash = path.lastIndexOf('/');
    return {
      kind: 'rule',
      region: rule[1]!,
      account: rule[2]!,
      bus: slash < 0 ? DEFAULT_BUS : path.slice(0, slash),
      name: slash < 0 ? path : path.slice(slash + 1),
    };
  }
  throw eventsErrors.validation(`Parameter ResourceARN is not valid.`);
}

/** Opaque pagination tokens: the last name returned. */
export function encodeToken(last: string): string {
  return Buffer.from(JSON.stringify({ last }), 'utf8').toString('base64');
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { last?: unknown };
    if (typeof v.last === 'string') return v.last;
  } catch {
    // fall through
  }
  throw eventsErrors.validation('The NextToken provided is invalid.');
}

/** Tags as the API lists them, from the stored map. */
export function tagList(tags: string): Array<{ Key: string; Value: string }> {
  return Object.entries(JSON.parse(tags) as Record<string, string>).map(([Key, Value]) => ({ Key, Value }));
}
