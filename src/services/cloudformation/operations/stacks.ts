import { randomUUID } from 'node:crypto';
import type { OperationContext } from '../../../core/service.js';
import { settle, withNameLock } from '../context.js';
import type { CfnContext } from '../context.js';
import { cfnErrors } from '../errors.js';
import { AwsClient } from '../providers/client.js';
import type { StackRecord } from '../types.js';
import {
  describeStack,
  resourceSummary,
  stackResource,
  stackResourceDetail,
  stackSummary,
  visibleResources,
} from './describe.js';
import {
  checkCapabilities,
  checkSupportedTypes,
  prepare,
  prepareTemplate,
  requiredCapabilities,
  templateBodyOf,
} from './prepare.js';

type Input = Record<string, any>;

export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;

export function checkStackName(name: string): void {
  if (!STACK_NAME.test(name) || name.length > 128)
    throw cfnErrors.validation(
      `1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
    );
}

export function newStack(name: string, ctx: OperationContext, clock: { now(): number }): StackRecord {
  return {
    stackId: `arn:aws:cloudformation:${ctx.region}:${ctx.account}:stack/${name}/${randomUUID()}`,
    stackName: name,
    account: ctx.account,
    region: ctx.region,
    status: 'CREATE_IN_PROGRESS',
    creationTime: clock.now(),
    templateBody: '',
    processed: {},
    parameters: {},
    capabilities: [],
    tags: [],
    notificationArns: [],
    disableRollback: false,
    terminationProtection: false,
    outputs: [],
    imports: [],
    resources: {},
  };
}

export async function getStack(c: CfnContext, ctx: OperationContext, name: string | undefined): Promise<StackRecord> {
  if (!name) throw cfnErrors.validation('StackName must be specified');
  const s = await c.repo.find(ctx.account, ctx.region, name);
  if (!s) throw cfnErrors.stackNotFound(name);
  return s;
}

function page<T>(items: T[], token: string | undefined, size: number): { items: T[]; next?: string } {
  const start = token ? Number(Buffer.from(token, 'base64').toString()) || 0 : 0;
  const slice = items.slice(start, start + size);
  return {
    items: slice,
    ...(start + size < items.length ? { next: Buffer.from(String(start + size)).toString('base64') } : {}),
  };
}

export const IN_PROGRESS = /_IN_PROGRESS$/;
const UPDATABLE = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

export function checkUpdatable(s: StackRecord): void {
  if (!UPDATABLE.has(s.status)) throw cfnErrors.notUpdatable(s.stackId, s.status);
}

export function stackOperations(c: CfnContext) {
  return {
    async CreateStack(input: Input, ctx: OperationContext) {
      const name = String(input['StackName']);
      checkStackName(name);
      // The name check and the first save happen under the name's lock; the operation runs after.
      const { stack, run } = await withNameLock(c, `${ctx.account}/${ctx.region}/${name}`, () =>
        startCreate(c, input, ctx, name),
      );
      await settle(c, c.engine.enqueue(stack.stackId, run));
      return { StackId: stack.stackId };
    },

    async UpdateStack(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      stack.callerAccessKeyId = ctx.accessKeyId;
      if (c.engine.busy(stack.stackId) || IN_PROGRESS.test(stack.status))
        throw cfnErrors.notUpdatable(stack.stackId, stack.status);
      checkUpdatable(stack);
      const body = await templateBodyOf(
        input,
        clientFor(c, ctx),
        input['UsePreviousTemplate'] ? stack.templateBody : undefined,
      );
      const prep = prepare(
        body,
        input['Parameters'] ?? [],
        { account: ctx.account, region: ctx.region, stackName: stack.stackName },
        stack.parameters,
      );
      checkCapabilities(requiredCapabilities(prep.template, prep.transforms, false).caps, input['Capabilities']);
      const tags = input['Tags'] ?? stack.tags;
      checkSupportedTypes(prep.template, tags);
      if (
        JSON.stringify(prep.template) === JSON.stringify(stack.processed) &&
        JSON.stringify(prep.params.values) === JSON.stringify(stack.parameters) &&
        JSON.stringify(tags) === JSON.stringify(stack.tags)
      )
        throw cfnErrors.noUpdates();
      const req = {
        ...request(prep, { ...input, Tags: tags }, input['DisableRollback'] === true),
        notificationArns: input['NotificationARNs'] ?? stack.notificationArns,
      };
      const done = c.engine.enqueue(stack.stackId, () => c.engine.deploy(stack, req, false));
      await settle(c, done);
      return { StackId: stack.stackId };
    },

    async DeleteStack(input: Input, ctx: OperationContext) {
      const stack = await c.repo.find(ctx.account, ctx.region, String(input['StackName']));
      if (!stack || stack.status === 'DELETE_COMPLETE') return {};
      if (stack.terminationProtection)
        throw cfnErrors.validation(
          `Stack [${stack.stackName}] cannot be deleted while TerminationProtection is enabled`,
        );
      const retain: string[] = input['RetainResources'] ?? [];
      if (retain.length && stack.status !== 'DELETE_FAILED')
        throw cfnErrors.validation(
          `Invalid operation on stack [${stack.stackId}]. RetainResources can only be specified when the stack is in the DELETE_FAILED state`,
        );
      if (stack.reviewOnly) {
        stack.status = 'DELETE_COMPLETE';
        stack.deletionTime = c.clock.now();
        await c.repo.save(stack);
        return {};
      }
      const done = c.engine.enqueue(stack.stackId, async () => {
        const fresh = (await c.repo.find(ctx.account, ctx.region, stack.stackId)) ?? stack;
        fresh.callerAccessKeyId = ctx.accessKeyId;
        if (fresh.status !== 'DELETE_COMPLETE') await c.engine.delete(fresh, retain);
      });
      await settle(c, done);
      return {};
    },

    async DescribeStacks(input: Input, ctx: OperationContext) {
      if (input['StackName']) return { Stacks: [describeStack(await getStack(c, ctx, input['StackName']))] };
      const all = await c.repo.list(ctx.account, ctx.region, false);
      const p = page(all, input['NextToken'], 100);
      return { Stacks: p.items.map(describeStack), ...(p.next ? { NextToken: p.next } : {}) };
    },

    async ListStacks(input: Input, ctx: OperationContext) {
      const filter: string[] | undefined = input['StackStatusFilter'];
      const all = (await c.repo.list(ctx.account, ctx.region, true)).filter(
        (s) => !filter?.length || filter.includes(s.status),
      );
      const p = page(all, input['NextToken'], 100);
      return { StackSummaries: p.items.map(stackSummary), ...(p.next ? { NextToken: p.next } : {}) };
    },

    async DescribeStackEvents(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      const offset = input['NextToken'] ? Number(Buffer.from(input['NextToken'], 'base64').toString()) || 0 : 0;
      const events = await c.repo.events(stack.stackId, offset, 101);
      const more = events.length > 100;
      return {
        StackEvents: events.slice(0, 100).map((e) => ({ ...e, Timestamp: new Date(e.Timestamp) })),
        ...(more ? { NextToken: Buffer.from(String(offset + 100)).toString('base64') } : {}),
      };
    },

    async DescribeStackResource(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      const r = stack.resources[String(input['LogicalResourceId'])];
      if (!r)
        throw cfnErrors.validation(
          `Resource ${input['LogicalResourceId']} does not exist for stack ${stack.stackName}`,
        );
      return { StackResourceDetail: stackResourceDetail(stack, r) };
    },

    async DescribeStackResources(input: Input, ctx: OperationContext) {
      let stack: StackRecord | undefined;
      if (input['StackName']) stack = await getStack(c, ctx, input['StackName']);
      else if (input['PhysicalResourceId']) {
        const all = await c.repo.list(ctx.account, ctx.region, false);
        stack = all.find((s) => Object.values(s.resources).some((r) => r.physicalId === input['PhysicalResourceId']));
        if (!stack) throw cfnErrors.validation(`Stack for ${input['PhysicalResourceId']} does not exist`);
      } else throw cfnErrors.validation('Either StackName or PhysicalResourceId must be specified.');
      const s = stack;
      const rs = visibleResources(s).filter(
        (r) => !input['LogicalResourceId'] || r.logicalId === input['LogicalResourceId'],
      );
      return { StackResources: rs.map((r) => stackResource(s, r)) };
    },

    async ListStackResources(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      const p = page(visibleResources(stack), input['NextToken'], 100);
      return { StackResourceSummaries: p.items.map(resourceSummary), ...(p.next ? { NextToken: p.next } : {}) };
    },

    async GetTemplate(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      let body = stack.templateBody;
      let processed = stack.processed;
      if (input['ChangeSetName']) {
        const cs = await findChangeSet(c, ctx, input['ChangeSetName'], input['StackName']);
        body = cs.templateBody;
        processed = cs.processed;
      }
      return {
        TemplateBody: input['TemplateStage'] === 'Processed' ? JSON.stringify(processed) : body,
        StagesAvailable: ['Original', 'Processed'],
      };
    },

    async GetTemplateSummary(input: Input, ctx: OperationContext) {
      let body: string;
      let stackName = 'stack';
      if (input['StackName']) {
        const stack = await getStack(c, ctx, input['StackName']);
        body = stack.templateBody;
        stackName = stack.stackName;
      } else body = await templateBodyOf(input, clientFor(c, ctx));
      const prep = prepareLenient(body, { account: ctx.account, region: ctx.region, stackName });
      const caps = requiredCapabilities(prep.template, prep.transforms, false);
      const decls = (prep.template['Parameters'] ?? {}) as Record<string, any>;
      return {
        Parameters: Object.entries(decls).map(([k, d]) => ({
          ParameterKey: k,
          ...(d.Default !== undefined
            ? { DefaultValue: Array.isArray(d.Default) ? d.Default.join(',') : String(d.Default) }
            : {}),
          ParameterType: String(d.Type),
          NoEcho: String(d.NoEcho) === 'true',
          ...(d.Description !== undefined ? { Description: String(d.Description) } : {}),
          ParameterConstraints: Array.isArray(d.AllowedValues) ? { AllowedValues: d.AllowedValues.map(String) } : {},
        })),
        ...(typeof prep.original['Description'] === 'string' ? { Description: prep.original['Description'] } : {}),
        ...(caps.caps.length ? { Capabilities: caps.caps, CapabilitiesReason: caps.reason } : {}),
        ResourceTypes: [
          ...new Set(
            Object.values((prep.template['Resources'] ?? {}) as Record<string, any>).map((r) => String(r.Type)),
          ),
        ],
        Version: String(prep.original['AWSTemplateFormatVersion'] ?? '2010-09-09'),
        ...(prep.original['Metadata'] !== undefined ? { Metadata: JSON.stringify(prep.original['Metadata']) } : {}),
        ...(prep.transforms.length ? { DeclaredTransforms: prep.transforms } : {}),
        ResourceIdentifierSummaries: [],
      };
    },

    async ValidateTemplate(input: Input, ctx: OperationContext) {
      const body = await templateBodyOf(input, clientFor(c, ctx));
      const prep = prepareLenient(body, { account: ctx.account, region: ctx.region, stackName: 'stack' });
      const caps = requiredCapabilities(prep.template, prep.transforms, false);
      const decls = (prep.template['Parameters'] ?? {}) as Record<string, any>;
      return {
        Parameters: Object.entries(decls).map(([k, d]) => ({
          ParameterKey: k,
          ...(d.Default !== undefined
            ? { DefaultValue: Array.isArray(d.Default) ? d.Default.join(',') : String(d.Default) }
            : {}),
          NoEcho: String(d.NoEcho) === 'true',
          ...(d.Description !== undefined ? { Description: String(d.Description) } : {}),
        })),
        ...(typeof prep.original['Description'] === 'string' ? { Description: prep.original['Description'] } : {}),
        ...(caps.caps.length ? { Capabilities: caps.caps, CapabilitiesReason: caps.reason } : {}),
        ...(prep.transforms.length ? { DeclaredTransforms: prep.transforms } : {}),
      };
    },

    async ListExports(input: Input, ctx: OperationContext) {
      const all = await c.repo.exports(ctx.account, ctx.region);
      const p = page(all, input['NextToken'], 100);
      return {
        Exports: p.items.map((e) => ({ ExportingStackId: e.stackId, Name: e.name, Value: e.value })),
        ...(p.next ? { NextToken: p.next } : {}),
      };
    },

    async ListImports(input: Input, ctx: OperationContext) {
      const name = String(input['ExportName']);
      const stacks = await c.repo.list(ctx.account, ctx.region, false);
      const importers = stacks.filter((s) => s.imports.includes(name)).map((s) => s.stackName);
      if (!importers.length) throw cfnErrors.validation(`Export '${name}' is not imported by any stack.`);
      return { Imports: importers };
    },

    async ContinueUpdateRollback(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      if (stack.status !== 'UPDATE_ROLLBACK_FAILED')
        throw cfnErrors.validation(
          `Stack ${stack.stackName} is in ${stack.status} state and can not continue update rollback.`,
        );
      const done = c.engine.enqueue(stack.stackId, () => c.engine.finishRollback(stack));
      await settle(c, done);
      return {};
    },

    async UpdateTerminationProtection(input: Input, ctx: OperationContext) {
      const stack = await getStack(c, ctx, input['StackName']);
      stack.terminationProtection = input['EnableTerminationProtection'] === true;
      await c.repo.save(stack);
      return { StackId: stack.stackId };
    },
  };
}

/** CreateStack up to its first save: checks, the new record, and the operation to run. */
async function startCreate(c: CfnContext, input: Input, ctx: OperationContext, name: string) {
  const existing = await c.repo.find(ctx.account, ctx.region, name);
  if (existing && !existing.reviewOnly) throw cfnErrors.alreadyExists(name);
  const body = await templateBodyOf(input, clientFor(c, ctx));
  const prep = prepare(body, input['Parameters'] ?? [], {
    account: ctx.account,
    region: ctx.region,
    stackName: name,
  });
  checkCapabilities(requiredCapabilities(prep.template, prep.transforms, false).caps, input['Capabilities']);
  checkSupportedTypes(prep.template, input['Tags']);
  const stack = existing ?? newStack(name, ctx, c.clock);
  stack.callerAccessKeyId = ctx.accessKeyId;
  delete stack.reviewOnly;
  if (input['TimeoutInMinutes'] !== undefined) stack.timeoutInMinutes = Number(input['TimeoutInMinutes']);
  if (input['RoleARN']) stack.roleArn = input['RoleARN'];
  stack.terminationProtection = input['EnableTerminationProtection'] === true;
  const disableRollback = input['DisableRollback'] === true || input['OnFailure'] === 'DO_NOTHING';
  await c.repo.save(stack);
  const run = async () => {
    await c.engine.deploy(stack, request(prep, input, disableRollback), true);
    if (input['OnFailure'] === 'DELETE' && stack.status === 'ROLLBACK_COMPLETE') await c.engine.delete(stack, []);
  };
  return { stack, run };
}

/** Parse, transform and validate without requiring parameter values (ValidateTemplate, GetTemplateSummary). */
function prepareLenient(body: string, ctx: { account: string; region: string; stackName: string }) {
  return prepareTemplate(body, [], ctx);
}

export function clientFor(c: CfnContext, ctx: OperationContext): AwsClient {
  return new AwsClient(c.endpoint, ctx.account, ctx.region, c.signer(ctx.account, ctx.accessKeyId));
}

export function request(prep: ReturnType<typeof prepare>, input: Input, disableRollback: boolean) {
  return {
    template: prep.template,
    templateBody: prep.body,
    parameters: prep.params.values,
    typed: prep.params.typed,
    capabilities: input['Capabilities'] ?? [],
    tags: input['Tags'] ?? [],
    notificationArns: input['NotificationARNs'] ?? [],
    disableRollback,
  };
}

export async function findChangeSet(c: CfnContext, ctx: OperationContext, nameOrId: string, stackName?: string) {
  if (nameOrId.startsWith('arn:')) {
    const cs = await c.repo.changeSet(nameOrId);
    if (!cs || !cs.changeSetId.includes(`:${ctx.account}:`)) throw cfnErrors.changeSetNotFound(nameOrId);
    return cs;
  }
  if (!stackName)
    throw cfnErrors.validation('StackName must be specified if ChangeSetName is not specified as an ARN.');
  const stack = await c.repo.find(ctx.account, ctx.region, stackName);
  if (!stack) throw cfnErrors.changeSetNotFound(nameOrId);
  const cs = await c.repo.changeSetByName(stack.stackId, nameOrId);
  if (!cs) throw cfnErrors.changeSetNotFound(nameOrId);
  return cs;
}
