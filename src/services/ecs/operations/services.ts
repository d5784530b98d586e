import { findTaskDefinition, requireCluster } from '../context.js';
import type { Ecs } from '../context.js';
import { ecsErrors } from '../errors.js';
import { lbAddress } from '../scheduler/load-balancers.js';
import { newDeploymentId } from '../scheduler/scheduler.js';
import type { DeploymentDoc, ServiceDoc } from '../types.js';
import type { EcsOperation } from './common.js';
import { out, pageOf } from './common.js';

export function describeService(s: ServiceDoc, withTags = false): Record<string, unknown> {
  const d = out(s, ['createdAt']);
  d['deployments'] = s.deployments.map((x) => out(x, ['createdAt', 'updatedAt']));
  d['events'] = s.events.map((e) => ({ ...e, createdAt: e.createdAt / 1000 }));
  d['loadBalancers'] = loadBalancersOf(s);
  if (!withTags) delete d['tags'];
  return d;
}

/**
 * `loadBalancers` as given, each with Overcast's balancer address (`127.0.0.1:<port>`) as its
 * loadBalancerName when it has none; a service given none that publishes a port shows one entry
 * for the balancer Overcast runs for it.
 */
function loadBalancersOf(s: ServiceDoc): unknown[] {
  const lbs = s._lb ?? [];
  const given = s.loadBalancers as Record<string, unknown>[];
  if (given.length)
    return given.map((e, i) => {
      const lb = lbs[i];
      return lb?.containerPort !== undefined && e['loadBalancerName'] === undefined
        ? { ...e, loadBalancerName: lbAddress(lb.hostPort) }
        : e;
    });
  return lbs
    .filter((lb) => lb.containerPort !== undefined)
    .map((lb) => ({
      loadBalancerName: lbAddress(lb.hostPort),
      ...(lb.containerName ? { containerName: lb.containerName } : {}),
      containerPort: lb.containerPort,
    }));
}

function serviceArn(clusterArn: string, name: string): string {
  return `${clusterArn.replace(':cluster/', ':service/')}/${name}`;
}

function findService(ecs: Ecs, clusterArn: string, ref: string): ServiceDoc | undefined {
  if (ref.startsWith('arn:')) {
    const direct = ecs.state.get('service', ref);
    if (direct) return direct;
    // Short ARN form service/<name>.
    const name = ref.split('/').pop()!;
    return ecs.state.get('service', serviceArn(clusterArn, name));
  }
  return ecs.state.get('service', serviceArn(clusterArn, ref));
}

function deployment(
  ecs: Ecs,
  s: Pick<ServiceDoc, 'taskDefinition' | 'desiredCount' | 'launchType' | 'networkConfiguration'>,
): DeploymentDoc {
  const now = ecs.clock.now();
  return {
    id: newDeploymentId(),
    status: 'PRIMARY',
    taskDefinition: s.taskDefinition,
    desiredCount: s.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    launchType: s.launchType,
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    ...(s.networkConfiguration ? { networkConfiguration: s.networkConfiguration } : {}),
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: 'ECS deployment ' + 'in progress.',
  };
}

export const CreateService: EcsOperation = async (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const name = input.serviceName as string;
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(name))
    throw ecsErrors.invalidParameter(
      'Service name can have up to 255 characters, and can contain letters (uppercase and lowercase), numbers, underscores, and hyphens.',
    );
  const arn = serviceArn(cluster.clusterArn, name);
  const existing = ecs.state.get('service', arn);
  if (existing && existing.status !== 'INACTIVE')
    throw ecsErrors.invalidParameter('Creation of service was not idempotent.');
  if (!input.taskDefinition) throw ecsErrors.invalidParameter('TaskDefinition must be specified.');
  const td = findTaskDefinition(ecs, input.taskDefinition, ctx);
  if (!td || td.status !== 'ACTIVE') throw ecsErrors.invalidParameter('TaskDefinition not found.');
  if (td.networkMode === 'awsvpc' && !input.networkConfiguration?.awsvpcConfiguration)
    throw ecsErrors.invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const dc = input.deploymentConfiguration ?? {};
  const desiredCount = (input.desiredCount as number | undefined) ?? (input.schedulingStrategy === 'DAEMON' ? 0 : 1);
  const now = ecs.clock.now();
  const launchType = (input.launchType as string | undefined) ?? 'FARGATE';
  const svc: ServiceDoc = {
    serviceArn: arn,
    serviceName: name,
    clusterArn: cluster.clusterArn,
    loadBalancers: input.loadBalancers ?? [],
    serviceRegistries: input.serviceRegistries ?? [],
    status: 'ACTIVE',
    desiredCount,
    runningCount: 0,
    pendingCount: 0,
    launchType,
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: td.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: {
        enable: dc.deploymentCircuitBreaker?.enable ?? false,
        rollback: dc.deploymentCircuitBreaker?.rollback ?? false,
      },
      maximumPercent: dc.maximumPercent ?? 200,
      minimumHealthyPercent: dc.minimumHealthyPercent ?? 100,
    },
    deployments: [],
    events: [],
    createdAt: now,
    placementConstraints: input.placementConstraints ?? [],
    placementStrategy: input.placementStrategy ?? [],
    ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds ?? 0,
    schedulingStrategy: input.schedulingStrategy ?? 'REPLICA',
    deploymentController: input.deploymentController ?? { type: 'ECS' },
    createdBy: ctx.principalArn,
    enableECSManagedTags: input.enableECSManagedTags ?? false,
    propagateTags: input.propagateTags ?? 'NONE',
    enableExecuteCommand: input.enableExecuteCommand ?? false,
    tags: input.tags ?? [],
  };
  svc.deployments = [deployment(ecs, svc)];
  // Described before the write, as DeleteService does: the scheduler may act on it while it commits.
  const service = describeService(svc, true);
  await ecs.state.put('service', arn, svc);
  ecs.scheduler.kick();
  return { service };
};

