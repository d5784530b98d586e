import { coreErrors } from '../errors/aws-error.js';
import type { AwsError } from '../errors/aws-error.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { ServiceModel } from '../model/types.js';
import type { ServiceDefinition } from '../service.js';
import type { ProtocolCodec } from './codec.js';
import { escapeXml, shapeToXml } from './xml.js';

/** Form parameters of a query-protocol request (body for POST, URL for GET). */
export function queryParams(req: HttpRequest): URLSearchParams {
  if (req.method === 'POST' && req.body.length > 0) return new URLSearchParams(req.body.toString('utf8'));
  return req.query;
}

/** Decode flattened form keys (`A.member.1.B`, `M.entry.1.key`) into a structure, guided by the model. */
export function decodeQueryStructure(
  model: ServiceModel,
  shapeName: string,
  params: Map<string, string>,
  prefix: string,
): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return undefined;
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const key = prefix ? `${prefix}.${ref.locationName ?? name}` : (ref.locationName ?? name);
        const v = decodeQueryStructure(model, ref.shape, params, key);
        if (v !== undefined) out[name] = v;
      }
      return prefix && Object.keys(out).length === 0 ? undefined : out;
    }
    case 'list': {
      const items: unknown[] = [];
      const base = shape.flattened ? prefix : `${prefix}.${shape.member?.locationName ?? 'member'}`;
      if (!shape.flattened && params.get(prefix) === '') return [];
      for (let i = 1; ; i++) {
        const v = decodeQueryStructure(model, shape.member!.shape, params, `${base}.${i}`);
        if (v === undefined) break;
        items.push(v);
      }
      return items.length ? items : undefined;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      const base = shape.flattened ? prefix : `${prefix}.entry`;
      for (let i = 1; ; i++) {
        const k = params.get(`${base}.${i}.key`);
        if (k === undefined) break;
        out[k] = decodeQueryStructure(model, shape.value!.shape, params, `${base}.${i}.value`);
      }
      return Object.keys(out).length ? out : undefined;
    }
    default: {
      const raw = params.get(prefix);
      if (raw === undefined) return undefined;
      if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'double' || shape.type === 'float') {
        const n = Number(raw);
        if (Number.isNaN(n))
          throw coreErrors.validation(
            `Value '${raw}' at '${prefix}' failed to satisfy constraint: Member must be a number`,
          );
        return n;
      }
      if (shape.type === 'boolean') return raw === 'true';
      return raw;
    }
  }
}

function xmlNamespace(service: ServiceDefinition): string {
  return (
    service.model.metadata.xmlNamespace ??
    `https://${service.model.metadata.endpointPrefix}.amazonaws.com/doc/${service.model.metadata.apiVersion}/`
  );
}

/** Core error codes as query-protocol services spell them. */
const QUERY_CODES: Record<string, string> = {
  ValidationException: 'ValidationError',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  UnknownOperationException: 'InvalidAction',
};

export const queryCodec: ProtocolCodec = {
  operationName(req) {
    return queryParams(req).get('Action') ?? undefined;
  },

  decodeInput(req, service, operation) {
    const inputShape = service.model.operations[operation]?.input;
    if (!inputShape) return {};
    const params = new Map(queryParams(req));
    return decodeQueryStructure(service.model, inputShape, params, '') ?? {};
  },

  encodeOutput(service, operation, output, requestId): HttpResponse {
    const op = service.model.operations[operation];
    const wrapper = op?.resultWrapper ?? `${operation}Result`;
    const result = op?.output ? shapeToXml(service.model, op.output, output ?? {}, wrapper) : '';
    const body =
      `<${operation}Response xmlns="${xmlNamespace(service)}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  },

  encodeError(service, error: AwsError, requestId): HttpResponse {
    const body =
      `<ErrorResponse xmlns="${xmlNamespace(service)}"><Error><Type>${error.fault}</Type>` +
      `<Code>${escapeXml(QUERY_CODES[error.code] ?? error.code)}</Code>` +
      `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: error.status, headers: { 'content-type': 'text/xml', ...(error.headers ?? {}) }, body };
  },
};
