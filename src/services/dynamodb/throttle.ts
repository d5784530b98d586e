import type { Clock } from '../../core/clock.js';
import type { Consumption } from './capacity.js';
import { ddbErrors } from './errors.js';
import type { Table } from './tables/table.js';

/** Unused provisioned capacity DynamoDB keeps as burst credit: 300 seconds. */
export const BURST_SECONDS = 300;

export interface ThrottleOptions {
  /** Off: nothing is ever throttled (`--dynamodb-throttle off`). */
  enabled: boolean;
  /** Units per second an on-demand table may use before it is throttled. */
  onDemandReadCeiling: number;
  onDemandWriteCeiling: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const TABLE_MESSAGE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const INDEX_MESSAGE =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API';

/**
 * Capacity enforcement: a token bucket per table and global secondary index, for reads and for
 * writes. Provisioned tables refill at their provisioned rate and keep up to 300 s of unused
 * capacity as burst; on-demand tables refill at a configurable ceiling. A request is refused with
 * ProvisionedThroughputExceededException while a bucket it needs is empty; a request admitted
 * is charged what it consumed afterwards (it may take the bucket below zero, as one large item
 * may), so capacity is enforced in whole requests. Time comes from the injected clock.
 */
export class CapacityThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ThrottleOptions,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** Throws ProvisionedThroughputExceededException when the table (or, for writes, one of its GSIs) has no capacity left. */
  check(table: Table, kind: 'read' | 'write', index?: string): void {
    if (!this.options.enabled) return;
    if (index !== undefined) {
      if (table.indexByName.get(index)?.global && this.level(table, kind, index) <= 0)
        throw ddbErrors.throughputExceeded(INDEX_MESSAGE);
      if (this.level(table, kind, undefined) <= 0) throw ddbErrors.throughputExceeded(TABLE_MESSAGE);
      return;
    }
    if (this.level(table, kind, undefined) <= 0) throw ddbErrors.throughputExceeded(TABLE_MESSAGE);
    if (kind === 'write') {
      for (const i of table.indexes) {
        if (i.global && this.level(table, kind, i.name) <= 0) throw ddbErrors.throughputExceeded(INDEX_MESSAGE);
      }
    }
  }

  /** Takes what a request consumed out of the buckets it used. */
  charge(table: Table, c: Consumption): void {
    if (!this.options.enabled) return;
    if (c.table > 0) this.take(table, c.kind, undefined, c.table);
    for (const [name, units] of c.indexes) {
      if (units > 0 && table.indexByName.get(name)?.global) this.take(table, c.kind, name, units);
    }
  }

  /** Forget a deleted table's buckets. */
  forget(tableId: number): void {
    for (const key of this.buckets.keys()) if (key.startsWith(`${tableId}:`)) this.buckets.delete(key);
  }

  private rate(table: Table, kind: 'read' | 'write', index: string | undefined): { perSecond: number; burst: number } {
    if (table.record.billingMode === 'PAY_PER_REQUEST') {
      const ceiling = kind === 'read' ? this.options.onDemandReadCeiling : this.options.onDemandWriteCeiling;
      return { perSecond: ceiling, burst: ceiling };
    }
    const throughput =
      index === undefined
        ? table.record.throughput
        : (table.indexByName.get(index)?.record.throughput ?? table.record.throughput);
    const perSecond = kind === 'read' ? throughput.read : throughput.write;
    return { perSecond, burst: perSecond * BURST_SECONDS };
  }

  private bucket(table: Table, kind: 'read' | 'write', index: string | undefined): Bucket {
    const key = `${table.id}:${index ?? ''}:${kind}`;
    const now = this.clock.now();
    const { perSecond, burst } = this.rate(table, kind, index);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
      return b;
    }
    if (now > b.at) {
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * perSecond);
      b.at = now;
    }
    return b;
  }

  private level(table: Table, kind: 'read' | 'write', index: string | undefined): number {
    return this.bucket(table, kind, index).tokens;
  }

  private take(table: Table, kind: 'read' | 'write', index: string | undefined, units: number): void {
    this.bucket(table, kind, index).tokens -= units;
  }
}
