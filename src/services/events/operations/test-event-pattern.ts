import type { OperationContext } from '../../../core/service.js';
import { EventPatternError, matchesPattern, parseEventPattern } from '../../../core/patterns/event-pattern.js';
import type { Events } from '../context.js';
import { eventsErrors } from '../errors.js';

/** Fields TestEventPattern requires of the event. */
const REQUIRED = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

export function testEventPattern(_ev: Events, input: { EventPattern: string; Event: string }, _ctx: OperationContext) {
  let pattern;
  try {
    pattern = parseEventPattern(input.EventPattern);
  } catch (err) {
    if (err instanceof EventPatternError) throw eventsErrors.invalidPattern(err.message);
    throw err;
  }
  let event: unknown;
  try {
    event = JSON.parse(input.Event);
  } catch {
    throw eventsErrors.validation('Parameter Event is not valid.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw eventsErrors.validation('Parameter Event is not valid.');
  }
  for (const f of REQUIRED) {
    if (!(f in event)) throw eventsErrors.validation('Parameter Event is not valid.');
  }
  return { Result: matchesPattern(pattern, event) };
}
