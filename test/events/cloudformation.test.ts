import { ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { errorOf } from '../helpers/errors.js';
import { cfnClient, waitStack } from '../cloudformation/helpers.js';
import { ACCOUNT, drain, eventually, queueArn, startEventsServer } from './helpers.js';
import type { EventsTestServer } from './helpers.js';

const MINUTE = 60_000;

const SAM_TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Sink:
    Type: AWS::Serverless::SimpleTable
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Timeout: 30
      Environment: { Variables: { TABLE: !Ref Sink } }
      InlineCode: |
        const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
        const ddb = new DynamoDBClient({});
        exports.handler = async (event) => {
          await ddb.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: String(event.id) }, event: { S: JSON.stringify(event) } } }));
        };
      Events:
        Tick:
          Type: Schedule
          Properties:
            Schedule: rate(1 minute)
        Orders:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [shop.orders]
              detail-type: [OrderPlaced]
              detail:
                total: [{ numeric: ['>', 100] }]
Outputs:
  Table: { Value: !Ref Sink }
  TickRule: { Value: !Ref RecorderTick }
  TickArn: { Value: !GetAtt RecorderTick.Arn }
  OrdersRule: { Value: !Ref RecorderOrders }
`;

function rawTemplate(targets: string): string {
  return `
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: cfn-bus
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Name: cfn-rule
      EventBusName: !Ref Bus
      EventPattern: { source: [cfn.test] }
      Targets:
${targets}
Outputs:
  RuleRef: { Value: !Ref Rule }
  RuleArn: { Value: !GetAtt Rule.Arn }
  BusArn: { Value: !GetAtt Bus.Arn }
