import type { OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { applyPatch } from '../patch.js';
import type { PatchOp } from '../patch.js';
import type { IntegrationDoc, IntegrationResponseDoc, MethodDoc, MethodResponseDoc, RestApiDoc } from '../types.js';
import { clone, compact, HTTP_METHODS, requireApi, requireMethod, requireResource } from './shared.js';

interface MethodKey {
  restApiId: string;
  resourceId: string;
  httpMethod: string;
}

const STATUS = /^[1-5]\d\d$/;

function checkStatus(code: string): void {
  if (!STATUS.test(code)) {
    throw apigwErrors.validation(
      `1 validation error detected: Value '${code}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`,
    );
  }
}

function checkAuth(api: RestApiDoc, m: MethodDoc): void {
  if (m.authorizationType === 'CUSTOM' || m.authorizationType === 'COGNITO_USER_POOLS') {
    const a = m.authorizerId ? api.authorizers[m.authorizerId] : undefined;
    if (!a || (m.authorizationType === 'CUSTOM') !== (a.type !== 'COGNITO_USER_POOLS')) {
      throw apigwErrors.badRequest(
        'Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.',
      );
    }
  }
  if (m.requestValidatorId && !api.requestValidators[m.requestValidatorId])
    throw apigwErrors.badRequest('Invalid Request Validator identifier specified');
  for (const name of Object.values(m.requestModels ?? {})) {
    if (!api.models[name]) throw apigwErrors.badRequest(`Invalid model identifier specified: ${name}`);
  }
  const names = new Set<string>();
  for (const p of Object.keys(m.requestParameters ?? {})) {
    const match = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.(.+)$/.exec(p);
    if (!match)
      throw apigwErrors.badRequest(
        `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${p}]`,
      );
    if (names.has(match[2]!))
      throw apigwErrors.badRequest('Parameter names must be unique across querystring, header and path');
    names.add(match[2]!);
  }
}

export function integrationView(i: IntegrationDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { ...i };
  if (i.integrationResponses && Object.keys(i.integrationResponses).length === 0) delete out['integrationResponses'];
  return out;
}

export function methodView(m: MethodDoc): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  if (m.methodResponses && Object.keys(m.methodResponses).length === 0) delete out['methodResponses'];
  if (m.methodIntegration) out['methodIntegration'] = integrationView(m.methodIntegration);
  return out;
}

/** The integration defaults PutIntegration fills in. */
export function newIntegration(resourceId: string, input: Partial<IntegrationDoc>): IntegrationDoc {
  return compact({
    type: input.type!,
    httpMethod: input.httpMethod,
    uri: input.uri,
    connectionType: input.connectionType,
    connectionId: input.connectionId,
    credentials: input.credentials,
    requestParameters: input.requestParameters,
    requestTemplates: input.requestTemplates,
    passthroughBehavior: input.passthroughBehavior ?? 'WHEN_NO_MATCH',
    contentHandling: input.contentHandling,
    timeoutInMillis: input.timeoutInMillis ?? 29000,
    cacheNamespace: input.cacheNamespace ?? resourceId,
    cacheKeyParameters: input.cacheKeyParameters ?? [],
    tlsConfig: input.tlsConfig,
  }) as IntegrationDoc;
}

function checkIntegration(i: IntegrationDoc): void {
  if (i.type !== 'MOCK') {
    if (!i.httpMethod) throw apigwErrors.badRequest('Enumeration value for HttpMethod must be non-empty');
    if (!i.uri) throw apigwErrors.badRequest('Invalid HTTP endpoint specified for URI');
    if (
      (i.type === 'AWS' || i.type === 'AWS_PROXY') &&
      !/^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:[a-z0-9.-]+:(path|action)\/.+/.test(i.uri)
    ) {
      throw apigwErrors.badRequest('AWS ARN for integration must contain path or action');
    }
    if ((i.type === 'HTTP' || i.type === 'HTTP_PROXY') && !/^https?:\/\/[^\s]+$/.test(i.uri)) {
      throw apigwErrors.badRequest('Invalid HTTP endpoint specified for URI');
    }
  }
  if (i.type === 'AWS_PROXY' && !/:lambda:path\//.test(i.uri ?? '')) {
    throw apigwErrors.badRequest(
      "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
    );
  }
}

