import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../src/services/cloudformation/template/parse.js';
import { evaluate, NO_VALUE } from '../../src/services/cloudformation/template/intrinsics.js';
import type { EvalContext } from '../../src/services/cloudformation/template/intrinsics.js';
import { dependencyGraph, references } from '../../src/services/cloudformation/template/analyze.js';
import { resolveParameters } from '../../src/services/cloudformation/template/parameters.js';
import { s3Location } from '../../src/services/cloudformation/operations/prepare.js';

const ctx: EvalContext = {
  account: '123456789012',
  region: 'eu-west-1',
  stackName: 's',
  stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/x',
  notificationArns: [],
  parameters: { P: 'v', L: ['a', 'b'] },
  mappings: {},
  condition: (n) => n === 'Yes',
  resourceRef: (id) => `ref-${id}`,
  resourceAttr: (id, attr) => `${id}.${attr}`,
  importValue: (n) => `import-${n}`,
  isResource: (n) => n === 'R' || n === 'Q',
};

describe('template parsing', () => {
  it('reads every short form, nested, in scalars, sequences and maps', () => {
    const t = parseTemplate(`
A: !Ref R
B: !GetAtt R.Arn.Deep
C: !GetAtt [R, Arn]
D: !Sub
  - '\${X}-\${AWS::Region}'
  - X: !Select [0, !Split [',', !Join [',', [a, b]]]]
E: !If [Yes, !Base64 { 'Fn::Sub': hi }, !Ref AWS::NoValue]
F: !Equals [!Condition Yes, true]
G: !GetAZs ''
H: !ImportValue { 'Fn::Sub': 'x-\${P}' }
I: &anchor { k: 1 }
J: *anchor
K: 2010-09-09
`);
    expect(t).toEqual({
      A: { Ref: 'R' },
      B: { 'Fn::GetAtt': ['R', 'Arn.Deep'] },
      C: { 'Fn::GetAtt': ['R', 'Arn'] },
      D: {
        'Fn::Sub': [
          '${X}-${AWS::Region}',
          { X: { 'Fn::Select': [0, { 'Fn::Split': [',', { 'Fn::Join': [',', ['a', 'b']] }] }] } },
        ],
      },
      E: { 'Fn::If': ['Yes', { 'Fn::Base64': { 'Fn::Sub': 'hi' } }, { Ref: 'AWS::NoValue' }] },
      F: { 'Fn::Equals': [{ Condition: 'Yes' }, true] },
      G: { 'Fn::GetAZs': '' },
      H: { 'Fn::ImportValue': { 'Fn::Sub': 'x-${P}' } },
      I: { k: 1 },
      J: { k: 1 },
      K: '2010-09-09',
    });
  });

  it('keeps an unquoted account id with a leading zero as written, and reads `.` as a string', () => {
    expect(parseTemplate('A: 012345678998\nB: 123456789012\nC: .\nD: 0\nE: 1.5\n')).toEqual({
      A: '012345678998',
      B: 123456789012,
      C: '.',
      D: 0,
      E: 1.5,
    });
  });

  it('rejects malformed documents with AWS messages', () => {
    expect(() => parseTemplate('a: [')).toThrow(
      /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)$/,
    );
    expect(() => parseTemplate('{"a": ')).toThrow(/^Template format error: JSON not well-formed/);
    expect(() => parseTemplate('- a\n- b\n')).toThrow('Template format error: unsupported structure.');
    expect(() => parseTemplate('a: 1\na: 2\n')).toThrow(/YAML not well-formed/);
  });
});

