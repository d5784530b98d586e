import { PeriodicPass } from '../../core/schedule/periodic-pass.js';
import { nextFireAfter, parseSchedule } from '../../core/schedule/expression.js';
import type { Events } from './context.js';
import { envelope } from './envelope.js';
import { ruleArn } from './names.js';
import { fireRule } from './router.js';
import { eventsSql } from './storage/sql.js';

const BATCH = 100;

/**
 * Fires scheduled rules on the injected clock. A real-time, unref'd interval compares the clock's
 * now with each enabled scheduled rule's next due time. A rule fires once per pass however many
 * of its periods have elapsed (periods missed while the server was stopped, or skipped by a clock
 * that jumped ahead, collapse into one firing), then moves to its first occurrence after now.
 */
export class ScheduleRunner extends PeriodicPass {
  constructor(
    private readonly ev: Events,
    intervalMs: number,
  ) {
    super(intervalMs);
  }

  protected onError(err: unknown): void {
    this.ev.log.warn({ err }, 'eventbridge schedule pass failed');
  }

  protected async pass(): Promise<void> {
    const now = this.ev.clock.now();
    for (const rule of await eventsSql.dueRules(this.ev.store, now, BATCH)) {
      if (this.closed) return;
      const due = rule.next_fire!;
      let next: number | null = null;
      try {
        next = nextFireAfter(parseSchedule(rule.schedule!), now, { anchorMs: rule.anchor ?? due }) ?? null;
      } catch (err) {
        this.ev.log.warn({ err, rule: rule.name }, 'unparseable schedule');
      }
      if (!(await eventsSql.advance(this.ev.store, rule, due, next))) continue;
      await fireRule(
        this.ev,
        rule,
        envelope({
          account: rule.account,
          region: rule.region,
          source: 'aws.events',
          detailType: 'Scheduled Event',
          resources: [ruleArn(rule, rule.bus, rule.name)],
          detail: {},
          time: due,
        }),
      );
    }
  }
}
