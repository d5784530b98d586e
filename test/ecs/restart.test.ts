import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RunTaskCommand,
  waitUntilTasksRunning,
} from '@aws-sdk/client-ecs';
import type { ECSClient, Service, Task } from '@aws-sdk/client-ecs';
import { findRunc } from '../../src/runtimes/runc/runc.js';
import type { OvercastProcess } from '../helpers/process.js';
import { startOvercastProcess } from '../helpers/process.js';
import { tempDir } from '../helpers/server.js';
import {
  NET,
  containersUnavailable,
  ecsClient,
  httpGet,
  pushBusybox,
  until,
  warnNoContainers,
  webTaskDefinition,
  wgetCheck,
} from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

const RESTART_REASON = 'Task stopped because Overcast stopped (tasks do not outlive the Overcast process)';

describe.skipIf(skip)('ECS across Overcast restarts (kill -9 and SIGTERM)', { timeout: 240_000 }, () => {
  const data = tempDir('overcast-ecs-restart-');
  const runcRoot = join(data.path, 'ecs', 'runc');
  const base = 40_000 + Math.floor(Math.random() * 10_000);
  const config = join(data.path, 'config.json');
  writeFileSync(config, JSON.stringify({ ecs: { loadBalancerPortBase: base, loadBalancerPortRange: 50 } }));
  let proc: OvercastProcess | undefined;
  let ecs: ECSClient | undefined;

  afterAll(async () => {
    ecs?.destroy();
    await proc?.stop();
    data.cleanup();
  });

  async function start(): Promise<ECSClient> {
    ecs?.destroy();
    proc = await startOvercastProcess(['--data-dir', data.path, '--config', config], 30_000);
    ecs = ecsClient(proc.endpoint);
    return ecs;
  }

  /** Container ids in this data directory's runc state root. */
  const containers = (): string[] =>
    existsSync(runcRoot)
      ? execFileSync(findRunc()!, ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' }).split('\n').filter(Boolean)
      : [];
  const idOf = (t: Task) => t.taskArn!.split('/').pop()!;
  /** The network namespace a running task's container joined (from its OCI bundle). */
  const netnsOf = (t: Task): string => {
    const spec = JSON.parse(readFileSync(join(data.path, 'ecs', 'tasks', idOf(t), 'web', 'config.json'), 'utf8')) as {
      linux: { namespaces: { type: string; path?: string }[] };
    };
    return spec.linux.namespaces
      .find((n) => n.type === 'network')!
      .path!.split('/')
      .pop()!;
  };
  const netns = (): string[] => (existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : []);
  const mounts = (): string[] =>
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(data.path));
  /** Bridges whose lock file names this pid (see src/runtimes/network/bridge.ts). */
  const bridgesOf = (pid: number): string[] =>
    (existsSync('/run/overcast-net') ? readdirSync('/run/overcast-net') : [])
      .filter((f) => readFileSync(join('/run/overcast-net', f), 'utf8').trim() === String(pid))
      .map((f) => `ovcbr${f.split('.').pop()}`);
  const links = (): string => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  const portsOf = (bridge: string): string[] =>
    execFileSync('ip', ['-o', 'link', 'show', 'master', bridge], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(': ')[1]!.split('@')[0]!);

  const describeSvc = async (): Promise<Service> =>
    (await ecs!.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!;
  const serviceTasks = async (): Promise<Task[]> => {
    const arns = (await ecs!.send(new ListTasksCommand({ serviceName: 'web' }))).taskArns ?? [];
    return arns.length ? (await ecs!.send(new DescribeTasksCommand({ tasks: arns }))).tasks! : [];
  };
  const describeTasks = async (arns: string[]): Promise<Task[]> =>
    (await ecs!.send(new DescribeTasksCommand({ tasks: arns }))).tasks!;

  /** The service is back at exactly desiredCount (2) RUNNING tasks, and stays there. */
  async function exactlyTwo(old: string[]): Promise<Task[]> {
    const tasks = await until(
      async () => {
        const t = await serviceTasks();
        return t.length === 2 && t.every((x) => x.lastStatus === 'RUNNING') ? t : undefined;
      },
      90_000,
      200,
    );
    for (const t of tasks) expect(old).not.toContain(t.taskArn);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 300));
      expect((await serviceTasks()).length).toBe(2);
      expect(containers()).toHaveLength(2);
    }
    const svc = await describeSvc();
    expect(svc).toMatchObject({ desiredCount: 2, runningCount: 2, pendingCount: 0 });
    expect(svc.deployments![0]!.failedTasks).toBe(0);
    return tasks;
  }

  /** Every listed task is STOPPED, as the platform stopped it. */
  async function recordedStopped(arns: string[]): Promise<void> {
    for (const t of await describeTasks(arns)) {
      expect(t).toMatchObject({
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'TerminationNotice',
        stoppedReason: RESTART_REASON,
      });
      expect(t.stoppedAt).toBeInstanceOf(Date);
      for (const c of t.containers!) expect(c).toMatchObject({ lastStatus: 'STOPPED', networkBindings: [] });
    }
  }

  it('kill -9: leftovers are removed, the service comes back at desiredCount, standalone tasks are STOPPED', async () => {
    await start();
    const image = await pushBusybox(proc!.endpoint, 'restartimg', 'v1');
    await ecs!.send(new CreateClusterCommand({}));
    await ecs!.send(webTaskDefinition('web', image, { healthCheck: wgetCheck() }));
    await ecs!.send(
      new CreateServiceCommand({
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        networkConfiguration: NET,
      }),
    );
    const standalone = (await ecs!.send(new RunTaskCommand({ taskDefinition: 'web', networkConfiguration: NET })))
      .tasks![0]!;
    await waitUntilTasksRunning({ client: ecs!, maxWaitTime: 60, minDelay: 1 }, { tasks: [standalone.taskArn!] });
    const first = await exactlyTwoAndStandalone();
    const svc = await describeSvc();
    const lb = svc.loadBalancers![0]!.loadBalancerName!;
    const lbPort = Number(lb.split(':')[1]);
    expect(lbPort).toBeGreaterThanOrEqual(base);
    await until(async () => ((await httpGet(lbPort).catch(() => undefined))?.status === 200 ? true : undefined));
    const all = [...first, standalone];
    const runningTasks = await describeTasks(all.map((t) => t.taskArn!));
    const bridges = bridgesOf(proc!.child.pid!);
    expect(bridges).toHaveLength(1);
    const namespaces = runningTasks.map(netnsOf);
    expect(netns()).toEqual(expect.arrayContaining(namespaces));
    const veths = portsOf(bridges[0]!);
    expect(veths.length).toBeGreaterThanOrEqual(3);
    // (Root overlays are host mounts, or live in the container's mount namespace with newer code.)

    await proc!.kill9();
    // The containers outlive a killed Overcast (runc's foreground parent dies, the container does not).
    expect(containers()).toHaveLength(3);

    await start();
    // Everything the killed process left is gone: containers, namespaces (and veths), mounts, its bridge.
    expect(containers().filter((id) => all.some((t) => id.startsWith(idOf(t))))).toEqual([]);
    for (const n of namespaces) expect(netns()).not.toContain(n);
    for (const v of veths) expect(links()).not.toContain(` ${v}@`);
    expect(links()).not.toContain(` ${bridges[0]}:`);
    expect(mounts().filter((m) => all.some((t) => m.includes(idOf(t))))).toEqual([]);
    for (const t of all) expect(existsSync(join(data.path, 'ecs', 'tasks', idOf(t)))).toBe(false);
    await recordedStopped(all.map((t) => t.taskArn!));

    // The service is restarted (never duplicated); the standalone task is not.
    const second = await exactlyTwo(all.map((t) => t.taskArn!));
    const after = await describeSvc();
    expect(after.loadBalancers![0]!.loadBalancerName).toBe(lb);
    await until(async () => ((await httpGet(lbPort).catch(() => undefined))?.status === 200 ? true : undefined));
    expect((await describeTasks([standalone.taskArn!]))[0]!.lastStatus).toBe('STOPPED');

    // SIGTERM: Overcast stops its tasks and removes everything before it exits.
    const pid = proc!.child.pid!;
    const secondNamespaces = second.map(netnsOf);
    const [bridge] = bridgesOf(pid);
    await proc!.stop();
    expect(containers()).toEqual([]);
    expect(mounts()).toEqual([]);
    for (const n of secondNamespaces) expect(netns()).not.toContain(n);
    expect(bridgesOf(pid)).toEqual([]);
    expect(links()).not.toContain(` ${bridge}:`);
    expect(
      await httpGet(lbPort).then(
        () => 'served',
        (e: Error) => (e.cause as NodeJS.ErrnoException | undefined)?.code,
      ),
    ).toBe('ECONNREFUSED');

    await start();
    await recordedStopped(second.map((t) => t.taskArn!));
    await exactlyTwo([...all, ...second].map((t) => t.taskArn!));
    expect((await describeSvc()).loadBalancers![0]!.loadBalancerName).toBe(lb);
    await until(async () => ((await httpGet(lbPort).catch(() => undefined))?.status === 200 ? true : undefined));

    async function exactlyTwoAndStandalone(): Promise<Task[]> {
      const tasks = await until(
        async () => {
          const t = await serviceTasks();
          const s = await describeSvc();
          return t.length === 2 && s.runningCount === 2 && t.every((x) => x.healthStatus === 'HEALTHY') ? t : undefined;
        },
        90_000,
        200,
      );
      expect(containers()).toHaveLength(3);
      return tasks;
    }
  });
});
