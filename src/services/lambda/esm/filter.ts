/**
 * Event filtering for event source mappings: EventBridge event patterns. The matcher lives in
 * src/core/patterns/event-pattern.ts, shared with EventBridge; any filter may match.
 */
export { matchesAny, parsePatterns } from '../../../core/patterns/event-pattern.js';
export type { Pattern } from '../../../core/patterns/event-pattern.js';
