import type { AttributeValue, Item } from '../types.js';

/** An Ion symbol, always quoted: `'name'`. */
const ionSymbol = (s: string) =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

/** One AttributeValue in Ion text, as DynamoDB's ION exports write it (sets annotated `$dynamodb_SS::` …). */
export function ionValue(v: AttributeValue): string {
  if ('S' in v) return JSON.stringify(v.S);
  if ('N' in v) return v.N;
  if ('B' in v) return `{{${v.B}}}`;
  if ('BOOL' in v) return v.BOOL ? 'true' : 'false';
  if ('NULL' in v) return 'null';
  if ('SS' in v) return `$dynamodb_SS::[${v.SS.map((s) => JSON.stringify(s)).join(',')}]`;
  if ('NS' in v) return `$dynamodb_NS::[${v.NS.join(',')}]`;
  if ('BS' in v) return `$dynamodb_BS::[${v.BS.map((b) => `{{${b}}}`).join(',')}]`;
  if ('L' in v) return `[${v.L.map(ionValue).join(',')}]`;
  return ionStruct(v.M);
}

export const ionStruct = (m: Item): string =>
  `{${Object.entries(m)
    .map(([k, v]) => `${ionSymbol(k)}:${ionValue(v)}`)
    .join(',')}}`;

/** One line of a full export's data file. */
export function fullExportLine(format: 'DYNAMODB_JSON' | 'ION', item: string): string {
  return format === 'ION' ? `$ion_1_0 {Item:${ionStruct(JSON.parse(item) as Item)}}\n` : `{"Item":${item}}\n`;
}

/** One line of an incremental export: Metadata, Keys, and the images the view type asks for. */
export function incrementalLine(
  format: 'DYNAMODB_JSON' | 'ION',
  change: { keys: Item; newImage?: Item; oldImage?: Item; writeMicros: number },
): string {
  if (format === 'ION') {
    const parts = [`Metadata:{WriteTimestampMicros:${change.writeMicros}}`, `Keys:${ionStruct(change.keys)}`];
    if (change.newImage) parts.push(`NewImage:${ionStruct(change.newImage)}`);
    if (change.oldImage) parts.push(`OldImage:${ionStruct(change.oldImage)}`);
    return `$ion_1_0 {${parts.join(',')}}\n`;
  }
  const out: Record<string, unknown> = {
    Metadata: { WriteTimestampMicros: { N: String(change.writeMicros) } },
    Keys: change.keys,
  };
  if (change.newImage) out['NewImage'] = change.newImage;
  if (change.oldImage) out['OldImage'] = change.oldImage;
  return JSON.stringify(out) + '\n';
}
