import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
  UpdateEventBusCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/errors.js';
import { ACCOUNT, queueArn, startEventsServer } from './helpers.js';
import type { EventsTestServer } from './helpers.js';

const RULE_ARN = (name: string, bus?: string) =>
  `arn:aws:events:us-east-1:${ACCOUNT}:rule/${bus ? `${bus}/` : ''}${name}`;
const PATTERN = JSON.stringify({ source: ['my.app'] });

describe('EventBridge control plane', () => {
  let t: EventsTestServer;
  beforeAll(async () => {
    t = await startEventsServer();
  });
  afterAll(() => t.stop());

  describe('event buses', () => {
    it('the default bus always exists and cannot be deleted or recreated', async () => {
      const d = await t.events.send(new DescribeEventBusCommand({}));
      expect(d.Name).toBe('default');
      expect(d.Arn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`);
      const del = await errorOf(t.events.send(new DeleteEventBusCommand({ Name: 'default' })));
      expect(del.name).toBe('ValidationException');
      expect(del.message).toBe('Cannot delete event bus default.');
      const again = await errorOf(t.events.send(new CreateEventBusCommand({ Name: 'default' })));
      expect(again.name).toBe('ResourceAlreadyExistsException');
    });

    it('creates, describes, lists, deletes custom buses', async () => {
      const c = await t.events.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
      expect(c.EventBusArn).toBe(`arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders`);
      const dup = await errorOf(t.events.send(new CreateEventBusCommand({ Name: 'orders' })));
      expect(dup.name).toBe('ResourceAlreadyExistsException');
      expect(dup.message).toBe('Event bus orders already exists.');
      const d = await t.events.send(new DescribeEventBusCommand({ Name: c.EventBusArn }));
      expect(d).toMatchObject({ Name: 'orders', Arn: c.EventBusArn, Description: 'order events' });
      expect(d.CreationTime).toBeInstanceOf(Date);
      await t.events.send(new CreateEventBusCommand({ Name: 'billing' }));
      const all = await t.events.send(new ListEventBusesCommand({}));
      expect(all.EventBuses!.map((b) => b.Name)).toEqual(['billing', 'default', 'orders']);
      const page = await t.events.send(new ListEventBusesCommand({ Limit: 2 }));
      expect(page.EventBuses!.map((b) => b.Name)).toEqual(['billing', 'default']);
      const rest = await t.events.send(new ListEventBusesCommand({ Limit: 2, NextToken: page.NextToken }));
      expect(rest.EventBuses!.map((b) => b.Name)).toEqual(['orders']);
      expect(rest.NextToken).toBeUndefined();
      const prefixed = await t.events.send(new ListEventBusesCommand({ NamePrefix: 'or' }));
      expect(prefixed.EventBuses!.map((b) => b.Name)).toEqual(['orders']);
      const upd = await t.events.send(new UpdateEventBusCommand({ Name: 'billing', Description: 'bills' }));
      expect(upd).toMatchObject({ Name: 'billing', Description: 'bills' });
      expect((await t.events.send(new DescribeEventBusCommand({ Name: 'billing' }))).Description).toBe('bills');
      await t.events.send(new DeleteEventBusCommand({ Name: 'billing' }));
      const missing = await errorOf(t.events.send(new DescribeEventBusCommand({ Name: 'billing' })));
      expect(missing.name).toBe('ResourceNotFoundException');
      expect(missing.message).toBe('Event bus billing does not exist.');
    });
  });

  describe('rules', () => {
    it('PutRule with a pattern, DescribeRule, update keeps one rule', async () => {
      const r = await t.events.send(new PutRuleCommand({ Name: 'r1', EventPattern: PATTERN, Description: 'first' }));
      expect(r.RuleArn).toBe(RULE_ARN('r1'));
      const d = await t.events.send(new DescribeRuleCommand({ Name: 'r1' }));
      expect(d).toMatchObject({
        Name: 'r1',
        Arn: RULE_ARN('r1'),
        EventPattern: PATTERN,
        State: 'ENABLED',
        Description: 'first',
        EventBusName: 'default',
        CreatedBy: ACCOUNT,
      });
      expect(d.ScheduleExpression).toBeUndefined();
      await t.events.send(new PutRuleCommand({ Name: 'r1', ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' }));
      const d2 = await t.events.send(new DescribeRuleCommand({ Name: 'r1' }));
      expect(d2).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'DISABLED' });
      expect(d2.EventPattern).toBeUndefined();
      expect(d2.Description).toBeUndefined();
    });

    it('rules on a custom bus have the bus in their ARN', async () => {
      const r = await t.events.send(new PutRuleCommand({ Name: 'o1', EventBusName: 'orders', EventPattern: PATTERN }));
      expect(r.RuleArn).toBe(RULE_ARN('o1', 'orders'));
      const d = await t.events.send(new DescribeRuleCommand({ Name: 'o1', EventBusName: 'orders' }));
      expect(d.EventBusName).toBe('orders');
      const onDefault = await errorOf(t.events.send(new DescribeRuleCommand({ Name: 'o1' })));
      expect(onDefault.name).toBe('ResourceNotFoundException');
      expect(onDefault.message).toBe('Rule o1 does not exist on EventBus default.');
    });

    it('validates as AWS does', async () => {
      const none = await errorOf(t.events.send(new PutRuleCommand({ Name: 'bad' })));
      expect(none.name).toBe('ValidationException');
      expect(none.message).toBe('Parameter(s) EventPattern or ScheduleExpression must be specified.');
      for (const expr of ['rate(1 minutes)', 'rate(0 minutes)', 'cron(0 10 * * * *)', 'at(2026-01-01T00:00:00)']) {
        const e = await errorOf(t.events.send(new PutRuleCommand({ Name: 'bad', ScheduleExpression: expr })));
        expect(e.name).toBe('ValidationException');
        expect(e.message).toBe('Parameter ScheduleExpression is not valid.');
      }
      const bus = await errorOf(
        t.events.send(new PutRuleCommand({ Name: 'bad', EventBusName: 'orders', ScheduleExpression: 'rate(1 hour)' })),
      );
      expect(bus.name).toBe('ValidationException');
      expect(bus.message).toBe('ScheduleExpression is supported only on the default event bus.');
      const noBus = await errorOf(
        t.events.send(new PutRuleCommand({ Name: 'bad', EventBusName: 'nope', EventPattern: PATTERN })),
      );
      expect(noBus.name).toBe('ResourceNotFoundException');
      expect(noBus.message).toBe('Event bus nope does not exist.');
      for (const p of [
        'not json',
        '[]',
        '{}',
        '{"source":"my.app"}',
        '{"source":[{"bogus":1}]}',
        '{"a":[{"exists":"yes"}]}',
      ]) {
        const e = await errorOf(t.events.send(new PutRuleCommand({ Name: 'bad', EventPattern: p })));
        expect(e.name).toBe('InvalidEventPatternException');
        expect(e.message).toMatch(/^Event pattern is not valid\. Reason: /);
      }
      const name = await errorOf(t.events.send(new PutRuleCommand({ Name: 'bad name!', EventPattern: PATTERN })));
      expect(name.name).toBe('ValidationException');
      expect(name.message).toContain("at 'name' failed to satisfy constraint");
      const gone = await errorOf(t.events.send(new DescribeRuleCommand({ Name: 'bad' })));
      expect(gone.name).toBe('ResourceNotFoundException');
    });

    it('ListRules: prefix, bus, pagination', async () => {
      for (const n of ['list-a', 'list-b', 'list-c']) {
        await t.events.send(new PutRuleCommand({ Name: n, EventPattern: PATTERN }));
      }
      const all = await t.events.send(new ListRulesCommand({ NamePrefix: 'list-' }));
      expect(all.Rules!.map((r) => r.Name)).toEqual(['list-a', 'list-b', 'list-c']);
      expect(all.Rules![0]).toMatchObject({ Arn: RULE_ARN('list-a'), State: 'ENABLED', EventBusName: 'default' });
      const p1 = await t.events.send(new ListRulesCommand({ NamePrefix: 'list-', Limit: 2 }));
      expect(p1.Rules!.map((r) => r.Name)).toEqual(['list-a', 'list-b']);
      const p2 = await t.events.send(new ListRulesCommand({ NamePrefix: 'list-', Limit: 2, NextToken: p1.NextToken }));
      expect(p2.Rules!.map((r) => r.Name)).toEqual(['list-c']);
      expect(p2.NextToken).toBeUndefined();
      const orders = await t.events.send(new ListRulesCommand({ EventBusName: 'orders' }));
      expect(orders.Rules!.map((r) => r.Name)).toEqual(['o1']);
      const badToken = await errorOf(t.events.send(new ListRulesCommand({ NextToken: 'garbage' })));
      expect(badToken.name).toBe('ValidationException');
    });

    it('EnableRule / DisableRule', async () => {
      await t.events.send(new DisableRuleCommand({ Name: 'list-a' }));
      expect((await t.events.send(new DescribeRuleCommand({ Name: 'list-a' }))).State).toBe('DISABLED');
      await t.events.send(new EnableRuleCommand({ Name: 'list-a' }));
      expect((await t.events.send(new DescribeRuleCommand({ Name: 'list-a' }))).State).toBe('ENABLED');
      const e = await errorOf(t.events.send(new EnableRuleCommand({ Name: 'nope' })));
      expect(e.name).toBe('ResourceNotFoundException');
      expect(e.message).toBe('Rule nope does not exist on EventBus default.');
    });
  });

  describe('targets', () => {
    it('PutTargets, ListTargetsByRule, ListRuleNamesByTarget, RemoveTargets', async () => {
      await t.events.send(new PutRuleCommand({ Name: 'tg', EventPattern: PATTERN }));
      const put = await t.events.send(
        new PutTargetsCommand({
          Rule: 'tg',
          Targets: [
            { Id: 'q1', Arn: queueArn('q1') },
            { Id: 'q2', Arn: queueArn('q2'), Input: '{"constant":true}' },
            {
              Id: 'q3',
              Arn: queueArn('q3'),
              InputTransformer: { InputPathsMap: { src: '$.source' }, InputTemplate: '{"s": "<src>"}' },
            },
          ],
        }),
      );
      expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
      const list = await t.events.send(new ListTargetsByRuleCommand({ Rule: 'tg' }));
      expect(list.Targets).toEqual([
        { Id: 'q1', Arn: queueArn('q1') },
        { Id: 'q2', Arn: queueArn('q2'), Input: '{"constant":true}' },
        {
          Id: 'q3',
          Arn: queueArn('q3'),
          InputTransformer: { InputPathsMap: { src: '$.source' }, InputTemplate: '{"s": "<src>"}' },
        },
      ]);
      const page = await t.events.send(new ListTargetsByRuleCommand({ Rule: 'tg', Limit: 2 }));
      expect(page.Targets!.map((x) => x.Id)).toEqual(['q1', 'q2']);
      const rest = await t.events.send(
        new ListTargetsByRuleCommand({ Rule: 'tg', Limit: 2, NextToken: page.NextToken }),
      );
      expect(rest.Targets!.map((x) => x.Id)).toEqual(['q3']);
      // Updating a target by Id replaces it in place.
      await t.events.send(
        new PutTargetsCommand({ Rule: 'tg', Targets: [{ Id: 'q1', Arn: queueArn('q1'), Input: '1' }] }),
      );
      const after = await t.events.send(new ListTargetsByRuleCommand({ Rule: 'tg' }));
      expect(after.Targets!.map((x) => [x.Id, x.Input])).toEqual([
        ['q1', '1'],
        ['q2', '{"constant":true}'],
        ['q3', undefined],
      ]);
      const names = await t.events.send(new ListRuleNamesByTargetCommand({ TargetArn: queueArn('q2') }));
      expect(names.RuleNames).toEqual(['tg']);
      await t.events.send(new RemoveTargetsCommand({ Rule: 'tg', Ids: ['q2'] }));
      expect((await t.events.send(new ListRuleNamesByTargetCommand({ TargetArn: queueArn('q2') }))).RuleNames).toEqual(
        [],
      );
    });

    it('limits a rule to five targets', async () => {
      await t.events.send(new PutRuleCommand({ Name: 'five', EventPattern: PATTERN }));
      const targets = [1, 2, 3, 4, 5].map((i) => ({ Id: `t${i}`, Arn: queueArn(`q${i}`) }));
      await t.events.send(new PutTargetsCommand({ Rule: 'five', Targets: targets }));
      const e = await errorOf(
        t.events.send(new PutTargetsCommand({ Rule: 'five', Targets: [{ Id: 't6', Arn: queueArn('q6') }] })),
      );
      expect(e.name).toBe('LimitExceededException');
      expect(e.message).toBe('The requested resource exceeds the maximum number allowed.');
      // Replacing an existing target is not a sixth.
      await t.events.send(new PutTargetsCommand({ Rule: 'five', Targets: [{ Id: 't5', Arn: queueArn('q9') }] }));
    });

    it('validates targets', async () => {
      const noRule = await errorOf(
        t.events.send(new PutTargetsCommand({ Rule: 'nope', Targets: [{ Id: 'a', Arn: queueArn('a') }] })),
      );
      expect(noRule.name).toBe('ResourceNotFoundException');
      expect(noRule.message).toBe('Rule nope does not exist on EventBus default.');
      const both = await errorOf(
        t.events.send(
          new PutTargetsCommand({
            Rule: 'tg',
            Targets: [{ Id: 'a', Arn: queueArn('a'), Input: '{}', InputPath: '$.detail' }],
          }),
        ),
      );
      expect(both.name).toBe('ValidationException');
      expect(both.message).toBe('Only one of Input, InputPath, or InputTransformer must be provided.');
      const fifo = await t.events.send(
        new PutTargetsCommand({
          Rule: 'tg',
          Targets: [
            { Id: 'fifo', Arn: queueArn('x.fifo') },
            { Id: 'ok', Arn: queueArn('ok.fifo'), SqsParameters: { MessageGroupId: 'g' } },
          ],
        }),
      );
      expect(fifo.FailedEntryCount).toBe(1);
      expect(fifo.FailedEntries).toEqual([
        {
          TargetId: 'fifo',
          ErrorCode: 'ValidationException',
          ErrorMessage: 'Parameter(s) SqsParameters must be specified because the target is a FIFO queue.',
        },
      ]);
      const tooMany = await errorOf(
        t.events.send(
          new PutTargetsCommand({
            Rule: 'tg',
            Targets: Array.from({ length: 11 }, (_, i) => ({ Id: `x${i}`, Arn: queueArn('x') })),
          }),
        ),
      );
      expect(tooMany.name).toBe('LimitExceededException');
    });

    it('DeleteRule is refused while the rule has targets', async () => {
      const e = await errorOf(t.events.send(new DeleteRuleCommand({ Name: 'tg' })));
      expect(e.name).toBe('ValidationException');
      expect(e.message).toBe("Rule can't be deleted since it has targets.");
      const ids = (await t.events.send(new ListTargetsByRuleCommand({ Rule: 'tg' }))).Targets!.map((x) => x.Id!);
      await t.events.send(new RemoveTargetsCommand({ Rule: 'tg', Ids: ids }));
      await t.events.send(new DeleteRuleCommand({ Name: 'tg' }));
      expect((await errorOf(t.events.send(new DescribeRuleCommand({ Name: 'tg' })))).name).toBe(
        'ResourceNotFoundException',
      );
      // Deleting a rule that does not exist succeeds.
      await t.events.send(new DeleteRuleCommand({ Name: 'tg' }));
    });
  });

  describe('tags', () => {
    it('on rules and buses', async () => {
      await t.events.send(
        new PutRuleCommand({ Name: 'tagged', EventPattern: PATTERN, Tags: [{ Key: 'team', Value: 'a' }] }),
      );
      const arn = RULE_ARN('tagged');
      expect((await t.events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
        { Key: 'team', Value: 'a' },
      ]);
      await t.events.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'env', Value: 'dev' }] }));
      await t.events.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['team'] }));
      expect((await t.events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([
        { Key: 'env', Value: 'dev' },
      ]);
      const busArn = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/orders`;
      await t.events.send(new TagResourceCommand({ ResourceARN: busArn, Tags: [{ Key: 'k', Value: 'v' }] }));
      expect((await t.events.send(new ListTagsForResourceCommand({ ResourceARN: busArn }))).Tags).toEqual([
        { Key: 'k', Value: 'v' },
      ]);
      const missing = await errorOf(t.events.send(new ListTagsForResourceCommand({ ResourceARN: RULE_ARN('nope') })));
      expect(missing.name).toBe('ResourceNotFoundException');
      expect(missing.message).toBe('Rule nope does not exist on EventBus default.');
    });
  });

  describe('TestEventPattern', () => {
    const event = JSON.stringify({
      id: '1',
      account: ACCOUNT,
      source: 'my.app',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'Order Placed',
      detail: { amount: 150, customer: { tier: 'gold' }, ip: '10.0.1.7' },
    });
    it.each([
      [{ source: ['my.app'] }, true],
      [{ source: ['other'] }, false],
      [{ detail: { amount: [{ numeric: ['>', 100, '<=', 200] }] } }, true],
      [{ detail: { amount: [{ numeric: ['<', 100] }] } }, false],
      [{ detail: { customer: { tier: [{ 'anything-but': ['silver'] }] } } }, true],
      [{ detail: { ip: [{ cidr: '10.0.0.0/16' }] } }, true],
      [{ 'detail-type': [{ wildcard: 'Order *' }] }, true],
      [{ detail: { missing: [{ exists: false }] } }, true],
      [{ $or: [{ source: ['x'] }, { detail: { amount: [150] } }] }, true],
    ])('%j -> %s', async (pattern, result) => {
      const r = await t.events.send(
        new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: event }),
      );
      expect(r.Result).toBe(result);
    });
    it('rejects bad patterns and events', async () => {
      const p = await errorOf(t.events.send(new TestEventPatternCommand({ EventPattern: '{"a":1}', Event: event })));
      expect(p.name).toBe('InvalidEventPatternException');
      const e = await errorOf(
        t.events.send(new TestEventPatternCommand({ EventPattern: PATTERN, Event: '{"source":"my.app"}' })),
      );
      expect(e.name).toBe('ValidationException');
      expect(e.message).toBe('Parameter Event is not valid.');
    });
  });
});
