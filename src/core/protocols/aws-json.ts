import { coreErrors } from '../errors/aws-error.js';
import type { AwsError } from '../errors/aws-error.js';
import type { HttpResponse } from '../http/types.js';
import type { ServiceDefinition } from '../service.js';
import type { ProtocolCodec } from './codec.js';
import { RawJson } from './raw-json.js';

/** awsJson1.0 / awsJson1.1: POST /, `X-Amz-Target: Prefix.Operation`, JSON bodies, `__type` errors. */
export function awsJsonCodec(version: '1.0' | '1.1'): ProtocolCodec {
  const contentType = `application/x-amz-json-${version}`;
  return {
    operationName(req) {
      const target = req.headers['x-amz-target'];
      if (!target) return undefined;
      const dot = target.lastIndexOf('.');
      return dot < 0 ? undefined : target.slice(dot + 1);
    },

    decodeInput(req) {
      if (req.body.length === 0) return {};
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw coreErrors.serialization('Start of structure or map found where not expected.');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw coreErrors.serialization('Start of structure or map found where not expected.');
      }
      return parsed;
    },

    encodeOutput(_service, _operation, output): HttpResponse {
      const body = output instanceof RawJson ? output.text : JSON.stringify(output ?? {});
      return { status: 200, headers: { 'content-type': contentType }, body };
    },

    encodeError(service: ServiceDefinition, error: AwsError): HttpResponse {
      const namespace = error.namespace ?? defaultNamespace(service);
      const payload: Record<string, unknown> = { __type: `${namespace}#${error.code}` };
      if (error.message) payload['message'] = error.message;
      if (error.fields) Object.assign(payload, error.fields);
      return {
        status: error.status,
        headers: { 'content-type': contentType, ...(error.headers ?? {}) },
        body: JSON.stringify(payload),
      };
    },
  };
}

function defaultNamespace(service: ServiceDefinition): string {
  const prefix = service.model.metadata.targetPrefix ?? service.name;
  return `com.amazonaws.${service.model.metadata.endpointPrefix}.${prefix.toLowerCase().split('_').pop() ?? ''}`;
}