export function methodOperations(gw: ApigwContext): Record<string, OperationHandler> {
  const edit = async (
    ctx: Parameters<OperationHandler>[1],
    restApiId: string,
    fn: (api: RestApiDoc) => unknown,
  ): Promise<any> => {
    const api = clone(requireApi(gw, ctx, restApiId, 'resource'));
    const out = fn(api);
    await gw.state.saveApi(ctx.account, ctx.region, api);
    return out;
  };
  const read = (ctx: Parameters<OperationHandler>[1], restApiId: string) => requireApi(gw, ctx, restApiId, 'resource');

  return {
    PutMethod(input: MethodKey & Omit<MethodDoc, 'httpMethod'>, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const r = requireResource(api, input.resourceId);
        const verb = input.httpMethod.toUpperCase();
        if (!HTTP_METHODS.includes(verb))
          throw apigwErrors.badRequest(
            'Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY',
          );
        if (r.resourceMethods?.[verb]) throw apigwErrors.conflict('Method already exists for this resource');
        const m: MethodDoc = compact({
          httpMethod: verb,
          authorizationType: input.authorizationType ?? 'NONE',
          authorizerId: input.authorizerId,
          apiKeyRequired: input.apiKeyRequired ?? false,
          requestValidatorId: input.requestValidatorId,
          operationName: input.operationName,
          requestParameters: input.requestParameters,
          requestModels: input.requestModels,
          authorizationScopes: input.authorizationScopes,
        });
        checkAuth(api, m);
        (r.resourceMethods ??= {})[verb] = m;
        return methodView(m);
      });
    },

    GetMethod(input: MethodKey, ctx) {
      return methodView(requireMethod(read(ctx, input.restApiId), input.resourceId, input.httpMethod));
    },

    DeleteMethod(input: MethodKey, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        requireMethod(api, input.resourceId, input.httpMethod);
        delete api.resources[input.resourceId]!.resourceMethods![input.httpMethod.toUpperCase()];
        return {};
      });
    },

    UpdateMethod(input: MethodKey & { patchOperations?: PatchOp[] }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const m = requireMethod(api, input.resourceId, input.httpMethod);
        for (const p of input.patchOperations ?? []) {
          if ((p.path === '/requestParameters' || p.path === '/requestModels') && p.op !== 'remove')
            throw apigwErrors.patchPath(p.path);
          if (p.path?.startsWith('/requestModels/') && p.path.split('/').length > 3)
            throw apigwErrors.patchPath(p.path);
        }
        applyPatch(m as unknown as Record<string, unknown>, input.patchOperations, {
          authorizationType: { type: 'string' },
          authorizerId: { type: 'string', ops: ['replace', 'remove'] },
          apiKeyRequired: { type: 'bool' },
          requestValidatorId: { type: 'string', ops: ['replace', 'remove'] },
          operationName: { type: 'string', ops: ['replace', 'remove'] },
          requestParameters: { map: 'bool' },
          requestModels: { map: 'string' },
          authorizationScopes: { list: true },
        });
        if (m.authorizationType !== 'CUSTOM' && m.authorizationType !== 'COGNITO_USER_POOLS') delete m.authorizerId;
        checkAuth(api, m);
        return methodView(m);
      });
    },

    PutMethodResponse(input: MethodKey & MethodResponseDoc, ctx) {
      checkStatus(input.statusCode);
      return edit(ctx, input.restApiId, (api) => {
        const m = requireMethod(api, input.resourceId, input.httpMethod);
        const mr: MethodResponseDoc = compact({
          statusCode: input.statusCode,
          responseParameters: input.responseParameters,
          responseModels: input.responseModels,
        });
        (m.methodResponses ??= {})[input.statusCode] = mr;
        return mr;
      });
    },

    GetMethodResponse(input: MethodKey & { statusCode: string }, ctx) {
      checkStatus(input.statusCode);
      const mr = requireMethod(read(ctx, input.restApiId), input.resourceId, input.httpMethod).methodResponses?.[
        input.statusCode
      ];
      if (!mr) throw apigwErrors.responseNotFound();
      return mr;
    },

    DeleteMethodResponse(input: MethodKey & { statusCode: string }, ctx) {
      checkStatus(input.statusCode);
      return edit(ctx, input.restApiId, (api) => {
        const m = requireMethod(api, input.resourceId, input.httpMethod);
        if (!m.methodResponses?.[input.statusCode]) throw apigwErrors.responseNotFound();
        delete m.methodResponses[input.statusCode];
        return {};
      });
    },

    UpdateMethodResponse(input: MethodKey & { statusCode: string; patchOperations?: PatchOp[] }, ctx) {
      checkStatus(input.statusCode);
      return edit(ctx, input.restApiId, (api) => {
        const mr = requireMethod(api, input.resourceId, input.httpMethod).methodResponses?.[input.statusCode];
        if (!mr) throw apigwErrors.responseNotFound();
        for (const p of input.patchOperations ?? []) {
          if (
            p.op === 'replace' &&
            p.path?.startsWith('/responseModels/') &&
            !(p.path.slice(16).replace(/~1/g, '/') in (mr.responseModels ?? {}))
          ) {
            throw apigwErrors.notFound('Content-Type specified was not found');
          }
          if (
            p.op === 'replace' &&
            p.path?.startsWith('/responseParameters/') &&
            !(p.path.slice(20) in (mr.responseParameters ?? {}))
          ) {
            throw apigwErrors.notFound('Invalid parameter name specified');
          }
        }
        applyPatch(mr as unknown as Record<string, unknown>, input.patchOperations, {
          responseParameters: { map: 'bool' },
          responseModels: { map: 'string' },
        });
        return mr;
      });
    },

    PutIntegration(input: MethodKey & Partial<IntegrationDoc> & { uriHttpMethod: string }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const m = requireMethod(api, input.resourceId, input.uriHttpMethod);
        const i = newIntegration(input.resourceId, input);
        checkIntegration(i);
        const previous = m.methodIntegration?.integrationResponses;
        if (previous) i.integrationResponses = previous;
        m.methodIntegration = i;
        return integrationView(i);
      });
    },

    GetIntegration(input: MethodKey, ctx) {
      const i = requireMethod(read(ctx, input.restApiId), input.resourceId, input.httpMethod).methodIntegration;
      if (!i) throw apigwErrors.integrationNotFound();
      return integrationView(i);
    },

    DeleteIntegration(input: MethodKey, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const m = requireMethod(api, input.resourceId, input.httpMethod);
        if (!m.methodIntegration) throw apigwErrors.integrationNotFound();
        delete m.methodIntegration;
        return {};
      });
    },

    UpdateIntegration(input: MethodKey & { patchOperations?: PatchOp[] }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const i = requireMethod(api, input.resourceId, input.httpMethod).methodIntegration;
        if (!i) throw apigwErrors.integrationNotFound();
        applyPatch(i as unknown as Record<string, unknown>, input.patchOperations, {
          type: { type: 'string' },
          uri: { type: 'string' },
          httpMethod: { type: 'string' },
          credentials: { type: 'string', ops: ['replace', 'remove'] },
          connectionType: { type: 'string' },
          connectionId: { type: 'string', ops: ['replace', 'remove'] },
          passthroughBehavior: { type: 'string' },
          contentHandling: { type: 'string', ops: ['replace', 'remove'] },
          timeoutInMillis: { type: 'int' },
          cacheNamespace: { type: 'string' },
          requestParameters: { map: 'string' },
          requestTemplates: { map: 'string' },
          cacheKeyParameters: { list: true },
        });
        i.cacheKeyParameters ??= [];
        checkIntegration(i);
        return integrationView(i);
      });
    },

    PutIntegrationResponse(input: MethodKey & IntegrationResponseDoc, ctx) {
      checkStatus(input.statusCode);
      for (const ct of Object.keys(input.responseTemplates ?? {})) {
        if (!/^[\w.+-]+\/[\w.+*-]+/.test(ct))
          throw apigwErrors.badRequest(
            `Validation Result: warnings : [], errors : [Invalid content type specified: ${ct}]`,
          );
      }
      return edit(ctx, input.restApiId, (api) => {
        const i = requireMethod(api, input.resourceId, input.httpMethod).methodIntegration;
        if (!i) throw apigwErrors.integrationNotFound();
        const templates = input.responseTemplates
          ? Object.fromEntries(Object.entries(input.responseTemplates).map(([k, v]) => [k, v === '' ? null : v]))
          : undefined;
        const ir: IntegrationResponseDoc = compact({
          statusCode: input.statusCode,
          selectionPattern: input.selectionPattern ?? '',
          responseParameters: input.responseParameters,
          responseTemplates: templates,
          contentHandling: input.contentHandling,
        });
        (i.integrationResponses ??= {})[input.statusCode] = ir;
        return ir;
      });
    },

    GetIntegrationResponse(input: MethodKey & { statusCode: string }, ctx) {
      checkStatus(input.statusCode);
      const i = requireMethod(read(ctx, input.restApiId), input.resourceId, input.httpMethod).methodIntegration;
      if (!i) throw apigwErrors.integrationNotFound();
      const ir = i.integrationResponses?.[input.statusCode];
      if (!ir) throw apigwErrors.responseNotFound();
      return ir;
    },

    DeleteIntegrationResponse(input: MethodKey & { statusCode: string }, ctx) {
      checkStatus(input.statusCode);
      return edit(ctx, input.restApiId, (api) => {
        const r = requireResource(api, input.resourceId);
        const i = r.resourceMethods?.[input.httpMethod.toUpperCase()]?.methodIntegration;
        if (!i) throw apigwErrors.integrationNotFound();
        if (!i.integrationResponses?.[input.statusCode]) throw apigwErrors.responseNotFound();
        delete i.integrationResponses[input.statusCode];
        return {};
      });
    },

    UpdateIntegrationResponse(input: MethodKey & { statusCode: string; patchOperations?: PatchOp[] }, ctx) {
      checkStatus(input.statusCode);
      return edit(ctx, input.restApiId, (api) => {
        const i = requireMethod(api, input.resourceId, input.httpMethod).methodIntegration;
        if (!i) throw apigwErrors.integrationNotFound();
        const ir = i.integrationResponses?.[input.statusCode];
        if (!ir) throw apigwErrors.responseNotFound();
        applyPatch(ir as unknown as Record<string, unknown>, input.patchOperations, {
          selectionPattern: { type: 'string' },
          contentHandling: { type: 'string', ops: ['replace', 'remove'] },
          responseParameters: { map: 'string' },
          responseTemplates: { map: 'string' },
        });
        return ir;
      });
    },
  };
}
