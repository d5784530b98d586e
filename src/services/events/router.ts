/**
 * Routing an event on a bus: every enabled rule whose pattern matches gets the event delivered to
 * each of its targets (in the background: PutEvents answers first, as on AWS). Scheduled rules
 * fire through `fireRule`.
 */
import { matchesPattern, parseEventPattern } from '../../core/patterns/event-pattern.js';
import type { EventPattern } from '../../core/patterns/event-pattern.js';
import type { Events } from './context.js';
import { background } from './context.js';
import type { Target } from './delivery.js';
import { deliver } from './delivery.js';
import { ruleArn } from './names.js';
import type { RuleRow } from './storage/sql.js';
import { eventsSql } from './storage/sql.js';

const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;

const patterns = new Map<string, EventPattern>();

function compiled(text: string): EventPattern | undefined {
  let p = patterns.get(text);
  if (!p) {
    try {
      p = parseEventPattern(text);
    } catch {
      return undefined;
    }
    if (patterns.size > 10_000) patterns.clear();
    patterns.set(text, p);
  }
  return p;
}

/** Delivers an event to every target of one rule (each target in the background). */
export async function fireRule(ev: Events, rule: RuleRow, event: Record<string, unknown>): Promise<void> {
  const targets = await eventsSql.targets(ev.store, rule);
  const info = { name: rule.name, arn: ruleArn(rule, rule.bus, rule.name) };
  for (const row of targets) {
    const target = JSON.parse(row.target) as Target;
    background(ev, () => deliver(ev, info, target, event, (arn, e) => forward(ev, arn, e)));
  }
}

/** Routes an event on a bus to the matching rules. Returns how many rules matched. */
export async function route(
  ev: Events,
  owner: { account: string; region: string },
  bus: string,
  event: Record<string, unknown>,
): Promise<number> {
  let matched = 0;
  for (const rule of await eventsSql.patternRules(ev.store, owner.account, owner.region, bus)) {
    const pattern = compiled(rule.pattern!);
    if (!pattern || !matchesPattern(pattern, event)) continue;
    matched++;
    await fireRule(ev, rule, event);
  }
  return matched;
}

/** Events that reached their bus through a bus target: they are not forwarded again (no loops). */
const forwarded = new WeakSet<object>();

/** A bus target: the event goes on that bus (one hop). */
async function forward(ev: Events, arn: string, event: Record<string, unknown>): Promise<void> {
  const m = BUS_ARN.exec(arn);
  if (!m) return;
  if (forwarded.has(event)) {
    ev.log.warn({ target: arn }, 'eventbridge: an event forwarded from another bus is not forwarded again');
    return;
  }
  const copy = { ...event };
  forwarded.add(copy);
  await route(ev, { region: m[1]!, account: m[2]! }, m[3]!, copy);
}
