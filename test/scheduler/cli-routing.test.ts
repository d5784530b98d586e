import {
  APIGatewayClient,
  CreateRestApiCommand,
  GetTagsCommand,
  TagResourceCommand as ApiTag,
} from '@aws-sdk/client-api-gateway';
import { CreateScheduleGroupCommand, ListTagsForResourceCommand, TagResourceCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { TEST_CREDENTIALS } from '../helpers/server.js';
import { ROLE_ARN, startSchedulerServer } from './helpers.js';
import type { SchedulerTestServer } from './helpers.js';

describe('EventBridge Scheduler routing and the AWS CLI v2', () => {
  let t: SchedulerTestServer;

  beforeAll(async () => {
    t = await startSchedulerServer();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('routes /tags/ by signing name: Scheduler and API Gateway tag their own resources', async () => {
    const apigw = new APIGatewayClient({
      endpoint: t.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const api = await apigw.send(new CreateRestApiCommand({ name: 'tagged' }));
      const apiArn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;
      await apigw.send(new ApiTag({ resourceArn: apiArn, tags: { side: 'apigw' } }));
      const { ScheduleGroupArn } = await t.scheduler.send(new CreateScheduleGroupCommand({ Name: 'routed' }));
      await t.scheduler.send(
        new TagResourceCommand({ ResourceArn: ScheduleGroupArn, Tags: [{ Key: 'side', Value: 'scheduler' }] }),
      );
      expect((await apigw.send(new GetTagsCommand({ resourceArn: apiArn }))).tags).toEqual({ side: 'apigw' });
      expect((await t.scheduler.send(new ListTagsForResourceCommand({ ResourceArn: ScheduleGroupArn }))).Tags).toEqual([
        { Key: 'side', Value: 'scheduler' },
      ]);
    } finally {
      apigw.destroy();
    }
  });

  it.skipIf(!hasAwsCli)('create-schedule, get-schedule and list-schedules through /usr/bin/aws', async () => {
    const created = await aws(t.endpoint, [
      'scheduler',
      'create-schedule',
      '--name',
      'cli-schedule',
      '--schedule-expression',
      'cron(15 10 ? * MON-FRI *)',
      '--schedule-expression-timezone',
      'Europe/London',
      '--flexible-time-window',
      '{"Mode":"OFF"}',
      '--start-date',
      '2099-01-01T00:00:00Z',
      '--target',
      JSON.stringify({
        Arn: 'arn:aws:sqs:us-east-1:000000000000:cli-queue',
        RoleArn: ROLE_ARN,
        Input: '{"from":"cli"}',
        RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 600 },
      }),
    ]);
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/default/cli-schedule');
    const got = await aws(t.endpoint, ['scheduler', 'get-schedule', '--name', 'cli-schedule']);
    expect(got).toMatchObject({
      Name: 'cli-schedule',
      GroupName: 'default',
      State: 'ENABLED',
      ScheduleExpression: 'cron(15 10 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: { Input: '{"from":"cli"}', RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 600 } },
    });
    expect(new Date(got.StartDate).toISOString()).toBe('2099-01-01T00:00:00.000Z');
    const listed = await aws(t.endpoint, ['scheduler', 'list-schedules', '--name-prefix', 'cli-']);
    expect(listed.Schedules.map((s: { Name: string }) => s.Name)).toEqual(['cli-schedule']);
    const groups = await aws(t.endpoint, ['scheduler', 'list-schedule-groups']);
    expect(groups.ScheduleGroups.map((g: { Name: string }) => g.Name)).toContain('default');
  });

  it.skipIf(!hasAwsCli)('the CLI reports Scheduler errors by code', async () => {
    const err = await aws(t.endpoint, ['scheduler', 'get-schedule', '--name', 'missing']).catch((e: Error) => e);
    expect(String((err as { stderr?: string }).stderr ?? err)).toContain(
      'ResourceNotFoundException) when calling the GetSchedule operation: Schedule missing does not exist.',
    );
  });
});
