import { randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import { settle, withNameLock } from '../context.js';
import type { CfnContext } from '../context.js';
import { computeChanges } from '../engine/changes.js';
import { cfnErrors, TemplateError } from '../errors.js';
import { describeParameters, resolveParameters } from '../template/parameters.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { ChangeSetRecord } from '../types.js';
import { checkCapabilities, checkSupportedTypes, prepare, requiredCapabilities, templateBodyOf } from './prepare.js';
import { checkStackName, checkUpdatable, clientFor, findChangeSet, IN_PROGRESS, newStack, request } from './stacks.js';

type Input = Record<string, any>;

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

function summary(cs: ChangeSetRecord) {
  return {
    StackId: cs.stackId,
    StackName: cs.stackName,
    ChangeSetId: cs.changeSetId,
    ChangeSetName: cs.changeSetName,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    ...(cs.statusReason !== undefined ? { StatusReason: cs.statusReason } : {}),
    CreationTime: new Date(cs.creationTime),
    ...(cs.description !== undefined ? { Description: cs.description } : {}),
    IncludeNestedStacks: false,
  };
}

export function changeSetOperations(c: CfnContext) {
  async function createChangeSet(input: Input, ctx: OperationContext) {
    const stackName = String(input['StackName']);
    const name = String(input['ChangeSetName']);
    checkStackName(stackName);
    if (!/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128)
      throw cfnErrors.validation(
        `1 validation error detected: Value '${name}' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    const type = (input['ChangeSetType'] ?? 'UPDATE') as ChangeSetRecord['type'];
    if (type === 'IMPORT') throw cfnErrors.validation('Resource import change sets are not supported by Overcast');
    let stack = await c.repo.find(ctx.account, ctx.region, stackName);
    if (type === 'CREATE') {
      if (stack && !stack.reviewOnly)
        throw new AwsError(
          'AlreadyExistsException',
          `Stack [${stackName}] already exists and cannot be created again with the changeSet [${name}].`,
        );
    } else {
      if (!stack) throw cfnErrors.validation(`Stack [${stackName}] does not exist`);
      if (stack.reviewOnly) throw cfnErrors.notUpdatable(stack.stackId, stack.status);
      if (IN_PROGRESS.test(stack.status)) throw cfnErrors.notUpdatable(stack.stackId, stack.status);
      checkUpdatable(stack);
    }
    const body = await templateBodyOf(
      input,
      clientFor(c, ctx),
      input['UsePreviousTemplate'] ? stack?.templateBody : undefined,
    );
    const tags = input['Tags'] ?? stack?.tags ?? [];
    let prep: ReturnType<typeof prepare> | undefined;
    let failure: string | undefined;
    try {
      prep = prepare(
        body,
        input['Parameters'] ?? [],
        { account: ctx.account, region: ctx.region, stackName },
        stack?.parameters ?? {},
      );
    } catch (e) {
      if (e instanceof Error && e.message.startsWith('Transform ')) failure = e.message;
      else throw e;
    }
    if (prep) {
      checkCapabilities(requiredCapabilities(prep.template, prep.transforms, true).caps, input['Capabilities']);
      checkSupportedTypes(prep.template, tags);
    }
    if (!stack) {
      stack = newStack(stackName, ctx, c.clock);
      stack.status = 'REVIEW_IN_PROGRESS';
      stack.reviewOnly = true;
      await c.repo.save(stack);
      await c.repo.addEvent({
        StackId: stack.stackId,
        EventId: randomUUID(),
        StackName: stackName,
        LogicalResourceId: stackName,
        PhysicalResourceId: stack.stackId,
        ResourceType: 'AWS::CloudFormation::Stack',
        Timestamp: c.clock.now(),
        ResourceStatus: 'REVIEW_IN_PROGRESS',
        ResourceStatusReason: 'User Initiated',
      });
    }
    // A name is taken only by a change set still waiting to run: the AWS CLI names its change sets by
    // the second, and deploys here often take less than one.
    const same = await c.repo.changeSetByName(stack.stackId, name);
    if (same && same.executionStatus === 'AVAILABLE') throw cfnErrors.changeSetAlreadyExists(name);
    if (same) await c.repo.deleteChangeSet(same.changeSetId);
    let changes: unknown[] = [];
    if (prep) {
      try {
        changes = computeChanges(
          stack,
          prep.template,
          prep.params.typed,
          new Map((await c.repo.exports(ctx.account, ctx.region)).map((e) => [e.name, e.value])),
        );
      } catch (e) {
        failure = e instanceof TemplateError ? `Template error: ${e.message}` : (e as Error).message;
      }
      if (
        !failure &&
        type === 'UPDATE' &&
        changes.length === 0 &&
        JSON.stringify(prep.template) === JSON.stringify(stack.processed) &&
        JSON.stringify(prep.params.values) === JSON.stringify(stack.parameters) &&
        JSON.stringify(tags) === JSON.stringify(stack.tags)
      )
        failure = NO_CHANGES;
    }
    const cs: ChangeSetRecord = {
      changeSetId: `arn:aws:cloudformation:${ctx.region}:${ctx.account}:changeSet/${name}/${randomUUID()}`,
      changeSetName: name,
      stackId: stack.stackId,
      stackName,
      ...(input['Description'] !== undefined ? { description: String(input['Description']) } : {}),
      type,
      status: failure ? 'FAILED' : 'CREATE_COMPLETE',
      ...(failure ? { statusReason: failure } : {}),
      executionStatus: failure ? 'UNAVAILABLE' : 'AVAILABLE',
      creationTime: c.clock.now(),
      templateBody: body,
      processed: prep?.template ?? {},
      parameters: prep?.params.values ?? {},
      capabilities: input['Capabilities'] ?? [],
      tags,
      notificationArns: input['NotificationARNs'] ?? stack.notificationArns,
      changes,
    };
    await c.repo.saveChangeSet(cs);
    return { Id: cs.changeSetId, StackId: stack.stackId };
  }

  return {
    CreateChangeSet(input: Input, ctx: OperationContext) {
      // Under the stack name's lock: a CREATE change set may create the stack record.
      return withNameLock(c, `${ctx.account}/${ctx.region}/${String(input['StackName'])}`, () =>
        createChangeSet(input, ctx),
      );
    },

    async DescribeChangeSet(input: Input, ctx: OperationContext) {
      const cs = await findChangeSet(c, ctx, String(input['ChangeSetName']), input['StackName']);
      return {
        ...summary(cs),
        Parameters: describeParameters(cs.processed, cs.parameters),
        NotificationARNs: cs.notificationArns,
        RollbackConfiguration: {},
        ...(cs.capabilities.length ? { Capabilities: cs.capabilities } : {}),
        Tags: cs.tags,
        Changes: cs.changes,
      };
    },

    async ListChangeSets(input: Input, ctx: OperationContext) {
      const stack = await c.repo.find(ctx.account, ctx.region, String(input['StackName']));
      if (!stack) throw cfnErrors.stackNotFound(String(input['StackName']));
      return { Summaries: (await c.repo.changeSets(stack.stackId)).map(summary) };
    },

    async DeleteChangeSet(input: Input, ctx: OperationContext) {
      const cs = await findChangeSet(c, ctx, String(input['ChangeSetName']), input['StackName']);
      if (cs.executionStatus === 'EXECUTE_IN_PROGRESS')
        throw cfnErrors.invalidChangeSetStatus(
          `ChangeSet [${cs.changeSetId}] cannot be deleted in its current status of [EXECUTE_IN_PROGRESS]`,
        );
      await c.repo.deleteChangeSet(cs.changeSetId);
      return {};
    },

    async ExecuteChangeSet(input: Input, ctx: OperationContext) {
      const cs = await findChangeSet(c, ctx, String(input['ChangeSetName']), input['StackName']);
      if (cs.executionStatus !== 'AVAILABLE')
        throw cfnErrors.invalidChangeSetStatus(
          `ChangeSet [${cs.changeSetId}] cannot be executed in its current execution status of [${cs.executionStatus}]`,
        );
      const stack = await c.repo.find(ctx.account, ctx.region, cs.stackId);
      if (!stack) throw cfnErrors.stackNotFound(cs.stackName);
      stack.callerAccessKeyId = ctx.accessKeyId;
      if (cs.type === 'UPDATE') checkUpdatable(stack);
      // Executing a change set makes the others of the stack obsolete (AWS deletes them).
      for (const other of await c.repo.changeSets(stack.stackId))
        if (other.changeSetId !== cs.changeSetId) await c.repo.deleteChangeSet(other.changeSetId);
      cs.executionStatus = 'EXECUTE_IN_PROGRESS';
      await c.repo.saveChangeSet(cs);
      const creating = cs.type === 'CREATE';
      if (creating) {
        delete stack.reviewOnly;
        stack.creationTime = c.clock.now();
      }
      const typed = resolveParameters(
        cs.processed,
        Object.entries(cs.parameters).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
      ).typed;
      const req = {
        ...request(
          {
            body: cs.templateBody,
            original: {},
            template: cs.processed,
            transforms: [],
            params: { values: cs.parameters, typed },
          },
          { Capabilities: cs.capabilities, Tags: cs.tags, NotificationARNs: cs.notificationArns },
          input['DisableRollback'] === true,
        ),
        changeSetId: cs.changeSetId,
      };
      const done = c.engine.enqueue(stack.stackId, async () => {
        await c.engine.deploy(stack, req, creating);
        cs.executionStatus =
          /COMPLETE$/.test(stack.status) && !/ROLLBACK/.test(stack.status) ? 'EXECUTE_COMPLETE' : 'EXECUTE_FAILED';
        await c.repo.saveChangeSet(cs);
      });
      await settle(c, done);
      return {};
    },
  };
}
