import type { OperationContext } from '../../../core/service.js';
import type { Events } from '../context.js';
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses, updateEventBus } from './buses.js';
import { putEvents } from './put-events.js';
import { deleteRule, describeRule, disableRule, enableRule, listRules, putRule } from './rules.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { listRuleNamesByTarget, listTargetsByRule, putTargets, removeTargets } from './targets.js';
import { testEventPattern } from './test-event-pattern.js';

export type EventsOperation = (ev: Events, input: any, ctx: OperationContext) => Promise<unknown> | unknown;

/** Every EventBridge operation Overcast serves. */
export const OPERATIONS: Record<string, EventsOperation> = {
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  UpdateEventBus: updateEventBus,
  DeleteEventBus: deleteEventBus,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: enableRule,
  DisableRule: disableRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  PutEvents: putEvents,
  TestEventPattern: testEventPattern,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
