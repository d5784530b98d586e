import { AwsError, CORAL_SERVICE } from '../../../core/errors/aws-error.js';
import type { HttpRequest, HttpResponse } from '../../../core/http/types.js';
import type { ProtocolCodec } from '../../../core/protocols/codec.js';
import { queryCode } from '../errors.js';
import { decodeQuery, encodeQuery, escapeXml } from './codec.js';

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
/** A queue URL's path: unsigned query requests to one are SQS's, and name the queue. */
export const QUEUE_PATH = /^\/\d{12}\/[^/]+\/?$/;

/** Core error codes as SQS's query protocol spells them. */
const CORE_CODES: Record<string, string> = {
  ValidationException: 'ValidationError',
  SerializationException: 'MalformedQueryString',
  MissingAuthenticationTokenException: 'MissingAuthenticationToken',
  IncompleteSignatureException: 'IncompleteSignature',
  InvalidSignatureException: 'SignatureDoesNotMatch',
  UnrecognizedClientException: 'InvalidClientTokenId',
  UnknownOperationException: 'InvalidAction',
};

/** Form parameters: the query string, then the body's (which win). */
const paramsOf = new WeakMap<HttpRequest, URLSearchParams>();
function params(req: HttpRequest): URLSearchParams {
  let p = paramsOf.get(req);
  if (!p) {
    p = new URLSearchParams(req.rawQuery);
    if (req.method === 'POST') for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) p.set(k, v);
    paramsOf.set(req, p);
  }
  return p;
}

/**
 * SQS's dialect of the query protocol (SDKs before the JSON switch, AWS CLI up to 2.9): flattened
 * singular names (see codec.ts), the queue URL from the path when the form omits it, the 2012-11-05
 * namespace, `<?xml?>` documents and `<ErrorResponse>` with the legacy `AWS.SimpleQueueService.*` codes.
 */
export const sqsQueryCodec: ProtocolCodec = {
  operationName(req, service) {
    const action = params(req).get('Action') ?? '';
    return service.model.operations[action] ? action : undefined;
  },

  unknownOperation(req) {
    const action = params(req).get('Action') ?? '';
    return new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
  },

  decodeInput(req, service, operation) {
    const model = service.model;
    const op = model.operations[operation]!;
    if (!op.input) return {};
    const input = decodeQuery(model, op.input, params(req)) as Record<string, unknown>;
    if (input['QueueUrl'] === undefined && QUEUE_PATH.test(req.path)) {
      const members = model.shapes[op.input]?.members ?? {};
      if ('QueueUrl' in members) input['QueueUrl'] = `http://${req.headers['host'] ?? 'localhost'}${req.path}`;
    }
    return input;
  },

  encodeOutput(service, operation, output, requestId): HttpResponse {
    const op = service.model.operations[operation]!;
    const result = op.output
      ? `<${operation}Result>${encodeQuery(service.model, op.output, output)}</${operation}Result>`
      : '';
    const body =
      `<?xml version="1.0"?><${operation}Response xmlns="${XMLNS}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { status: 200, headers: { 'content-type': 'text/xml' }, body };
  },

  encodeError(_service, error, requestId): HttpResponse {
    let e = error;
    if (e.code === 'InternalServerError' && e.namespace === CORAL_SERVICE)
      e = new AwsError('InternalError', 'We encountered an internal error. Please try again.', { status: 500 });
    const code = e.headers?.['x-amzn-query-error'] ? queryCode(e) : (CORE_CODES[e.code] ?? e.code);
    // The query protocol's wording of a missing queue (AWS's, as its JSON protocol's is shorter).
    const message =
      code === 'AWS.SimpleQueueService.NonExistentQueue'
        ? 'The specified queue does not exist for this wsdl version.'
        : e.message;
    const body =
      `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.fault}</Type>` +
      `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><Detail/></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: e.status, headers: { 'content-type': 'text/xml' }, body };
  },
};
