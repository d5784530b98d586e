import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import { ROOT, ensureBuilt } from '../helpers/process.js';
import type { TestServer } from '../helpers/server.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import { NET, containersUnavailable, ecsClient, pushBusybox, until, warnNoContainers } from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(skip)('overcast exec and overcast status (ECS)', { timeout: 120_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let image: string;
  let single: Task;
  let pair: Task;
  const base = 30_000 + Math.floor(Math.random() * 10_000);

  /** The CLI as a user runs it (dist bundle), never blocking this process's server. */
  function cli(args: string[], input?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/overcast.js'), ...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          OVERCAST_ENDPOINT: server.endpoint,
          AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }

  const run = async (family: string) => {
    const r = await ecs.send(new RunTaskCommand({ taskDefinition: family, networkConfiguration: NET }));
    const arn = r.tasks![0]!.taskArn!;
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 60, minDelay: 1 }, { tasks: [arn] });
    return (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
  };
  const idOf = (t: Task) => t.taskArn!.split('/').pop()!;

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer({ ecs: { loadBalancerPortBase: base, loadBalancerPortRange: 50 } });
    ecs = ecsClient(server.endpoint);
    image = await pushBusybox(server.endpoint, 'execimg', 'v1');
    await ecs.send(new CreateClusterCommand({}));
    const web = {
      name: 'web',
      image,
      command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      environment: [{ name: 'GREETING', value: 'hello from the task definition' }],
      portMappings: [{ containerPort: 8080 }],
      stopTimeout: 1,
    };
    const common = {
      requiresCompatibilities: ['FARGATE' as const],
      networkMode: 'awsvpc' as const,
      cpu: '256',
      memory: '512',
    };
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'single', ...common, containerDefinitions: [web] }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'pair',
        ...common,
        containerDefinitions: [
          web,
          { name: 'side', image, command: ['sleep', '3600'], essential: false, stopTimeout: 1 },
        ],
      }),
    );
    [single, pair] = await Promise.all([run('single'), run('pair')]);
  });
  afterAll(async () => {
    ecs?.destroy();
    await server?.stop();
  });

  it('runs a command in the task container: output, environment, stdin, exit code', async () => {
    const hostname = single.attachments![0]!.details!.find((d) => d.name === 'privateDnsName')!.value;
    const r = await cli(['exec', idOf(single), '--', 'cat', '/etc/hostname']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trim()).toBe(hostname);

    // By ARN, the task definition's environment is visible.
    const env = await cli(['exec', single.taskArn!, '--', 'sh', '-c', 'echo "$GREETING"']);
    expect(env.stdout).toBe('hello from the task definition\n');
    expect(env.code).toBe(0);

    // Plain pipes when stdin is not a terminal: scripts can feed it.
    const piped = await cli(['exec', idOf(single), '--', 'wc', '-l'], 'one\ntwo\nthree\n');
    expect(piped.stdout.trim()).toBe('3');

    const failed = await cli(['exec', idOf(single), '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(failed).toEqual({ code: 7, stdout: 'out\n', stderr: 'err\n' });
  });

  it('asks for --container when the task has several, and finds the named one', async () => {
    const ambiguous = await cli(['exec', idOf(pair), '--', 'true']);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(`task ${idOf(pair)} has 2 containers (web, side)`);
    expect(ambiguous.stderr).toContain('hint: pick one with --container <name>');

    const side = await cli(['exec', idOf(pair), '--container', 'side', '--cluster', 'default', '--', 'ps']);
    expect(side.code).toBe(0);
    expect(side.stdout).toContain('sleep 3600');
    expect(side.stdout).not.toContain('httpd');

    const missing = await cli(['exec', idOf(pair), '--container', 'nope', '--', 'true']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`task ${idOf(pair)} has no container nope`);
    expect(missing.stderr).toContain('its containers: web, side');
  });

  it('explains unknown and stopped tasks', async () => {
    const unknown = await cli(['exec', '0123456789abcdef0123456789abcdef', '--', 'true']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('overcast: task 0123456789abcdef0123456789abcdef not found');
    expect(unknown.stderr).toContain('hint: list running tasks with `overcast status`');

    const gone = await run('single');
    await ecs.send(new StopTaskCommand({ task: gone.taskArn, reason: 'done with it' }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 60, minDelay: 1 }, { tasks: [gone.taskArn!] });
    const stopped = await cli(['exec', idOf(gone), '--', 'true']);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`task ${idOf(gone)} is STOPPED, not RUNNING (done with it)`);
  });

  it('overcast status lists clusters, services with their load balancer, and running tasks with their ports', async () => {
    await ecs.send(
      new CreateServiceCommand({
        serviceName: 'web',
        taskDefinition: 'single',
        desiredCount: 1,
        networkConfiguration: NET,
      }),
    );
    const svc = await until(async () => {
      const s = (await ecs.send(new DescribeServicesCommand({ services: ['web'] }))).services![0]!;
      return s.runningCount === 1 && s.loadBalancers?.length ? s : undefined;
    }, 60_000);
    const address = svc.loadBalancers![0]!.loadBalancerName!;

    const json = await cli(['status', '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as {
      Ecs: { Clusters: { ClusterName: string; Services: any[]; Tasks: any[] }[] };
    };
    const cluster = out.Ecs.Clusters.find((c) => c.ClusterName === 'default')!;
    expect(cluster.Services).toEqual([
      expect.objectContaining({
        ServiceName: 'web',
        Status: 'ACTIVE',
        DesiredCount: 1,
        RunningCount: 1,
        TaskDefinition: 'single:1',
        LoadBalancers: [{ Address: address, Url: `http://${address}`, ContainerName: 'web', ContainerPort: 8080 }],
      }),
    ]);
    const hostPort = single.containers![0]!.networkBindings![0]!.hostPort;
    expect(cluster.Tasks.find((t) => t.TaskId === idOf(single))).toMatchObject({
      Group: 'family:single',
      LastStatus: 'RUNNING',
      Ports: [{ Container: 'web', ContainerPort: 8080, HostPort: hostPort, Url: `http://127.0.0.1:${hostPort}` }],
    });
    expect(cluster.Tasks.filter((t) => t.Group === 'service:web')).toHaveLength(1);

    const text = await cli(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('ECS cluster default  ACTIVE');
    expect(text.stdout).toMatch(
      new RegExp(`service web +ACTIVE +1/1 running  single:1  lb http://${address} -> web:8080`),
    );
    expect(text.stdout).toContain(`task    ${idOf(single)}`);
    expect(text.stdout).toContain(`web:8080 -> 127.0.0.1:${hostPort}`);
  });
});
