import { arnOf, clusterArnFor, requireCluster } from '../context.js';
import { ecsErrors } from '../errors.js';
import type { ClusterDoc } from '../types.js';
import type { EcsOperation } from './common.js';
import { pageOf } from './common.js';

function describe(ecs: Parameters<EcsOperation>[0], c: ClusterDoc, include: string[] = []): Record<string, unknown> {
  const tasks = ecs.state.all('task').filter((t) => t.clusterArn === c.clusterArn && t.lastStatus !== 'STOPPED');
  const services = ecs.state.all('service').filter((s) => s.clusterArn === c.clusterArn && s.status === 'ACTIVE');
  const d: Record<string, unknown> = {
    clusterArn: c.clusterArn,
    clusterName: c.clusterName,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
    activeServicesCount: services.length,
    statistics: [],
    tags: include.includes('TAGS') ? c.tags : [],
    settings: c.settings,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
  };
  if (c.configuration && include.includes('CONFIGURATIONS')) d['configuration'] = c.configuration;
  return d;
}

export const CreateCluster: EcsOperation = async (ecs, input, ctx) => {
  const name = (input.clusterName as string | undefined) ?? 'default';
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name)) {
    throw ecsErrors.invalidParameter(
      'Cluster name can have up to 255 characters, and can contain letters (uppercase and lowercase), numbers, underscores, and hyphens.',
    );
  }
  const arn = arnOf(ctx.region, ctx.account, `cluster/${name}`);
  const existing = ecs.state.get('cluster', arn);
  if (existing?.status === 'ACTIVE') return { cluster: describe(ecs, existing, ['TAGS']) };
  const doc: ClusterDoc = {
    clusterArn: arn,
    clusterName: name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    tags: input.tags ?? [],
    settings: input.settings ?? [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: input.capacityProviders ?? [],
    defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy ?? [],
    configuration: input.configuration,
  };
  await ecs.state.put('cluster', arn, doc);
  return { cluster: describe(ecs, doc, ['TAGS']) };
};

export const DescribeClusters: EcsOperation = (ecs, input, ctx) => {
  const refs = (input.clusters as string[] | undefined) ?? ['default'];
  const clusters: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of refs) {
    const arn = clusterArnFor(ref, ctx);
    const c = ecs.state.get('cluster', arn);
    if (c) clusters.push(describe(ecs, c, input.include ?? []));
    else failures.push({ arn, reason: 'MISSING' });
  }
  return { clusters, failures };
};

export const ListClusters: EcsOperation = (ecs, input, ctx) => {
  const arns = ecs.state
    .list('cluster', ctx.account, ctx.region)
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => c.clusterArn)
    .sort();
  const { page, nextToken } = pageOf(arns, input);
  return { clusterArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const DeleteCluster: EcsOperation = async (ecs, input, ctx) => {
  const c = requireCluster(ecs, input.cluster, ctx);
  if (ecs.state.all('service').some((s) => s.clusterArn === c.clusterArn && s.status !== 'INACTIVE'))
    throw ecsErrors.clusterContainsServices();
  if (ecs.state.all('task').some((t) => t.clusterArn === c.clusterArn && t.lastStatus !== 'STOPPED'))
    throw ecsErrors.clusterContainsTasks();
  const doc: ClusterDoc = { ...c, status: 'INACTIVE' };
  await ecs.state.put('cluster', c.clusterArn, doc);
  return { cluster: describe(ecs, doc) };
};

export const UpdateClusterSettings: EcsOperation = async (ecs, input, ctx) => {
  const c = requireCluster(ecs, input.cluster, ctx);
  const settings = [...c.settings];
  for (const s of input.settings as { name: string; value: string }[]) {
    const i = settings.findIndex((x) => x.name === s.name);
    if (i >= 0) settings[i] = s;
    else settings.push(s);
  }
  const doc = { ...c, settings };
  await ecs.state.put('cluster', c.clusterArn, doc);
  return { cluster: describe(ecs, doc) };
};

export const UpdateCluster: EcsOperation = async (ecs, input, ctx) => {
  const c = requireCluster(ecs, input.cluster, ctx);
  const doc = {
    ...c,
    ...(input.settings ? { settings: input.settings } : {}),
    ...(input.configuration ? { configuration: input.configuration } : {}),
  };
  await ecs.state.put('cluster', c.clusterArn, doc);
  return { cluster: describe(ecs, doc, ['CONFIGURATIONS']) };
};

export const PutClusterCapacityProviders: EcsOperation = async (ecs, input, ctx) => {
  const c = requireCluster(ecs, input.cluster, ctx);
  for (const p of input.capacityProviders as string[]) {
    if (p !== 'FARGATE' && p !== 'FARGATE_SPOT')
      throw ecsErrors.invalidParameter(`The specified capacity provider '${p}' is not in an ACTIVE state.`);
  }
  const doc = {
    ...c,
    capacityProviders: input.capacityProviders,
    defaultCapacityProviderStrategy: input.defaultCapacityProviderStrategy ?? [],
  };
  await ecs.state.put('cluster', c.clusterArn, doc);
  return { cluster: describe(ecs, doc) };
};
