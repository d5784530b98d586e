import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateSummaryCommand,
  ListChangeSetsCommand,
  ListExportsCommand,
  ListImportsCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { startTestServer } from '../helpers/server.js';
import type { TestServer } from '../helpers/server.js';
import { cfnClient, eventLines, waitStack } from './helpers.js';

let server: TestServer;
let cfn: CloudFormationClient;
beforeAll(async () => {
  server = await startTestServer();
  cfn = cfnClient(server.endpoint);
});
afterAll(async () => server?.stop());

async function error(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

const table = (extra = '') => `Parameters:
  Mode: { Type: String, Default: PAY_PER_REQUEST }
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: !Ref Mode
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
${extra}`;

describe('change sets', () => {
  it('creates a stack through a CREATE change set, then updates it through an UPDATE one', async () => {
    const created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: table(),
        Description: 'd',
      }),
    );
    expect(created.Id).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/first\/[0-9a-f-]{36}$/);
    const review = await cfn.send(new DescribeStacksCommand({ StackName: 'cs' }));
    expect(review.Stacks![0]!.StackStatus).toBe('REVIEW_IN_PROGRESS');
    const d = await cfn.send(new DescribeChangeSetCommand({ StackName: 'cs', ChangeSetName: 'first' }));
    expect(d).toMatchObject({
      Status: 'CREATE_COMPLETE',
      ExecutionStatus: 'AVAILABLE',
      ChangeSetName: 'first',
      Description: 'd',
      StackId: created.StackId,
    });
    expect(d.Changes).toEqual([
      {
        Type: 'Resource',
        ResourceChange: {
          Action: 'Add',
          LogicalResourceId: 'T',
          ResourceType: 'AWS::DynamoDB::Table',
          Scope: [],
          Details: [],
        },
      },
    ]);
    expect(d.Parameters).toEqual([{ ParameterKey: 'Mode', ParameterValue: 'PAY_PER_REQUEST' }]);
    expect(
      (await cfn.send(new ListChangeSetsCommand({ StackName: 'cs' }))).Summaries!.map((s) => s.ChangeSetName),
    ).toEqual(['first']);
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id }));
    const s = await waitStack(cfn, 'cs');
    expect(s.StackStatus).toBe('CREATE_COMPLETE');
    expect(s.ChangeSetId).toBe(created.Id);
    expect((await eventLines(cfn, 'cs'))[0]).toBe('cs REVIEW_IN_PROGRESS');
    expect((await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }))).ExecutionStatus).toBe(
      'EXECUTE_COMPLETE',
    );
    expect(await error(cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: created.Id })))).toMatch(
      /^InvalidChangeSetStatusException: ChangeSet \[.+\] cannot be executed in its current execution status of \[EXECUTE_COMPLETE\]$/,
    );

    // An identical template makes an empty change set, which fails as on AWS.
    await cfn.send(new CreateChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same', TemplateBody: table() }));
    const same = await cfn.send(new DescribeChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same' }));
    expect(same).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    await cfn.send(new DeleteChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same' }));
    expect(await error(cfn.send(new DescribeChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same' })))).toBe(
      'ChangeSetNotFoundException: ChangeSet [same] does not exist',
    );

    const upd = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'second',
        TemplateBody: table(`  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n`),
        Parameters: [{ ParameterKey: 'Mode', ParameterValue: 'PROVISIONED' }],
      }),
    );
    const d2 = await cfn.send(new DescribeChangeSetCommand({ ChangeSetName: upd.Id }));
    expect(
      d2.Changes!.map((c) => [
        c.ResourceChange!.Action,
        c.ResourceChange!.LogicalResourceId,
        c.ResourceChange!.Replacement,
      ]),
    ).toEqual([
      ['Modify', 'T', 'False'],
      ['Add', 'H', undefined],
    ]);
    expect(d2.Changes![0]!.ResourceChange!.Details![0]!.Target).toEqual({
      Attribute: 'Properties',
      Name: 'BillingMode',
      RequiresRecreation: 'Never',
    });
    // PROVISIONED needs throughput: the execution fails and rolls back.
    await cfn.send(new ExecuteChangeSetCommand({ ChangeSetName: 'second', StackName: 'cs' }));
    expect((await waitStack(cfn, 'cs')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const summary = await cfn.send(new GetTemplateSummaryCommand({ StackName: 'cs' }));
    expect(summary.Parameters).toEqual([
      {
        ParameterKey: 'Mode',
        DefaultValue: 'PAY_PER_REQUEST',
        ParameterType: 'String',
        NoEcho: false,
        ParameterConstraints: {},
      },
    ]);
    expect(summary.ResourceTypes).toEqual(['AWS::DynamoDB::Table']);
  });

  it('rejects change sets AWS rejects', async () => {
    expect(
      await error(
        cfn.send(new CreateChangeSetCommand({ StackName: 'nostack', ChangeSetName: 'x', TemplateBody: table() })),
      ),
    ).toBe('ValidationError: Stack [nostack] does not exist');
    await cfn.send(new CreateStackCommand({ StackName: 'exists', TemplateBody: table() }));
    await waitStack(cfn, 'exists');
    expect(
      await error(
        cfn.send(
          new CreateChangeSetCommand({
            StackName: 'exists',
            ChangeSetName: 'x',
            ChangeSetType: 'CREATE',
            TemplateBody: table(),
          }),
        ),
      ),
    ).toBe('AlreadyExistsException: Stack [exists] already exists and cannot be created again with the changeSet [x].');
    expect(await error(cfn.send(new DescribeChangeSetCommand({ StackName: 'exists', ChangeSetName: 'nope' })))).toBe(
      'ChangeSetNotFoundException: ChangeSet [nope] does not exist',
    );
  });
});

