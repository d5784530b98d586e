import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../../../core/auth/authenticate.js';
import type { Clock } from '../../../core/clock.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { HttpMount, RequestHead } from '../../../core/http/mount.js';
import { readBody } from '../../../core/http/read-body.js';
import type { HttpRequest } from '../../../core/http/types.js';
import type { Logger } from '../../../core/log.js';
import type { ServiceModel } from '../../../core/model/types.js';
import type { OperationContext, OperationHandler } from '../../../core/service.js';
import { queryCode } from '../errors.js';
import { decodeQuery, encodeQuery, escapeXml } from './codec.js';

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const SCOPE_HEADER = /Credential=[^/]*\/[^/]*\/[^/]*\/sqs\//;
const SCOPE_QUERY = /^[^/]*\/[^/]*\/[^/]*\/sqs\//;
const QUEUE_PATH = /^\/\d{12}\/[^/]+\/?$/;

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

export interface QueryMountOptions {
  model: ServiceModel;
  operations: Record<string, OperationHandler>;
  auth: Authenticator;
  clock: Clock;
  log: Logger;
  maxBodyBytes: number;
}

/**
 * SQS's query protocol, served as a mount because the core pipeline gives a service one protocol
 * (SQS's is awsJson1.0): form-encoded requests signed for `sqs` (or sent unsigned to a queue URL
 * path) are decoded here and run through the same handlers.
 */
export function sqsQueryMount(o: QueryMountOptions): HttpMount {
  return {
    name: 'sqs-query',
    matches(head: RequestHead): boolean {
      if (head.headers['x-amz-target'] !== undefined) return false;
      const form =
        head.method === 'POST' && (head.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      const get = head.method === 'GET' && head.query.has('Action');
      if (!form && !get) return false;
      const auth = head.headers['authorization'];
      if (auth) return SCOPE_HEADER.test(auth);
      const credential = head.query.get('X-Amz-Credential');
      if (credential) return SCOPE_QUERY.test(credential);
      return QUEUE_PATH.test(head.path);
    },
    async handle(head: RequestHead, req: IncomingMessage, res: ServerResponse): Promise<void> {
      const requestId = randomUUID();
      let status = 200;
      let xml: string;
      try {
        const body = await readBody(req, o.maxBodyBytes);
        const request: HttpRequest = {
          method: head.method,
          rawPath: head.rawPath,
          rawQuery: head.rawQuery,
          path: head.path,
          query: head.query,
          headers: head.headers,
          rawHeaders: req.rawHeaders,
          body,
        };
        const params = new URLSearchParams(head.rawQuery);
        if (head.method === 'POST') for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
        const action = params.get('Action') ?? '';
        const handler = o.operations[action];
        const op = o.model.operations[action];
        if (!handler || !op)
          throw new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
        const caller = o.auth.authenticate(request, request.query);
        const input = (op.input ? decodeQuery(o.model, op.input, params) : {}) as Record<string, unknown>;
        if (input['QueueUrl'] === undefined && QUEUE_PATH.test(head.path) && op.input) {
          const members = o.model.shapes[op.input]?.members ?? {};
          if ('QueueUrl' in members) input['QueueUrl'] = `http://${head.headers['host'] ?? 'localhost'}${head.path}`;
        }
        const ctx: OperationContext = {
          requestId,
          account: caller.account,
          region: caller.region,
          accessKeyId: caller.accessKeyId,
          principalArn: caller.principalArn,
          clock: o.clock,
          log: o.log,
          host: head.headers['host'] ?? 'localhost',
        };
        const output = await handler(input, ctx);
        const result = op.output ? `<${action}Result>${encodeQuery(o.model, op.output, output)}</${action}Result>` : '';
        xml =
          `<?xml version="1.0"?><${action}Response xmlns="${XMLNS}">${result}` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
      } catch (err) {
        let e: AwsError;
        if (err instanceof AwsError) e = err;
        else {
          o.log.error({ err, requestId }, 'internal error');
          e = new AwsError('InternalError', 'We encountered an internal error. Please try again.', { status: 500 });
        }
        status = e.status;
        const code = e.headers?.['x-amzn-query-error'] ? queryCode(e) : (CORE_CODES[e.code] ?? e.code);
        xml =
          `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>${e.fault}</Type>` +
          `<Code>${escapeXml(code)}</Code><Message>${escapeXml(e.message)}</Message><Detail/></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`;
      }
      res.writeHead(status, {
        'content-type': 'text/xml',
        'content-length': Buffer.byteLength(xml),
        'x-amzn-requestid': requestId,
      });
      res.end(xml);
    },
  };
}
