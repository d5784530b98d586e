import type { OperationContext } from '../../../../core/service.js';
import { ddbErrors } from '../../errors.js';
import { streamsErrors } from '../errors.js';
import type { DynamoDbStreams } from '../streams.js';

export interface ListStreamsInput {
  TableName?: string;
  Limit?: number;
  ExclusiveStartStreamArn?: string;
}

const STREAM_ARN_SHAPE = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+\/stream\/.+$/;

/** ListStreams: the caller's streams (enabled, and disabled ones for 24 hours), in ARN order. */
export async function listStreams(streams: DynamoDbStreams, input: ListStreamsInput, ctx: OperationContext) {
  const start = input.ExclusiveStartStreamArn ?? undefined;
  const tableName = input.TableName ?? undefined;
  if (start !== undefined && !STREAM_ARN_SHAPE.test(start))
    throw streamsErrors.validation('Invalid ExclusiveStartStreamArn');
  const all = await streams.list(ctx.account, ctx.region, tableName);
  if (tableName !== undefined && all.length === 0 && !streams.tableExists(ctx.account, ctx.region, tableName)) {
    throw ddbErrors.tableNotFound(tableName);
  }
  const rest = start === undefined ? all : all.filter((s) => s.arn > start);
  const limit = input.Limit ?? 100;
  const page = rest.slice(0, limit);
  const out: Record<string, unknown> = {
    Streams: page.map((s) => ({ StreamArn: s.arn, TableName: s.table_name, StreamLabel: s.label })),
  };
  if (rest.length > limit) out['LastEvaluatedStreamArn'] = page[page.length - 1]!.arn;
  return out;
}
