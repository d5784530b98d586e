import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
  paginateListSchedules,
} from '@aws-sdk/client-scheduler';
import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { ROLE_ARN, startSchedulerServer } from './helpers.js';
import type { SchedulerTestServer } from './helpers.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:target';
const base = (name: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
  Name: name,
  ScheduleExpression: 'rate(5 minutes)',
  FlexibleTimeWindow: { Mode: 'OFF' },
  Target: { Arn: FN, RoleArn: ROLE_ARN },
  ...extra,
});

describe('EventBridge Scheduler control plane (SDK v3)', () => {
  let t: SchedulerTestServer;
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 12, 0, 0));

  beforeAll(async () => {
    t = await startSchedulerServer(clock);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('creates a schedule in the default group and returns every field on GetSchedule', async () => {
    const created = await t.scheduler.send(
      new CreateScheduleCommand(
        base('first', {
          Description: 'hello',
          ScheduleExpressionTimezone: 'Europe/Paris',
          FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
          KmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/abc-123',
          Target: {
            Arn: FN,
            RoleArn: ROLE_ARN,
            Input: '{"a":1}',
            SqsParameters: { MessageGroupId: 'g' },
            EventBridgeParameters: { DetailType: 'dt', Source: 'my.source' },
          },
        }),
      ),
    );
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/first');
    const got = await t.scheduler.send(new GetScheduleCommand({ Name: 'first' }));
    expect(got).toMatchObject({
      Arn: created.ScheduleArn,
      Name: 'first',
      GroupName: 'default',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      Description: 'hello',
      ScheduleExpression: 'rate(5 minutes)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      KmsKeyArn: 'arn:aws:kms:us-east-1:000000000000:key/abc-123',
      Target: {
        Arn: FN,
        RoleArn: ROLE_ARN,
        Input: '{"a":1}',
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        SqsParameters: { MessageGroupId: 'g' },
        EventBridgeParameters: { DetailType: 'dt', Source: 'my.source' },
      },
    });
    expect(got.CreationDate?.getTime()).toBe(clock.now());
    expect(got.LastModificationDate?.getTime()).toBe(clock.now());
  });

  it('answers ConflictException for a duplicate name and ResourceNotFoundException for a missing one', async () => {
    const dup = await errorOf(t.scheduler.send(new CreateScheduleCommand(base('first'))));
    expect(dup.name).toBe('ConflictException');
    expect(dup.message).toBe('Schedule first already exists.');
    expect(dup.$metadata?.httpStatusCode).toBe(409);
    const missing = await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe('Schedule nope does not exist.');
    expect(missing.$metadata?.httpStatusCode).toBe(404);
    const del = await errorOf(t.scheduler.send(new DeleteScheduleCommand({ Name: 'nope' })));
    expect(del.name).toBe('ResourceNotFoundException');
    const upd = await errorOf(t.scheduler.send(new UpdateScheduleCommand(base('nope'))));
    expect(upd.name).toBe('ResourceNotFoundException');
    const noGroup = await errorOf(t.scheduler.send(new CreateScheduleCommand(base('x', { GroupName: 'ghost' }))));
    expect(noGroup.name).toBe('ResourceNotFoundException');
    expect(noGroup.message).toBe('Schedule group ghost does not exist.');
  });

  it('is idempotent for a repeated ClientToken', async () => {
    const input = base('idem', { ClientToken: 'token-1' });
    const a = await t.scheduler.send(new CreateScheduleCommand(input));
    const b = await t.scheduler.send(new CreateScheduleCommand(input));
    expect(b.ScheduleArn).toBe(a.ScheduleArn);
    const other = await errorOf(t.scheduler.send(new CreateScheduleCommand({ ...input, ClientToken: 'token-2' })));
    expect(other.name).toBe('ConflictException');
  });

  it('validates expressions, time zones, flexible windows and model constraints', async () => {
    const cases: [Partial<CreateScheduleCommandInput>, RegExp][] = [
      [{ ScheduleExpression: 'rate(0 minutes)' }, /^Invalid Schedule Expression rate\(0 minutes\)\.$/],
      [{ ScheduleExpression: 'cron(0 12 * * * *)' }, /Invalid Schedule Expression/],
      [{ ScheduleExpression: 'every day' }, /Invalid Schedule Expression/],
      [{ ScheduleExpressionTimezone: 'Mars/Olympus' }, /Timezone Mars\/Olympus/],
      [{ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, /MaximumWindowInMinutes/],
      [{ FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } }, /less than or equal to 1440/],
      [{ Name: 'bad name!' }, /failed to satisfy constraint: Member must satisfy regular expression pattern/],
      [{ StartDate: new Date(clock.now() - 3600_000) }, /StartDate/],
      [{ StartDate: new Date(clock.now() + 7200_000), EndDate: new Date(clock.now() + 3600_000) }, /EndDate/],
    ];
    for (const [extra, message] of cases) {
      const err = await errorOf(t.scheduler.send(new CreateScheduleCommand(base('v', extra))));
      expect(err.name, JSON.stringify(extra)).toBe('ValidationException');
      expect(err.message).toMatch(message);
      expect(err.$metadata?.httpStatusCode).toBe(400);
    }
  });

  it('UpdateSchedule replaces the whole definition', async () => {
    await t.scheduler.send(new CreateScheduleCommand(base('upd', { Description: 'old', State: 'ENABLED' })));
    clock.advance(1000);
    await t.scheduler.send(
      new UpdateScheduleCommand({
        Name: 'upd',
        ScheduleExpression: 'cron(0 9 * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'DISABLED',
        Target: { Arn: FN, RoleArn: ROLE_ARN, RetryPolicy: { MaximumRetryAttempts: 3 } },
      }),
    );
    const got = await t.scheduler.send(new GetScheduleCommand({ Name: 'upd' }));
    expect(got.Description).toBeUndefined();
    expect(got.State).toBe('DISABLED');
    expect(got.ScheduleExpression).toBe('cron(0 9 * * ? *)');
    expect(got.Target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 3 });
    expect(got.LastModificationDate!.getTime() - got.CreationDate!.getTime()).toBe(1000);
  });

  it('manages schedule groups: create, get, list, tags, delete with their schedules', async () => {
    const g = await t.scheduler.send(
      new CreateScheduleGroupCommand({ Name: 'team', Tags: [{ Key: 'owner', Value: 'me' }] }),
    );
    expect(g.ScheduleGroupArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/team');
    const dup = await errorOf(t.scheduler.send(new CreateScheduleGroupCommand({ Name: 'team' })));
    expect(dup.name).toBe('ConflictException');
    const got = await t.scheduler.send(new GetScheduleGroupCommand({ Name: 'team' }));
    expect(got).toMatchObject({ Name: 'team', State: 'ACTIVE', Arn: g.ScheduleGroupArn });
    const def = await t.scheduler.send(new GetScheduleGroupCommand({ Name: 'default' }));
    expect(def.Arn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/default');

    await t.scheduler.send(
      new TagResourceCommand({ ResourceArn: g.ScheduleGroupArn, Tags: [{ Key: 'env', Value: 'dev' }] }),
    );
    await t.scheduler.send(new UntagResourceCommand({ ResourceArn: g.ScheduleGroupArn, TagKeys: ['owner'] }));
    const tags = await t.scheduler.send(new ListTagsForResourceCommand({ ResourceArn: g.ScheduleGroupArn }));
    expect(tags.Tags).toEqual([{ Key: 'env', Value: 'dev' }]);
    const ghostTags = await errorOf(
      t.scheduler.send(
        new ListTagsForResourceCommand({
          ResourceArn: 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/ghost',
        }),
      ),
    );
    expect(ghostTags.name).toBe('ResourceNotFoundException');

    await t.scheduler.send(new CreateScheduleCommand(base('in-team', { GroupName: 'team' })));
    const inTeam = await t.scheduler.send(new GetScheduleCommand({ Name: 'in-team', GroupName: 'team' }));
    expect(inTeam.Arn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/team/in-team');
    const wrongGroup = await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'in-team' })));
    expect(wrongGroup.name).toBe('ResourceNotFoundException');

    const groups = await t.scheduler.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((x) => x.Name)).toEqual(['default', 'team']);
    const prefixed = await t.scheduler.send(new ListScheduleGroupsCommand({ NamePrefix: 'te' }));
    expect(prefixed.ScheduleGroups?.map((x) => x.Name)).toEqual(['team']);

    await t.scheduler.send(new DeleteScheduleGroupCommand({ Name: 'team' }));
    expect((await errorOf(t.scheduler.send(new GetScheduleGroupCommand({ Name: 'team' })))).name).toBe(
      'ResourceNotFoundException',
    );
    const gone = await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'in-team', GroupName: 'team' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    const delDefault = await errorOf(t.scheduler.send(new DeleteScheduleGroupCommand({ Name: 'default' })));
    expect(delDefault.name).toBe('ValidationException');
  });

  it('lists schedules with GroupName, NamePrefix, State and pagination', async () => {
    await t.scheduler.send(new CreateScheduleGroupCommand({ Name: 'paged' }));
    for (let i = 0; i < 7; i++) {
      await t.scheduler.send(
        new CreateScheduleCommand(
          base(`job-${i}`, { GroupName: 'paged', State: i % 2 === 0 ? 'ENABLED' : 'DISABLED' }),
        ),
      );
    }
    await t.scheduler.send(new CreateScheduleCommand(base('other', { GroupName: 'paged' })));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListSchedules({ client: t.scheduler, pageSize: 3 }, { GroupName: 'paged' })) {
      pages++;
      expect(page.Schedules!.length).toBeLessThanOrEqual(3);
      names.push(...page.Schedules!.map((s) => s.Name!));
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['job-0', 'job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'job-6', 'other']);
    const enabled = await t.scheduler.send(
      new ListSchedulesCommand({ GroupName: 'paged', NamePrefix: 'job-', State: 'ENABLED' }),
    );
    expect(enabled.Schedules?.map((s) => s.Name)).toEqual(['job-0', 'job-2', 'job-4', 'job-6']);
    expect(enabled.Schedules?.[0]).toMatchObject({
      Arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/paged/job-0',
      GroupName: 'paged',
      State: 'ENABLED',
      Target: { Arn: FN },
    });
    const all = await t.scheduler.send(new ListSchedulesCommand({}));
    expect(all.Schedules!.some((s) => s.GroupName === 'default')).toBe(true);
    const badToken = await errorOf(t.scheduler.send(new ListSchedulesCommand({ NextToken: 'garbage' })));
    expect(badToken.name).toBe('ValidationException');
    const ghost = await errorOf(t.scheduler.send(new ListSchedulesCommand({ GroupName: 'ghost' })));
    expect(ghost.name).toBe('ResourceNotFoundException');
  });

  it('deletes a schedule', async () => {
    await t.scheduler.send(new DeleteScheduleCommand({ Name: 'first' }));
    expect((await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'first' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });
});
