import type { OperationContext } from '../../../core/service.js';
import type { Scheduler } from '../context.js';
import { createScheduleGroup, deleteScheduleGroup, getScheduleGroup, listScheduleGroups } from './groups.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, updateSchedule } from './schedules.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';

export type SchedulerOperation = (s: Scheduler, input: any, ctx: OperationContext) => Promise<unknown> | unknown;

/** Every EventBridge Scheduler operation Overcast serves. */
export const OPERATIONS: Record<string, SchedulerOperation> = {
  CreateSchedule: createSchedule,
  GetSchedule: getSchedule,
  UpdateSchedule: updateSchedule,
  DeleteSchedule: deleteSchedule,
  ListSchedules: listSchedules,
  CreateScheduleGroup: createScheduleGroup,
  GetScheduleGroup: getScheduleGroup,
  DeleteScheduleGroup: deleteScheduleGroup,
  ListScheduleGroups: listScheduleGroups,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