describe('exports and imports', () => {
  it('shares values across stacks and protects exports in use', async () => {
    const producer = (value: string) => `Resources:
  H: { Type: AWS::CloudFormation::WaitConditionHandle }
Outputs:
  Shared:
    Value: ${value}
    Export: { Name: !Sub '\${AWS::StackName}-shared' }
`;
    await cfn.send(new CreateStackCommand({ StackName: 'producer', TemplateBody: producer('hello') }));
    expect((await waitStack(cfn, 'producer')).StackStatus).toBe('CREATE_COMPLETE');
    const exports = await cfn.send(new ListExportsCommand({}));
    expect(exports.Exports).toEqual([
      { ExportingStackId: expect.stringContaining(':stack/producer/'), Name: 'producer-shared', Value: 'hello' },
    ]);

    await cfn.send(
      new CreateStackCommand({
        StackName: 'consumer',
        TemplateBody: `Resources:
  H: { Type: AWS::CloudFormation::WaitConditionHandle }
Outputs:
  Got: { Value: !Join ['-', [!ImportValue producer-shared, !ImportValue { 'Fn::Sub': 'producer-shared' }]] }
`,
      }),
    );
    const consumer = await waitStack(cfn, 'consumer');
    expect(consumer.Outputs![0]!.OutputValue).toBe('hello-hello');
    expect((await cfn.send(new ListImportsCommand({ ExportName: 'producer-shared' }))).Imports).toEqual(['consumer']);

    // A second stack cannot export the same name.
    await cfn.send(
      new CreateStackCommand({
        StackName: 'dup',
        TemplateBody: producer('x').replace("!Sub '${AWS::StackName}-shared'", 'producer-shared'),
      }),
    );
    const dup = await waitStack(cfn, 'dup');
    expect(dup.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect((await eventLines(cfn, 'dup', true)).join('\n')).toContain(
      'Export with name producer-shared is already exported by stack producer',
    );

    // An export in use can neither change nor go away.
    await cfn.send(new UpdateStackCommand({ StackName: 'producer', TemplateBody: producer('changed') }));
    const p = await waitStack(cfn, 'producer');
    expect(p.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect((await eventLines(cfn, 'producer', true)).join('\n')).toContain(
      'Export producer-shared cannot be updated as it is in use by consumer',
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'producer' }));
    const failed = await waitStack(cfn, 'producer');
    expect(failed.StackStatus).toBe('DELETE_FAILED');
    expect(failed.StackStatusReason).toBe('Export producer-shared cannot be deleted as it is in use by consumer');

    await cfn.send(new DeleteStackCommand({ StackName: 'consumer' }));
    await cfn.send(new DeleteStackCommand({ StackName: 'producer' }));
    expect(await error(cfn.send(new DescribeStacksCommand({ StackName: 'producer' })))).toBe(
      'ValidationError: Stack with id producer does not exist',
    );
    expect((await cfn.send(new ListExportsCommand({}))).Exports).toEqual([]);
    expect(await error(cfn.send(new ListImportsCommand({ ExportName: 'producer-shared' })))).toBe(
      "ValidationError: Export 'producer-shared' is not imported by any stack.",
    );
  });

  it('fails a stack importing a missing export', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'orphan',
        TemplateBody: `Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  X: { Value: !ImportValue missing-export }\n`,
      }),
    );
    const s = await waitStack(cfn, 'orphan');
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect((await eventLines(cfn, 'orphan', true)).join('\n')).toContain('No export named missing-export found.');
  });
});
