import type { Authenticator } from '../../../core/auth/authenticate.js';
import type { Clock } from '../../../core/clock.js';
import { AwsError } from '../../../core/errors/aws-error.js';
import type { HttpRequest, HttpResponse } from '../../../core/http/types.js';
import { requestIdUuid } from '../../../core/ids.js';
import type { Logger } from '../../../core/log.js';
import type { ServiceModel } from '../../../core/model/types.js';
import { checkTypes, collectViolations, formatViolations } from '../../../core/model/validate.js';
import { decodeBindings, encodeBindings } from '../../../core/protocols/rest-bindings.js';
import { matchRoute } from '../../../core/protocols/rest-routes.js';
import type { OperationContext, OperationHandler } from '../../../core/service.js';
import { fromWire, toWire } from '../wire.js';

export interface Dispatcher {
  /** True when the request names one of the model's operations (cheap: method and path only). */
  claims(method: string, rawPath: string, query: URLSearchParams): boolean;
  /** `routePath` (default: the request's raw path) is what the operation is matched on. */
  handle(req: HttpRequest, routePath?: string): Promise<HttpResponse>;
}

/**
 * restJson1 for models whose JSON members carry camelCase `locationName`s (API Gateway): the core's
 * codec binds URI/query/header members; bodies are renamed here in both directions.
 */
export function dispatcher(
  model: ServiceModel,
  operations: Record<string, OperationHandler>,
  auth: Authenticator,
  clock: Clock,
  log: Logger,
): Dispatcher {
  const fakeReq = (method: string, rawPath: string, query: URLSearchParams) =>
    ({ method, rawPath, query }) as unknown as HttpRequest;
  return {
    claims: (method, rawPath, query) => matchRoute(model, fakeReq(method, rawPath, query)) !== undefined,
    async handle(req, routePath) {
      const requestId = requestIdUuid();
      let response: HttpResponse;
      try {
        const match = matchRoute(model, routePath === undefined ? req : { ...req, rawPath: routePath });
        const handler = match ? operations[match.operation] : undefined;
        if (!match || !handler) throw new AwsError('NotFoundException', 'Unknown operation', { status: 404 });
        const caller = auth.authenticate(req, req.query);
        const op = model.operations[match.operation]!;
        let input: Record<string, unknown> = {};
        if (op.input) {
          const shape = model.shapes[op.input]!;
          input = decodeBindings(model, shape, req, match.labels).input;
          if (shape.payload) {
            const target = model.shapes[shape.members![shape.payload]!.shape];
            if (req.body.length > 0)
              input[shape.payload] = target?.type === 'blob' ? req.body : req.body.toString('utf8');
          } else if (req.body.length > 0) {
            let body: unknown;
            try {
              body = JSON.parse(req.body.toString('utf8'));
            } catch {
              throw new AwsError('BadRequestException', 'Invalid JSON in request body', {
                fields: { message: 'Invalid JSON in request body' },
              });
            }
            if (body === null || typeof body !== 'object' || Array.isArray(body)) {
              throw new AwsError('BadRequestException', 'Invalid request body', {
                fields: { message: 'Invalid request body' },
              });
            }
            Object.assign(input, fromWire(model, op.input, body) as Record<string, unknown>);
          }
          try {
            checkTypes(model, op.input, input);
          } catch (err) {
            const message = `Invalid request body: ${(err as Error).message}`;
            throw new AwsError('BadRequestException', message, { fields: { message } });
          }
          const violations = collectViolations(model, op.input, input);
          if (violations.length > 0) {
            const message = formatViolations(violations);
            throw new AwsError('BadRequestException', message, { fields: { message } });
          }
        }
        const ctx: OperationContext = {
          requestId,
          account: caller.account,
          region: caller.region,
          accessKeyId: caller.accessKeyId,
          principalArn: caller.principalArn,
          clock,
          log,
          host: req.headers['host'] ?? 'localhost',
        };
        const output = ((await handler(input, ctx)) ?? {}) as Record<string, unknown>;
        const outShape = op.output ? model.shapes[op.output] : undefined;
        const { headers, status, body } = encodeBindings(model, outShape, output);
        const code = status ?? op.http?.responseCode ?? 200;
        if (outShape?.payload) {
          const payload = body[outShape.payload];
          const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload ?? ''));
          response = { status: code, headers: { 'content-type': 'application/octet-stream', ...headers }, body: bytes };
        } else if (code === 204) {
          response = { status: code, headers, body: '' };
        } else {
          const wire = op.output ? toWire(model, op.output, body) : {};
          response = {
            status: code,
            headers: { 'content-type': 'application/json', ...headers },
            body: JSON.stringify(wire),
          };
        }
      } catch (err) {
        response = encodeError(err, log, requestId);
      }
      response.headers['x-amzn-requestid'] = requestId;
      return response;
    },
  };
}

export function encodeError(err: unknown, log: Logger, requestId: string): HttpResponse {
  let e: AwsError;
  if (err instanceof AwsError) e = err;
  else {
    log.error({ err, requestId }, 'apigatewayv2 internal error');
    e = new AwsError('InternalServerError', 'Internal server error', { status: 500 });
  }
  const payload: Record<string, unknown> = { ...(e.fields ?? {}) };
  if (!('message' in payload) && !('Message' in payload)) payload['message'] = e.message;
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': e.code, ...(e.headers ?? {}) },
    body: JSON.stringify(payload),
  };
}
