import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, DeleteStackCommand, UpdateStackCommand } from '@aws-sdk/client-cloudformation';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startTestServer, TEST_CREDENTIALS } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.stop());

const template = (image: string) => `
Resources:
  ExecRole:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Cluster:
    Type: AWS::ECS::Cluster
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ExecutionRoleArn: !GetAtt ExecRole.Arn
      Cpu: 256
      Memory: 512
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - Name: app
          Image: ${image}
          PortMappings: [{ ContainerPort: 8080 }]
          Environment: [{ Name: MODE, Value: test }]
          LogConfiguration: { LogDriver: awslogs, Options: { awslogs-group: web, awslogs-region: !Ref AWS::Region } }
  Service:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task
      DesiredCount: 0
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration: { Subnets: [subnet-12345678], AssignPublicIp: ENABLED }
Outputs:
  Cluster: { Value: !Ref Cluster }
  ClusterArn: { Value: !GetAtt Cluster.Arn }
  Task: { Value: !Ref Task }
  Service: { Value: !GetAtt Service.Name }
`;

describe('ECS resources', () => {
  it(
    'provisions a cluster, a task definition and a service, and moves the service to a new revision',
    { timeout: 30_000 },
    async () => {
      const cfn = cfnClient(server.endpoint);
      await cfn.send(
        new CreateStackCommand({
          StackName: 'web',
          TemplateBody: template('localhost/app:1'),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const s = await waitStack(cfn, 'web');
      expect(s.StackStatus, (await eventLines(cfn, 'web', true)).join('\n')).toBe('CREATE_COMPLETE');
      const out = Object.fromEntries(s.Outputs!.map((o) => [o.OutputKey, o.OutputValue!]));
      expect(out['Task']).toMatch(/:task-definition\/web:1$/);
      const ecs = new ECSClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS });
      const td = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out['Task'] }));
      expect(td.taskDefinition?.containerDefinitions?.[0]?.logConfiguration?.options).toEqual({
        'awslogs-group': 'web',
        'awslogs-region': 'us-east-1',
      });
      expect(td.taskDefinition?.cpu).toBe('256');

      await cfn.send(
        new UpdateStackCommand({
          StackName: 'web',
          TemplateBody: template('localhost/app:2'),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const u = await waitStack(cfn, 'web');
      expect(u.StackStatus, (await eventLines(cfn, 'web', true)).join('\n')).toBe('UPDATE_COMPLETE');
      const svc = await ecs.send(new DescribeServicesCommand({ cluster: out['Cluster'], services: [out['Service']!] }));
      expect(svc.services?.[0]?.taskDefinition).toMatch(/:task-definition\/web:2$/);

      await cfn.send(new DeleteStackCommand({ StackName: 'web' }));
      expect((await eventLines(cfn, s.StackId!)).at(-1)).toBe('web DELETE_COMPLETE');
    },
  );
});
