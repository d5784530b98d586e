import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_CLI, aws, hasAwsCli } from '../helpers/aws-cli.js';
import { ACCOUNT, drain, queueArn, startEventsServer } from './helpers.js';
import type { EventsTestServer } from './helpers.js';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';

const run = promisify(execFile);

describe.skipIf(!hasAwsCli)('aws events (CLI v2)', () => {
  let t: EventsTestServer;
  beforeAll(async () => {
    t = await startEventsServer();
  });
  afterAll(() => t.stop());

  it('put-rule, put-targets, list-rules, list-targets-by-rule, put-events, describe-rule', async () => {
    const url = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'cli-q' }))).QueueUrl!;
    const rule = await aws(t.endpoint, [
      'events',
      'put-rule',
      '--name',
      'cli-rule',
      '--event-pattern',
      JSON.stringify({ source: ['cli.app'] }),
      '--description',
      'from the CLI',
    ]);
    expect(rule.RuleArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/cli-rule`);
    await aws(t.endpoint, ['events', 'put-rule', '--name', 'cli-cron', '--schedule-expression', 'cron(0 12 * * ? *)']);
    const targets = await aws(t.endpoint, [
      'events',
      'put-targets',
      '--rule',
      'cli-rule',
      '--targets',
      `Id=q,Arn=${queueArn('cli-q')}`,
    ]);
    expect(targets).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    const list = await aws(t.endpoint, ['events', 'list-rules', '--name-prefix', 'cli-']);
    expect(list.Rules.map((r: { Name: string }) => r.Name)).toEqual(['cli-cron', 'cli-rule']);
    expect(list.Rules[0]).toMatchObject({ ScheduleExpression: 'cron(0 12 * * ? *)', State: 'ENABLED' });
    const byRule = await aws(t.endpoint, ['events', 'list-targets-by-rule', '--rule', 'cli-rule']);
    expect(byRule.Targets).toEqual([{ Id: 'q', Arn: queueArn('cli-q') }]);
    const put = await aws(t.endpoint, [
      'events',
      'put-events',
      '--entries',
      JSON.stringify([{ Source: 'cli.app', DetailType: 'Ping', Detail: '{"n":1}' }]),
    ]);
    expect(put.FailedEntryCount).toBe(0);
    const [m] = await drain(t.sqs, url, 1);
    expect(JSON.parse(m!.Body!)).toMatchObject({ source: 'cli.app', 'detail-type': 'Ping', detail: { n: 1 } });
    const d = await aws(t.endpoint, ['events', 'describe-rule', '--name', 'cli-rule']);
    expect(d).toMatchObject({ Name: 'cli-rule', Description: 'from the CLI', EventBusName: 'default' });
  });

  it('reports AWS errors', async () => {
    const err = await run(AWS_CLI, ['events', 'describe-rule', '--name', 'nope', '--endpoint-url', t.endpoint], {
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/tmp',
        AWS_ACCESS_KEY_ID: 'AKIDOVERCASTTEST',
        AWS_SECRET_ACCESS_KEY: 'overcast-test-secret',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    }).catch((e: { stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toContain(
      'An error occurred (ResourceNotFoundException) when calling the DescribeRule operation: Rule nope does not exist on EventBus default.',
    );
  });
});
