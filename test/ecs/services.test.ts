import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  UpdateServiceCommand,
  waitUntilServicesStable,
} from '@aws-sdk/client-ecs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ManualClock } from '../../src/core/clock.js';
import type { EcsFixture } from './helpers.js';
import {
  NET,
  containersUnavailable,
  httpGet,
  startEcsFixture,
  until,
  warnNoContainers,
  webTaskDefinition,
} from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

// Containers start slower on a loaded CI machine than the default 30 s allows a whole test.
describe.skipIf(skip)('ECS services', { timeout: 120_000 }, () => {
  let f: EcsFixture;
  let ecs: ECSClient;
  let image: string;
  beforeAll(async () => {
    f = await startEcsFixture('svcimg', { clock: new ManualClock(Date.now()) });
    ({ ecs, image } = f);
  });
  afterAll(() => f?.stop());

  const web = (family: string, healthCmd: string) =>
    webTaskDefinition(family, image, {
      healthCheck: { command: ['CMD-SHELL', healthCmd], interval: 5, timeout: 2, retries: 2 },
    });

  async function serving(): Promise<number> {
    const arns = (await ecs.send(new ListTasksCommand({ serviceName: 'svc' }))).taskArns ?? [];
    if (!arns.length) return 0;
    const tasks = (await ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks ?? [];
    let ok = 0;
    for (const t of tasks) {
      const port = t.containers?.[0]?.networkBindings?.[0]?.hostPort;
      if (t.lastStatus === 'RUNNING' && port && (await httpGet(port).catch(() => undefined))?.status === 200) ok++;
    }
    return ok;
  }

  it('keeps desiredCount, reaches a steady state, and rolls back a deployment whose health checks fail', async () => {
    await ecs.send(web('good', 'wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1'));
    await ecs.send(web('bad', 'exit 1'));
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'svc',
        taskDefinition: 'good',
        desiredCount: 2,
        networkConfiguration: NET,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    const stable = await waitUntilServicesStable({ client: ecs, maxWaitTime: 60, minDelay: 1 }, { services: ['svc'] });
    expect(stable.state).toBe('SUCCESS');
    let svc = (await ecs.send(new DescribeServicesCommand({ services: ['svc'] }))).services![0]!;
    expect(svc).toMatchObject({ runningCount: 2, desiredCount: 2, status: 'ACTIVE' });
    expect(svc.deployments).toHaveLength(1);
    expect(svc.deployments![0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED', runningCount: 2 });
    expect(svc.events!.map((e) => e.message)).toContain('(service svc) has reached a steady state.');
    expect(await serving()).toBe(2);
    const firstDeployment = svc.deployments![0]!.id ?? '';

    // Deploy a task definition whose health check fails: its tasks are replaced, the circuit
    // breaker trips after 3 failures and the service rolls back; the old tasks keep serving.
    await ecs.send(new UpdateServiceCommand({ service: 'svc', taskDefinition: 'bad' }));
    let minServing = 2;
    svc = await until(
      async () => {
        minServing = Math.min(minServing, await serving());
        const s = (await ecs.send(new DescribeServicesCommand({ services: ['svc'] }))).services![0]!;
        return s.deployments!.some((d) => d.rolloutState === 'FAILED') ? s : undefined;
      },
      60_000,
      100,
    );
    expect(minServing).toBe(2);
    const failed = svc.deployments!.find((d) => d.rolloutState === 'FAILED')!;
    expect(failed.taskDefinition).toMatch(/task-definition\/bad:1$/);
    expect(failed.failedTasks).toBeGreaterThanOrEqual(3);
    const primary = svc.deployments!.find((d) => d.status === 'PRIMARY')!;
    expect(primary.taskDefinition).toMatch(/task-definition\/good:1$/);
    expect(primary.rolloutStateReason).toBe(
      `ECS deployment circuit breaker: rolling back to deploymentId ${firstDeployment}.`,
    );
    const messages = svc.events!.map((e) => e.message);
    expect(messages.some((m) => /\(task [0-9a-f]{32}\) failed container health checks\./.test(m ?? ''))).toBe(true);
    const stopped = await ecs.send(new ListTasksCommand({ serviceName: 'svc', desiredStatus: 'STOPPED' }));
    const st = (await ecs.send(new DescribeTasksCommand({ tasks: stopped.taskArns! }))).tasks!;
    expect(
      st.some(
        (t) => t.stopCode === 'ServiceSchedulerInitiated' && t.stoppedReason === 'Task failed container health checks',
      ),
    ).toBe(true);

    const again = await waitUntilServicesStable({ client: ecs, maxWaitTime: 60, minDelay: 1 }, { services: ['svc'] });
    expect(again.state).toBe('SUCCESS');
    expect(await serving()).toBe(2);

    await ecs.send(new UpdateServiceCommand({ service: 'svc', desiredCount: 0 }));
    await ecs.send(new DeleteServiceCommand({ service: 'svc' }));
    await until(async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ services: ['svc'] }))).services![0]!;
      return s.status === 'INACTIVE' ? s : undefined;
    }, 30_000);
  }, 180_000);
});
