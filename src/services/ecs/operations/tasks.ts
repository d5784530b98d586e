import { findTaskDefinition, requireCluster, taskIdOf } from '../context.js';
import type { Ecs } from '../context.js';
import { ecsErrors } from '../errors.js';
import { STOPPED_TASK_TTL_MS } from '../state.js';
import { createTask } from '../tasks/create.js';
import type { TaskDoc } from '../types.js';
import type { EcsOperation } from './common.js';
import { out, pageOf } from './common.js';

const TIME_FIELDS = [
  'createdAt',
  'pullStartedAt',
  'pullStoppedAt',
  'startedAt',
  'connectivityAt',
  'stoppingAt',
  'stoppedAt',
  'executionStoppedAt',
];

export function describeTask(t: TaskDoc, withTags = false): Record<string, unknown> {
  const d = out(t, TIME_FIELDS);
  d['containers'] = t.containers.map((c) => ({ ...c }));
  if (!withTags) delete d['tags'];
  return d;
}

function visible(ecs: Ecs, t: TaskDoc): boolean {
  return t.lastStatus !== 'STOPPED' || ecs.clock.now() - (t.stoppedAt ?? 0) < STOPPED_TASK_TTL_MS;
}

function findTask(ecs: Ecs, clusterArn: string, ref: string): TaskDoc | undefined {
  if (ref.startsWith('arn:')) return ecs.state.get('task', ref);
  const [, , , region = '', account = ''] = clusterArn.split(':');
  return ecs.state
    .list('task', account, region)
    .find((t) => t.clusterArn === clusterArn && taskIdOf(t.taskArn) === ref);
}

export const RunTask: EcsOperation = async (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const count = (input.count as number | undefined) ?? 1;
  if (count < 1 || count > 10) throw ecsErrors.invalidParameter('Count must be between 1 and 10.');
  const td = findTaskDefinition(ecs, input.taskDefinition, ctx);
  if (!td || td.status === 'DELETE_IN_PROGRESS') throw ecsErrors.taskDefinitionNotFound();
  if (td.status === 'INACTIVE') throw ecsErrors.client('TaskDefinition is inactive');
  const strategy = input.capacityProviderStrategy as { capacityProvider: string }[] | undefined;
  if (input.launchType && strategy?.length)
    throw ecsErrors.invalidParameter('Specifying both a launch type and capacity provider strategy is not supported.');
  const launchType = (input.launchType as string | undefined) ?? (strategy?.length ? undefined : 'FARGATE');
  if (launchType && launchType !== 'FARGATE')
    throw ecsErrors.invalidParameter(`Overcast runs tasks on Fargate only; launchType ${launchType} is not supported.`);
  if (launchType === 'FARGATE' && !td.compatibilities.includes('FARGATE'))
    throw ecsErrors.invalidParameter('Task definition does not support launch_type FARGATE.');
  if (td.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration)
    throw ecsErrors.invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  for (const o of input.overrides?.containerOverrides ?? []) {
    if (o.name && !td.containerDefinitions.some((c) => c.name === o.name))
      throw ecsErrors.invalidParameter(
        `Override for container named ${o.name} is not a container in the TaskDefinition.`,
      );
  }
  const tasks: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const provider = strategy?.length ? strategy[i % strategy.length]!.capacityProvider : undefined;
    const t = await createTask(ecs, {
      clusterArn: cluster.clusterArn,
      td,
      overrides: input.overrides,
      startedBy: input.startedBy,
      group: input.group,
      tags: input.tags,
      launchType,
      capacityProviderName: provider,
      networkConfiguration: input.networkConfiguration,
    });
    tasks.push(describeTask(t, true));
  }
  return { tasks, failures: [] };
};

export const StartTask: EcsOperation = () => {
  throw ecsErrors.invalidParameter(
    'StartTask needs container instances; Overcast runs Fargate tasks only (use RunTask).',
  );
};

export const StopTask: EcsOperation = async (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const t = findTask(ecs, cluster.clusterArn, input.task);
  if (!t || !visible(ecs, t)) throw ecsErrors.taskNotFound();
  if (t.desiredStatus !== 'STOPPED') {
    const reason = (input.reason as string | undefined) ?? 'Task stopped by user';
    if (ecs.runner.isLive(t.taskArn)) {
      const done = ecs.runner.stop(t.taskArn, 'UserInitiated', reason);
      // Answer once the stop is under way (desiredStatus STOPPED), as ECS does.
      await Promise.race([done, new Promise((r) => setTimeout(r, 50))]);
    } else {
      Object.assign(t, {
        desiredStatus: 'STOPPED',
        lastStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: reason,
        stoppedAt: ecs.clock.now(),
      });
      await ecs.state.put('task', t.taskArn, t);
    }
  }
  return { task: describeTask(t, true) };
};

export const DescribeTasks: EcsOperation = (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const withTags = ((input.include as string[] | undefined) ?? []).includes('TAGS');
  const tasks: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of input.tasks as string[]) {
    const t = findTask(ecs, cluster.clusterArn, ref);
    if (t && visible(ecs, t)) tasks.push(describeTask(t, withTags));
    else failures.push({ arn: ref, reason: 'MISSING' });
  }
  return { tasks, failures };
};

export const ListTasks: EcsOperation = (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const desired = (input.desiredStatus as string | undefined) ?? 'RUNNING';
  const family: string | undefined = input.family;
  if (family && !ecs.state.list('taskdef', ctx.account, ctx.region).some((t) => t.family === family)) {
    throw ecsErrors.invalidParameter('The specified family was not found.');
  }
  if (input.serviceName) {
    const arn = `${cluster.clusterArn.replace(':cluster/', ':service/')}/${input.serviceName}`;
    if (!ecs.state.get('service', arn)) throw ecsErrors.serviceNotFound();
  }
  const arns = ecs.state
    .list('task', ctx.account, ctx.region)
    .filter(
      (t) =>
        t.clusterArn === cluster.clusterArn &&
        visible(ecs, t) &&
        (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING') &&
        (!family || t.taskDefinitionArn.includes(`:task-definition/${family}:`)) &&
        (!input.startedBy || t.startedBy === input.startedBy) &&
        (!input.serviceName || t._serviceName === input.serviceName) &&
        (!input.launchType || t.launchType === input.launchType),
    )
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((t) => t.taskArn);
  const { page, nextToken } = pageOf(arns, input);
  return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
};
