import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { aws, hasAwsCli } from '../helpers/aws-cli.js';
import { NET, ecsClient } from './helpers.js';

const fargate = (family: string, extra: Record<string, unknown> = {}) =>
  new RegisterTaskDefinitionCommand({
    family,
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'localhost/app:1' }],
    ...extra,
  });

async function error(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { name: string; message: string };
  }
  throw new Error('expected an error');
}

describe('ECS API', () => {
  let server: TestServer;
  let ecs: ECSClient;
  beforeAll(async () => {
    server = await startTestServer();
    ecs = ecsClient(server.endpoint);
  });
  afterAll(async () => {
    ecs.destroy();
    await server.stop();
  });

  it('creates, describes, lists and deletes clusters', async () => {
    const c = await ecs.send(new CreateClusterCommand({ clusterName: 'c1', tags: [{ key: 'k', value: 'v' }] }));
    expect(c.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/c1',
      clusterName: 'c1',
      status: 'ACTIVE',
      runningTasksCount: 0,
      activeServicesCount: 0,
    });
    const again = await ecs.send(new CreateClusterCommand({ clusterName: 'c1' }));
    expect(again.cluster?.clusterArn).toBe(c.cluster?.clusterArn);
    const d = await ecs.send(new DescribeClustersCommand({ clusters: ['c1', 'nope'], include: ['TAGS'] }));
    expect(d.clusters?.[0]?.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect(d.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' }]);
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toContain(c.cluster?.clusterArn);
    const del = await ecs.send(new DeleteClusterCommand({ cluster: 'c1' }));
    expect(del.cluster?.status).toBe('INACTIVE');
    expect((await ecs.send(new ListClustersCommand({}))).clusterArns).not.toContain(c.cluster?.clusterArn);
    const e = await error(ecs.send(new DeleteClusterCommand({ cluster: 'c1' })));
    expect([e.name, e.message]).toEqual(['ClusterNotFoundException', 'Cluster not found.']);
  });

  it('registers task definition revisions and validates Fargate sizes', async () => {
    const r1 = await ecs.send(fargate('fam', { cpu: '1 vCPU', memory: '2GB' }));
    expect(r1.taskDefinition).toMatchObject({
      family: 'fam',
      revision: 1,
      status: 'ACTIVE',
      cpu: '1024',
      memory: '2048',
      networkMode: 'awsvpc',
      compatibilities: ['EC2', 'FARGATE'],
      requiresCompatibilities: ['FARGATE'],
    });
    expect(r1.taskDefinition?.containerDefinitions?.[0]).toMatchObject({ essential: true, cpu: 0 });
    const r2 = await ecs.send(fargate('fam'));
    expect(r2.taskDefinition?.revision).toBe(2);
    expect(
      (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam' }))).taskDefinition?.revision,
    ).toBe(2);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'fam:2' }));
    expect(
      (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'fam' }))).taskDefinition?.revision,
    ).toBe(1);
    const list = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'fam' }));
    expect(list.taskDefinitionArns).toEqual(['arn:aws:ecs:us-east-1:000000000000:task-definition/fam:1']);
    const fams = await ecs.send(new ListTaskDefinitionFamiliesCommand({}));
    expect(fams.families).toContain('fam');

    const bad = await error(ecs.send(fargate('bad', { cpu: '256', memory: '4096' })));
    expect([bad.name, bad.message]).toEqual([
      'ClientException',
      'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.',
    ]);
    const noCpu = await error(ecs.send(fargate('bad', { cpu: undefined })));
    expect(noCpu.message).toBe("Fargate requires that 'cpu' be defined at the task level.");
    const mode = await error(ecs.send(fargate('bad', { networkMode: 'bridge' })));
    expect(mode.message).toBe('Fargate only supports network mode \u2018awsvpc\u2019.');
    const logs = await error(
      ecs.send(
        fargate('bad', {
          containerDefinitions: [
            { name: 'a', image: 'x/y', logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } } },
          ],
        }),
      ),
    );
    expect(logs.message).toBe(
      'Fargate requires task definition to have execution role ARN to support log driver awslogs.',
    );
    const missing = await error(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })));
    expect([missing.name, missing.message]).toEqual(['ClientException', 'Unable to describe task definition.']);
  });

  it('answers RunTask errors as ECS does', async () => {
    const noCluster = await error(ecs.send(new RunTaskCommand({ cluster: 'ghost', taskDefinition: 'fam' })));
    expect([noCluster.name, noCluster.message]).toEqual(['ClusterNotFoundException', 'Cluster not found.']);
    await ecs.send(new CreateClusterCommand({ clusterName: 'c2' }));
    const noTd = await error(
      ecs.send(new RunTaskCommand({ cluster: 'c2', taskDefinition: 'ghost', networkConfiguration: NET })),
    );
    expect([noTd.name, noTd.message]).toEqual(['ClientException', 'TaskDefinition not found.']);
    const noNet = await error(ecs.send(new RunTaskCommand({ cluster: 'c2', taskDefinition: 'fam:1' })));
    expect([noNet.name, noNet.message]).toEqual([
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    ]);
    const stop = await error(ecs.send(new StopTaskCommand({ cluster: 'c2', task: 'deadbeef' })));
    expect([stop.name, stop.message]).toEqual(['InvalidParameterException', 'The referenced task was not found.']);
  });

  it('stops a task whose image is not in the registry with CannotPullContainerError', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'c3' }));
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'c3', taskDefinition: 'fam:1', networkConfiguration: NET, startedBy: 'me' }),
    );
    const t = run.tasks![0]!;
    expect(t).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      startedBy: 'me',
    });
    let task;
    for (let i = 0; i < 100; i++) {
      task = (await ecs.send(new DescribeTasksCommand({ cluster: 'c3', tasks: [t.taskArn!] }))).tasks![0]!;
      if (task.lastStatus === 'STOPPED') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(task?.lastStatus).toBe('STOPPED');
    expect(task?.stopCode).toBe('TaskFailedToStart');
    // Without root/runc the task fails earlier, with ResourceInitializationError.
    expect(task?.stoppedReason).toMatch(/^(CannotPullContainerError|ResourceInitializationError): /);
  });

  it('creates, updates and deletes services (desiredCount 0) and tags resources', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'c4' }));
    const s = await ecs.send(
      new CreateServiceCommand({
        cluster: 'c4',
        serviceName: 'svc',
        taskDefinition: 'fam:1',
        desiredCount: 0,
        networkConfiguration: NET,
        tags: [{ key: 'team', value: 'a' }],
      }),
    );
    expect(s.service).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:000000000000:service/c4/svc',
      status: 'ACTIVE',
      desiredCount: 0,
      launchType: 'FARGATE',
      deploymentConfiguration: {
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        deploymentCircuitBreaker: { enable: false, rollback: false },
      },
    });
    expect(s.service?.deployments).toHaveLength(1);
    expect(s.service?.deployments?.[0]?.status).toBe('PRIMARY');
    const dup = await error(
      ecs.send(
        new CreateServiceCommand({
          cluster: 'c4',
          serviceName: 'svc',
          taskDefinition: 'fam:1',
          networkConfiguration: NET,
        }),
      ),
    );
    expect([dup.name, dup.message]).toEqual(['InvalidParameterException', 'Creation of service was not idempotent.']);
    const u = await ecs.send(
      new UpdateServiceCommand({ cluster: 'c4', service: 'svc', taskDefinition: 'fam:1', forceNewDeployment: true }),
    );
    // A new PRIMARY deployment (the old one, with no tasks, drains at once).
    expect(u.service?.deployments?.[0]?.status).toBe('PRIMARY');
    expect(u.service?.deployments?.[0]?.id).not.toBe(s.service?.deployments?.[0]?.id);
    const nf = await error(ecs.send(new UpdateServiceCommand({ cluster: 'c4', service: 'ghost', desiredCount: 1 })));
    expect([nf.name, nf.message]).toEqual(['ServiceNotFoundException', 'Service not found.']);
    const d = await ecs.send(new DescribeServicesCommand({ cluster: 'c4', services: ['svc', 'ghost'] }));
    expect(d.failures?.[0]).toEqual({ arn: 'arn:aws:ecs:us-east-1:000000000000:service/c4/ghost', reason: 'MISSING' });
    const arn = s.service!.serviceArn!;
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'env', value: 'dev' }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
    expect((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual([
      { key: 'env', value: 'dev' },
    ]);
    const busy = await error(ecs.send(new DeleteClusterCommand({ cluster: 'c4' })));
    expect(busy.name).toBe('ClusterContainsServicesException');
    const del = await ecs.send(new DeleteServiceCommand({ cluster: 'c4', service: 'svc' }));
    expect(del.service?.status).toBe('DRAINING');
  });

  it.skipIf(!hasAwsCli)('works with the AWS CLI', async () => {
    const out = await aws(server.endpoint, ['ecs', 'create-cluster', '--cluster-name', 'cli']);
    expect(out.cluster.clusterName).toBe('cli');
    const list = await aws(server.endpoint, ['ecs', 'list-clusters']);
    expect(list.clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/cli');
    const td = await aws(server.endpoint, [
      'ecs',
      'register-task-definition',
      '--family',
      'cli-fam',
      '--requires-compatibilities',
      'FARGATE',
      '--network-mode',
      'awsvpc',
      '--cpu',
      '512',
      '--memory',
      '1024',
      '--container-definitions',
      JSON.stringify([{ name: 'a', image: 'localhost/a:1', environment: [{ name: 'X', value: '1' }] }]),
    ]);
    expect(td.taskDefinition.taskDefinitionArn).toBe('arn:aws:ecs:us-east-1:000000000000:task-definition/cli-fam:1');
  });
});