describe('intrinsic evaluation', () => {
  it('drops AWS::NoValue from maps and lists and resolves Sub forms', () => {
    expect(evaluate({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }, 2] }, ctx, '')).toEqual({
      b: [1, 2],
    });
    expect(evaluate({ Ref: 'AWS::NoValue' }, ctx, '')).toBe(NO_VALUE);
    expect(evaluate({ 'Fn::Sub': '${R}/${R.Arn}/${P}/${L}/${AWS::AccountId}/${AWS::URLSuffix}/${!R}' }, ctx, '')).toBe(
      'ref-R/R.Arn/v/a,b/123456789012/amazonaws.com/${R}',
    );
    expect(evaluate({ 'Fn::ImportValue': { 'Fn::Sub': '${P}-x' } }, ctx, '')).toBe('import-v-x');
    expect(evaluate({ 'Fn::Cidr': ['192.168.0.0/24', 4, 6] }, ctx, '')).toEqual([
      '192.168.0.0/26',
      '192.168.0.64/26',
      '192.168.0.128/26',
      '192.168.0.192/26',
    ]);
    expect(evaluate({ 'Fn::GetAZs': { Ref: 'AWS::Region' } }, ctx, '')).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
  });

  it('reports errors with the path of the failing function', () => {
    expect(() => evaluate({ x: [{ 'Fn::Select': [3, ['a']] }] }, ctx, '/Resources/R/Properties')).toThrow(
      expect.objectContaining({
        path: '/Resources/R/Properties/x/0/Fn::Select',
        message: 'Fn::Select cannot select nonexistent value at index 3',
      }),
    );
    expect(() => evaluate({ 'Fn::Join': ['-'] }, ctx, '/Outputs/O/Value')).toThrow(
      /every Fn::Join object requires two parameters/,
    );
    expect(() => evaluate({ 'Fn::GetAtt': ['Nope', 'Arn'] }, ctx, '')).toThrow(
      'instance of Fn::GetAtt references undefined resource Nope',
    );
  });
});

describe('dependencies and parameters', () => {
  it('finds references through Ref, GetAtt, Sub (not in literals or Sub variables) and DependsOn', () => {
    expect([...references({ 'Fn::Sub': ['${A}-${B.Arn}-${!C}-${V}', { V: { Ref: 'D' } }] })].sort()).toEqual([
      'A',
      'B',
      'D',
    ]);
    const g = dependencyGraph({
      A: { Type: 'x' },
      B: { Type: 'x', DependsOn: 'A', Properties: { p: { 'Fn::GetAtt': 'C.Arn' } } },
      C: { Type: 'x' },
    });
    expect([...g.get('B')!].sort()).toEqual(['A', 'C']);
  });

  it('splits list parameters and applies previous values', () => {
    const t = {
      Parameters: {
        L: { Type: 'List<Number>' },
        C: { Type: 'CommaDelimitedList', Default: 'x, y' },
        S: { Type: 'String' },
      },
    };
    const r = resolveParameters(
      t,
      [
        { ParameterKey: 'L', ParameterValue: '1,2' },
        { ParameterKey: 'S', UsePreviousValue: true },
      ],
      { S: 'old' },
    );
    expect(r.typed).toEqual({ L: ['1', '2'], C: ['x', 'y'], S: 'old' });
    expect(r.values).toEqual({ L: '1,2', C: 'x, y', S: 'old' });
    expect(() =>
      resolveParameters(t, [
        { ParameterKey: 'L', ParameterValue: '1,x' },
        { ParameterKey: 'S', ParameterValue: 's' },
      ]),
    ).toThrow("Parameter 'L' must be a number.");
  });

  it('reads S3 URLs in every style', () => {
    expect(s3Location('https://s3.amazonaws.com/b/k/t.yaml')).toEqual({ bucket: 'b', key: 'k/t.yaml' });
    expect(s3Location('https://s3.eu-west-1.amazonaws.com/b/t.yaml?versionId=3')).toEqual({
      bucket: 'b',
      key: 't.yaml',
      versionId: '3',
    });
    expect(s3Location('https://my.bucket.s3.amazonaws.com/t.yaml')).toEqual({ bucket: 'my.bucket', key: 't.yaml' });
    expect(s3Location('https://b.s3.us-west-2.amazonaws.com/a%20b.yaml')).toEqual({ bucket: 'b', key: 'a b.yaml' });
    expect(s3Location('http://127.0.0.1:4566/b/t.yaml')).toEqual({ bucket: 'b', key: 't.yaml' });
    expect(s3Location('not a url')).toBeUndefined();
  });
});
