// Read a CloudFormation/SAM template (JSON or YAML with the !Ref/!Sub/!GetAtt/... short forms).
import { isScalar, parseDocument, visit, type Tags } from 'yaml';

const FN = ['And', 'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAZs', 'If', 'ImportValue', 'Join', 'Length', 'Not', 'Or', 'Select', 'Split', 'Sub', 'ToJsonString', 'Transform', 'ForEach']; // prettier-ignore

function tag(name: string, key: string): Tags {
  const resolve = (v: unknown): unknown => ({ [key]: v });
  return [
    { tag: `!${name}`, resolve: (s: string) => resolve(s) },
    { tag: `!${name}`, collection: 'seq', resolve: (seq: any) => resolve(seq.toJSON()) },
    { tag: `!${name}`, collection: 'map', resolve: (map: any) => resolve(map.toJSON()) },
  ] as unknown as Tags;
}

const getAtt: Tags = [
  {
    tag: '!GetAtt',
    resolve: (s: string) => ({
      'Fn::GetAtt': s.split('.').length > 1 ? [s.slice(0, s.indexOf('.')), s.slice(s.indexOf('.') + 1)] : [s],
    }),
  },
  { tag: '!GetAtt', collection: 'seq', resolve: (seq: any) => ({ 'Fn::GetAtt': seq.toJSON() }) },
] as unknown as Tags;

/**
 * YAML 1.1 booleans as PyYAML (the SAM CLI's and translator's reader) resolves them: yes/no, true/false,
 * on/off in three casings — not the single letters y/n, so `AttributeType: N` stays the string "N".
 */
const BOOLS: Tags = [
  [true, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/],
  [false, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/],
].map(([value, test]) => ({
  identify: (v: unknown) => v === value,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test,
  resolve: () => value,
})) as unknown as Tags;

/**
 * YAML 1.1 numbers as PyYAML resolves them (its implicit int and float resolvers): a decimal int has
 * no leading zero, and a float has a digit before its dot or right after a leading one, its exponent
 * a sign. So `CodeUri: .` stays the string "." (the `yaml` library's 1.1 schema reads it as NaN), and
 * an account id such as `012345678998` stays a string, as do `1e5` and `_1`. Octal, hex, binary,
 * sexagesimal and `.inf`/`.nan` are the library's own, as PyYAML has them.
 */
const DECIMAL_INT = /^[-+]?(?:0|[1-9][0-9_]*)$/;
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/;
const NUMBERS: Tags = [
  {
    identify: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: DECIMAL_INT,
    resolve: (s: string) => Number.parseInt(s.replace(/_/g, ''), 10),
  },
  {
    identify: (v: unknown) => typeof v === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: PY_FLOAT,
    resolve: (s: string) => Number.parseFloat(s.replace(/_/g, '')),
  },
] as unknown as Tags;

/** The `yaml` library's 1.1 decimal int and plain and exponent floats, which NUMBERS replaces. */
const replacedNumber = (t: { tag?: string; format?: string; test?: RegExp }): boolean =>
  (t.tag === 'tag:yaml.org,2002:int' && t.format === undefined) ||
  (t.tag === 'tag:yaml.org,2002:float' && t.format !== 'TIME' && !t.test?.test('.inf'));

const TAGS: Tags = [
  ...tag('Ref', 'Ref'),
  ...tag('Condition', 'Condition'),
  ...getAtt,
  ...FN.flatMap((f) => tag(f, `Fn::${f}`)),
] as Tags;

/** Parse template text; JSON first, then YAML with CloudFormation tags. */
export function parseTemplate(text: string): Record<string, unknown> {
  const t = text.trimStart();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      // fall through: YAML is a superset of JSON
    }
  }
  const parsed = parseDocument(text, {
    // CloudFormation reads `2010-09-09` as the string it is, not a YAML 1.1 timestamp.
    customTags: (tags) => [
      ...BOOLS,
      ...NUMBERS,
      ...tags.filter((t) => {
        const known = t as { tag?: string; format?: string; test?: RegExp };
        return (
          !['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:bool'].includes(known.tag!) && !replacedNumber(known)
        );
      }),
      ...TAGS,
    ],
    version: '1.1',
    merge: true,
    uniqueKeys: false,
  });
  if (parsed.errors.length) throw parsed.errors[0]!;
  // `OpenApiVersion: 3.0` is the version string as written (YAML would make it the number 3).
  visit(parsed, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'OpenApiVersion' && isScalar(pair.value))
        if (typeof pair.value.value === 'number' && typeof pair.value.source === 'string')
          pair.value.value = pair.value.source;
    },
  });
  const doc = parsed.toJS({ maxAliasCount: -1 }) as unknown;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('template is not a mapping');
  return doc as Record<string, unknown>;
}
