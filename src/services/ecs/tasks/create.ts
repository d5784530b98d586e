import { randomBytes, randomUUID } from 'node:crypto';
import { arnOf, clusterNameOf } from '../context.js';
import type { Ecs } from '../context.js';
import type { ContainerOverride, Tag, TaskDefinitionDoc, TaskDoc } from '../types.js';

export interface NewTask {
  clusterArn: string;
  td: TaskDefinitionDoc;
  overrides?: { containerOverrides?: ContainerOverride[]; cpu?: string; memory?: string; [k: string]: unknown };
  startedBy?: string;
  group?: string;
  tags?: Tag[];
  launchType?: string;
  capacityProviderName?: string;
  networkConfiguration?: unknown;
  serviceName?: string;
  deploymentId?: string;
}

/** Build a task in PROVISIONING, store it and hand it to the runner. */
export async function createTask(ecs: Ecs, n: NewTask): Promise<TaskDoc> {
  const [, , , region = '', account = ''] = n.clusterArn.split(':');
  const id = randomBytes(16).toString('hex');
  const cluster = clusterNameOf(n.clusterArn);
  const taskArn = arnOf(region, account, `task/${cluster}/${id}`);
  const now = ecs.clock.now();
  const overrides = n.overrides ?? {};
  const containerOverrides = overrides.containerOverrides ?? [];
  const subnets = (n.networkConfiguration as { awsvpcConfiguration?: { subnets?: string[] } } | undefined)
    ?.awsvpcConfiguration?.subnets;
  const eniId = randomUUID();
  const task: TaskDoc = {
    taskArn,
    clusterArn: n.clusterArn,
    taskDefinitionArn: n.td.taskDefinitionArn,
    attachments: [
      {
        id: eniId,
        type: 'ElasticNetworkInterface',
        status: 'PRECREATED',
        details: [
          { name: 'subnetId', value: subnets?.[0] ?? 'subnet-overcast' },
          { name: 'networkInterfaceId', value: `eni-${randomBytes(8).toString('hex').slice(0, 17)}` },
        ],
      },
    ],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: `${region}a`,
    containers: n.td.containerDefinitions.map((c) => {
      const o = containerOverrides.find((x) => x.name === c.name);
      return {
        containerArn: arnOf(region, account, `container/${cluster}/${id}/${randomUUID()}`),
        taskArn,
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
        networkBindings: [],
        networkInterfaces: [],
        ...(c.healthCheck ? { healthStatus: 'UNKNOWN' as const } : {}),
        cpu: String(o?.cpu ?? c.cpu ?? 0),
        ...((o?.memory ?? c.memory) ? { memory: String(o?.memory ?? c.memory) } : {}),
        ...((o?.memoryReservation ?? c.memoryReservation)
          ? { memoryReservation: String(o?.memoryReservation ?? c.memoryReservation) }
          : {}),
      };
    }),
    cpu: overrides.cpu ?? n.td.cpu,
    memory: overrides.memory ?? n.td.memory,
    createdAt: now,
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    enableExecuteCommand: false,
    group: n.group ?? `family:${n.td.family}`,
    healthStatus: 'UNKNOWN',
    launchType: n.capacityProviderName ? (undefined as unknown as string) : (n.launchType ?? 'FARGATE'),
    ...(n.capacityProviderName ? { capacityProviderName: n.capacityProviderName } : {}),
    overrides: {
      ...overrides,
      containerOverrides: containerOverrides.length
        ? containerOverrides
        : n.td.containerDefinitions.map((c) => ({ name: c.name })),
      inferenceAcceleratorOverrides: [],
    },
    platformVersion: '1.4.0',
    platformFamily: 'Linux',
    ...(n.startedBy ? { startedBy: n.startedBy } : {}),
    tags: n.tags ?? [],
    version: 1,
    ephemeralStorage: { sizeInGiB: 20 },
    ...(n.serviceName ? { _serviceName: n.serviceName } : {}),
    ...(n.deploymentId ? { _deploymentId: n.deploymentId } : {}),
  };
  if (!task.launchType) delete (task as Partial<TaskDoc>).launchType;
  await ecs.state.put('task', taskArn, task);
  ecs.runner.launch(task, n.td);
  return task;
}
