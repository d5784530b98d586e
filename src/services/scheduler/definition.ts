import { isValidTimeZone, parseSchedule, ScheduleExpressionError } from '../../core/schedule/expression.js';
import type { Schedule } from '../../core/schedule/expression.js';
import { schedulerErrors } from './errors.js';
import { fromTimestamp, toEpochSeconds } from './names.js';

/** Scheduler's retry defaults: 185 retries within 24 hours. */
export const DEFAULT_MAX_RETRIES = 185;
export const DEFAULT_MAX_AGE_S = 86_400;

export interface RetryPolicy {
  MaximumEventAgeInSeconds?: number;
  MaximumRetryAttempts?: number;
}

/** The schedule's target as the API spells it (parameter blocks stored as given). */
export interface Target {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: RetryPolicy;
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  EcsParameters?: unknown;
  EventBridgeParameters?: unknown;
  KinesisParameters?: unknown;
  SageMakerPipelineParameters?: unknown;
}

/** Everything CreateSchedule / UpdateSchedule set (UpdateSchedule replaces all of it). */
export interface ScheduleDefinition {
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  /** Epoch milliseconds. */
  StartDate?: number;
  EndDate?: number;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion: 'NONE' | 'DELETE';
  Description?: string;
  KmsKeyArn?: string;
  Target: Target;
  ClientToken?: string;
}

export interface ScheduleInput {
  Name: string;
  GroupName?: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: number | string;
  EndDate?: number | string;
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  ActionAfterCompletion?: 'NONE' | 'DELETE';
  State?: 'ENABLED' | 'DISABLED';
  Description?: string;
  KmsKeyArn?: string;
  Target: Target;
  ClientToken?: string;
}

/** The earliest StartDate Scheduler accepts, relative to now. */
const START_DATE_SLACK_MS = 5 * 60_000;

/** Parse an expression as Scheduler does (at() allowed), answering ValidationException. */
export function parseExpression(expression: string): Schedule {
  try {
    return parseSchedule(expression, { allowAt: true, anyUnitForm: true });
  } catch (err) {
    if (err instanceof ScheduleExpressionError) {
      throw schedulerErrors.validation(`Invalid Schedule Expression ${expression}.`);
    }
    throw err;
  }
}

/** Validate CreateSchedule / UpdateSchedule input beyond the model and build the stored definition. */
export function buildDefinition(
  input: ScheduleInput,
  now: number,
): { definition: ScheduleDefinition; parsed: Schedule } {
  const parsed = parseExpression(input.ScheduleExpression);
  const tz = input.ScheduleExpressionTimezone;
  if (tz !== undefined && !isValidTimeZone(tz)) {
    throw schedulerErrors.validation(`Invalid Schedule Expression Timezone ${tz}.`);
  }
  const ftw = input.FlexibleTimeWindow;
  if (ftw.Mode === 'FLEXIBLE' && ftw.MaximumWindowInMinutes === undefined) {
    throw schedulerErrors.validation('MaximumWindowInMinutes must be provided when Mode is FLEXIBLE.');
  }
  if (ftw.Mode === 'OFF' && ftw.MaximumWindowInMinutes !== undefined) {
    throw schedulerErrors.validation('MaximumWindowInMinutes must not be provided when Mode is OFF.');
  }
  const start = fromTimestamp(input.StartDate);
  const end = fromTimestamp(input.EndDate);
  // One-time schedules ignore StartDate and EndDate (as AWS documents).
  if (parsed.kind !== 'at') {
    if (start !== undefined && start < now - START_DATE_SLACK_MS) {
      throw schedulerErrors.validation(
        'The StartDate you specify cannot be earlier than 5 minutes prior to the current time.',
      );
    }
    if (end !== undefined && end <= now) {
      throw schedulerErrors.validation('The EndDate you specify cannot be earlier than the current time.');
    }
    if (start !== undefined && end !== undefined && end <= start) {
      throw schedulerErrors.validation('The StartDate must come before the EndDate.');
    }
  }
  const target: Target = { ...input.Target };
  target.RetryPolicy = {
    MaximumEventAgeInSeconds: input.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S,
    MaximumRetryAttempts: input.Target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES,
  };
  const definition: ScheduleDefinition = {
    ScheduleExpression: input.ScheduleExpression,
    FlexibleTimeWindow: { ...ftw },
    ActionAfterCompletion: input.ActionAfterCompletion ?? 'NONE',
    Target: target,
  };
  if (tz !== undefined) definition.ScheduleExpressionTimezone = tz;
  if (start !== undefined) definition.StartDate = start;
  if (end !== undefined) definition.EndDate = end;
  if (input.Description !== undefined) definition.Description = input.Description;
  if (input.KmsKeyArn !== undefined) definition.KmsKeyArn = input.KmsKeyArn;
  if (input.ClientToken !== undefined) definition.ClientToken = input.ClientToken;
  return { definition, parsed };
}

/** GetSchedule's view of a stored schedule. */
export function scheduleOutput(row: {
  arn: string;
  group: string;
  name: string;
  state: string;
  createdAt: number;
  modifiedAt: number;
  definition: ScheduleDefinition;
}): Record<string, unknown> {
  const d = row.definition;
  const out: Record<string, unknown> = {
    ActionAfterCompletion: d.ActionAfterCompletion,
    Arn: row.arn,
    CreationDate: toEpochSeconds(row.createdAt),
    FlexibleTimeWindow: d.FlexibleTimeWindow,
    GroupName: row.group,
    LastModificationDate: toEpochSeconds(row.modifiedAt),
    Name: row.name,
    ScheduleExpression: d.ScheduleExpression,
    State: row.state,
    Target: d.Target,
  };
  if (d.Description !== undefined) out['Description'] = d.Description;
  if (d.ScheduleExpressionTimezone !== undefined) out['ScheduleExpressionTimezone'] = d.ScheduleExpressionTimezone;
  if (d.StartDate !== undefined) out['StartDate'] = toEpochSeconds(d.StartDate);
  if (d.EndDate !== undefined) out['EndDate'] = toEpochSeconds(d.EndDate);
  if (d.KmsKeyArn !== undefined) out['KmsKeyArn'] = d.KmsKeyArn;
  return out;
}
