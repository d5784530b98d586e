import { arnOf, findTaskDefinition } from '../context.js';
import type { Ecs } from '../context.js';
import { ecsErrors } from '../errors.js';
import { fargateSize } from '../fargate.js';
import type { ContainerDefinition, TaskDefinitionDoc } from '../types.js';
import type { EcsOperation } from './common.js';
import { out, pageOf } from './common.js';

const TIME_FIELDS = ['registeredAt', 'deregisteredAt', 'deleteRequestedAt'];

export function describeTaskDefinition(td: TaskDefinitionDoc): Record<string, unknown> {
  return out(td, TIME_FIELDS);
}

function checkContainers(defs: ContainerDefinition[], fargate: boolean, volumes: { name: string }[]): void {
  if (defs.length === 0) throw ecsErrors.client('Container list cannot be empty.');
  const names = new Set<string>();
  for (const c of defs) {
    if (!c.name) throw ecsErrors.client('Container.name should not be null or empty.');
    if (!/^[a-zA-Z0-9_-]{1,255}$/.test(c.name))
      throw ecsErrors.client(
        'Container name can have up to 255 characters, and can contain letters (uppercase and lowercase), numbers, underscores, and hyphens.',
      );
    if (names.has(c.name)) throw ecsErrors.client(`Duplicate container name found: ${c.name}.`);
    names.add(c.name);
    if (!c.image) throw ecsErrors.client('Container.image should not be null or empty.');
    const hc = c.healthCheck;
    if (hc) {
      if (!hc.command?.length || !['CMD', 'CMD-SHELL', 'NONE'].includes(hc.command[0]!))
        throw ecsErrors.client('Health check command must start with CMD, CMD-SHELL or NONE.');
      const range = (v: number | undefined, lo: number, hi: number, what: string) => {
        if (v !== undefined && (v < lo || v > hi))
          throw ecsErrors.client(`Invalid '${what}' setting for health check. Must be between ${lo} and ${hi}.`);
      };
      range(hc.interval, 5, 300, 'interval');
      range(hc.timeout, 2, 60, 'timeout');
      range(hc.retries, 1, 10, 'retries');
      range(hc.startPeriod, 0, 300, 'startPeriod');
    }
    if (fargate && c.stopTimeout !== undefined && (c.stopTimeout < 0 || c.stopTimeout > 120))
      throw ecsErrors.client('Invalid stopTimeout value. Must be between 0 and 120 seconds for Fargate tasks.');
    for (const m of c.mountPoints ?? []) {
      if (m.sourceVolume && !volumes.some((v) => v.name === m.sourceVolume))
        throw ecsErrors.client(`Unknown volume '${m.sourceVolume}'.`);
    }
    if (fargate) {
      for (const p of c.portMappings ?? []) {
        if (p.hostPort !== undefined && p.containerPort !== undefined && p.hostPort !== p.containerPort)
          throw ecsErrors.client(
            'When networkMode=awsvpc, the host ports and container ports in port mappings must match.',
          );
      }
      if (c.logConfiguration && !['awslogs', 'splunk', 'awsfirelens'].includes(c.logConfiguration.logDriver))
        throw ecsErrors.client(`Fargate does not support the log driver '${c.logConfiguration.logDriver}'.`);
    }
    for (const d of c.dependsOn ?? []) {
      if (!defs.some((x) => x.name === d.containerName))
        throw ecsErrors.client(`Container '${c.name}' depends on an unknown container '${d.containerName}'.`);
    }
  }
  if (!defs.some((c) => c.essential !== false))
    throw ecsErrors.client('Task definition must have at least one essential container.');
  for (const c of defs) {
    for (const d of c.dependsOn ?? []) {
      const dep = defs.find((x) => x.name === d.containerName)!;
      if ((d.condition === 'COMPLETE' || d.condition === 'SUCCESS') && dep.essential !== false)
        throw ecsErrors.client(
          `Container '${dep.name}' is essential and cannot be the target of a ${d.condition} dependency condition.`,
        );
      if (d.condition === 'HEALTHY' && !dep.healthCheck)
        throw ecsErrors.client(
          `The container '${dep.name}' does not have a health check configured, so cannot be a HEALTHY dependency.`,
        );
    }
  }
}

