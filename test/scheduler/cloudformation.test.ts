import { CreateStackCommand, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetScheduleCommand, GetScheduleGroupCommand, ListTagsForResourceCommand } from '@aws-sdk/client-scheduler';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { cfnClient, waitStack } from '../cloudformation/helpers.js';
import { errorOf } from '../helpers/errors.js';
import { eventually, sleep, startSchedulerServer } from './helpers.js';
import type { SchedulerTestServer } from './helpers.js';

const MINUTE = 60_000;

const SAM = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Runs:
    Type: AWS::Serverless::SimpleTable
  Nightly:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 30
      Environment: { Variables: { TABLE: !Ref Runs } }
      Policies: [{ DynamoDBCrudPolicy: { TableName: !Ref Runs } }]
      InlineCode: |
        const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
        const ddb = new DynamoDBClient({});
        exports.handler = async (event) => {
          await ddb.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: event.run } } }));
        };
      Events:
        Daily:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 2 * * ? *)
            ScheduleExpressionTimezone: Asia/Tokyo
            Input: '{"run":"<aws.scheduler.scheduled-time>"}'
            RetryPolicy: { MaximumRetryAttempts: 1 }
  Jobs:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Name: jobs
      Tags: [{ Key: team, Value: core }]
  Queue:
    Type: AWS::SQS::Queue
  ToQueue:
    Type: AWS::Scheduler::Schedule
    Properties:
      GroupName: !Ref Jobs
      ScheduleExpression: rate(10 minutes)
      FlexibleTimeWindow: { Mode: FLEXIBLE, MaximumWindowInMinutes: '5' }
      Target:
        Arn: !GetAtt Queue.Arn
        RoleArn: arn:aws:iam::000000000000:role/scheduler
        Input: hello
Outputs:
  ScheduleName: { Value: !Ref ToQueue }
  ScheduleArn: { Value: !GetAtt ToQueue.Arn }
  GroupName: { Value: !Ref Jobs }
  GroupArn: { Value: !GetAtt Jobs.Arn }
  GroupState: { Value: !GetAtt Jobs.State }
  Table: { Value: !Ref Runs }
  QueueName: { Value: !GetAtt Queue.QueueName }
`;

describe('EventBridge Scheduler through CloudFormation and SAM', () => {
  let t: SchedulerTestServer;
  let cfn: CloudFormationClient;
  // 01:00Z is 10:00 in Tokyo (UTC+9): 02:00 Tokyo is 17:00Z the day before.
  const clock = new ManualClock(Date.UTC(2026, 6, 1, 16, 0, 0));

  beforeAll(async () => {
    t = await startSchedulerServer(clock);
    cfn = cfnClient(t.endpoint);
  });
  afterAll(async () => {
    cfn?.destroy();
    await t?.stop();
  });

  it(
    'deploys a SAM ScheduleV2 event and plain Scheduler resources; the function runs as the clock advances',
    { timeout: 60_000 },
    async () => {
      const { StackId } = await cfn.send(
        new CreateStackCommand({
          StackName: 'sched',
          TemplateBody: SAM,
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        }),
      );
      const stack = await waitStack(cfn, 'sched', 40_000);
      expect(stack.StackStatus, stack.StackStatusReason).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(stack.Outputs!.map((o) => [o.OutputKey!, o.OutputValue!]));
      expect(out['GroupName']).toBe('jobs');
      expect(out['GroupArn']).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/jobs');
      expect(out['GroupState']).toBe('ACTIVE');
      expect(out['ScheduleArn']).toBe(`arn:aws:scheduler:us-east-1:000000000000:schedule/jobs/${out['ScheduleName']}`);

      const toQueue = await t.scheduler.send(new GetScheduleCommand({ Name: out['ScheduleName'], GroupName: 'jobs' }));
      expect(toQueue.FlexibleTimeWindow).toEqual({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 });
      const tags = await t.scheduler.send(new ListTagsForResourceCommand({ ResourceArn: out['GroupArn'] }));
      expect(tags.Tags).toEqual([{ Key: 'team', Value: 'core' }]);
      // SAM names the schedule after the event's logical id; its role is generated beside it.
      const daily = await t.scheduler.send(new GetScheduleCommand({ Name: 'NightlyDaily' }));
      expect(daily).toMatchObject({
        ScheduleExpression: 'cron(0 2 * * ? *)',
        ScheduleExpressionTimezone: 'Asia/Tokyo',
        Target: { RetryPolicy: { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 86400 } },
      });
      expect(daily.Target?.Arn).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:/);
      expect(daily.Target?.RoleArn).toMatch(/^arn:aws:iam::000000000000:role\//);

      const runs = async () =>
        ((await t.ddb.send(new ScanCommand({ TableName: out['Table'] }))).Items ?? []).map((i) => i['id']!.S!).sort();
      clock.advance(59 * MINUTE); // 16:59Z, 01:59 in Tokyo
      await sleep(300);
      expect(await runs()).toEqual([]);
      clock.advance(2 * MINUTE); // 17:01Z
      expect(await eventually(async () => ((await runs()).length ? runs() : undefined), 40_000)).toEqual([
        '2026-07-01T17:00:00Z',
      ]);

      // The plain schedule fired at its nominal times (every 10 minutes since creation) to the queue.
      const { QueueUrl } = await t.sqs.send(new GetQueueUrlCommand({ QueueName: out['QueueName'] }));
      const received = await t.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(received.Messages?.map((m) => m.Body)).toEqual(['hello', 'hello', 'hello', 'hello', 'hello', 'hello']);

      await cfn.send(new DeleteStackCommand({ StackName: 'sched' }));
      expect((await waitStack(cfn, StackId!, 40_000)).StackStatus).toBe('DELETE_COMPLETE');
      expect((await errorOf(t.scheduler.send(new GetScheduleCommand({ Name: 'NightlyDaily' })))).name).toBe(
        'ResourceNotFoundException',
      );
      expect((await errorOf(t.scheduler.send(new GetScheduleGroupCommand({ Name: 'jobs' })))).name).toBe(
        'ResourceNotFoundException',
      );
    },
  );
});
