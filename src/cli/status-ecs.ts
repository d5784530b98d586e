// The ECS part of `overcast status`: clusters, services (desired/running, load balancer) and
// running tasks with their published host ports, all read through the ECS API.
import type { ClientOptions } from './aws-client.js';
import { chunks, ecsCall, idOf, listAll } from './ecs-client.js';

export interface EcsServiceStatus {
  ServiceName: string;
  Status: string;
  DesiredCount: number;
  RunningCount: number;
  PendingCount: number;
  TaskDefinition: string;
  /** Overcast's balancer for the service: `127.0.0.1:<port>` and its http URL. */
  LoadBalancers: { Address: string; Url: string; ContainerName?: string; ContainerPort?: number }[];
}

export interface EcsTaskStatus {
  TaskArn: string;
  TaskId: string;
  Group: string;
  TaskDefinition: string;
  LastStatus: string;
  HealthStatus: string;
  Ports: { Container: string; ContainerPort: number; HostPort: number; Url: string }[];
}

export interface EcsClusterStatus {
  ClusterName: string;
  Status: string;
  Services: EcsServiceStatus[];
  Tasks: EcsTaskStatus[];
}

const family = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** Every cluster with its services and RUNNING-desired tasks; undefined when ECS does not answer. */
export async function ecsStatus(client: ClientOptions): Promise<EcsClusterStatus[] | undefined> {
  let clusterArns: string[];
  try {
    clusterArns = await listAll(client, 'ListClusters', {}, 'clusterArns');
  } catch {
    return undefined;
  }
  const out: EcsClusterStatus[] = [];
  for (const group of chunks(clusterArns, 100)) {
    const { clusters = [] } = await ecsCall(client, 'DescribeClusters', { clusters: group });
    for (const c of clusters) {
      const cluster = c.clusterArn as string;
      const services: EcsServiceStatus[] = [];
      const serviceArns = await listAll(client, 'ListServices', { cluster }, 'serviceArns');
      for (const page of chunks(serviceArns, 10)) {
        const r = await ecsCall(client, 'DescribeServices', { cluster, services: page });
        for (const s of r.services ?? []) {
          services.push({
            ServiceName: s.serviceName,
            Status: s.status,
            DesiredCount: s.desiredCount,
            RunningCount: s.runningCount,
            PendingCount: s.pendingCount,
            TaskDefinition: family(s.taskDefinition ?? ''),
            LoadBalancers: ((s.loadBalancers ?? []) as Record<string, unknown>[])
              .filter((l) => /^127\.0\.0\.1:\d+$/.test(String(l['loadBalancerName'] ?? '')))
              .map((l) => ({
                Address: String(l['loadBalancerName']),
                Url: `http://${String(l['loadBalancerName'])}`,
                ...(l['containerName'] ? { ContainerName: String(l['containerName']) } : {}),
                ...(l['containerPort'] !== undefined ? { ContainerPort: Number(l['containerPort']) } : {}),
              })),
          });
        }
      }
      const tasks: EcsTaskStatus[] = [];
      const taskArns = await listAll(client, 'ListTasks', { cluster, desiredStatus: 'RUNNING' }, 'taskArns');
      for (const page of chunks(taskArns, 100)) {
        const r = await ecsCall(client, 'DescribeTasks', { cluster, tasks: page });
        for (const t of r.tasks ?? []) {
          tasks.push({
            TaskArn: t.taskArn,
            TaskId: idOf(t.taskArn),
            Group: t.group ?? '',
            TaskDefinition: family(t.taskDefinitionArn ?? ''),
            LastStatus: t.lastStatus,
            HealthStatus: t.healthStatus ?? 'UNKNOWN',
            Ports: (t.containers ?? []).flatMap((k: any) =>
              (k.networkBindings ?? []).map((b: any) => ({
                Container: k.name,
                ContainerPort: b.containerPort,
                HostPort: b.hostPort,
                Url: `http://${b.bindIP ?? '127.0.0.1'}:${b.hostPort}`,
              })),
            ),
          });
        }
      }
      out.push({ ClusterName: c.clusterName, Status: c.status, Services: services, Tasks: tasks });
    }
  }
  return out;
}

/** Text lines for `overcast status`. */
export function ecsStatusLines(clusters: EcsClusterStatus[]): string[] {
  const lines: string[] = [];
  for (const c of clusters) {
    lines.push(`\nECS cluster ${c.ClusterName}  ${c.Status}`);
    for (const s of c.Services) {
      const lb = s.LoadBalancers.map(
        (l) => `  lb ${l.Url}${l.ContainerPort !== undefined ? ` -> ${l.ContainerName ?? ''}:${l.ContainerPort}` : ''}`,
      ).join('');
      lines.push(
        `  service ${s.ServiceName.padEnd(24)} ${s.Status.padEnd(8)} ${s.RunningCount}/${s.DesiredCount} running${s.PendingCount ? ` (${s.PendingCount} pending)` : ''}  ${s.TaskDefinition}${lb}`,
      );
    }
    for (const t of c.Tasks) {
      const ports = t.Ports.map((p) => `${p.Container}:${p.ContainerPort} -> 127.0.0.1:${p.HostPort}`).join(', ');
      lines.push(
        `  task    ${t.TaskId}  ${t.Group.padEnd(20)} ${t.LastStatus.padEnd(12)} ${t.HealthStatus.padEnd(9)} ${t.TaskDefinition}${ports ? `  ${ports}` : ''}`,
      );
    }
    if (!c.Services.length && !c.Tasks.length) lines.push('  no services or running tasks');
  }
  return lines;
}
