import { arn, parseArn } from '../../core/arn.js';
import type { OperationContext } from '../../core/service.js';
import type { Db } from '../../storage/store.js';
import { logsErrors } from './errors.js';
import { logsSql } from './storage/sql.js';
import type { GroupRow, StreamRow } from './storage/sql.js';

/** `arn:aws:logs:<region>:<account>:log-group:<name>` (logGroupArn; `arn` adds `:*`). */
export const groupArn = (region: string, account: string, name: string): string =>
  arn('logs', region, account, `log-group:${name}`);

export const streamArn = (region: string, account: string, group: string, stream: string): string =>
  arn('logs', region, account, `log-group:${group}:log-stream:${stream}`);

/** A group's name from an ARN (`...:log-group:<name>` with or without `:*`) in the caller's scope. */
export function groupNameFromArn(value: string, ctx: Pick<OperationContext, 'account' | 'region'>): string | undefined {
  const parsed = parseArn(value);
  if (!parsed || parsed.service !== 'logs' || !parsed.resource.startsWith('log-group:')) return undefined;
  if (parsed.account !== ctx.account || parsed.region !== ctx.region) return undefined;
  let name = parsed.resource.slice('log-group:'.length);
  if (name.endsWith(':*')) name = name.slice(0, -2);
  return name.includes(':') ? undefined : name;
}

/** The log group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN), exactly one of them. */
export function groupNameOf(
  input: { logGroupName?: string; logGroupIdentifier?: string },
  ctx: Pick<OperationContext, 'account' | 'region'>,
): string {
  const { logGroupName, logGroupIdentifier } = input;
  if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
    throw logsErrors.invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (logGroupName !== undefined) return logGroupName;
  if (logGroupIdentifier === undefined) {
    throw logsErrors.invalidParameter('Should provide either a log group name or a log group ARN.');
  }
  if (!logGroupIdentifier.startsWith('arn:')) return logGroupIdentifier;
  const name = groupNameFromArn(logGroupIdentifier, ctx);
  if (name === undefined) throw logsErrors.groupNotFound();
  return name;
}

export async function requireGroup(
  db: Db,
  ctx: Pick<OperationContext, 'account' | 'region'>,
  name: string,
): Promise<GroupRow> {
  const group = await logsSql.group(db, ctx.account, ctx.region, name);
  if (!group) throw logsErrors.groupNotFound();
  return group;
}

export async function requireStream(db: Db, group: GroupRow, name: string): Promise<StreamRow> {
  const stream = await logsSql.stream(db, group.id, name);
  if (!stream) throw logsErrors.streamNotFound();
  return stream;
}

/** DescribeLogGroups' LogGroup. */
export function describeGroup(g: GroupRow): Record<string, unknown> {
  const logGroupArn = groupArn(g.region, g.account, g.name);
  const out: Record<string, unknown> = {
    logGroupName: g.name,
    creationTime: g.created_at,
  };
  if (g.retention_days !== null) out['retentionInDays'] = g.retention_days;
  out['metricFilterCount'] = 0;
  out['arn'] = `${logGroupArn}:*`;
  out['storedBytes'] = g.stored_bytes;
  if (g.kms_key_id !== null) out['kmsKeyId'] = g.kms_key_id;
  out['logGroupClass'] = g.class;
  out['logGroupArn'] = logGroupArn;
  if (g.deletion_protection) out['deletionProtectionEnabled'] = true;
  return out;
}

/** DescribeLogStreams' LogStream. */
export function describeStream(g: GroupRow, s: StreamRow): Record<string, unknown> {
  const out: Record<string, unknown> = { logStreamName: s.name, creationTime: s.created_at };
  if (s.first_event !== null) out['firstEventTimestamp'] = s.first_event;
  if (s.last_event !== null) out['lastEventTimestamp'] = s.last_event;
  if (s.last_ingestion !== null) out['lastIngestionTime'] = s.last_ingestion;
  out['uploadSequenceToken'] = sequenceToken(s.next_seq);
  out['arn'] = streamArn(g.region, g.account, g.name, s.name);
  // AWS has reported 0 for log streams since 2019 (group storedBytes are real).
  out['storedBytes'] = 0;
  return out;
}

/** A sequence token (ignored on input, as AWS does now), derived from the stream's counter. */
export const sequenceToken = (nextSeq: number): string => String(49_000_000_000 + nextSeq).padStart(56, '0');

export const parseTags = (g: GroupRow): Record<string, string> => JSON.parse(g.tags) as Record<string, string>;
