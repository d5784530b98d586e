import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { createLogGroup } from './create-log-group.js';
import { createLogStream } from './create-log-stream.js';
import { deleteLogGroup } from './delete-log-group.js';
import { deleteLogStream } from './delete-log-stream.js';
import { describeLogGroups } from './describe-log-groups.js';
import { describeLogStreams } from './describe-log-streams.js';
import { filterLogEvents } from './filter-log-events.js';
import { getLogEvents } from './get-log-events.js';
import { putLogEvents } from './put-log-events.js';
import { deleteRetentionPolicy, putRetentionPolicy } from './retention-policy.js';
import {
  listTagsForResource,
  listTagsLogGroup,
  tagLogGroup,
  tagResource,
  untagLogGroup,
  untagResource,
} from './tags.js';

export type LogsOperation = (logs: Logs, input: any, ctx: OperationContext) => Promise<unknown> | unknown;

/** Every CloudWatch Logs operation Overcast serves. */
export const OPERATIONS: Record<string, LogsOperation> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  TagLogGroup: tagLogGroup,
  UntagLogGroup: untagLogGroup,
  ListTagsLogGroup: listTagsLogGroup,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
