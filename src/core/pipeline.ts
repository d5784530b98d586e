import { Authenticator } from './auth/authenticate.js';
import type { Clock } from './clock.js';
import { AwsError, coreErrors } from './errors/aws-error.js';
import type { HttpRequest, HttpResponse } from './http/types.js';
import { requestIdUuid } from './ids.js';
import type { Logger } from './log.js';
import { checkTypes, collectViolations, violationsError } from './model/validate.js';
import { queryParams } from './protocols/query.js';
import { codecPicker, protocolsOf } from './protocols/select.js';
import type { CodecPicker } from './protocols/select.js';
import { serviceClaims } from './protocols/claims.js';
import type { OperationContext, ServiceDefinition } from './service.js';

/** String bodies longer than this (UTF-16 units) become one Buffer before response headers are computed. */
const LARGE_STRING_BODY = 2048;

export interface PipelineOptions {
  services: readonly ServiceDefinition[];
  auth: Authenticator;
  clock: Clock;
  log: Logger;
}

/**
 * The core pipeline: route → authenticate → decode → validate → handler → encode.
 * Knows protocols and HTTP; services only see typed input and return typed output.
 */
export class Pipeline {
  private readonly byTarget = new Map<string, ServiceDefinition>();
  /** The service of a signing name (the default one when several share it). */
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  /** Only signing names several services share: those services, in registry order. */
  private readonly shared = new Map<string, ServiceDefinition[]>();
  private readonly bodyLimits = new Map<string, number | undefined>();
  private readonly byQueryVersion = new Map<string, ServiceDefinition>();
  private readonly unsignedQuery: ServiceDefinition[] = [];
  /** Codec pickers, built on a service's first request. */
  private readonly pickers = new Map<ServiceDefinition, CodecPicker>();

  private readonly services: ServiceDefinition[] = [];

  constructor(private readonly options: PipelineOptions) {
    for (const s of options.services) this.add(s);
  }

  /**
   * Route to one more service: platform adds the services constructed after the server began to
   * listen (in registry order, after those given to the constructor).
   */
  add(service: ServiceDefinition): void {
    this.services.push(service);
    this.byTarget.clear();
    this.bySigningName.clear();
    this.shared.clear();
    this.bodyLimits.clear();
    this.byQueryVersion.clear();
    this.unsignedQuery.length = 0;
    const groups = new Map<string, ServiceDefinition[]>();
    for (const s of this.services) {
      const prefix = s.model.metadata.targetPrefix;
      if (prefix) this.byTarget.set(prefix, s);
      const group = groups.get(s.signingName);
      if (group) group.push(s);
      else groups.set(s.signingName, [s]);
      if (s.protocol === 'query') this.byQueryVersion.set(s.model.metadata.apiVersion, s);
      else if (protocolsOf(s).includes('query') && !this.byQueryVersion.has(s.model.metadata.apiVersion))
        this.byQueryVersion.set(s.model.metadata.apiVersion, s);
      if (s.unsignedQueryPaths) this.unsignedQuery.push(s);
    }
    for (const [name, group] of groups) {
      // The default is the service named for the signing name (API Gateway's REST APIs for
      // `apigateway`), else the first registered: it answers requests no service's routes claim.
      this.bySigningName.set(name, group.find((s) => s.name === name) ?? group[0]!);
      if (group.length > 1) this.shared.set(name, group);
      const limits = group.map((s) => s.maxBodyBytes);
      this.bodyLimits.set(name, limits.includes(undefined) ? undefined : Math.max(...(limits as number[])));
    }
  }

  /** The service whose X-Amz-Target prefix begins `target` (`DynamoDB_20120810.GetItem`), if any. */
  targetService(target: string): ServiceDefinition | undefined {
    const dot = target.lastIndexOf('.');
    return this.byTarget.get(dot < 0 ? target : target.slice(0, dot));
  }

  /** The largest body the service a request names accepts (known from its headers alone). */
  bodyLimit(headers: Record<string, string | undefined>): number | undefined {
    const auth = headers['authorization'];
    if (!auth) return undefined;
    const m = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(auth);
    return m ? this.bodyLimits.get(m[1]!) : undefined;
  }

