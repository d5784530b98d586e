import { randomBytes, randomUUID } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** DynamoDB-style request id: 52 characters of [0-9A-Z]. */
export function requestId52(): string {
  const bytes = randomBytes(52);
  let out = '';
  for (let i = 0; i < 52; i++) out += ALPHABET[bytes[i]! % 36];
  return out;
}

/** UUID-style request id used by most other AWS services. */
export function requestIdUuid(): string {
  return randomUUID();
}
