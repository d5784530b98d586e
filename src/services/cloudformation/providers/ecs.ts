import { ignoreNotFound } from './client.js';
import type { Props, ProviderContext, ResourceProvider } from './types.js';
import { num } from './types.js';

const ECS = 'AmazonEC2ContainerServiceV20141113';

/** Members whose values are maps of data (their keys stay as written). */
const MAP_KEYS = new Set([
  'Options',
  'DockerLabels',
  'SystemControls',
  'FirelensConfiguration',
  'Labels',
  'DriverOpts',
]);

/** CloudFormation's PascalCase → ECS's camelCase, tags as `{key, value}`. */
function ecsCase(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => ecsCase(x, key));
  if (v === null || typeof v !== 'object' || MAP_KEYS.has(key)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k.charAt(0).toLowerCase() + k.slice(1)] = ecsCase(x, k);
  return out;
}

function tags(t: unknown) {
  return Array.isArray(t)
    ? t.map((x: { Key: string; Value: string }) => ({ key: x.Key, value: String(x.Value) }))
    : undefined;
}

const call = (ctx: ProviderContext, op: string, input: unknown) => ctx.client.json('ecs', `${ECS}.${op}`, input, '1.1');

export const ecsCluster: ResourceProvider = {
  replaceOn: ['ClusterName'],
  attributes: ['Arn'],
  async create(props, ctx) {
    const name = String(props['ClusterName'] ?? ctx.physicalName(255));
    const r = await call(ctx, 'CreateCluster', {
      clusterName: name,
      ...(props['Tags'] ? { tags: tags(props['Tags']) } : {}),
      ...(props['ClusterSettings'] ? { settings: ecsCase(props['ClusterSettings']) } : {}),
      ...(props['CapacityProviders'] ? { capacityProviders: props['CapacityProviders'] } : {}),
    });
    return { physicalId: name, attributes: { Arn: r.cluster.clusterArn } };
  },
  async update(name, _props, _old, attrs) {
    return { physicalId: name, attributes: attrs };
  },
  async delete(name, _props, _attrs, ctx) {
    await ignoreNotFound(call(ctx, 'DeleteCluster', { cluster: name }));
  },
};

export const ecsTaskDefinition: ResourceProvider = {
  replaceOn: '*',
  attributes: ['TaskDefinitionArn'],
  async create(props, ctx) {
    const body = ecsCase(props) as Props;
    body['family'] ??= ctx.physicalName(255);
    if (body['cpu'] !== undefined) body['cpu'] = String(body['cpu']);
    if (body['memory'] !== undefined) body['memory'] = String(body['memory']);
    if (props['Tags']) body['tags'] = tags(props['Tags']);
    for (const c of (body['containerDefinitions'] ?? []) as Props[])
      for (const k of ['cpu', 'memory', 'memoryReservation']) if (c[k] !== undefined) c[k] = num(c[k]);
    const r = await call(ctx, 'RegisterTaskDefinition', body);
    const arn = r.taskDefinition.taskDefinitionArn;
    return { physicalId: arn, attributes: { TaskDefinitionArn: arn } };
  },
  async delete(arn, _props, _attrs, ctx) {
    await ignoreNotFound(call(ctx, 'DeregisterTaskDefinition', { taskDefinition: arn }));
  },
};

export const ecsService: ResourceProvider = {
  replaceOn: ['Cluster', 'ServiceName', 'LaunchType', 'LoadBalancers', 'Role', 'SchedulingStrategy'],
  attributes: ['Name', 'ServiceArn'],
  async create(props, ctx) {
    const body = ecsCase(props) as Props;
    body['serviceName'] ??= ctx.physicalName(255);
    if (body['desiredCount'] !== undefined) body['desiredCount'] = num(body['desiredCount']);
    if (props['Tags']) body['tags'] = tags(props['Tags']);
    const r = await call(ctx, 'CreateService', body);
    return {
      physicalId: r.service.serviceArn,
      attributes: { Name: r.service.serviceName, ServiceArn: r.service.serviceArn },
    };
  },
  async update(arn, props, _old, attrs, ctx) {
    await call(ctx, 'UpdateService', {
      cluster: props['Cluster'] ?? 'default',
      service: arn,
      ...(props['TaskDefinition'] ? { taskDefinition: props['TaskDefinition'] } : {}),
      ...(props['DesiredCount'] !== undefined ? { desiredCount: num(props['DesiredCount']) } : {}),
      ...(props['NetworkConfiguration'] ? { networkConfiguration: ecsCase(props['NetworkConfiguration']) } : {}),
      ...(props['DeploymentConfiguration']
        ? { deploymentConfiguration: ecsCase(props['DeploymentConfiguration']) }
        : {}),
    });
    return { physicalId: arn, attributes: attrs };
  },
  async delete(arn, props, _attrs, ctx) {
    await ignoreNotFound(
      call(ctx, 'DeleteService', { cluster: props['Cluster'] ?? 'default', service: arn, force: true }),
    );
  },
};
