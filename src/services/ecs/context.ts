import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { OperationContext } from '../../core/service.js';
import type { ServerInfo } from '../deps.js';
import { ecsErrors } from './errors.js';
import type { EcsState } from './state.js';
import type { TaskRunner } from './tasks/runner.js';
import type { ServiceScheduler } from './scheduler/scheduler.js';
import type { ClusterDoc, TaskDefinitionDoc } from './types.js';

/** Timings of the scheduler and health checks (AWS's values by default; tests and benches shorten them). */
export interface EcsSettings {
  /** How long a RUNNING task without health checks waits before a deployment counts it healthy (AWS: 40 s). */
  noHealthCheckGraceMs: number;
  /** First delay before replacing a failed service task; doubles per consecutive failure. */
  replaceBackoffMs: number;
  maxReplaceBackoffMs: number;
  /** Real-time period of the scheduler and health-check loops. */
  tickMs: number;
  /** Minimum health-check interval in seconds (AWS: 5). */
  minHealthCheckIntervalSec: number;
}

export const DEFAULT_SETTINGS: EcsSettings = {
  noHealthCheckGraceMs: 40_000,
  replaceBackoffMs: 1_000,
  maxReplaceBackoffMs: 30_000,
  tickMs: 100,
  minHealthCheckIntervalSec: 5,
};

export interface Ecs {
  state: EcsState;
  clock: Clock;
  log: Logger;
  server: ServerInfo;
  settings: EcsSettings;
  runner: TaskRunner;
  scheduler: ServiceScheduler;
}

export const arnOf = (region: string, account: string, resource: string): string =>
  `arn:aws:ecs:${region}:${account}:${resource}`;

export const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

/** A cluster by name or ARN (default: `default`). */
export function clusterArnFor(ref: string | undefined, ctx: OperationContext): string {
  const r = ref ?? 'default';
  return r.startsWith('arn:') ? r : arnOf(ctx.region, ctx.account, `cluster/${r}`);
}

export function requireCluster(ecs: Ecs, ref: string | undefined, ctx: OperationContext): ClusterDoc {
  const c = ecs.state.get('cluster', clusterArnFor(ref, ctx));
  if (!c || c.status !== 'ACTIVE') throw ecsErrors.clusterNotFound();
  return c;
}

export function clusterNameOf(arn: string): string {
  return arn.slice(arn.indexOf(':cluster/') + ':cluster/'.length);
}

/** `family`, `family:revision` or an ARN → the revision (latest ACTIVE for a bare family). */
export function findTaskDefinition(ecs: Ecs, ref: string, ctx: OperationContext): TaskDefinitionDoc | undefined {
  let family: string;
  let revision: number | undefined;
  let region = ctx.region;
  let account = ctx.account;
  if (ref.startsWith('arn:')) {
    const parts = ref.split(':');
    region = parts[3] ?? region;
    account = parts[4] ?? account;
    const res = parts
      .slice(5)
      .join(':')
      .replace(/^task-definition\//, '');
    [family = '', revision] = splitFamily(res);
  } else {
    [family, revision] = splitFamily(ref);
  }
  if (revision !== undefined)
    return ecs.state.get('taskdef', arnOf(region, account, `task-definition/${family}:${revision}`));
  let best: TaskDefinitionDoc | undefined;
  for (const td of ecs.state.list('taskdef', account, region)) {
    if (td.family === family && td.status === 'ACTIVE' && (!best || td.revision > best.revision)) best = td;
  }
  return best;
}

function splitFamily(s: string): [string, number | undefined] {
  const i = s.lastIndexOf(':');
  if (i < 0) return [s, undefined];
  const rev = s.slice(i + 1);
  return /^\d+$/.test(rev) ? [s.slice(0, i), Number(rev)] : [s, undefined];
}

export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf('/') + 1);
}
