import * as crypto from 'node:crypto';

/** A message attribute as stored: binary values as base64 (as the JSON protocol carries them). */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** crypto.hash (Node ≥ 20.12): a one-shot digest, half the cost of a Hash object for a message body. */
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;

export function md5Hex(value: string | Buffer): string {
  return oneShot ? oneShot('md5', value, 'hex') : crypto.createHash('md5').update(value).digest('hex');
}

/**
 * MD5OfMessageAttributes as SQS computes it (and SDKs verify it): attributes sorted by name; each
 * as length-prefixed (4-byte big-endian) name and data type, a transport byte (1 string, 2 binary)
 * and the length-prefixed value.
 */
export function md5OfAttributes(attributes: Record<string, StoredAttribute> | undefined): string | undefined {
  if (!attributes) return undefined;
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    parts.push(len, b);
  };
  for (const name of names) {
    const a = attributes[name]!;
    field(Buffer.from(name, 'utf8'));
    field(Buffer.from(a.DataType, 'utf8'));
    if (a.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]));
      field(Buffer.from(a.BinaryValue, 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      field(Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

/** Bytes an attribute counts toward the message size: name, data type and value. */
export function attributesSize(attributes: Record<string, StoredAttribute> | undefined): number {
  let size = 0;
  for (const [name, a] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType);
    size +=
      a.BinaryValue !== undefined
        ? Buffer.from(a.BinaryValue, 'base64').length
        : Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}
