import type { Clock } from './clock.js';
import type { HttpMount } from './http/mount.js';
import type { Logger } from './log.js';
import type { ServiceModel } from './model/types.js';
import type { ProtocolCodec } from './protocols/codec.js';

export type ProtocolName = 'awsJson1.0' | 'awsJson1.1' | 'query' | 'restJson1' | 'restXml';

/** What an operation handler knows about its caller. Services never see HTTP. */
export interface OperationContext {
  requestId: string;
  account: string;
  region: string;
  accessKeyId: string;
  /** ARN of the calling principal. */
  principalArn: string;
  clock: Clock;
  log: Logger;
  /** Host header of the request (for URLs a service hands back). */
  host: string;
}

export type OperationHandler<In = any, Out = any> = (input: In, ctx: OperationContext) => Promise<Out> | Out;

/** A parsed request body an operation may prefer to read raw (hot paths). */
export interface ServiceDefinition {
  /** Short name, e.g. `dynamodb`. */
  name: string;
  /** SigV4 signing name, e.g. `dynamodb`, `sts`. */
  signingName: string;
  /** The service's protocol (its default when it speaks several). */
  protocol: ProtocolName;
  /**
   * Every protocol the service speaks, when more than `protocol` (e.g. SQS: `['awsJson1.0', 'query']`).
   * The codec is chosen per request: X-Amz-Target → awsJson, a form-encoded `Action=` → query,
   * anything else → the REST protocol or `protocol` (see protocols/select.ts).
   */
  protocols?: readonly ProtocolName[];
  /** The service's own dialect of a protocol, replacing the core's codec for it (SQS's query). */
  codecs?: Partial<Record<ProtocolName, ProtocolCodec>>;
  /** The botocore-derived model: shapes, constraints, operations. */
  model: ServiceModel;
  /** Operation handlers by operation name. Operations of the model without a handler answer UnknownOperation. */
  operations: Record<string, OperationHandler>;
  /** Request id style: DynamoDB uses 52 [0-9A-Z] characters. */
  requestId?: () => string;
  /** Extra response headers computed from the final body (e.g. x-amz-crc32). */
  responseHeaders?: (body: Buffer | string) => Record<string, string>;
  /** Validate input against the model's constraints before the handler (default true). */
  validateInput?: boolean;
  /** Replaces the default model validation when the service's server-side rules differ. */
  validate?: (operation: string, input: unknown) => void;
  /** Unsigned query-protocol requests to these paths are this service's (SQS's queue URLs). */
  unsignedQueryPaths?: RegExp;
  /** Largest request body (default 20 MiB). */
  maxBodyBytes?: number;
  /** HTTP data planes this service serves beside its API (matched before the body is read). */
  mounts?: HttpMount[];
  /** Called once at shutdown. */
  close?: () => Promise<void> | void;
}