export const RegisterTaskDefinition: EcsOperation = async (ecs, input, ctx) => {
  const family = input.family as string;
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(family))
    throw ecsErrors.client(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  const requires = (input.requiresCompatibilities as string[] | undefined) ?? [];
  const fargate = requires.includes('FARGATE');
  const networkMode = (input.networkMode as string | undefined) ?? (fargate ? undefined : 'bridge');
  const volumes = (input.volumes as { name: string }[] | undefined) ?? [];
  const defs = (input.containerDefinitions as ContainerDefinition[]).map((c) => ({
    ...c,
    essential: c.essential ?? true,
    cpu: c.cpu ?? 0,
    portMappings: (c.portMappings ?? []).map((p) => ({
      ...p,
      ...(networkMode === 'awsvpc' && p.hostPort === undefined ? { hostPort: p.containerPort } : {}),
      protocol: p.protocol ?? 'tcp',
    })),
    environment: c.environment ?? [],
    mountPoints: c.mountPoints ?? [],
    volumesFrom: c.volumesFrom ?? [],
    systemControls: c.systemControls ?? [],
  }));
  let cpu = input.cpu as string | undefined;
  let memory = input.memory as string | undefined;
  if (fargate) {
    if (networkMode !== 'awsvpc') throw ecsErrors.client('Fargate only supports network mode \u2018awsvpc\u2019.');
    ({ cpu, memory } = fargateSize(cpu, memory));
    if (defs.some((c) => c.logConfiguration?.logDriver === 'awslogs') && !input.executionRoleArn)
      throw ecsErrors.client(
        'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
      );
  }
  checkContainers(defs, fargate, volumes);
  const revision =
    1 +
    ecs.state
      .list('taskdef', ctx.account, ctx.region)
      .filter((t) => t.family === family)
      .reduce((m, t) => Math.max(m, t.revision), 0);
  const arn = arnOf(ctx.region, ctx.account, `task-definition/${family}:${revision}`);
  const requiresAttributes = [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }];
  if (networkMode === 'awsvpc') requiresAttributes.push({ name: 'ecs.capability.task-eni' });
  if (defs.some((c) => c.logConfiguration?.logDriver === 'awslogs'))
    requiresAttributes.push({ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' });
  if (defs.some((c) => c.healthCheck)) requiresAttributes.push({ name: 'ecs.capability.container-health-check' });
  const doc: TaskDefinitionDoc = {
    taskDefinitionArn: arn,
    containerDefinitions: defs,
    family,
    ...(input.taskRoleArn ? { taskRoleArn: input.taskRoleArn } : {}),
    ...(input.executionRoleArn ? { executionRoleArn: input.executionRoleArn } : {}),
    networkMode: networkMode ?? 'bridge',
    revision,
    volumes,
    status: 'ACTIVE',
    requiresAttributes,
    placementConstraints: input.placementConstraints ?? [],
    compatibilities: networkMode === 'awsvpc' ? ['EC2', 'FARGATE'] : ['EC2'],
    ...(input.runtimePlatform ? { runtimePlatform: input.runtimePlatform } : {}),
    ...(requires.length ? { requiresCompatibilities: requires } : {}),
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
    ...(input.pidMode ? { pidMode: input.pidMode } : {}),
    ...(input.ipcMode ? { ipcMode: input.ipcMode } : {}),
    ...(input.ephemeralStorage ? { ephemeralStorage: input.ephemeralStorage } : {}),
    registeredAt: ecs.clock.now(),
    registeredBy: ctx.principalArn,
    _tags: input.tags ?? [],
  };
  await ecs.state.put('taskdef', arn, doc);
  return { taskDefinition: describeTaskDefinition(doc), tags: doc._tags };
};

function requireTd(ecs: Ecs, ref: string, ctx: Parameters<EcsOperation>[2]): TaskDefinitionDoc {
  const td = findTaskDefinition(ecs, ref, ctx);
  if (!td || td.status === 'DELETE_IN_PROGRESS') throw ecsErrors.unableToDescribeTaskDefinition();
  return td;
}

export const DescribeTaskDefinition: EcsOperation = (ecs, input, ctx) => {
  const td = requireTd(ecs, input.taskDefinition, ctx);
  const include = (input.include as string[] | undefined) ?? [];
  return { taskDefinition: describeTaskDefinition(td), ...(include.includes('TAGS') ? { tags: td._tags } : {}) };
};

export const DeregisterTaskDefinition: EcsOperation = async (ecs, input, ctx) => {
  const ref = input.taskDefinition as string;
  if (!/:\d+$/.test(ref)) throw ecsErrors.client('Invalid revision number. Number: ' + (ref.split(':').pop() ?? ''));
  const td = findTaskDefinition(ecs, ref, ctx);
  if (!td) throw ecsErrors.client('The specified task definition does not exist.');
  const doc: TaskDefinitionDoc = { ...td, status: 'INACTIVE', deregisteredAt: ecs.clock.now() };
  await ecs.state.put('taskdef', td.taskDefinitionArn, doc);
  return { taskDefinition: describeTaskDefinition(doc) };
};

export const DeleteTaskDefinitions: EcsOperation = async (ecs, input, ctx) => {
  const taskDefinitions: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of input.taskDefinitions as string[]) {
    const td = findTaskDefinition(ecs, ref, ctx);
    if (!td || !/:\d+$/.test(ref)) {
      failures.push({ arn: ref, reason: 'The specified task definition does not exist.' });
      continue;
    }
    if (td.status === 'ACTIVE') {
      failures.push({
        arn: td.taskDefinitionArn,
        reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      });
      continue;
    }
    const doc: TaskDefinitionDoc = { ...td, status: 'DELETE_IN_PROGRESS', deleteRequestedAt: ecs.clock.now() };
    await ecs.state.put('taskdef', td.taskDefinitionArn, doc);
    taskDefinitions.push(describeTaskDefinition(doc));
  }
  return { taskDefinitions, failures };
};

