import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import { ecsOf } from '../../src/services/ecs/index.js';
import type { Ecs } from '../../src/services/ecs/context.js';
import type { TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import {
  NET,
  containersUnavailable,
  ecsClient,
  httpGet,
  pushBusybox,
  until,
  warnNoContainers,
  webTaskDefinition,
} from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

/**
 * The task launch path: what RUNNING promises (the container's process started in the task's
 * namespace, in its cgroup, the port published), namespaces made ahead of time and never reused,
 * and the overlay root (mounted by runc inside the container where runc can, else on the host).
 */
describe.skipIf(skip)('ECS task launch', { timeout: 120_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let internal: Ecs;
  let image: string;
  beforeAll(async () => {
    server = await startTestServer();
    ecs = ecsClient(server.endpoint);
    internal = ecsOf(server.overcast.services)!;
    image = await pushBusybox(server.endpoint, 'launch', 'v1');
    await ecs.send(new CreateClusterCommand({}));
    for (const [family, readonly] of [
      ['web', false],
      ['ro', true],
    ] as const) {
      await ecs.send(webTaskDefinition(family, image, { readonlyRootFilesystem: readonly }));
    }
  });
  afterAll(async () => {
    ecs?.destroy();
    await server?.stop();
  });

  const host = () => internal.runner.deps.host;
  const idOf = (arn: string) => arn.split('/').pop()!;
  const taskDir = (arn: string) => join(internal.runner.deps.dir, idOf(arn));
  const netnsOf = (t: Task) => {
    const spec = JSON.parse(readFileSync(join(taskDir(t.taskArn!), 'web', 'config.json'), 'utf8')) as {
      linux: { namespaces: { type: string; path?: string }[] };
    };
    return spec.linux.namespaces.find((n) => n.type === 'network')!.path!;
  };
  const hostMounts = (under: string) =>
    readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1] ?? '')
      .filter((m) => m.startsWith(under));

  /** RunTask, then DescribeTasks as fast as it answers until RUNNING; checks run at that instant. */
  async function runUntilRunning(family: string, atRunning: (t: Task) => void): Promise<Task> {
    const arn = (await ecs.send(new RunTaskCommand({ taskDefinition: family, networkConfiguration: NET }))).tasks![0]!
      .taskArn!;
    for (;;) {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
      if (t.lastStatus === 'RUNNING') {
        atRunning(t);
        return t;
      }
      expect(t.lastStatus, `${t.stopCode}: ${t.stoppedReason} ${JSON.stringify(t.containers)}`).not.toBe('STOPPED');
    }
  }

  async function stop(arn: string): Promise<void> {
    await ecs.send(new StopTaskCommand({ task: arn }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 30, minDelay: 1 }, { tasks: [arn] });
  }

  it('is RUNNING only once its process runs in the task namespace and cgroup, with the port published', async () => {
    let pid = 0;
    const t = await runUntilRunning('web', (t) => {
      // Read synchronously, at the moment DescribeTasks first said RUNNING.
      const runtimeId = `${idOf(t.taskArn!)}-web`;
      const state = JSON.parse(readFileSync(join(host().runc!.root, runtimeId, 'state.json'), 'utf8')) as {
        init_process_pid: number;
      };
      pid = state.init_process_pid;
      expect(pid).toBeGreaterThan(0);
      expect(readlinkSync(`/proc/${pid}/ns/net`)).toBe(`net:[${statSync(netnsOf(t)).ino}]`);
      expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`/overcast/${runtimeId}`);
      expect(t.containers![0]!.lastStatus).toBe('RUNNING');
      expect(t.containers![0]!.networkBindings![0]!.hostPort).toBeGreaterThan(0);
    });
    const ip = t.containers![0]!.networkInterfaces![0]!.privateIpv4Address!;
    // The namespace's eth0 carries the task's address (what the bridge configured in it).
    expect(readFileSync(`/proc/${pid}/net/fib_trie`, 'utf8')).toContain(ip);
    const port = t.containers![0]!.networkBindings![0]!.hostPort!;
    expect(await until(() => httpGet(port).catch(() => undefined))).toMatchObject({ status: 200 });
    await stop(t.taskArn!);
  });

  it('gives each task a namespace made ahead of time, never one another task used, and removes them all', async () => {
    const first = await runUntilRunning('web', () => undefined);
    const firstNs = netnsOf(first);
    const bridge = await host().bridge();
    const octet = bridge.name.replace('ovcbr', '');
    const spares = () => readdirSync('/var/run/netns').filter((n) => n.startsWith(`ovc-p${octet}-`));
    // Made while the first task runs: the next tasks take them instead of waiting for `ip`.
    await until(async () => (spares().length >= 3 ? true : undefined));
    await stop(first.taskArn!);
    expect(existsSync(firstNs)).toBe(false);
    const ready = spares().map((n) => `/var/run/netns/${n}`);
    const second = await runUntilRunning('web', () => undefined);
    expect(ready).toContain(netnsOf(second));
    expect(netnsOf(second)).not.toBe(firstNs);
    const port = second.containers![0]!.networkBindings![0]!.hostPort!;
    expect(await until(() => httpGet(port).catch(() => undefined))).toMatchObject({ status: 200 });
    await stop(second.taskArn!);
    // A fresh server's bridge gets its own spares; stopping it leaves none of them behind.
    const other = await startTestServer();
    const otherEcs = ecsOf(other.overcast.services)!;
    const otherBridge = await otherEcs.runner.deps.host.bridge();
    await otherBridge.prewarm();
    const mine = `ovc-p${otherBridge.name.replace('ovcbr', '')}-`;
    expect(readdirSync('/var/run/netns').filter((n) => n.startsWith(mine)).length).toBeGreaterThanOrEqual(1);
    await other.stop();
    expect(readdirSync('/var/run/netns').filter((n) => n.startsWith(mine))).toEqual([]);
  });

  it('roots each container in its own overlay: writes land in its upper directory, the image stays as it was', async () => {
    const t = await runUntilRunning('web', () => undefined);
    const dir = join(taskDir(t.taskArn!), 'web');
    const w = await internal.runner.exec(t.taskArn!, 'web', ['sh', '-c', 'echo changed > /www/index.html']);
    expect(w.code).toBe(0);
    expect(readFileSync(join(dir, 'upper', 'www', 'index.html'), 'utf8')).toBe('changed\n');
    const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      mounts: { destination: string; type: string; options?: string[] }[];
    };
    const lower = (spec.mounts[0]!.options ?? []).find((o) => o.startsWith('lowerdir='))?.slice(9);
    if (await host().runc!.mountsRootOverlay()) {
      // runc mounted it inside the container's mount namespace: nothing on the host to unmount.
      expect(spec.mounts[0]).toMatchObject({ destination: '/', type: 'overlay' });
      expect(hostMounts(dir)).toEqual([]);
      expect(readFileSync(join(lower!, 'www', 'index.html'), 'utf8')).not.toBe('changed\n');
    } else {
      expect(hostMounts(dir)).toEqual([join(dir, 'rootfs')]);
    }
    await stop(t.taskArn!);
    expect(existsSync(taskDir(t.taskArn!))).toBe(false);
    expect(hostMounts(taskDir(t.taskArn!))).toEqual([]);

    const ro = await runUntilRunning('ro', () => undefined);
    const r = await internal.runner.exec(ro.taskArn!, 'web', ['sh', '-c', 'echo x > /www/index.html']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('Read-only file system');
    await stop(ro.taskArn!);
  });
});
