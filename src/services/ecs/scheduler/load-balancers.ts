import type { Logger } from '../../../core/log.js';
import { TcpBalancer } from '../../../runtimes/network/balancer.js';
import type { Backend } from '../../../runtimes/network/balancer.js';
import type { EcsState } from '../state.js';
import type { ServiceDoc, TaskDoc } from '../types.js';

/** Where service load balancers listen (config `ecs.loadBalancerPort*`). */
export interface BalancerConfig {
  /** First host port tried for a new service's load balancer. */
  portBase: number;
  /** How many ports from portBase are used. */
  portRange: number;
  /** Longest wait for a stopping task's open connections to finish before it is stopped. */
  drainSeconds: number;
}

export const DEFAULT_BALANCER_CONFIG: BalancerConfig = { portBase: 4600, portRange: 400, drainSeconds: 30 };

export const LB_HOST = '127.0.0.1';

/** One load balancer of a service, persisted on the service document (`_lb`, by position). */
export interface ServiceLbDoc {
  /** The stable host port (kept across deployments and restarts). */
  hostPort: number;
  /** The current target; absent while the task definition publishes no port. */
  containerName?: string;
  containerPort?: number;
}

interface Target {
  containerName?: string;
  containerPort: number;
}

interface Listener {
  port: number;
  lb: TcpBalancer | undefined;
  target: Target | undefined;
  retryAt: number;
  warned: boolean;
}

const RETRY_BIND_MS = 5_000;

/** `127.0.0.1:<port>`, as DescribeServices shows it in `loadBalancers[].loadBalancerName`. */
export function lbAddress(hostPort: number): string {
  return `${LB_HOST}:${hostPort}`;
}

/** The container ports a service balances: its `loadBalancers` entries, else the first published port. */
function targetsOf(svc: ServiceDoc, state: EcsState): Target[] {
  const given = (svc.loadBalancers as { containerName?: string; containerPort?: number }[]).filter(
    (l) => typeof l.containerPort === 'number',
  );
  if (given.length) return given.map((l) => ({ containerName: l.containerName, containerPort: l.containerPort! }));
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  const td = state.get('taskdef', primary?.taskDefinition ?? svc.taskDefinition);
  const defs = [...(td?.containerDefinitions ?? [])].sort(
    (a, b) => Number(b.essential !== false) - Number(a.essential !== false),
  );
  for (const c of defs) {
    const p = (c.portMappings ?? []).find((m) => m.containerPort !== undefined && (m.protocol ?? 'tcp') === 'tcp');
    if (p) return [{ containerName: c.name, containerPort: p.containerPort! }];
  }
  return [];
}

function taskIp(t: TaskDoc): string | undefined {
  return t.attachments[0]?.details.find((d) => d.name === 'privateIPv4Address')?.value;
}

/**
 * The ALB equivalent: per ECS service, a round-robin TCP balancer on a stable 127.0.0.1 port in
 * front of the service's RUNNING tasks that are HEALTHY (or have no health check). Tasks the
 * scheduler stops leave the rotation at once and are stopped only when their open connections
 * have finished (or after drainSeconds), so clients see no failed connection during a deployment.
 */
export class ServiceBalancers {
  private readonly listeners = new Map<string, Listener>();
  private closed = false;

