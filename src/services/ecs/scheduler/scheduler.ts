import { randomBytes } from 'node:crypto';
import { findTaskDefinition, taskIdOf } from '../context.js';
import type { Ecs } from '../context.js';
import { createTask } from '../tasks/create.js';
import { DEFAULT_BALANCER_CONFIG, ServiceBalancers } from './load-balancers.js';
import type { BalancerConfig } from './load-balancers.js';
import type { DeploymentDoc, ServiceDoc, TaskDoc } from '../types.js';

const MAX_EVENTS = 100;

export function newDeploymentId(): string {
  return `ecs-svc/${BigInt('0x' + randomBytes(8).toString('hex')) % 10n ** 19n}`.padEnd(27, '0');
}

/** Circuit breaker threshold: half the desired count rounded up, clamped to [3, 200]. */
export function failureThreshold(desired: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desired / 2)));
}

interface Backoff {
  failures: number;
  until: number;
}

/**
 * The service scheduler: keeps desiredCount tasks of the PRIMARY deployment running, replaces
 * failed and unhealthy tasks with backoff, rolls deployments within minimumHealthyPercent /
 * maximumPercent, trips the circuit breaker (and rolls back), and writes AWS's service events.
 */
export class ServiceScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly backoff = new Map<string, Backoff>();
  /** Each service's load balancer (the ALB equivalent) on its stable host port. */
  readonly balancers: ServiceBalancers;

  constructor(
    private readonly ecs: Ecs,
    lb: BalancerConfig = DEFAULT_BALANCER_CONFIG,
  ) {
    this.balancers = new ServiceBalancers(ecs.state, ecs.log, lb);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.ecs.settings.tickMs);
    this.timer.unref();
    this.ecs.runner.onChange((t) => this.taskChanged(t));
  }

  /**
   * Stop scheduling (Overcast is stopping): no pass runs any more, so the tasks the runner stops
   * next are neither replaced nor counted as failures; the load balancers close.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.balancers.close();
  }

  /** Run a reconcile pass soon (serialised: one at a time). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    // Deferred: an API call answers with the state it set, before the scheduler acts on it.
    void new Promise((r) => setImmediate(r))
      .then(() => this.reconcileAll())
      .catch((err: unknown) => this.ecs.log.warn({ err }, 'ecs scheduler pass failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.kick());
        }
      });
  }

  private taskChanged(t: TaskDoc): void {
    if (!t._serviceName || this.stopped) return;
    if (t.lastStatus === 'STOPPED' && t.stopCode !== 'ServiceSchedulerInitiated' && t.stopCode !== 'UserInitiated') {
      // A task the scheduler did not stop: counts as a failure of its deployment.
      const svc = this.serviceOf(t);
      const dep = svc?.deployments.find((d) => d.id === t._deploymentId);
      if (svc && dep && !(t as { _counted?: boolean })._counted) {
        (t as { _counted?: boolean })._counted = true;
        dep.failedTasks++;
        const b = this.backoff.get(svc.serviceArn) ?? { failures: 0, until: 0 };
        b.failures++;
        const delay = Math.min(
          this.ecs.settings.replaceBackoffMs * 2 ** (b.failures - 1),
          this.ecs.settings.maxReplaceBackoffMs,
        );
        b.until = this.ecs.clock.now() + delay;
        this.backoff.set(svc.serviceArn, b);
        if (b.failures === failureThreshold(svc.desiredCount) + 1)
          this.event(svc, `(service ${svc.serviceName}) is unable to consistently start tasks successfully.`);
      }
    }
    this.kick();
  }

  private serviceOf(t: TaskDoc): ServiceDoc | undefined {
    const arn = `${t.clusterArn.replace(':cluster/', ':service/')}/${t._serviceName}`;
    return this.ecs.state.get('service', arn);
  }

  event(svc: ServiceDoc, message: string): void {
    svc.events.unshift({ id: crypto.randomUUID(), createdAt: this.ecs.clock.now(), message });
    if (svc.events.length > MAX_EVENTS) svc.events.length = MAX_EVENTS;
  }

  private tasksOf(svc: ServiceDoc): TaskDoc[] {
    return this.ecs.state
      .all('task')
      .filter(
        (t) => t.clusterArn === svc.clusterArn && t._serviceName === svc.serviceName && t.lastStatus !== 'STOPPED',
      );
  }

  /** A running task the deployment may count as healthy. */
  private healthy(t: TaskDoc, svc: ServiceDoc): boolean {
    if (t.lastStatus !== 'RUNNING' || t.desiredStatus !== 'RUNNING') return false;
    if (t.healthStatus === 'HEALTHY') return true;
    if (t.healthStatus === 'UNHEALTHY') return false;
    const td = this.ecs.state.get('taskdef', t.taskDefinitionArn);
    const checked = td?.containerDefinitions.some((c) => c.essential !== false && c.healthCheck);
    if (checked) return false;
    const grace = Math.max(this.ecs.settings.noHealthCheckGraceMs, svc.healthCheckGracePeriodSeconds * 1000);
    return this.ecs.clock.now() - (t.startedAt ?? Infinity) >= grace;
  }

  private async reconcileAll(): Promise<void> {
    for (const svc of this.ecs.state.all('service')) {
      if (svc.status === 'INACTIVE' || this.stopped) continue;
      const before = JSON.stringify(svc);
      await this.reconcile(svc);
      await this.balancers.sync(svc);
      if (JSON.stringify(svc) !== before) await this.ecs.state.put('service', svc.serviceArn, svc);
    }
    await this.balancers.prune();
  }

  private async stopTask(svc: ServiceDoc, t: TaskDoc, reason: string): Promise<void> {
    if (this.ecs.runner.isLive(t.taskArn) && this.balancers.serves(svc)) {
      // Deregistered from the load balancer at once (it routes only to desiredStatus RUNNING), and
      // stopped once the connections it holds have finished, as an ALB target group drains.
      Object.assign(t, {
        desiredStatus: 'STOPPED',
        stopCode: t.stopCode ?? 'ServiceSchedulerInitiated',
        stoppedReason: t.stoppedReason ?? reason,
        version: t.version + 1,
      });
      await this.ecs.state.put('task', t.taskArn, t);
      void this.balancers
        .drain(svc, t.taskArn)
        .then(() => this.ecs.runner.stop(t.taskArn, 'ServiceSchedulerInitiated', reason));
      return;
    }
    void this.ecs.runner.stop(t.taskArn, 'ServiceSchedulerInitiated', reason);
    if (!this.ecs.runner.isLive(t.taskArn)) {
      Object.assign(t, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stopCode: 'ServiceSchedulerInitiated' });
      await this.ecs.state.put('task', t.taskArn, t);
    }
    t.desiredStatus = 'STOPPED';
    void svc;
  }

  private async reconcile(svc: ServiceDoc): Promise<void> {
    const now = this.ecs.clock.now();
    const tasks = this.tasksOf(svc);
    const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
    const desired = svc.status === 'DRAINING' ? 0 : svc.desiredCount;
    const cfg = svc.deploymentConfiguration;
    const maxTasks = Math.floor((desired * cfg.maximumPercent) / 100);
    const minHealthy = Math.ceil((desired * cfg.minimumHealthyPercent) / 100);

    // Unhealthy tasks are replaced.
    const stopped: TaskDoc[] = [];
    for (const t of tasks) {
      if (t.desiredStatus === 'RUNNING' && t.lastStatus === 'RUNNING' && t.healthStatus === 'UNHEALTHY') {
        this.event(svc, `(service ${svc.serviceName}) (task ${taskIdOf(t.taskArn)}) failed container health checks.`);
        const dep = svc.deployments.find((d) => d.id === t._deploymentId);
        if (dep) dep.failedTasks++;
        (t as { _counted?: boolean })._counted = true;
        await this.stopTask(svc, t, 'Task failed container health checks');
        stopped.push(t);
      }
    }
    if (stopped.length)
      this.event(
        svc,
        `(service ${svc.serviceName}) has stopped ${stopped.length} running tasks: ${stopped.map((t) => `(task ${taskIdOf(t.taskArn)})`).join(' ')}.`,
      );

    const live = tasks.filter((t) => t.desiredStatus === 'RUNNING');
    const byDep = (id: string) => live.filter((t) => t._deploymentId === id);

    // Circuit breaker.
    if (primary && primary.rolloutState === 'IN_PROGRESS' && cfg.deploymentCircuitBreaker.enable) {
      if (primary.failedTasks >= failureThreshold(desired)) {
        primary.rolloutState = 'FAILED';
        primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
        primary.updatedAt = now;
        this.event(
          svc,
          `(service ${svc.serviceName}) (deployment ${primary.id}) deployment failed: tasks failed to start.`,
        );
        const previous = svc.deployments.find((d) => d.status === 'ACTIVE' && d.rolloutState === 'COMPLETED');
        if (cfg.deploymentCircuitBreaker.rollback && previous) {
          primary.status = 'ACTIVE';
          const rollback: DeploymentDoc = {
            ...previous,
            id: newDeploymentId(),
            status: 'PRIMARY',
            desiredCount: desired,
            pendingCount: 0,
            runningCount: 0,
            failedTasks: 0,
            createdAt: now,
            updatedAt: now,
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason: `ECS deployment circuit breaker: rolling back to deploymentId ${previous.id}.`,
            _rollback: true,
          };
          svc.deployments.unshift(rollback);
          svc.taskDefinition = rollback.taskDefinition;
          this.backoff.delete(svc.serviceArn);
          this.event(svc, `(service ${svc.serviceName}) rolling back to deployment ${previous.id}.`);
          return;
        }
      }
    }
    if (!primary) return;
    const failed = primary.rolloutState === 'FAILED';

    // Start primary tasks within maximumPercent (and the replacement backoff).
    const primaryTasks = byDep(primary.id);
    const b = this.backoff.get(svc.serviceArn);
    const need = desired - primaryTasks.length;
    const room = Math.max(0, Math.max(maxTasks, desired === 0 ? 0 : 1) - live.length);
    if (need > 0 && room > 0 && !failed && (!b || now >= b.until)) {
      const td = findTaskDefinition(
        this.ecs,
        primary.taskDefinition,
        // the service's own scope
        { account: svc.serviceArn.split(':')[4]!, region: svc.serviceArn.split(':')[3]! } as never,
      );
      if (td) {
        const started: TaskDoc[] = [];
        for (let i = 0; i < Math.min(need, room); i++) {
          const t = await createTask(this.ecs, {
            clusterArn: svc.clusterArn,
            td,
            startedBy: primary.id,
            group: `service:${svc.serviceName}`,
            launchType: svc.launchType,
            networkConfiguration: svc.networkConfiguration,
            serviceName: svc.serviceName,
            deploymentId: primary.id,
            tags: svc.propagateTags === 'SERVICE' ? svc.tags : [],
          });
          started.push(t);
          live.push(t);
        }
        this.event(
          svc,
          `(service ${svc.serviceName}) has started ${started.length} tasks: ${started.map((t) => `(task ${taskIdOf(t.taskArn)})`).join(' ')}.`,
        );
      }
    }

    // Stop old-deployment tasks while keeping minimumHealthyPercent healthy.
    const old = live.filter((t) => t._deploymentId !== primary.id);
    const healthyCount = live.filter((t) => this.healthy(t, svc)).length;
    let canStop = healthyCount - minHealthy;
    const stopOld: TaskDoc[] = [];
    // Tasks that are not healthy yet cost nothing to stop.
    for (const t of old.filter((x) => !this.healthy(x, svc))) stopOld.push(t);
    const primaryHealthy = byDep(primary.id).filter((t) => this.healthy(t, svc)).length;
    for (const t of old.filter((x) => this.healthy(x, svc))) {
      if (canStop <= 0 && !(failed && primaryHealthy === 0 && false)) break;
      stopOld.push(t);
      canStop--;
    }
    // Scale in the primary when above desired.
    const primaryLive = live.filter((t) => t._deploymentId === primary.id);
    const excess = primaryLive.length - desired;
    if (excess > 0) {
      const order = [...primaryLive].sort((x, y) => Number(this.healthy(x, svc)) - Number(this.healthy(y, svc)));
      stopOld.push(...order.slice(0, excess));
    }
    if (stopOld.length) {
      for (const t of stopOld)
        await this.stopTask(svc, t, 'Scaling activity initiated by (deployment ' + primary.id + ')');
      this.event(
        svc,
        `(service ${svc.serviceName}) has stopped ${stopOld.length} running tasks: ${stopOld.map((t) => `(task ${taskIdOf(t.taskArn)})`).join(' ')}.`,
      );
    }

    // Counts, deployment completion, steady state.
    const remaining = this.tasksOf(svc).filter((t) => t.desiredStatus === 'RUNNING');
    for (const d of svc.deployments) {
      const mine = remaining.filter((t) => t._deploymentId === d.id);
      d.runningCount = mine.filter((t) => t.lastStatus === 'RUNNING').length;
      d.pendingCount = mine.length - d.runningCount;
      if (d.status === 'PRIMARY') d.desiredCount = desired;
      else d.desiredCount = mine.length;
    }
    svc.runningCount = remaining.filter((t) => t.lastStatus === 'RUNNING').length;
    svc.pendingCount = remaining.length - svc.runningCount;
    const oldLeft = remaining.some((t) => t._deploymentId !== primary.id);
    const allStopped = this.tasksOf(svc).every((t) => t._deploymentId === primary.id);
    if (!oldLeft && allStopped && svc.deployments.length > 1) {
      svc.deployments = svc.deployments.filter((d) => d.status === 'PRIMARY');
    }
    const primaryHealthyNow = remaining.filter((t) => t._deploymentId === primary.id && this.healthy(t, svc)).length;
    if (
      primary.rolloutState === 'IN_PROGRESS' &&
      svc.deployments.length === 1 &&
      primaryHealthyNow === desired &&
      remaining.length === desired
    ) {
      primary.rolloutState = 'COMPLETED';
      primary.rolloutStateReason = 'ECS deployment ' + primary.id + ' completed.';
      primary.updatedAt = now;
      this.backoff.delete(svc.serviceArn);
      this.event(svc, `(service ${svc.serviceName}) (deployment ${primary.id}) deployment completed.`);
      this.event(svc, `(service ${svc.serviceName}) has reached a steady state.`);
      svc._lastSteadyAt = now;
    }
    if (svc.status === 'DRAINING' && this.tasksOf(svc).length === 0) {
      svc.status = 'INACTIVE';
      for (const d of svc.deployments) d.status = d.status === 'PRIMARY' ? 'PRIMARY' : 'INACTIVE';
    }
  }
}