  /**
   * The service a request is for, or undefined when it names none: by X-Amz-Target prefix (a Map
   * hit), else by the SigV4 scope's signing name; when several services share that name, the first
   * whose REST routes (or query Action / target) claim the request, else the name's default.
   */
  route(req: HttpRequest): ServiceDefinition | undefined {
    const target = req.headers['x-amz-target'];
    if (target !== undefined) return this.targetService(target);
    const auth = req.headers['authorization'] ?? req.query.get('X-Amz-Credential') ?? undefined;
    if (auth) {
      const m = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(auth) ?? /^[^/]*\/[^/]*\/[^/]*\/([^/]+)\//.exec(auth);
      if (m) {
        const group = this.shared.get(m[1]!);
        if (group) return group.find((s) => serviceClaims(s, req)) ?? this.bySigningName.get(m[1]!);
        const service = this.bySigningName.get(m[1]!);
        if (service) return service;
      }
    }
    if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') || req.method === 'GET') {
      if (!auth && req.headers['x-amz-target'] === undefined) {
        const service = this.unsignedQuery.find((s) => s.unsignedQueryPaths!.test(req.path));
        if (service && (req.method === 'POST' || req.query.has('Action'))) return service;
      }
      const version = queryParams(req).get('Version');
      if (version) return this.byQueryVersion.get(version);
    }
    return undefined;
  }

  async handle(req: HttpRequest, service: ServiceDefinition): Promise<HttpResponse> {
    const requestId = service.requestId ? service.requestId() : requestIdUuid();
    const codec = this.pickerOf(service)(req);
    let response: HttpResponse;
    try {
      const operation = codec.operationName(req, service);
      const handler =
        operation && Object.hasOwn(service.operations, operation) ? service.operations[operation] : undefined;
      if (!operation || !handler) throw codec.unknownOperation?.(req, operation) ?? coreErrors.unknownOperation();
      const caller = this.options.auth.authenticate(req, req.query);
      const input = codec.decodeInput(req, service, operation);
      if (service.validate) service.validate(operation, input);
      else if (service.validateInput !== false) validateAgainstModel(service, operation, input);
      const ctx: OperationContext = {
        requestId,
        account: caller.account,
        region: caller.region,
        accessKeyId: caller.accessKeyId,
        principalArn: caller.principalArn,
        clock: this.options.clock,
        log: this.options.log,
        host: req.headers['host'] ?? 'localhost',
      };
      const output = await handler(input, ctx);
      response = codec.encodeOutput(service, operation, output, requestId);
    } catch (err) {
      response = codec.encodeError(service, this.toAwsError(err, requestId), requestId);
    }
    response.headers['x-amzn-requestid'] = requestId;
    if (service.responseHeaders) {
      // A large string body is encoded once here rather than once for the header (a checksum over
      // its bytes), once to measure it and once more to send it; small ones stay strings.
      if (typeof response.body === 'string' && response.body.length > LARGE_STRING_BODY)
        response.body = Buffer.from(response.body);
      Object.assign(response.headers, service.responseHeaders(response.body));
    }
    return response;
  }

  private pickerOf(service: ServiceDefinition): CodecPicker {
    let picker = this.pickers.get(service);
    if (!picker) {
      picker = codecPicker(service);
      this.pickers.set(service, picker);
    }
    return picker;
  }

  private toAwsError(err: unknown, requestId: string): AwsError {
    if (err instanceof AwsError) return err;
    // Input so deep that a recursive pass ran out of stack is the caller's fault, not ours.
    if (err instanceof RangeError && /call stack/.test(err.message)) {
      return coreErrors.serialization('The request is nested too deeply to be processed');
    }
    this.options.log.error({ err, requestId }, 'internal error');
    return coreErrors.internal();
  }
}

/** Default validation: JSON types (SerializationException), then Coral constraints (ValidationException). */
export function validateAgainstModel(service: ServiceDefinition, operation: string, input: unknown): void {
  const shape = service.model.operations[operation]?.input;
  if (!shape) return;
  checkTypes(service.model, shape, input);
  const violations = collectViolations(service.model, shape, input);
  if (violations.length > 0) throw violationsError(violations);
}
