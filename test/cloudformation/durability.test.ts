import { afterAll, describe, expect, it } from 'vitest';
import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { startTestServer, tempDir } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.cleanup());

describe('persistence', () => {
  it('keeps stacks, resources, events and exports across a restart', { timeout: 60_000 }, async () => {
    const body = `Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
Outputs:
  Name: { Value: !Ref T, Export: { Name: table-name } }
`;
    let server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    let cfn = cfnClient(server.endpoint);
    await cfn.send(new CreateStackCommand({ StackName: 'durable', TemplateBody: body }));
    const before = await waitStack(cfn, 'durable');
    expect(before.StackStatus).toBe('CREATE_COMPLETE');
    const events = await eventLines(cfn, 'durable');
    await server.stop();

    server = await startTestServer({ ephemeral: false, dataDir: dir.path });
    cfn = cfnClient(server.endpoint);
    try {
      const after = (await cfn.send(new DescribeStacksCommand({ StackName: 'durable' }))).Stacks![0]!;
      expect(after.StackStatus).toBe('CREATE_COMPLETE');
      expect(after.Outputs).toEqual(before.Outputs);
      expect(await eventLines(cfn, 'durable')).toEqual(events);
      const res = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'durable' }));
      expect(res.StackResources![0]!.PhysicalResourceId).toBe(before.Outputs![0]!.OutputValue);
      await cfn.send(new DeleteStackCommand({ StackName: 'durable' }));
      expect((await eventLines(cfn, before.StackId!)).at(-1)).toBe('durable DELETE_COMPLETE');
    } finally {
      await server.stop();
    }
  });
});