  constructor(
    private readonly state: EcsState,
    private readonly log: Logger,
    private readonly config: BalancerConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bring a service's balancers in line with its document (allocating and persisting ports). */
  async sync(svc: ServiceDoc): Promise<void> {
    if (this.closed) return;
    if (svc.status === 'INACTIVE') return this.release(svc);
    const targets = targetsOf(svc, this.state);
    const docs: ServiceLbDoc[] = (svc._lb ??= []);
    for (let i = 0; i < Math.max(targets.length, docs.length); i++) {
      const key = `${svc.serviceArn}#${i}`;
      const target = targets[i];
      let doc = docs[i];
      if (!target) {
        if (doc) docs[i] = { hostPort: doc.hostPort };
        await this.closeListener(key);
        continue;
      }
      let l = this.listeners.get(key);
      if (!doc) {
        const lb = await this.allocate(svc, key);
        if (!lb) continue;
        doc = { hostPort: lb.port };
        docs[i] = doc;
        l = { port: lb.port, lb, target, retryAt: 0, warned: false };
        this.listeners.set(key, l);
      }
      docs[i] = { hostPort: doc.hostPort, containerName: target.containerName, containerPort: target.containerPort };
      if (l && l.port !== doc.hostPort) {
        await this.closeListener(key);
        l = undefined;
      }
      if (!l) {
        l = { port: doc.hostPort, lb: undefined, target, retryAt: 0, warned: false };
        this.listeners.set(key, l);
      }
      l.target = target;
      if (!l.lb && this.now() >= l.retryAt) await this.bind(svc, key, l);
    }
    if (!docs.length) delete svc._lb;
  }

  /** Services no longer in the state (or INACTIVE): close their balancers. */
  async prune(): Promise<void> {
    const live = new Set(
      this.state
        .all('service')
        .filter((s) => s.status !== 'INACTIVE')
        .map((s) => s.serviceArn),
    );
    for (const key of [...this.listeners.keys()])
      if (!live.has(key.slice(0, key.lastIndexOf('#')))) await this.closeListener(key);
  }

  /** Wait until no balancer of the service has a connection open to the task (at most drainSeconds). */
  async drain(svc: ServiceDoc, taskArn: string): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const [key, l] of this.listeners)
      if (key.startsWith(`${svc.serviceArn}#`) && l.lb)
        waits.push(l.lb.drained(taskArn, this.config.drainSeconds * 1000));
    await Promise.all(waits);
  }

  /** Whether the service has a balancer listening. */
  serves(svc: ServiceDoc): boolean {
    for (const [key, l] of this.listeners) if (key.startsWith(`${svc.serviceArn}#`) && l.lb) return true;
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.listeners.keys()]) await this.closeListener(key);
  }

  private async release(svc: ServiceDoc): Promise<void> {
    for (const key of [...this.listeners.keys()])
      if (key.startsWith(`${svc.serviceArn}#`)) await this.closeListener(key);
  }

  private async closeListener(key: string): Promise<void> {
    const l = this.listeners.get(key);
    this.listeners.delete(key);
    await l?.lb?.close();
  }

  /** A new port: the first of the range no other service holds that can be bound now. */
  private async allocate(svc: ServiceDoc, key: string): Promise<TcpBalancer | undefined> {
    const taken = new Set<number>();
    for (const s of this.state.all('service'))
      if (s.status !== 'INACTIVE' && s.serviceArn !== svc.serviceArn)
        for (const d of s._lb ?? []) taken.add(d.hostPort);
    for (const d of svc._lb ?? []) taken.add(d.hostPort);
    const { portBase, portRange } = this.config;
    for (let port = portBase; port < portBase + portRange && port <= 65535; port++) {
      if (taken.has(port)) continue;
      try {
        return await TcpBalancer.listen(LB_HOST, port, this.backendsFor(key));
      } catch {
        // in use by another process: try the next one
      }
    }
    this.log.warn(
      { service: svc.serviceArn, portBase, portRange },
      'ecs: no free port left for a service load balancer (config ecs.loadBalancerPortBase / loadBalancerPortRange)',
    );
    return undefined;
  }

  private async bind(svc: ServiceDoc, key: string, l: Listener): Promise<void> {
    try {
      l.lb = await TcpBalancer.listen(LB_HOST, l.port, this.backendsFor(key));
      if (this.closed || this.listeners.get(key) !== l) await l.lb.close();
    } catch (err) {
      l.retryAt = this.now() + RETRY_BIND_MS;
      if (!l.warned)
        this.log.warn(
          { err, service: svc.serviceArn, port: l.port },
          'ecs: the service load balancer port is in use; retrying',
        );
      l.warned = true;
    }
  }

  /** The eligible tasks of a balancer, read on each connection. */
  private backendsFor(key: string): () => Backend[] {
    const serviceArn = key.slice(0, key.lastIndexOf('#'));
    return () => {
      const l = this.listeners.get(key);
      const svc = this.state.get('service', serviceArn);
      if (!l?.target || !svc) return [];
      const { containerName, containerPort } = l.target;
      const out: Backend[] = [];
      for (const t of this.state.all('task')) {
        if (t.clusterArn !== svc.clusterArn || t._serviceName !== svc.serviceName) continue;
        if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING' || t.healthStatus === 'UNHEALTHY') continue;
        const td = this.state.get('taskdef', t.taskDefinitionArn);
        const defs = td?.containerDefinitions ?? [];
        const publishes = defs.some(
          (c) =>
            (!containerName || c.name === containerName) &&
            (c.portMappings ?? []).some((p) => p.containerPort === containerPort),
        );
        if (!publishes) continue;
        const checked = defs.some((c) => c.essential !== false && c.healthCheck && c.healthCheck.command[0] !== 'NONE');
        if (checked && t.healthStatus !== 'HEALTHY') continue;
        const ip = taskIp(t);
        if (ip) out.push({ id: t.taskArn, host: ip, port: containerPort });
      }
      return out;
    };
  }
}