export const ListTaskDefinitions: EcsOperation = (ecs, input, ctx) => {
  const status = (input.status as string | undefined) ?? 'ACTIVE';
  const sort = (input.sort as string | undefined) ?? 'ASC';
  const tds = ecs.state
    .list('taskdef', ctx.account, ctx.region)
    .filter((t) => t.status === status && (!input.familyPrefix || t.family.startsWith(input.familyPrefix)))
    .sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
  if (sort === 'DESC') tds.reverse();
  const { page, nextToken } = pageOf(
    tds.map((t) => t.taskDefinitionArn),
    input,
  );
  return { taskDefinitionArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const ListTaskDefinitionFamilies: EcsOperation = (ecs, input, ctx) => {
  const status = (input.status as string | undefined) ?? 'ACTIVE';
  const families = new Set<string>();
  for (const t of ecs.state.list('taskdef', ctx.account, ctx.region)) {
    if (input.familyPrefix && !t.family.startsWith(input.familyPrefix)) continue;
    const active = t.status === 'ACTIVE';
    if (status === 'ALL' || (status === 'ACTIVE' && active)) families.add(t.family);
  }
  if (status === 'INACTIVE') {
    const all = ecs.state.list('taskdef', ctx.account, ctx.region);
    for (const t of all) if (!all.some((x) => x.family === t.family && x.status === 'ACTIVE')) families.add(t.family);
  }
  const { page, nextToken } = pageOf([...families].sort(), input);
  return { families: page, ...(nextToken ? { nextToken } : {}) };
};
