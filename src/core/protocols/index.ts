import type { ProtocolName } from '../service.js';
import { awsJsonCodec } from './aws-json.js';
import type { ProtocolCodec } from './codec.js';
import { queryCodec } from './query.js';

/** Codecs by protocol. restJson1 and restXml slot in here with the Lambda and S3 work. */
const CODECS: Partial<Record<ProtocolName, ProtocolCodec>> = {
  'awsJson1.0': awsJsonCodec('1.0'),
  'awsJson1.1': awsJsonCodec('1.1'),
  query: queryCodec,
};

export function codecFor(protocol: ProtocolName): ProtocolCodec {
  const codec = CODECS[protocol];
  if (!codec) throw new Error(`protocol ${protocol} is not implemented yet`);
  return codec;
}