export const UpdateService: EcsOperation = async (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const svc = findService(ecs, cluster.clusterArn, input.service);
  if (!svc) throw ecsErrors.serviceNotFound();
  if (svc.status !== 'ACTIVE') throw ecsErrors.serviceNotActive();
  let newDeployment = input.forceNewDeployment === true;
  if (input.taskDefinition) {
    const td = findTaskDefinition(ecs, input.taskDefinition, ctx);
    if (!td || td.status !== 'ACTIVE') throw ecsErrors.invalidParameter('TaskDefinition not found.');
    if (td.taskDefinitionArn !== svc.taskDefinition) newDeployment = true;
    svc.taskDefinition = td.taskDefinitionArn;
  }
  if (input.networkConfiguration) {
    svc.networkConfiguration = input.networkConfiguration;
    newDeployment = true;
  }
  if (input.desiredCount !== undefined) svc.desiredCount = input.desiredCount;
  const dc = input.deploymentConfiguration;
  if (dc) {
    const cur = svc.deploymentConfiguration;
    svc.deploymentConfiguration = {
      deploymentCircuitBreaker: {
        enable: dc.deploymentCircuitBreaker?.enable ?? cur.deploymentCircuitBreaker.enable,
        rollback: dc.deploymentCircuitBreaker?.rollback ?? cur.deploymentCircuitBreaker.rollback,
      },
      maximumPercent: dc.maximumPercent ?? cur.maximumPercent,
      minimumHealthyPercent: dc.minimumHealthyPercent ?? cur.minimumHealthyPercent,
    };
  }
  if (input.healthCheckGracePeriodSeconds !== undefined)
    svc.healthCheckGracePeriodSeconds = input.healthCheckGracePeriodSeconds;
  if (newDeployment) {
    for (const d of svc.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
    svc.deployments.unshift(deployment(ecs, svc));
  } else {
    const p = svc.deployments.find((d) => d.status === 'PRIMARY');
    if (p) p.desiredCount = svc.desiredCount;
  }
  const service = describeService(svc);
  await ecs.state.put('service', svc.serviceArn, svc);
  ecs.scheduler.kick();
  return { service };
};

export const DescribeServices: EcsOperation = (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const withTags = ((input.include as string[] | undefined) ?? []).includes('TAGS');
  const services: unknown[] = [];
  const failures: unknown[] = [];
  for (const ref of input.services as string[]) {
    const s = findService(ecs, cluster.clusterArn, ref);
    if (s) services.push(describeService(s, withTags));
    else failures.push({ arn: ref.startsWith('arn:') ? ref : serviceArn(cluster.clusterArn, ref), reason: 'MISSING' });
  }
  return { services, failures };
};

export const ListServices: EcsOperation = (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const arns = ecs.state
    .all('service')
    .filter(
      (s) =>
        s.clusterArn === cluster.clusterArn &&
        s.status !== 'INACTIVE' &&
        (!input.launchType || s.launchType === input.launchType) &&
        (!input.schedulingStrategy || s.schedulingStrategy === input.schedulingStrategy),
    )
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((s) => s.serviceArn);
  const { page, nextToken } = pageOf(arns, input, 100);
  return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
};

export const DeleteService: EcsOperation = async (ecs, input, ctx) => {
  const cluster = requireCluster(ecs, input.cluster, ctx);
  const svc = findService(ecs, cluster.clusterArn, input.service);
  if (!svc || svc.status === 'INACTIVE') throw ecsErrors.serviceNotFound();
  if (svc.desiredCount > 0 && input.force !== true)
    throw ecsErrors.invalidParameter('The service cannot be stopped while it is scaled above 0.');
  svc.desiredCount = 0;
  svc.status = 'DRAINING';
  // The answer is the service as this call left it: while the write commits, the scheduler may
  // already find no task left and make it INACTIVE (AWS answers DRAINING).
  const service = describeService(svc);
  await ecs.state.put('service', svc.serviceArn, svc);
  ecs.scheduler.kick();
  return { service };
};

export const ListServicesByNamespace: EcsOperation = () => ({ serviceArns: [] });
