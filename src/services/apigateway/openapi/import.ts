import { parse as parseYaml } from 'yaml';
import { apigwErrors } from '../errors.js';
import { addResource } from '../operations/resources.js';
import { newIntegration } from '../operations/methods.js';
import { randomId } from '../state.js';
import type { AuthorizerDoc, IntegrationResponseDoc, MethodDoc, MethodResponseDoc, RestApiDoc } from '../types.js';

const VERBS: Record<string, string> = {
  get: 'GET',
  put: 'PUT',
  post: 'POST',
  delete: 'DELETE',
  patch: 'PATCH',
  options: 'OPTIONS',
  head: 'HEAD',
  'x-amazon-apigateway-any-method': 'ANY',
};

/** Parses an OpenAPI 3 / Swagger 2 definition given as JSON or YAML. */
export function parseDefinition(body: Buffer | string | undefined): any {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    try {
      doc = parseYaml(text);
    } catch {
      doc = undefined;
    }
  }
  if (!doc || typeof doc !== 'object' || (!('swagger' in doc) && !('openapi' in doc))) {
    throw apigwErrors.badRequest('Invalid OpenAPI input.');
  }
  return doc;
}

const refName = (ref: unknown): string | undefined => (typeof ref === 'string' ? ref.split('/').pop() : undefined);

function lowerType(t: unknown): string {
  return String(t ?? '').toUpperCase();
}

