import { coreErrors } from '../errors/aws-error.js';
import type { AwsError } from '../errors/aws-error.js';
import type { HttpResponse } from '../http/types.js';
import type { ServiceDefinition } from '../service.js';
import type { ProtocolCodec } from './codec.js';
import { decodeBindings, encodeBindings } from './rest-bindings.js';
import { fromWireNames, toWireNames } from './json-names.js';
import { matchRoute } from './rest-routes.js';
import type { ServiceModel } from '../model/types.js';

/**
 * A raw payload an operation returns (e.g. Lambda Invoke's function response): written as the body
 * as it is, with the given content type, beside the output's header members.
 */
export class RawPayload {
  constructor(
    readonly body: Buffer | string,
    readonly contentType: string,
  ) {}
}

/** How one service's restJson1 bodies differ from the core's defaults. */
export interface RestJsonOptions {
  /** A parsed body (wire names) as members of `shapeName` (default: json-names.ts `fromWireNames`). */
  fromWire?: (model: ServiceModel, shapeName: string, value: unknown) => unknown;
  /** An output (member names) as its wire form (default: json-names.ts `toWireNames`). */
  toWire?: (model: ServiceModel, shapeName: string, value: unknown) => unknown;
  /** The error for a body that is not JSON (`json`) or not a JSON object (`object`). Default SerializationException. */
  badBody?: (problem: 'json' | 'object') => AwsError;
  /** The error for a route naming no operation the service implements. */
  unknownOperation?: ProtocolCodec['unknownOperation'];
}

const defaultBadBody = () => coreErrors.serialization('Could not parse request body into json');

/** restJson1: operation from method + URI template, members bound to URI/query/headers, JSON body. */
export function createRestJsonCodec(options: RestJsonOptions = {}): ProtocolCodec {
  const fromWire = options.fromWire ?? fromWireNames;
  const toWire = options.toWire ?? toWireNames;
  const badBody = options.badBody ?? defaultBadBody;
  const parseJsonObject = (body: Buffer): Record<string, unknown> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badBody('json');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badBody('object');
    return parsed as Record<string, unknown>;
  };
  const codec: ProtocolCodec = {
    operationName(req, service) {
      return matchRoute(service.model, req)?.operation;
    },

    decodeInput(req, service, operation) {
      const shapeName = service.model.operations[operation]?.input;
      if (!shapeName) return {};
      const shape = service.model.shapes[shapeName]!;
      const { input, bodyMembers } = decodeBindings(
        service.model,
        shape,
        req,
        matchRoute(service.model, req)?.labels ?? {},
      );
      const payloadMember = shape.payload;
      if (payloadMember) {
        const ref = shape.members![payloadMember]!;
        const target = service.model.shapes[ref.shape];
        if (target?.type === 'blob' || target?.type === 'string') {
          if (req.body.length > 0) input[payloadMember] = target.type === 'blob' ? req.body : req.body.toString('utf8');
        } else if (req.body.length > 0) {
          input[payloadMember] = fromWire(service.model, ref.shape, parseJsonObject(req.body));
        }
        return input;
      }
      if (bodyMembers.length > 0 && req.body.length > 0) {
        const body = fromWire(service.model, shapeName, parseJsonObject(req.body)) as Record<string, unknown>;
        for (const name of bodyMembers) if (name in body) input[name] = body[name];
      }
      return input;
    },

    encodeOutput(service, operation, output) {
      const op = service.model.operations[operation];
      const shape = op?.output ? service.model.shapes[op.output] : undefined;
      const { headers, status, body } = encodeBindings(service.model, shape, (output ?? {}) as Record<string, unknown>);
      const code = status ?? op?.http?.responseCode ?? 200;
      const payloadMember = shape?.payload;
      if (payloadMember) {
        const payload = body[payloadMember];
        if (payload instanceof RawPayload) {
          return { status: code, headers: { 'content-type': payload.contentType, ...headers }, body: payload.body };
        }
        if (Buffer.isBuffer(payload))
          return { status: code, headers: { 'content-type': 'application/octet-stream', ...headers }, body: payload };
        if (payload === undefined) return { status: code, headers, body: '' };
        const payloadShape = shape!.members![payloadMember]!.shape;
        return {
          status: code,
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(toWire(service.model, payloadShape, payload)),
        };
      }
      if (code === 204) return { status: code, headers, body: '' };
      const wire = op?.output ? toWire(service.model, op.output, body) : body;
      return { status: code, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(wire) };
    },

    encodeError(_service: ServiceDefinition, error: AwsError): HttpResponse {
      const payload: Record<string, unknown> = { ...(error.fields ?? {}) };
      if (!('Message' in payload) && !('message' in payload)) payload['message'] = error.message;
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code, ...(error.headers ?? {}) },
        body: JSON.stringify(payload),
      };
    },
  };
  if (options.unknownOperation) codec.unknownOperation = options.unknownOperation;
  return codec;
}

/** restJson1 with the core's defaults. */
export const restJsonCodec: ProtocolCodec = createRestJsonCodec();
