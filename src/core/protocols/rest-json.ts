import { coreErrors } from '../errors/aws-error.js';
import type { AwsError } from '../errors/aws-error.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { ServiceDefinition } from '../service.js';
import type { ProtocolCodec } from './codec.js';
import { decodeBindings, encodeBindings } from './rest-bindings.js';
import { fromWireNames, toWireNames } from './json-names.js';
import { matchRoute } from './rest-routes.js';
import type { RouteMatch } from './rest-routes.js';

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

const matches = new WeakMap<HttpRequest, RouteMatch>();

/** restJson1: operation from method + URI template, members bound to URI/query/headers, JSON body. */
export const restJsonCodec: ProtocolCodec = {
  operationName(req, service) {
    const match = matchRoute(service.model, req);
    if (!match) return undefined;
    matches.set(req, match);
    return match.operation;
  },

  decodeInput(req, service, operation) {
    const shapeName = service.model.operations[operation]?.input;
    if (!shapeName) return {};
    const shape = service.model.shapes[shapeName]!;
    const { input, bodyMembers } = decodeBindings(service.model, shape, req, matches.get(req)?.labels ?? {});
    const payloadMember = shape.payload;
    if (payloadMember) {
      const ref = shape.members![payloadMember]!;
      const target = service.model.shapes[ref.shape];
      if (target?.type === 'blob' || target?.type === 'string') {
        if (req.body.length > 0) input[payloadMember] = target.type === 'blob' ? req.body : req.body.toString('utf8');
      } else if (req.body.length > 0) {
        input[payloadMember] = fromWireNames(service.model, ref.shape, parseJsonObject(req.body));
      }
      return input;
    }
    if (bodyMembers.length > 0 && req.body.length > 0) {
      const body = fromWireNames(service.model, shapeName, parseJsonObject(req.body)) as Record<string, unknown>;
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
        body: JSON.stringify(toWireNames(service.model, payloadShape, payload)),
      };
    }
    if (code === 204) return { status: code, headers, body: '' };
    const wire = op?.output ? toWireNames(service.model, op.output, body) : body;
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

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw coreErrors.serialization('Could not parse request body into json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw coreErrors.serialization('Could not parse request body into json');
  }
  return parsed as Record<string, unknown>;
}
