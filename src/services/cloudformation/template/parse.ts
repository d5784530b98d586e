import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { cfnErrors } from '../errors.js';

export type Template = Record<string, any>;

/** Short-form tags whose long form is not `Fn::<Name>`. */
const SPECIAL_TAGS: Record<string, string> = { '!Ref': 'Ref', '!Condition': 'Condition' };

/** Parse a template body: JSON when it looks like JSON, else YAML with the CloudFormation short forms. */
export function parseTemplate(body: string): Template {
  const trimmed = body.trimStart();
  let parsed: unknown;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(body);
    } catch (e) {
      throw cfnErrors.templateFormat(`JSON not well-formed. (${(e as Error).message})`);
    }
  } else {
    const doc = parseDocument(body, { uniqueKeys: true, prettyErrors: false, strict: false });
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const pos = err.linePos?.[0];
      throw cfnErrors.templateFormat(`YAML not well-formed. (line ${pos?.line ?? 0}, column ${pos?.col ?? 0})`);
    }
    parsed = toJs(doc.contents as Node | null, doc);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw cfnErrors.templateFormat('unsupported structure.');
  return parsed as Template;
}

function toJs(node: Node | null | undefined, doc: Document): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return toJs(node.resolve(doc) as Node, doc);
  let value: unknown;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(toJs(pair.key as Node, doc));
      if (key === '<<' && isAlias(pair.value)) {
        Object.assign(out, toJs(pair.value as Node, doc) as object);
        continue;
      }
      out[key] = toJs(pair.value as Node | null, doc);
    }
    value = out;
  } else if (isSeq(node)) {
    value = node.items.map((item) => toJs(item as Node, doc));
  } else if (isScalar(node)) {
    value = node.value;
    // A decimal with a leading zero and an 8 or 9 in it is no number to a YAML 1.1 reader (PyYAML, the
    // SAM CLI's): an unquoted account id such as 012345678998 keeps its zero rather than losing it.
    if (typeof value === 'number' && typeof node.source === 'string' && /^[-+]?0[0-9_]*[89]/.test(node.source))
      value = node.source;
  } else {
    value = null;
  }
  const tag = node.tag;
  if (!tag || !tag.startsWith('!') || tag.startsWith('!!') || tag.startsWith('tag:')) return value;
  const name = SPECIAL_TAGS[tag] ?? `Fn::${tag.slice(1)}`;
  if (name === 'Fn::GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [name]: value ?? '' };
}
