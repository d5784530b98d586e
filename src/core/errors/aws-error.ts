/**
 * One error type for every service. Services throw AwsError; the protocol codec of the
 * request serialises it (`__type` for awsJson, `<Error><Code>` for query/restXml, ...).
 */
export interface AwsErrorOptions {
  /** HTTP status; 400 unless given. */
  status?: number;
  /** Full namespace for awsJson `__type`, e.g. `com.amazon.coral.validate`. Defaults to the service namespace. */
  namespace?: string;
  /** Extra members serialised beside `message` (e.g. `Item`, `CancellationReasons`). */
  fields?: Record<string, unknown>;
  /** `Sender` (default) or `Receiver` for query/xml protocols. */
  fault?: 'Sender' | 'Receiver';
  /** Extra response headers. */
  headers?: Record<string, string>;
}

export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly namespace: string | undefined;
  readonly fields: Record<string, unknown> | undefined;
  readonly fault: 'Sender' | 'Receiver';
  readonly headers: Record<string, string> | undefined;

  constructor(code: string, message: string, options: AwsErrorOptions = {}) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = options.status ?? 400;
    this.namespace = options.namespace;
    this.fields = options.fields;
    this.fault = options.fault ?? (this.status >= 500 ? 'Receiver' : 'Sender');
    this.headers = options.headers;
  }
}

export const CORAL_VALIDATE = 'com.amazon.coral.validate';
export const CORAL_SERVICE = 'com.amazon.coral.service';
export const CORAL_AVAILABILITY = 'com.amazon.coral.availability';

/** Errors the core itself raises, shared by every protocol. */
export const coreErrors = {
  validation: (message: string) => new AwsError('ValidationException', message, { namespace: CORAL_VALIDATE }),
  serialization: (message?: string) =>
    new AwsError('SerializationException', message ?? '', { namespace: CORAL_SERVICE }),
  unknownOperation: () => new AwsError('UnknownOperationException', '', { namespace: CORAL_SERVICE }),
  missingAuthenticationToken: (message = 'Request is missing Authentication Token') =>
    new AwsError('MissingAuthenticationTokenException', message, { namespace: CORAL_SERVICE, status: 400 }),
  incompleteSignature: (message: string) =>
    new AwsError('IncompleteSignatureException', message, { namespace: CORAL_SERVICE }),
  invalidSignature: (message: string) =>
    new AwsError('InvalidSignatureException', message, { namespace: CORAL_SERVICE }),
  unrecognizedClient: (message = 'The security token included in the request is invalid.') =>
    new AwsError('UnrecognizedClientException', message, { namespace: CORAL_SERVICE }),
  internal: (message = 'Internal server error') =>
    new AwsError('InternalServerError', message, { status: 500, namespace: CORAL_SERVICE }),
  throttling: (message = 'Rate exceeded') =>
    new AwsError('ThrottlingException', message, { namespace: CORAL_AVAILABILITY }),
};