/** The parts of a REST API a definition describes, built on `base` (a fresh API, or a copy to overwrite). */
export function apiFromDefinition(def: any, base: RestApiDoc): RestApiDoc {
  const api = base;
  const oas3 = typeof def.openapi === 'string';
  if (def.info?.title) api.name = String(def.info.title);
  if (def.info?.description) api.description = String(def.info.description);
  if (def.info?.version) api.version = String(def.info.version);
  const binary = def['x-amazon-apigateway-binary-media-types'];
  if (Array.isArray(binary)) api.binaryMediaTypes = binary.map(String);
  const keySource = def['x-amazon-apigateway-api-key-source'];
  if (keySource) api.apiKeySource = String(keySource).toUpperCase();
  if (def['x-amazon-apigateway-policy']) api.policy = JSON.stringify(def['x-amazon-apigateway-policy']);

  // Models.
  const schemas = (oas3 ? def.components?.schemas : def.definitions) ?? {};
  for (const [name, schema] of Object.entries(schemas)) {
    const existing = api.models[name];
    api.models[name] = {
      id: existing?.id ?? randomId(6),
      name,
      contentType: 'application/json',
      schema: JSON.stringify(schema),
    };
  }

  // Authorizers and API-key schemes.
  const schemes: Record<string, any> = (oas3 ? def.components?.securitySchemes : def.securityDefinitions) ?? {};
  const authorizerByScheme = new Map<string, AuthorizerDoc>();
  const apiKeySchemes = new Set<string>();
  const iamSchemes = new Set<string>();
  for (const [name, scheme] of Object.entries(schemes)) {
    const ext = scheme?.['x-amazon-apigateway-authorizer'];
    if (ext) {
      const type = lowerType(ext.type) as AuthorizerDoc['type'];
      const existing = Object.values(api.authorizers).find((a) => a.name === name);
      const a: AuthorizerDoc = {
        id: existing?.id ?? randomId(6),
        name,
        type,
        authType: scheme['x-amazon-apigateway-authtype'] ?? 'custom',
        authorizerResultTtlInSeconds: ext.authorizerResultTtlInSeconds ?? 300,
      };
      if (ext.authorizerUri) a.authorizerUri = ext.authorizerUri;
      if (ext.authorizerCredentials) a.authorizerCredentials = ext.authorizerCredentials;
      if (ext.identityValidationExpression) a.identityValidationExpression = ext.identityValidationExpression;
      if (ext.providerARNs) a.providerARNs = ext.providerARNs;
      a.identitySource =
        ext.identitySource ??
        (scheme.in === 'header' && scheme.name ? `method.request.header.${scheme.name}` : undefined);
      if (a.identitySource === undefined) delete a.identitySource;
      api.authorizers[a.id] = a;
      authorizerByScheme.set(name, a);
    } else if (scheme?.['x-amazon-apigateway-authtype'] === 'awsSigv4') {
      iamSchemes.add(name);
    } else if (scheme?.type === 'apiKey') {
      apiKeySchemes.add(name);
    }
  }

  // Request validators.
  const validatorByName = new Map<string, string>();
  for (const [name, v] of Object.entries(
    (def['x-amazon-apigateway-request-validators'] ?? {}) as Record<string, any>,
  )) {
    const existing = Object.values(api.requestValidators).find((x) => x.name === name);
    const id = existing?.id ?? randomId(6);
    api.requestValidators[id] = {
      id,
      name,
      validateRequestBody: !!v?.validateRequestBody,
      validateRequestParameters: !!v?.validateRequestParameters,
    };
    validatorByName.set(name, id);
  }
  const defaultValidator = def['x-amazon-apigateway-request-validator'];

  // Gateway responses.
  for (const [type, g] of Object.entries((def['x-amazon-apigateway-gateway-responses'] ?? {}) as Record<string, any>)) {
    api.gatewayResponses[type] = {
      responseType: type,
      ...(g?.statusCode !== undefined ? { statusCode: String(g.statusCode) } : {}),
      responseParameters: g?.responseParameters ?? {},
      responseTemplates: g?.responseTemplates ?? {},
      defaultResponse: false,
    };
  }

  // Paths → resources and methods.
  const byPath = new Map<string, string>();
  for (const r of Object.values(api.resources)) byPath.set(r.path, r.id);
  const ensure = (path: string): string => {
    const known = byPath.get(path);
    if (known) return known;
    const cut = path.lastIndexOf('/');
    const parentPath = cut <= 0 ? '/' : path.slice(0, cut);
    const parentId = ensure(parentPath);
    const r = addResource(api, parentId, path.slice(cut + 1));
    byPath.set(r.path, r.id);
    return r.id;
  };
  for (const [rawPath, item] of Object.entries((def.paths ?? {}) as Record<string, any>)) {
    const path = rawPath.length > 1 ? rawPath.replace(/\/+$/, '') : '/';
    const resourceId = ensure(path);
    const resource = api.resources[resourceId]!;
    const shared: any[] = Array.isArray(item?.parameters) ? item.parameters : [];
    for (const [verbKey, op] of Object.entries((item ?? {}) as Record<string, any>)) {
      const verb = VERBS[verbKey.toLowerCase()];
      if (!verb || !op || typeof op !== 'object') continue;
      const security: Record<string, string[]>[] = op.security ?? def.security ?? [];
      const m: MethodDoc = { httpMethod: verb, authorizationType: 'NONE', apiKeyRequired: false };
      for (const req of security) {
        for (const name of Object.keys(req ?? {})) {
          const a = authorizerByScheme.get(name);
          if (a) {
            m.authorizationType = a.type === 'COGNITO_USER_POOLS' ? 'COGNITO_USER_POOLS' : 'CUSTOM';
            m.authorizerId = a.id;
            if (a.type === 'COGNITO_USER_POOLS' && req[name]?.length) m.authorizationScopes = req[name];
          } else if (iamSchemes.has(name)) m.authorizationType = 'AWS_IAM';
          else if (apiKeySchemes.has(name)) m.apiKeyRequired = true;
        }
      }
      if (op.operationId) m.operationName = String(op.operationId);
      const params: Record<string, boolean> = {};
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const where = p?.in === 'query' ? 'querystring' : p?.in;
        if (where === 'path' || where === 'querystring' || where === 'header')
          params[`method.request.${where}.${p.name}`] = !!p.required || where === 'path';
      }
      if (Object.keys(params).length) m.requestParameters = params;
      const validatorName = op['x-amazon-apigateway-request-validator'] ?? defaultValidator;
      if (validatorName && validatorByName.has(validatorName))
        m.requestValidatorId = validatorByName.get(validatorName)!;
      const bodyRef = oas3 ? op.requestBody?.content : undefined;
      if (bodyRef) {
        const models: Record<string, string> = {};
        for (const [ct, c] of Object.entries(bodyRef as Record<string, any>)) {
          const n = refName(c?.schema?.$ref);
          if (n) models[ct] = n;
        }
        if (Object.keys(models).length) m.requestModels = models;
      } else {
        const bodyParam = (op.parameters ?? []).find((p: any) => p?.in === 'body');
        const n = refName(bodyParam?.schema?.$ref);
        if (n) m.requestModels = { 'application/json': n };
      }
      const responses: Record<string, MethodResponseDoc> = {};
      for (const [code, resp] of Object.entries((op.responses ?? {}) as Record<string, any>)) {
        if (!/^[1-5]\d\d$/.test(code)) continue;
        const mr: MethodResponseDoc = { statusCode: code };
        const headers = Object.keys(resp?.headers ?? {});
        if (headers.length)
          mr.responseParameters = Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false]));
        const schemaRef = oas3
          ? Object.values((resp?.content ?? {}) as Record<string, any>)[0]?.schema?.$ref
          : resp?.schema?.$ref;
        if (refName(schemaRef)) mr.responseModels = { 'application/json': refName(schemaRef)! };
        responses[code] = mr;
      }
      if (Object.keys(responses).length) m.methodResponses = responses;
      const x = op['x-amazon-apigateway-integration'];
      if (x) {
        const integration = newIntegration(resourceId, {
          type: lowerType(x.type),
          httpMethod: x.httpMethod ? String(x.httpMethod).toUpperCase() : undefined,
          uri: x.uri,
          credentials: x.credentials,
          requestParameters: x.requestParameters,
          requestTemplates: x.requestTemplates,
          passthroughBehavior: x.passthroughBehavior ? String(x.passthroughBehavior).toUpperCase() : undefined,
          contentHandling: x.contentHandling,
          timeoutInMillis: x.timeoutInMillis,
          cacheNamespace: x.cacheNamespace,
          cacheKeyParameters: x.cacheKeyParameters,
          connectionType: x.connectionType,
          connectionId: x.connectionId,
        });
        if (integration.type === 'MOCK') delete integration.httpMethod;
        const irs: Record<string, IntegrationResponseDoc> = {};
        for (const [pattern, r] of Object.entries((x.responses ?? {}) as Record<string, any>)) {
          const code = String(r?.statusCode ?? '200');
          const ir: IntegrationResponseDoc = {
            statusCode: code,
            selectionPattern: pattern === 'default' ? '' : pattern,
          };
          if (r?.responseParameters) ir.responseParameters = r.responseParameters;
          if (r?.responseTemplates) ir.responseTemplates = r.responseTemplates;
          if (r?.contentHandling) ir.contentHandling = r.contentHandling;
          irs[code] = ir;
        }
        if (Object.keys(irs).length) integration.integrationResponses = irs;
        m.methodIntegration = integration;
      }
      (resource.resourceMethods ??= {})[verb] = m;
    }
  }
  return api;
}
