import type { OperationContext } from '../../../core/service.js';
import type { Logs } from '../context.js';
import { logsErrors } from '../errors.js';
import { describeGroup, groupNameFromArn } from '../groups.js';
import { logsSql } from '../storage/sql.js';
import { decodeToken, encodeToken, isTuple } from '../tokens.js';

export interface DescribeLogGroupsInput {
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  logGroupIdentifiers?: string[];
  logGroupClass?: string;
  nextToken?: string;
  limit?: number;
}

const BATCH = 500;

export async function describeLogGroups(logs: Logs, input: DescribeLogGroupsInput, ctx: OperationContext) {
  const { logGroupNamePrefix: prefix, logGroupNamePattern: pattern } = input;
  if (prefix !== undefined && pattern !== undefined) {
    throw logsErrors.invalidParameter(
      'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.',
    );
  }
  let names: Set<string> | undefined;
  if (input.logGroupIdentifiers) {
    if (prefix !== undefined || pattern !== undefined) {
      throw logsErrors.invalidParameter(
        'logGroupIdentifiers cannot be used together with logGroupNamePrefix or logGroupNamePattern.',
      );
    }
    names = new Set(
      input.logGroupIdentifiers.map((id) => (id.startsWith('arn:') ? (groupNameFromArn(id, ctx) ?? '') : id)),
    );
  }
  const limit = input.limit ?? 50;
  let after = '';
  if (input.nextToken !== undefined) after = decodeToken(input.nextToken, isTuple('string'))[0] as string;
  // Names sort bytewise, so every name with the prefix is at or after the prefix itself.
  let inclusive = false;
  let last = after;
  if (prefix !== undefined && after < prefix) {
    last = prefix;
    inclusive = true;
  }
  const out: Record<string, unknown>[] = [];
  let more = false;
  scan: for (;;) {
    const rows = await logsSql.groupsAfter(logs.store, ctx.account, ctx.region, last, inclusive, BATCH);
    for (const g of rows) {
      if (prefix !== undefined && !g.name.startsWith(prefix)) {
        if (g.name > prefix) break scan;
        continue;
      }
      if (pattern !== undefined && !g.name.includes(pattern)) continue;
      if (names && !names.has(g.name)) continue;
      if (input.logGroupClass !== undefined && g.class !== input.logGroupClass) continue;
      if (out.length === limit) {
        more = true;
        break scan;
      }
      const d = describeGroup(g);
      out.push(
        pattern !== undefined ? { logGroupName: d['logGroupName'], creationTime: d['creationTime'], arn: d['arn'] } : d,
      );
      after = g.name;
    }
    if (rows.length < BATCH) break;
    last = rows[rows.length - 1]!.name;
    inclusive = false;
  }
  return more ? { logGroups: out, nextToken: encodeToken([after]) } : { logGroups: out };
}
