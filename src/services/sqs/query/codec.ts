import type { ServiceModel } from '../../../core/model/types.js';
import { escapeXml as escapeCore } from '../../../core/protocols/xml.js';

/** XML text, with carriage returns kept (XML parsers would turn a raw CR into LF). */
export const escapeXml = (s: string): string => escapeCore(s).replace(/\r/g, '&#xD;');

/**
 * SQS's query protocol (what SDKs before the JSON switch and the AWS CLI v2.9 send): every list
 * and map is "flattened" under a singular name (`AttributeName.1`, `Attribute.1.Name`,
 * `MessageAttribute.1.Value.StringValue`, `SendMessageBatchRequestEntry.1.Id`), and responses
 * repeat elements the same way. The JSON model's member names map onto those names here.
 */
const MEMBER_NAMES: Record<string, string> = {
  Attributes: 'Attribute',
  tags: 'Tag',
  Tags: 'Tag',
  AttributeNames: 'AttributeName',
  MessageAttributeNames: 'MessageAttributeName',
  MessageSystemAttributeNames: 'MessageSystemAttributeName',
  MessageAttributes: 'MessageAttribute',
  MessageSystemAttributes: 'MessageSystemAttribute',
  TagKeys: 'TagKey',
  AWSAccountIds: 'AWSAccountId',
  Actions: 'ActionName',
  StringListValues: 'StringListValue',
  BinaryListValues: 'BinaryListValue',
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
};

function nameOf(model: ServiceModel, member: string, shapeName: string): string {
  const shape = model.shapes[shapeName];
  if (shape?.type === 'list') {
    const item = shape.member!.shape;
    if (model.shapes[item]?.type === 'structure') return item;
  }
  return MEMBER_NAMES[member] ?? member;
}

const mapKeyName = (member: string) => (member === 'Tags' || member === 'tags' ? 'Key' : 'Name');

/** Decodes form parameters into the JSON-shaped input of an operation. */
export function decodeQuery(model: ServiceModel, shapeName: string, params: URLSearchParams, prefix = ''): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return undefined;
  if (shape.type === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [member, ref] of Object.entries(shape.members ?? {})) {
      const name = nameOf(model, member, ref.shape);
      const key = prefix ? `${prefix}.${name}` : name;
      const sub = model.shapes[ref.shape];
      let v: unknown;
      if (sub?.type === 'list') {
        const items: unknown[] = [];
        for (let i = 1; ; i++) {
          const item = decodeQuery(model, sub.member!.shape, params, `${key}.${i}`);
          if (item === undefined) break;
          items.push(item);
        }
        v = items.length > 0 ? items : undefined;
      } else if (sub?.type === 'map') {
        const map: Record<string, unknown> = {};
        const keyName = mapKeyName(member);
        for (let i = 1; ; i++) {
          const k = params.get(`${key}.${i}.${keyName}`);
          if (k === null) break;
          map[k] = decodeQuery(model, sub.value!.shape, params, `${key}.${i}.Value`);
        }
        v = Object.keys(map).length > 0 ? map : undefined;
      } else {
        v = decodeQuery(model, ref.shape, params, key);
      }
      if (v !== undefined) out[member] = v;
    }
    return prefix && Object.keys(out).length === 0 ? undefined : out;
  }
  const raw = params.get(prefix);
  if (raw === null) return undefined;
  if (shape.type === 'integer' || shape.type === 'long') return /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (shape.type === 'boolean') return raw === 'true';
  return raw;
}

/** Encodes an operation's output as the query protocol's XML elements. */
export function encodeQuery(model: ServiceModel, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName];
  if (!shape || shape.type !== 'structure' || !value || typeof value !== 'object') return '';
  let xml = '';
  for (const [member, ref] of Object.entries(shape.members ?? {})) {
    const v = (value as Record<string, unknown>)[member];
    if (v === undefined || v === null) continue;
    const name = nameOf(model, member, ref.shape);
    const sub = model.shapes[ref.shape];
    if (sub?.type === 'list') {
      for (const item of v as unknown[]) xml += element(model, name, sub.member!.shape, item);
    } else if (sub?.type === 'map') {
      const keyName = mapKeyName(member);
      for (const [k, item] of Object.entries(v as Record<string, unknown>))
        xml += `<${name}><${keyName}>${escapeXml(k)}</${keyName}>${element(model, 'Value', sub.value!.shape, item)}</${name}>`;
    } else {
      xml += element(model, name, ref.shape, v);
    }
  }
  return xml;
}

function element(model: ServiceModel, tag: string, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName];
  if (shape?.type === 'structure') return `<${tag}>${encodeQuery(model, shapeName, value)}</${tag}>`;
  if (value instanceof Uint8Array) return `<${tag}>${Buffer.from(value).toString('base64')}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}
