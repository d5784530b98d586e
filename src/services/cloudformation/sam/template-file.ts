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
      ...tags.filter(
        (t) => !['tag:yaml.org,2002:timestamp', 'tag:yaml.org,2002:bool'].includes((t as { tag?: string }).tag!),
      ),
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
