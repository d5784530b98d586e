import type { ProtocolName } from '../service.js';
import { awsJsonCodec } from './aws-json.js';
import type { ProtocolCodec } from './codec.js';
import { queryCodec } from './query.js';
import { restJsonCodec } from './rest-json.js';

/** Codecs by protocol. restXml slots in here with the S3 work. */
const CODECS: Partial<Record<ProtocolName, ProtocolCodec>> = {
  'awsJson1.0': awsJsonCodec('1.0'),
  'awsJson1.1': awsJsonCodec('1.1'),
  query: queryCodec,
  restJson1: restJsonCodec,
};

export function codecFor(protocol: ProtocolName): ProtocolCodec {
  const codec = CODECS[protocol];
  if (!codec) throw new Error(`protocol ${protocol} is not implemented yet`);
  return codec;
}