`;
}

describe('EventBridge through CloudFormation', () => {
  let t: EventsTestServer;
  let cfn: CloudFormationClient;
  const clock = new ManualClock(Date.UTC(2026, 6, 1, 8, 0, 0));

  beforeAll(async () => {
    t = await startEventsServer(clock);
    cfn = cfnClient(t.endpoint);
  });
  afterAll(async () => {
    cfn?.destroy();
    await t?.stop();
  });

  const outputs = async (stack: string) =>
    Object.fromEntries(
      ((await cfn.send(new DescribeStacksCommand({ StackName: stack }))).Stacks![0]!.Outputs ?? []).map((o) => [
        o.OutputKey!,
        o.OutputValue!,
      ]),
    );

  it(
    'SAM Schedule and EventBridgeRule events run the function on the injected clock',
    { timeout: 120_000 },
    async () => {
      await cfn.send(
        new CreateStackCommand({
          StackName: 'eb-sam',
          TemplateBody: SAM_TEMPLATE,
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        }),
      );
      const stack = await waitStack(cfn, 'eb-sam', 60_000);
      expect(stack.StackStatus).toBe('CREATE_COMPLETE');
      const out = await outputs('eb-sam');
      expect(out['TickArn']).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/${out['TickRule']}`);
      const rule = await t.events.send(new DescribeRuleCommand({ Name: out['TickRule']! }));
      expect(rule).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
      const orders = await t.events.send(new DescribeRuleCommand({ Name: out['OrdersRule']! }));
      expect(JSON.parse(orders.EventPattern!)).toEqual({
        source: ['shop.orders'],
        'detail-type': ['OrderPlaced'],
        detail: { total: [{ numeric: ['>', 100] }] },
      });

      const recorded = async (n: number) =>
        eventually(async () => {
          const items = (await t.ddb.send(new ScanCommand({ TableName: out['Table'] }))).Items ?? [];
          const events = items.map((i) => JSON.parse(i['event']!.S!) as Record<string, any>);
          return events.length >= n ? events : undefined;
        }, 60_000);

      // Nothing before a minute has passed; then exactly one scheduled run.
      clock.advance(MINUTE);
      const [scheduled] = await recorded(1);
      expect(scheduled).toMatchObject({
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        resources: [out['TickArn']],
        detail: {},
      });

      // PutEvents: only the matching event reaches the function, with the event as AWS shapes it.
      const put = await t.events.send(
        new PutEventsCommand({
          Entries: [
            { Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ total: 250, id: 'o-1' }) },
            { Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ total: 5 }) },
          ],
        }),
      );
      expect(put.FailedEntryCount).toBe(0);
      const events = await recorded(2);
      const order = events.find((e) => e['source'] === 'shop.orders');
      expect(order).toEqual({
        version: '0',
        id: put.Entries![0]!.EventId,
        'detail-type': 'OrderPlaced',
        source: 'shop.orders',
        account: ACCOUNT,
        time: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: [],
        detail: { total: 250, id: 'o-1' },
      });
      expect(events).toHaveLength(2);

      await cfn.send(new DeleteStackCommand({ StackName: 'eb-sam' }));
      await waitStack(cfn, 'eb-sam', 60_000).catch(() => undefined);
      const gone = await errorOf(t.events.send(new DescribeRuleCommand({ Name: out['TickRule']! })));
      expect(gone.name).toBe('ResourceNotFoundException');
    },
  );

  it(
    'AWS::Events::Rule on an AWS::Events::EventBus: Ref, GetAtt, target updates, delete',
    { timeout: 60_000 },
    async () => {
      const urls: Record<string, string> = {};
      for (const q of ['cfn-a', 'cfn-b', 'cfn-c']) {
        urls[q] = (await t.sqs.send(new CreateQueueCommand({ QueueName: q }))).QueueUrl!;
      }
      const target = (id: string, q: string, extra = '') =>
        `        - Id: ${id}\n          Arn: ${queueArn(q)}\n${extra}`;
      await cfn.send(
        new CreateStackCommand({
          StackName: 'eb-raw',
          TemplateBody: rawTemplate(
            target('a', 'cfn-a') +
              target(
                'b',
                'cfn-b',
                `          InputTransformer:\n            InputPathsMap: { s: $.source }\n            InputTemplate: '{"from": "<s>"}'\n`,
              ),
          ),
        }),
      );
      expect((await waitStack(cfn, 'eb-raw')).StackStatus).toBe('CREATE_COMPLETE');
      const out = await outputs('eb-raw');
      expect(out['RuleRef']).toBe('cfn-bus|cfn-rule');
      expect(out['RuleArn']).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:rule/cfn-bus/cfn-rule`);
      expect(out['BusArn']).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/cfn-bus`);
      await t.events.send(
        new PutEventsCommand({
          Entries: [{ Source: 'cfn.test', DetailType: 'x', Detail: '{}', EventBusName: 'cfn-bus' }],
        }),
      );
      await drain(t.sqs, urls['cfn-a']!, 1);
      const [b] = await drain(t.sqs, urls['cfn-b']!, 1);
      expect(JSON.parse(b!.Body!)).toEqual({ from: 'cfn.test' });

      // Update: drop target a, keep b, add c.
      await cfn.send(
        new UpdateStackCommand({
          StackName: 'eb-raw',
          TemplateBody: rawTemplate(target('b', 'cfn-b') + target('c', 'cfn-c')),
        }),
      );
      expect((await waitStack(cfn, 'eb-raw')).StackStatus).toBe('UPDATE_COMPLETE');
      const targets = await t.events.send(new ListTargetsByRuleCommand({ Rule: 'cfn-rule', EventBusName: 'cfn-bus' }));
      expect(targets.Targets!.map((x) => [x.Id, x.Arn, x.InputTransformer])).toEqual([
        ['b', queueArn('cfn-b'), undefined],
        ['c', queueArn('cfn-c'), undefined],
      ]);

      await cfn.send(new DeleteStackCommand({ StackName: 'eb-raw' }));
      await waitStack(cfn, 'eb-raw').catch(() => undefined);
      const bus = await errorOf(t.events.send(new DescribeEventBusCommand({ Name: 'cfn-bus' })));
      expect(bus.name).toBe('ResourceNotFoundException');
      expect((await t.events.send(new ListRulesCommand({ NamePrefix: 'cfn-' }))).Rules).toEqual([]);
    },
  );
});
