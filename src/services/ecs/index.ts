import { join } from 'node:path';
import { s3ObjectReader } from './tasks/env-files.js';
import type { ServiceModel } from '../../core/model/types.js';
import type { OperationHandler, ServiceDefinition } from '../../core/service.js';
import { ContainerHost } from '../../runtimes/host.js';
import type { ServiceDeps } from '../deps.js';
import { imagePort } from '../ecr/port.js';
import { logsPort } from '../logs/port.js';
import type { Ecs } from './context.js';
import { DEFAULT_SETTINGS } from './context.js';
import type { EcsOperation } from './operations/common.js';
import * as clusters from './operations/clusters.js';
import * as services from './operations/services.js';
import * as tags from './operations/tags.js';
import * as taskDefinitions from './operations/task-definitions.js';
import * as tasks from './operations/tasks.js';
import { noteShutdown, recoverAfterRestart } from './scheduler/recovery.js';
import { ServiceScheduler } from './scheduler/scheduler.js';
import { EcsState } from './state.js';
import { ECS_MIGRATIONS } from './storage/migrations.js';
import { TaskRunner } from './tasks/runner.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

const instances = new WeakMap<ServiceDefinition, Ecs>();

/** The ECS state behind a running server (tests and benches: settings, the runner). */
export function ecsOf(list: readonly ServiceDefinition[]): Ecs | undefined {
  for (const s of list) {
    const e = instances.get(s);
    if (e) return e;
  }
  return undefined;
}

const OPERATIONS: Record<string, EcsOperation> = {};
for (const mod of [clusters, taskDefinitions, tasks, services, tags]) {
  for (const [name, fn] of Object.entries(mod)) {
    if (typeof fn === 'function' && /^[A-Z]/.test(name)) OPERATIONS[name] = fn as EcsOperation;
  }
}

/**
 * ECS (awsJson1.1, AmazonEC2ContainerServiceV20141113) on Fargate semantics: clusters, task
 * definitions, tasks run as runc containers in per-task network namespaces, and services kept at
 * their desired count by the scheduler.
 */
export async function createEcs(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('ecs', ECS_MIGRATIONS);
  const state = await EcsState.load(deps.store, deps.clock);
  const dir = deps.filesDir('ecs');
  const host = new ContainerHost(dir, () => deps.server.port);
  const settings = { ...DEFAULT_SETTINGS };
  const ecs = { state, clock: deps.clock, log: deps.log, server: deps.server, settings } as Ecs;
  ecs.runner = new TaskRunner({
    state,
    clock: deps.clock,
    log: deps.log,
    settings,
    host,
    images: imagePort(deps),
    logs: logsPort(deps),
    server: deps.server,
    dir: join(dir, 'tasks'),
    objects: s3ObjectReader(
      () => deps.server.endpoint,
      () => deps.config.credentials,
    ),
  });
  const lb = deps.config.ecs;
  ecs.scheduler = new ServiceScheduler(ecs, {
    portBase: lb.loadBalancerPortBase,
    portRange: lb.loadBalancerPortRange,
    drainSeconds: lb.loadBalancerDrainSeconds,
  });
  await recoverAfterRestart(ecs, host, join(dir, 'tasks'));
  ecs.scheduler.start();
  const operations: Record<string, OperationHandler> = {};
  for (const [name, op] of Object.entries(OPERATIONS)) operations[name] = (input, ctx) => op(ecs, input, ctx);
  const definition: ServiceDefinition = {
    name: 'ecs',
    signingName: 'ecs',
    protocol: 'awsJson1.1',
    model,
    operations,
    async close() {
      await ecs.scheduler.stop();
      noteShutdown(ecs);
      await ecs.runner.close();
      await host.close();
      await state.flush();
    },
  };
  instances.set(definition, ecs);
  return definition;
}
