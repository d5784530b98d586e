import { PeriodicPass } from '../../core/schedule/periodic-pass.js';
import { randomBytes } from 'node:crypto';
import type { Scheduler } from './context.js';
import type { ScheduleDefinition, Target } from './definition.js';
import { DEFAULT_MAX_AGE_S, DEFAULT_MAX_RETRIES, parseExpression } from './definition.js';
import type { DeliveryError, Occurrence } from './delivery.js';
import { deadLetter, deliver } from './delivery.js';
import { scheduleArn } from './names.js';
import type { DeliveryRow, ScheduleRow } from './storage/sql.js';
import { schedulerSql } from './storage/sql.js';
import { nextFire } from './timing.js';

/** Occurrences one schedule may fire in one pass (a clock moved far ahead catches up over passes). */
const MAX_CATCH_UP = 1000;
const BATCH = 100;
/** Retry back-off: 1 s doubling per attempt, at most 8 minutes (185 retries then span about 24 h). */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 8 * 60_000;

export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 20), BACKOFF_MAX_MS);
}

const executionId = (): string => randomBytes(8).toString('hex');

/**
 * The firing loop. A real-time, unref'd interval compares the injected clock's now with each
 * schedule's next occurrence: every occurrence at or before now fires (in order, each exactly
 * once), its delivery is recorded durably in the same transaction that moves the schedule to its
 * next occurrence, then due deliveries are attempted; failures are retried with back-off within
 * the target's RetryPolicy and end in its dead-letter queue.
 */
export class SchedulerRunner extends PeriodicPass {
  constructor(
    private readonly s: Scheduler,
    intervalMs: number,
  ) {
    super(intervalMs);
  }

  protected onError(err: unknown): void {
    this.s.log.warn({ err }, 'scheduler pass failed');
  }

  protected async pass(): Promise<void> {
    const now = this.s.clock.now();
    // Batches until nothing more is due, so a backlog does not wait for the next interval.
    for (;;) {
      const due = await schedulerSql.dueSchedules(this.s.store, now, BATCH);
      for (const row of due) {
        if (this.closed) return;
        await this.fire(row, now).catch(async (err: unknown) => {
          // A schedule that cannot be advanced must not block the others: it stops firing.
          this.s.log.warn({ err, schedule: row.name, group: row.group_name }, 'scheduler could not fire a schedule');
          await schedulerSql.setNextFire(this.s.store, row, null);
        });
      }
      if (due.length < BATCH) break;
    }
    const attempted = new Set<number>();
    for (;;) {
      // A failed attempt is rescheduled later than `now`, so it is not read again in this pass.
      const due = (await schedulerSql.dueDeliveries(this.s.store, now, BATCH)).filter((d) => !attempted.has(d.id));
      for (const d of due) {
        if (this.closed) return;
        attempted.add(d.id);
        await this.attempt(d);
      }
      if (due.length === 0) break;
    }
  }

  /** Records every occurrence of one schedule due by `now` and advances it (or completes it). */
  private async fire(due: ScheduleRow, now: number): Promise<void> {
    await this.s.store.transaction(async (tx) => {
      const row = await schedulerSql.schedule(tx, due.account, due.region, due.group_name, due.name);
      // Updated or deleted since it was read: the next pass sees its new state.
      if (!row || row.next_fire !== due.next_fire || row.next_fire === null) return;
      const def = JSON.parse(row.definition) as ScheduleDefinition;
      const parsed = parseExpression(def.ScheduleExpression);
      const arn = scheduleArn(row.region, row.account, row.group_name, row.name);
      let at: number | undefined = row.next_fire;
      // Occurrences older than the target's MaximumEventAgeInSeconds would only be dropped: a clock
      // moved far ahead (or a server stopped for long) resumes from the oldest one still in age.
      const cutoff = now - (def.Target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
      if (at < cutoff) at = nextFire(parsed, def, cutoff - 1, row.anchor);
      let fired = 0;
      while (at !== undefined && at <= now && fired < MAX_CATCH_UP) {
        await schedulerSql.insertDelivery(tx, {
          account: row.account,
          region: row.region,
          schedule_arn: arn,
          target: JSON.stringify(def.Target),
          scheduled_at: at,
          execution_id: executionId(),
          attempt: 0,
          first_at: at,
          next_at: at,
          last_error_code: null,
          last_error_message: null,
        });
        fired++;
        at = nextFire(parsed, def, at, row.anchor);
      }
      if (at === undefined && def.ActionAfterCompletion === 'DELETE') {
        await schedulerSql.deleteSchedule(tx, row.account, row.region, row.group_name, row.name);
      } else {
        await schedulerSql.setNextFire(tx, row, at ?? null);
      }
    });
  }

  private async attempt(d: DeliveryRow): Promise<void> {
    const target = JSON.parse(d.target) as Target;
    const o: Occurrence = {
      account: d.account,
      region: d.region,
      scheduleArn: d.schedule_arn,
      target,
      scheduledAt: d.scheduled_at,
      executionId: d.execution_id,
      attempt: d.attempt + 1,
    };
    try {
      await deliver(this.s, o);
      await schedulerSql.deleteDelivery(this.s.store, d.id);
      return;
    } catch (err) {
      const error = err as DeliveryError;
      const now = this.s.clock.now();
      const maxRetries = target.RetryPolicy?.MaximumRetryAttempts ?? DEFAULT_MAX_RETRIES;
      const maxAgeMs = (target.RetryPolicy?.MaximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
      const retriesUsed = o.attempt - 1;
      const nextAt = now + backoffMs(o.attempt);
      let exhausted: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' | undefined;
      if (retriesUsed >= maxRetries) exhausted = 'MaximumRetryAttempts';
      else if (nextAt - d.first_at > maxAgeMs) exhausted = 'MaximumEventAgeInSeconds';
      if (!exhausted) {
        await schedulerSql.retryLater(this.s.store, d.id, o.attempt, nextAt, error.code, error.message);
        return;
      }
      await schedulerSql.deleteDelivery(this.s.store, d.id);
      await deadLetter(this.s, o, error, exhausted).catch((dlqErr: unknown) =>
        this.s.log.warn({ err: dlqErr, schedule: d.schedule_arn }, 'scheduler dead-letter message not sent'),
      );
    }
  }
}
