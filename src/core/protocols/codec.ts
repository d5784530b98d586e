import type { AwsError } from '../errors/aws-error.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import type { ServiceDefinition } from '../service.js';

/** One AWS protocol: how operations are named, inputs decoded, outputs and errors encoded. */
export interface ProtocolCodec {
  /** The operation a request names, or undefined when it names none. */
  operationName(req: HttpRequest, service: ServiceDefinition): string | undefined;
  decodeInput(req: HttpRequest, service: ServiceDefinition, operation: string): unknown;
  encodeOutput(service: ServiceDefinition, operation: string, output: unknown, requestId: string): HttpResponse;
  encodeError(service: ServiceDefinition, error: AwsError, requestId: string): HttpResponse;
  /** The error for a request naming no operation the service serves (default: UnknownOperationException). */
  unknownOperation?(req: HttpRequest, operation: string | undefined): AwsError;
}
