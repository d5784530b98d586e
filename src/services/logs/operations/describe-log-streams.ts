import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { describeStream, groupNameOf, requireGroup } from '../groups.js';
import { logsSql } from '../storage/sql.js';
import type { StreamRow } from '../storage/sql.js';
import { decodeToken, encodeToken, isTuple } from '../tokens.js';

export interface DescribeLogStreamsInput {
  logGroupName?: string;
  logGroupIdentifier?: string;
  logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime';
  descending?: boolean;
  nextToken?: string;
  limit?: number;
}

const BATCH = 500;

export async function describeLogStreams(logs: Logs, input: DescribeLogStreamsInput, ctx: OperationContext) {
  const group = await requireGroup(logs.store, ctx, groupNameOf(input, ctx));
  const byTime = input.orderBy === 'LastEventTime';
  const prefix = input.logStreamNamePrefix;
  if (byTime && prefix !== undefined) {
    throw logsErrors.invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const descending = input.descending === true;
  const limit = input.limit ?? 50;
  const out: Record<string, unknown>[] = [];
  let more = false;
  let lastReturned: StreamRow | undefined;
  if (byTime) {
    let after =
      input.nextToken === undefined
        ? undefined
        : (decodeToken(input.nextToken, isTuple('number', 'string')) as [number, string]);
    scan: for (;;) {
      const rows = await logsSql.streamsByLastEvent(logs.store, group.id, after, descending, BATCH);
      for (const s of rows) {
        if (out.length === limit) {
          more = true;
          break scan;
        }
        out.push(describeStream(group, s));
        lastReturned = s;
      }
      if (rows.length < BATCH) break;
      const last = rows[rows.length - 1]!;
      after = [last.last_event ?? -1, last.name];
    }
    if (more && lastReturned)
      return { logStreams: out, nextToken: encodeToken([lastReturned.last_event ?? -1, lastReturned.name]) };
    return { logStreams: out };
  }
  let after: string | undefined =
    input.nextToken === undefined ? undefined : (decodeToken(input.nextToken, isTuple('string'))[0] as string);
  if (prefix !== undefined && !descending && (after === undefined || after < prefix)) {
    // Start just before the prefix: names with it sort at or after it.
    after = prefix.slice(0, -1);
    if (after === '') after = undefined;
  }
  scan: for (;;) {
    const rows = await logsSql.streamsByName(logs.store, group.id, after, descending, BATCH);
    for (const s of rows) {
      if (prefix !== undefined && !s.name.startsWith(prefix)) {
        if (!descending && s.name > prefix) break scan;
        continue;
      }
      if (out.length === limit) {
        more = true;
        break scan;
      }
      out.push(describeStream(group, s));
      lastReturned = s;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.name;
  }
  if (more && lastReturned) return { logStreams: out, nextToken: encodeToken([lastReturned.name]) };
  return { logStreams: out };
}
