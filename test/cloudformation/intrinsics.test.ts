import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateStackCommand, ValidateTemplateCommand } from '@aws-sdk/client-cloudformation';
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

let n = 0;
/** Create a stack from `body` and answer its outputs by key. */
async function outputs(body: string, parameters: Record<string, string> = {}): Promise<Record<string, string>> {
  const name = `intr-${++n}`;
  await cfn.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: body,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  const s = await waitStack(cfn, name);
  expect(s.StackStatus, s.StackStatusReason).toBe('CREATE_COMPLETE');
  return Object.fromEntries((s.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

async function createError(body: string, parameters: Record<string, string> = {}): Promise<string> {
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: `err-${++n}`,
        TemplateBody: body,
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
      }),
    );
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

const HANDLE = `  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n`;

describe('intrinsic functions (YAML short forms)', () => {
  it('evaluates every intrinsic and pseudo parameter', async () => {
    const out = await outputs(
      `
Parameters:
  Env: { Type: String, Default: prod, AllowedValues: [dev, prod] }
  Nums: { Type: List<Number>, Default: '1,2,3' }
  Names: { Type: CommaDelimitedList, Default: 'a, b ,c' }
Mappings:
  Sizes:
    prod: { Mem: '1024', Zones: 3 }
    dev: { Mem: '128', Zones: 1 }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals ['1', '1']]
  Either: !Or [!Condition IsDev, !Equals [a, b]]
Resources:
${HANDLE}  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  OnlyDev:
    Type: AWS::CloudFormation::WaitConditionHandle
    Condition: IsDev
Outputs:
  Ref: { Value: !Ref Env }
  Account: { Value: !Ref AWS::AccountId }
  Region: { Value: !Ref 'AWS::Region' }
  StackName: { Value: !Ref AWS::StackName }
  StackId: { Value: !Ref AWS::StackId }
  Partition: { Value: !Ref AWS::Partition }
  UrlSuffix: { Value: !Ref AWS::URLSuffix }
  RoleArn: { Value: !GetAtt Role.Arn }
  RoleArnList: { Value: !GetAtt [Role, Arn] }
  SubString: { Value: !Sub '\${AWS::Region}-\${Env}-\${Role.Arn}-\${!Literal}' }
  SubVars: { Value: !Sub ['\${A}-\${B}', { A: !Ref Env, B: !Select [1, !Ref Names] }] }
  Join: { Value: !Join [':', [a, !Ref Env, !Join ['', [x, y]]]] }
  JoinList: { Value: !Join ['+', !Ref Nums] }
  Select: { Value: !Select ['2', !Ref Nums] }
  Split: { Value: !Select [1, !Split ['/', 'a/b/c']] }
  If: { Value: !If [IsProd, big, small] }
  IfNoValue: { Value: !Join [',', [a, !If [IsDev, b, !Ref AWS::NoValue], c]] }
  Both: { Value: !If [Both, yes, no] }
  Either: { Value: !If [Either, yes, no] }
  FindInMap: { Value: !FindInMap [Sizes, !Ref Env, Mem] }
  FindInMapNumber: { Value: !FindInMap [Sizes, dev, Zones] }
  GetAZs: { Value: !Join [',', !GetAZs ''] }
  GetAZsRegion: { Value: !Select [0, !GetAZs eu-west-1] }
  Base64: { Value: !Base64 hello }
  Cidr: { Value: !Join [',', !Cidr ['10.0.0.0/16', 3, 8]] }
  ToJson: { Value: !ToJsonString { a: [1, !Ref Env] } }
  Length: { Value: !Length [a, b, c] }
  NamesTrimmed: { Value: !Join ['|', !Ref Names] }
  Conditional:
    Condition: IsDev
    Value: never
`,
    );
    expect(out).toMatchObject({
      Ref: 'prod',
      Account: '000000000000',
      Region: 'us-east-1',
      StackName: 'intr-1',
      Partition: 'aws',
      UrlSuffix: 'amazonaws.com',
      SubVars: 'prod-b',
      Join: 'a:prod:xy',
      JoinList: '1+2+3',
      Select: '3',
      Split: 'b',
      If: 'big',
      IfNoValue: 'a,c',
      Both: 'yes',
      Either: 'no',
      FindInMap: '1024',
      FindInMapNumber: '1',
      GetAZs: 'us-east-1a,us-east-1b,us-east-1c',
      GetAZsRegion: 'eu-west-1a',
      Base64: 'aGVsbG8=',
      Cidr: '10.0.0.0/24,10.0.1.0/24,10.0.2.0/24',
      ToJson: '{"a":[1,"prod"]}',
      Length: '3',
      NamesTrimmed: 'a|b|c',
    });
    expect(out['StackId']).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/intr-1\/[0-9a-f-]{36}$/);
    expect(out['RoleArn']).toMatch(/^arn:aws:iam::000000000000:role\/intr-1-Role-[A-Z0-9]{12}$/);
    expect(out['RoleArnList']).toBe(out['RoleArn']);
    expect(out['SubString']).toBe(`us-east-1-prod-${out['RoleArn']}-\${Literal}`);
    expect(out).not.toHaveProperty('Conditional');
  });

  it('evaluates the JSON long forms and a parameter-driven condition', async () => {
    const out = await outputs(
      JSON.stringify({
        Parameters: { Env: { Type: 'String' } },
        Conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Env' }, 'dev'] } },
        Resources: { H: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        Outputs: {
          A: { Value: { 'Fn::If': ['IsDev', { 'Fn::Sub': '${Env}!' }, 'no'] } },
          C: { Value: { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Join': [',', ['p', 'q']] }] }] } },
          D: { Value: { Ref: 'H' } },
        },
      }),
      { Env: 'dev' },
    );
    expect(out['A']).toBe('dev!');
    expect(out['C']).toBe('p');
    expect(out['D']).toMatch(/^https:\/\/cloudformation-waitcondition-us-east-1\.s3\.amazonaws\.com\/.*intr-2.*\/H$/);
  });

  it('reports template errors with their paths', async () => {
    expect(
      await createError(
        `Resources:\n  A:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Properties: { X: !Ref Nope }\n`,
      ),
    ).toBe(
      'ValidationError: Template format error: [/Resources/A/Properties] Unresolved resource dependencies [Nope] in the Resources block of the template',
    );
    expect(await createError(`Resources: {}\n`)).toBe(
      'ValidationError: Template format error: [/Resources] At least one Resources member must be defined.',
    );
    expect(await createError(`Resources:\n  A: { Properties: {} }\n`)).toContain(
      '[/Resources/A] Every Resources object must contain a Type member.',
    );
    expect(
      await createError(
        `Resources:\n  A:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Properties: { X: !Bogus 1 }\n`,
      ),
    ).toContain('Encountered unsupported function: Fn::Bogus');
    expect(await createError(`Resources: [\n`)).toMatch(
      /^ValidationError: Template format error: YAML not well-formed/,
    );
    expect(await createError(`{"Resources": `)).toMatch(
      /^ValidationError: Template format error: JSON not well-formed/,
    );
    expect(
      await createError(
        `Resources:\n  A:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    DependsOn: B\n  B:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    DependsOn: A\n`,
      ),
    ).toBe('ValidationError: Circular dependency between resources: [A, B]');
    expect(await createError(`Resources:\n  A:\n    Type: AWS::SNS::Topic\n`)).toContain(
      'Unrecognized resource types: [AWS::SNS::Topic]',
    );
    expect(
      await createError(
        `Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties: {}\nOutputs:\n  X: { Value: !Sub '\${R.Nope}' }\n`,
      ),
    ).toBe('ValidationError: Template error: resource R does not support attribute type Nope in Fn::GetAtt');
    // Several errors are reported together, each with its path.
    const many = await createError(
      `Resources:\n  A:\n    Type: AWS::CloudFormation::WaitConditionHandle\n    Properties: { X: !Ref Nope }\n    Condition: Missing\n`,
    );
    expect(many).toContain('[/Resources/A/Condition] Unresolved condition dependencies [Missing]');
    expect(many).toContain('[/Resources/A/Properties] Unresolved resource dependencies [Nope]');
  });

  it('checks the Rules section against parameter values', async () => {
    const body = `Parameters:
  Env: { Type: String, Default: test }
  Size: { Type: String, Default: small }
  Zones: { Type: CommaDelimitedList, Default: 'a,b' }
Rules:
  ProdIsLarge:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: !Equals [!Ref Size, large]
        AssertDescription: Production needs Size large
  KnownZones:
    Assertions:
      - Assert: { 'Fn::EachMemberIn': [!Ref Zones, [a, b, c]] }
        AssertDescription: Zones must be a, b or c
      - Assert: { 'Fn::Contains': [[small, large], !Ref Size] }
        AssertDescription: Size must be small or large
Resources:
${HANDLE}`;
    expect(await createError(body, { Env: 'prod' })).toBe('ValidationError: Production needs Size large');
    expect(await createError(body, { Zones: 'a,d' })).toBe('ValidationError: Zones must be a, b or c');
    expect(await createError(body, { Size: 'huge' })).toBe('ValidationError: Size must be small or large');
    expect(await outputs(body, { Env: 'prod', Size: 'large' })).toEqual({});
  });

  it('fails the stack on runtime intrinsic errors with the path', async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: 'intr-runtime',
        TemplateBody: `Resources:\n${HANDLE}Outputs:\n  X: { Value: !Select [5, [a, b]] }\n`,
      }),
    );
    const s = await waitStack(cfn, 'intr-runtime');
    expect(s.StackStatus).toBe('ROLLBACK_COMPLETE');
    const lines = await eventLines(cfn, 'intr-runtime', true);
    expect(lines.find((l) => l.startsWith('intr-runtime ROLLBACK_IN_PROGRESS'))).toContain(
      '[/Outputs/X/Value/Fn::Select] Fn::Select cannot select nonexistent value at index 5',
    );
  });

  it('ValidateTemplate describes parameters and capabilities', async () => {
    const v = await cfn.send(
      new ValidateTemplateCommand({
        TemplateBody: `Description: d\nParameters:\n  P: { Type: String, Default: x, NoEcho: true, Description: pd }\n  Q: { Type: Number }\nResources:\n  R: { Type: AWS::IAM::Role, Properties: {} }\n`,
      }),
    );
    expect(v.Description).toBe('d');
    expect(v.Parameters).toEqual([
      { ParameterKey: 'P', DefaultValue: 'x', NoEcho: true, Description: 'pd' },
      { ParameterKey: 'Q', NoEcho: false },
    ]);
    expect(v.Capabilities).toEqual(['CAPABILITY_IAM']);
  });
});
