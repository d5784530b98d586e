import { ddbErrors, invalidParameter } from '../errors.js';
import type { IndexRecord, TableRecord } from './record.js';

/**
 * OnDemandThroughput (the most request units an on-demand table or GSI may use a second) and
 * WarmThroughput (the throughput it is ready for at once), as DynamoDB keeps and reports them:
 * OnDemandThroughput only when set (-1 on UpdateTable clears a member); WarmThroughput always, at
 * least 12,000 reads / 4,000 writes a second for on-demand and the highest capacity ever
 * provisioned otherwise, never decreasing. Overcast reports them; its capacity enforcement
 * (dynamodb.throttle) reads neither.
 */
export interface OnDemandThroughputInput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}
export interface WarmThroughputInput {
  ReadUnitsPerSecond?: number;
  WriteUnitsPerSecond?: number;
}
/** Kept on TableRecord and IndexRecord. */
export interface OnDemandLimits {
  read?: number;
  write?: number;
}
export interface WarmLevel {
  read: number;
  write: number;
}

/** An on-demand table's (and GSI's) warm throughput when nothing raised it. */
export const ON_DEMAND_WARM: WarmLevel = { read: 12000, write: 4000 };

/** Whether a struct sets anything: an empty one counts as absent (as AWS treats it). */
export const sets = (o: object | undefined): boolean =>
  o !== undefined && o !== null && Object.values(o).some((v) => v !== undefined);

/**
 * Checks an OnDemandThroughput for a table (`index` undefined) or a GSI under `billing`;
 * `clearing`: UpdateTable, where -1 removes a limit.
 */
export function checkOnDemand(
  o: OnDemandThroughputInput | undefined,
  billing: 'PROVISIONED' | 'PAY_PER_REQUEST',
  index: string | undefined,
  clearing: boolean,
  region: string,
): void {
  if (!sets(o)) return;
  const members = [
    ['MaxReadRequestUnits', o!.MaxReadRequestUnits, 'Read'],
    ['MaxWriteRequestUnits', o!.MaxWriteRequestUnits, 'Write'],
  ] as const;
  const what = index === undefined ? 'table' : `index : ${index}`;
  for (const [name, v, kind] of members) {
    if (v === undefined) continue;
    if (billing === 'PROVISIONED') {
      // CreateTable and UpdateTable word it differently.
      throw invalidParameter(
        clearing
          ? `${name} for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED`
          : `${name} for OnDemandThroughput cannot be specified when table BillingMode is PROVISIONED.`,
      );
    }
    if (v < 1 && !(clearing && v === -1))
      throw invalidParameter(`Requested ${name} for OnDemandThroughput for ${what} is outside of valid range`);
    if (v > MAX_REQUEST_UNITS) {
      throw ddbErrors.limitExceeded(
        `Subscriber limit exceeded: Requested ${name} for OnDemandThroughput for ${what} exceeds TableMax${kind}CapacityUnits of the account in region ${region}`,
      );
    }
  }
}

/** The account's per-table capacity maximum (DescribeLimits' TableMax*CapacityUnits). */
const MAX_REQUEST_UNITS = 40000;

/** The limits after an OnDemandThroughput: a value sets a member, -1 removes it. */
export function applyOnDemand(current: OnDemandLimits | undefined, o: OnDemandThroughputInput): OnDemandLimits {
  const next: OnDemandLimits = { ...current };
  const set = (key: 'read' | 'write', v: number | undefined) => {
    if (v === -1) delete next[key];
    else if (v !== undefined) next[key] = v;
  };
  set('read', o.MaxReadRequestUnits);
  set('write', o.MaxWriteRequestUnits);
  return next;
}

/** OnDemandThroughput as DescribeTable shows it (undefined: nothing to show). */
export function onDemandDescription(limits: OnDemandLimits | undefined): Record<string, number> | undefined {
  if (!limits || (limits.read === undefined && limits.write === undefined)) return undefined;
  return {
    ...(limits.read !== undefined ? { MaxReadRequestUnits: limits.read } : {}),
    ...(limits.write !== undefined ? { MaxWriteRequestUnits: limits.write } : {}),
  };
}

/** The higher of two warm levels, member by member. */
export const raise = (a: WarmLevel | undefined, b: WarmLevel): WarmLevel => ({
  read: Math.max(a?.read ?? 0, b.read),
  write: Math.max(a?.write ?? 0, b.write),
});

/** What a table's or GSI's capacity makes it warm for (before any WarmThroughput it was given). */
export function baseWarm(billing: 'PROVISIONED' | 'PAY_PER_REQUEST', t: { read: number; write: number }): WarmLevel {
  return billing === 'PAY_PER_REQUEST' ? ON_DEMAND_WARM : { read: t.read, write: t.write };
}

/**
 * Checks a requested WarmThroughput against the current level (UpdateTable: it may only grow) or,
 * at creation, against the provisioned capacity.
 */
export function checkWarm(
  w: WarmThroughputInput | undefined,
  against: WarmLevel,
  index: string | undefined,
  creating: false | 'PROVISIONED' | 'PAY_PER_REQUEST',
): void {
  if (!sets(w)) return;
  const what = index === undefined ? 'table' : `index ${index}`;
  for (const [name, v, floor, capacity] of [
    ['ReadUnitsPerSecond', w!.ReadUnitsPerSecond, against.read, 'ReadCapacityUnits'],
    ['WriteUnitsPerSecond', w!.WriteUnitsPerSecond, against.write, 'WriteCapacityUnits'],
  ] as const) {
    if (v === undefined || v >= floor) continue;
    throw invalidParameter(
      creating === 'PAY_PER_REQUEST'
        ? `Requested ${name} for WarmThroughput for ${what} is lower than initial throughput for OnDemand. See: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial`
        : creating === 'PROVISIONED'
          ? `Requested ${name} for WarmThroughput for ${what} is lower than ${capacity} of ProvisionedThroughput`
          : `Requested ${name} for WarmThroughput for ${what} is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
  }
}

/** The warm level after a (checked) WarmThroughput. */
export function applyWarm(current: WarmLevel, w: WarmThroughputInput | undefined): WarmLevel {
  if (!sets(w)) return current;
  return raise(current, { read: w!.ReadUnitsPerSecond ?? 0, write: w!.WriteUnitsPerSecond ?? 0 });
}

/** A table's or GSI's warm level now: what was kept, never below what its capacity gives. */
export function warmOf(
  billing: 'PROVISIONED' | 'PAY_PER_REQUEST',
  owner: Pick<TableRecord, 'warm' | 'throughput'> | Pick<IndexRecord, 'warm' | 'throughput'>,
): WarmLevel {
  return raise(owner.warm, baseWarm(billing, owner.throughput ?? { read: 0, write: 0 }));
}
