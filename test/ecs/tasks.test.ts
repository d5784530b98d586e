import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
} from '@aws-sdk/client-ecs';
import type { ECSClient, Task } from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestServer } from '../helpers/server.js';
import { TEST_CREDENTIALS, startTestServer } from '../helpers/server.js';
import { ecsOf } from '../../src/services/ecs/index.js';
import {
  NET,
  containersUnavailable,
  ecsClient,
  httpGet,
  layerOf,
  pushBusybox,
  until,
  warnNoContainers,
} from './helpers.js';

const skip = containersUnavailable() !== undefined;
warnNoContainers();

// Containers start slower on a loaded CI machine than the default 30 s allows a whole test.
describe.skipIf(skip)('ECS tasks in runc containers', { timeout: 120_000 }, () => {
  let server: TestServer;
  let ecs: ECSClient;
  let image: string;
  beforeAll(async () => {
    server = await startTestServer();
    ecs = ecsClient(server.endpoint);
    image = await pushBusybox(server.endpoint, 'busybox', 'v1', { env: ['FROM_IMAGE=yes', 'OVERRIDDEN=image'] });
    await ecs.send(new CreateClusterCommand({}));
  });
  afterAll(async () => {
    ecs?.destroy();
    // This server's bridge slice: its spare namespaces are `ovc-p<slice>-<host>` (other test files'
    // servers, running in parallel, hold slices and spares of their own).
    const bridge = server ? await ecsOf(server.overcast.services)?.runner.deps.host.bridge() : undefined;
    const ours = bridge ? `ovc-p${bridge.name.slice('ovcbr'.length)}-` : 'ovc-p';
    await server?.stop();
    // Everything the tasks created is gone.
    expect(readdirSync('/var/run/netns').filter((n) => n.startsWith(ours))).toEqual([]);
  });

  async function register(family: string, containers: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
        containerDefinitions: containers.map((c) => ({ image, stopTimeout: 2, ...c })) as never,
        ...extra,
      }),
    );
  }

  async function runAndWait(family: string, overrides?: Record<string, unknown>): Promise<Task> {
    const run = await ecs.send(
      new RunTaskCommand({ taskDefinition: family, networkConfiguration: NET, overrides: overrides as never }),
    );
    const arn = run.tasks![0]!.taskArn!;
    return until(async () => {
      const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
      return t.lastStatus === 'STOPPED' ? t : undefined;
    }, 90_000);
  }

  /** The awslogs events of a task's container (`<group>`, stream `p/<container>/<task id>`), once there are `min`. */
  async function containerLogs(group: string, container: string, task: Task, min = 1) {
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    try {
      return await until(async () => {
        const r = await logs.send(
          new GetLogEventsCommand({
            logGroupName: group,
            logStreamName: `p/${container}/${task.taskArn!.split('/').pop()}`,
          }),
        );
        return (r.events?.length ?? 0) >= min ? r.events! : undefined;
      });
    } finally {
      logs.destroy();
    }
  }

  it('serves HTTP on the published port, with the lastStatus sequence and waiters', async () => {
    await register('web', [
      {
        name: 'web',
        command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
        portMappings: [{ containerPort: 8080 }],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' },
        },
      },
    ]);
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'web', networkConfiguration: NET }));
    const arn = run.tasks![0]!.taskArn!;
    const seen: string[] = [run.tasks![0]!.lastStatus!];
    const watch = (async () => {
      for (let i = 0; i < 2000 && seen[seen.length - 1] !== 'STOPPED'; i++) {
        const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
        if (t.lastStatus !== seen[seen.length - 1]) seen.push(t.lastStatus!);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const waited = await waitUntilTasksRunning({ client: ecs, maxWaitTime: 30, minDelay: 1 }, { tasks: [arn] });
    expect(waited.state).toBe('SUCCESS');
    const t = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
    expect(t.lastStatus).toBe('RUNNING');
    expect(t.connectivity).toBe('CONNECTED');
    const c = t.containers![0]!;
    expect(c.lastStatus).toBe('RUNNING');
    expect(c.imageDigest).toMatch(/^sha256:/);
    expect(c.networkInterfaces![0]!.privateIpv4Address).toMatch(/^10\.213\./);
    const binding = c.networkBindings![0]!;
    expect(binding).toMatchObject({ bindIP: '127.0.0.1', containerPort: 8080, protocol: 'tcp' });
    const res = await until(() => httpGet(binding.hostPort!).catch(() => undefined));
    expect(res).toEqual({ status: 200, body: 'hello from overcast\n' });

    await ecs.send(new StopTaskCommand({ task: arn, reason: 'done here' }));
    const stopped = await waitUntilTasksStopped({ client: ecs, maxWaitTime: 30, minDelay: 1 }, { tasks: [arn] });
    expect(stopped.state).toBe('SUCCESS');
    await watch;
    const s = (await ecs.send(new DescribeTasksCommand({ tasks: [arn] }))).tasks![0]!;
    expect(s).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'UserInitiated',
      stoppedReason: 'done here',
    });
    for (const f of [
      'createdAt',
      'pullStartedAt',
      'pullStoppedAt',
      'startedAt',
      'stoppingAt',
      'executionStoppedAt',
      'stoppedAt',
    ])
      expect(s[f as keyof Task], f).toBeInstanceOf(Date);
    // Every status observed is in AWS's order.
    const order = [
      'PROVISIONING',
      'PENDING',
      'ACTIVATING',
      'RUNNING',
      'DEACTIVATING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ];
    const idx = seen.map((x) => order.indexOf(x));
    expect(idx.every((v, i) => v >= 0 && (i === 0 || v > idx[i - 1]!))).toBe(true);
    expect(seen).toContain('RUNNING');
    await expect(httpGet(binding.hostPort!)).rejects.toThrow();

    // Container output went to CloudWatch Logs as awslogs names it.
    const logs = new CloudWatchLogsClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    const taskId = arn.split('/').pop();
    const ev = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/ecs/web', logStreamName: `ecs/web/${taskId}` }),
    );
    expect(ev.events).toBeDefined();
    logs.destroy();
  });

  it('applies environment, command overrides, user and working directory; exit codes come back', async () => {
    await register('env', [
      {
        name: 'main',
        command: ['sh', '-c', 'echo never'],
        environment: [
          { name: 'FROM_TD', value: 'td' },
          { name: 'OVERRIDDEN', value: 'td' },
        ],
        user: 'app',
        workingDirectory: '/home/app',
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/env', 'awslogs-stream-prefix': 'p' },
        },
      },
    ]);
    const t = await runAndWait('env', {
      containerOverrides: [
        {
          name: 'main',
          command: [
            'sh',
            '-c',
            'echo "$FROM_IMAGE $FROM_TD $OVERRIDDEN $FROM_RUN $(id -u):$(id -g) $(pwd) ${AWS_ENDPOINT_URL%%:*}"; exit 7',
          ],
          environment: [{ name: 'FROM_RUN', value: 'run' }],
        },
      ],
    });
    expect(t.stopCode).toBe('EssentialContainerExited');
    expect(t.stoppedReason).toBe('Essential container in task exited');
    expect(t.containers![0]!.exitCode).toBe(7);
    const ev = await containerLogs('/ecs/env', 'main', t);
    expect(ev[0]!.message).toBe('yes td td run 1000:1000 /home/app http');
  });

  it('reads environmentFiles from S3 (later files win; the environment parameter wins over files)', async () => {
    const s3 = new S3Client({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'ecs-env' }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'ecs-env', Key: 'a.env', Body: '# comment\nA=1\nSHARED=from-a\n\nEQ=x=y\n' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'ecs-env', Key: 'b.env', Body: 'SHARED=from-b\nTD=from-file\n' }));
    await register('envfiles', [
      {
        name: 'main',
        command: ['sh', '-c', 'echo "$A $SHARED $EQ $TD"'],
        environment: [{ name: 'TD', value: 'from-td' }],
        environmentFiles: [
          { value: 'arn:aws:s3:::ecs-env/a.env', type: 's3' },
          { value: 'arn:aws:s3:::ecs-env/b.env', type: 's3' },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/envfiles', 'awslogs-stream-prefix': 'p' },
        },
      },
    ]);
    const t = await runAndWait('envfiles');
    expect(t.containers![0]!.exitCode).toBe(0);
    const ev = await containerLogs('/ecs/envfiles', 'main', t);
    expect(ev[0]!.message).toBe('1 from-b x=y from-td');

    // A file that cannot be read stops the task before it starts, with ECS's reason.
    await register('envmissing', [
      {
        name: 'main',
        command: ['true'],
        environmentFiles: [{ value: 'arn:aws:s3:::ecs-env/missing.env', type: 's3' }],
      },
    ]);
    const failed = await runAndWait('envmissing');
    expect(failed.stopCode).toBe('TaskFailedToStart');
    expect(failed.stoppedReason).toMatch(/^ResourceInitializationError: failed to download env files: .*NoSuchKey/);
    s3.destroy();
  });

  it('kills a memory hog with OutOfMemoryError', async () => {
    await register('hog', [{ name: 'hog', command: ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=900M', 'count=1'] }]);
    const t = await runAndWait('hog');
    expect(t.stopCode).toBe('EssentialContainerExited');
    expect(t.containers![0]!.exitCode).toBe(137);
    expect(t.containers![0]!.reason).toBe('OutOfMemoryError: Container killed due to memory usage');
  });

  it('isolates containers from the host and from each other', async () => {
    const marker = `/tmp/overcast-host-secret-${process.pid}`;
    await register('iso', [
      {
        name: 'probe',
        command: [
          'sh',
          '-c',
          // Own pid namespace (pid 1 is the shell), no host files, no other tasks on the bridge.
          `echo "pid1=$(cat /proc/1/cmdline | head -c 2) procs=$(ls /proc | grep -c '^[0-9]') secret=$(test -e ${marker} && echo seen || echo none) root=$(ls / | wc -l)"; ` +
            `timeout 2 wget -q -O /dev/null http://$PEER:8080/ 2>/dev/null && echo peer=reachable || echo peer=unreachable; ` +
            `echo "api=$(timeout 5 wget -q -O - $AWS_ENDPOINT_URL/_overcast/health | head -c 18)"`,
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: { 'awslogs-group': '/ecs/iso', 'awslogs-stream-prefix': 'p' },
        },
      },
    ]);
    await register('peer', [
      { name: 'web', command: ['httpd', '-f', '-p', '8080', '-h', '/www'], portMappings: [{ containerPort: 8080 }] },
    ]);
    const peerRun = await ecs.send(new RunTaskCommand({ taskDefinition: 'peer', networkConfiguration: NET }));
    const peerArn = peerRun.tasks![0]!.taskArn!;
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 30, minDelay: 1 }, { tasks: [peerArn] });
    const peer = (await ecs.send(new DescribeTasksCommand({ tasks: [peerArn] }))).tasks![0]!;
    const peerIp = peer.containers![0]!.networkInterfaces![0]!.privateIpv4Address!;
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(marker, 'secret');
    try {
      const t = await runAndWait('iso', {
        containerOverrides: [{ name: 'probe', environment: [{ name: 'PEER', value: peerIp }] }],
      });
      const ev = await containerLogs('/ecs/iso', 'probe', t, 3);
      const text = ev.map((e) => e.message).join('\n');
      expect(text).toContain('pid1=sh');
      expect(text).toMatch(/procs=[1-4] /);
      expect(text).toContain('secret=none');
      expect(text).toContain('peer=unreachable');
      expect(text).toContain('api={"status":"running');
    } finally {
      rmSync(marker, { force: true });
      await ecs.send(new StopTaskCommand({ task: peerArn }));
      await waitUntilTasksStopped({ client: ecs, maxWaitTime: 30, minDelay: 1 }, { tasks: [peerArn] });
    }
  });

  it('rejects images whose layers escape the root', async () => {
    const escape = await layerOf([{ name: '../../escaped-by-overcast-test', content: 'x' }]);
    const bad = await pushBusybox(server.endpoint, 'evil', 'dotdot', { extra: [escape] });
    const symlink = await layerOf([
      { name: 'etcx', type: 'symlink', linkname: '/tmp' },
      { name: 'etcx/overcast-symlink-escape', content: 'x' },
    ]);
    const bad2 = await pushBusybox(server.endpoint, 'evil', 'symlink', { extra: [symlink] });
    for (const [family, img] of [
      ['evil1', bad],
      ['evil2', bad2],
    ] as const) {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          requiresCompatibilities: ['FARGATE'],
          networkMode: 'awsvpc',
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'x', image: img, command: ['true'] }],
        }),
      );
      const t = await runAndWait(family);
      expect(t.stopCode).toBe('TaskFailedToStart');
      expect(t.stoppedReason).toMatch(/^CannotPullContainerError: .*(escapes the root|goes through a symlink)/);
    }
    expect(existsSync('/tmp/overcast-symlink-escape')).toBe(false);
  });
});
