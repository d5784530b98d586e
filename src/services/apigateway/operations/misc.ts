import { parseArn } from '../../../core/arn.js';
import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { applyPatch, unsupported } from '../patch.js';
import type { PatchOp } from '../patch.js';
import { randomId } from '../state.js';
import type { AuthorizerDoc, GatewayResponseDoc, ModelDoc, RequestValidatorDoc, RestApiDoc } from '../types.js';
import { DEFAULT_GATEWAY_STATUS, GATEWAY_RESPONSE_TYPES } from '../invoke/gateway-responses.js';
import { clone, compact, page, region, requireApi } from './shared.js';
import { ACCOUNT_BURST, ACCOUNT_RATE } from '../invoke/limits.js';

function gatewayResponseView(type: string, doc: GatewayResponseDoc | undefined): GatewayResponseDoc {
  if (doc) return doc;
  const status = DEFAULT_GATEWAY_STATUS[type];
  return compact({
    responseType: type,
    statusCode: status === undefined ? undefined : String(status),
    responseParameters: {},
    responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
    defaultResponse: true,
  }) as GatewayResponseDoc;
}

function checkResponseType(type: string): void {
  if (!GATEWAY_RESPONSE_TYPES.includes(type)) {
    throw apigwErrors.validation(
      `1 validation error detected: Value '${type}' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [${GATEWAY_RESPONSE_TYPES.join(', ')}]`,
    );
  }
}

function checkSchema(schema: string | undefined): void {
  let parsed: any;
  try {
    parsed = schema === undefined ? undefined : JSON.parse(schema);
  } catch {
    throw apigwErrors.badRequest(
      'Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified]',
    );
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    (!parsed.properties &&
      !parsed.items &&
      !parsed.$ref &&
      !parsed.type &&
      !parsed.anyOf &&
      !parsed.oneOf &&
      !parsed.allOf)
  ) {
    throw apigwErrors.badRequest('Model schema must have at least 1 property or array items defined');
  }
}

/** The REST API, usage plan or API key an apigateway ARN names (`arn:aws:apigateway:region::/restapis/id`). */
function tagTarget(
  gw: ApigwContext,
  ctx: OperationContext,
  resourceArn: string,
): { tags: () => Record<string, string>; save: (t: Record<string, string>) => Promise<void> } {
  const arn = parseArn(resourceArn);
  if (!arn || arn.service !== 'apigateway')
    throw apigwErrors.badRequest(`Invalid ARN. ARN is not well formed ${resourceArn}`);
  const r = region(gw, ctx);
  const parts = arn.resource.split('/').filter(Boolean);
  if (parts[0] === 'restapis' && parts[1]) {
    const api = r.apis.get(parts[1]);
    if (!api) throw apigwErrors.notFound('Invalid resource ARN specified');
    if (parts[2] === 'stages' && parts[3]) {
      if (!api.stages[parts[3]]) throw apigwErrors.notFound('Invalid Stage identifier specified');
      const stageName = parts[3];
      return {
        tags: () => api.stages[stageName]!.tags ?? {},
        save: async (t) => {
          const copy = clone(api);
          copy.stages[stageName]!.tags = t;
          await gw.state.saveApi(ctx.account, ctx.region, copy);
        },
      };
    }
    return {
      tags: () => api.tags ?? {},
      save: (t) => gw.state.saveApi(ctx.account, ctx.region, { ...api, tags: t }),
    };
  }
  if (parts[0] === 'usageplans' && parts[1] && r.usagePlans.get(parts[1])) {
    const plan = r.usagePlans.get(parts[1])!;
    return {
      tags: () => plan.tags ?? {},
      save: (t) => gw.state.saveUsagePlan(ctx.account, ctx.region, { ...plan, tags: t }),
    };
  }
  if (parts[0] === 'apikeys' && parts[1] && r.apiKeys.get(parts[1])) {
    const key = r.apiKeys.get(parts[1])!;
    return {
      tags: () => key.tags ?? {},
      save: (t) => gw.state.saveApiKey(ctx.account, ctx.region, { ...key, tags: t }),
    };
  }
  throw apigwErrors.notFound('Invalid resource ARN specified');
}

export function miscOperations(gw: ApigwContext): Record<string, OperationHandler> {
  const edit = async (
    ctx: OperationContext,
    restApiId: string,
    fn: (api: RestApiDoc) => unknown,
    style: 'api' | 'rest400' = 'api',
  ): Promise<any> => {
    const api = clone(requireApi(gw, ctx, restApiId, style));
    const out = fn(api);
    await gw.state.saveApi(ctx.account, ctx.region, api);
    return out;
  };
  const requireAuthorizer = (api: RestApiDoc, id: string): AuthorizerDoc => {
    const a = api.authorizers[id];
    if (!a) throw apigwErrors.notFound('Invalid Authorizer identifier specified');
    return a;
  };
  const requireValidator = (api: RestApiDoc, id: string): RequestValidatorDoc => {
    const v = api.requestValidators[id];
    if (!v) throw apigwErrors.notFound('Invalid Request Validator identifier specified');
    return v;
  };
  const requireModel = (api: RestApiDoc, name: string): ModelDoc => {
    const m = api.models[name];
    if (!m) throw apigwErrors.notFound(`Invalid model name specified: ${name}`);
    return m;
  };

  return {
    // --- authorizers
    CreateAuthorizer(input: Omit<AuthorizerDoc, 'id'> & { restApiId: string }, ctx) {
      if (!region(gw, ctx).apis.has(input.restApiId))
        throw apigwErrors.notFound(`Invalid API identifier specified ${ctx.account}:${input.restApiId}`);
      return edit(ctx, input.restApiId, (api) => {
        if ((input.type === 'TOKEN' || input.type === 'REQUEST') && !input.authorizerUri) {
          throw apigwErrors.badRequest('Authorizer URI is required for TOKEN and REQUEST authorizers');
        }
        if (input.type === 'COGNITO_USER_POOLS' && !input.providerARNs?.length)
          throw apigwErrors.badRequest('ProviderARNs need to be specified for COGNITO_USER_POOLS');
        if (input.type === 'TOKEN' && !input.identitySource)
          throw apigwErrors.badRequest('IdentitySource is required for TOKEN authorizers');
        const a: AuthorizerDoc = compact({
          id: randomId(6),
          name: input.name,
          type: input.type,
          providerARNs: input.providerARNs,
          authType: input.authType,
          authorizerUri: input.authorizerUri,
          authorizerCredentials: input.authorizerCredentials,
          identitySource: input.identitySource,
          identityValidationExpression: input.identityValidationExpression,
          authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? 300,
        });
        api.authorizers[a.id] = a;
        return a;
      });
    },
    GetAuthorizer(input: { restApiId: string; authorizerId: string }, ctx) {
      return requireAuthorizer(requireApi(gw, ctx, input.restApiId), input.authorizerId);
    },
    GetAuthorizers(input: { restApiId: string; limit?: number; position?: string }, ctx) {
      return page(Object.values(requireApi(gw, ctx, input.restApiId).authorizers), input);
    },
    UpdateAuthorizer(input: { restApiId: string; authorizerId: string; patchOperations?: PatchOp[] }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const a = requireAuthorizer(api, input.authorizerId);
        applyPatch(a as unknown as Record<string, unknown>, input.patchOperations, {
          name: { type: 'string' },
          type: { type: 'string' },
          authType: { type: 'string' },
          authorizerUri: { type: 'string' },
          authorizerCredentials: { type: 'string', ops: ['replace', 'remove'] },
          identitySource: { type: 'string' },
          identityValidationExpression: { type: 'string', ops: ['replace', 'remove'] },
          authorizerResultTtlInSeconds: { type: 'int' },
          providerARNs: { list: true },
        });
        if ((a.authorizerResultTtlInSeconds ?? 0) > 3600 || (a.authorizerResultTtlInSeconds ?? 0) < 0) {
          throw apigwErrors.badRequest('Invalid value for authorizerResultTtlInSeconds. Must be between 0 and 3600');
        }
        gw.flushAuthorizers(api.id);
        return a;
      });
    },
    DeleteAuthorizer(input: { restApiId: string; authorizerId: string }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        requireAuthorizer(api, input.authorizerId);
        for (const r of Object.values(api.resources)) {
          for (const m of Object.values(r.resourceMethods ?? {})) {
            if (m.authorizerId === input.authorizerId)
              throw apigwErrors.conflict(
                'Cannot delete authorizer, is referenced in method: ' + `${r.path}/${m.httpMethod}`,
              );
          }
        }
        delete api.authorizers[input.authorizerId];
        return {};
      });
    },

    // --- request validators
    CreateRequestValidator(
      input: { restApiId: string; name?: string; validateRequestBody?: boolean; validateRequestParameters?: boolean },
      ctx,
    ) {
      return edit(
        ctx,
        input.restApiId,
        (api) => {
          const v: RequestValidatorDoc = compact({
            id: randomId(6),
            name: input.name,
            validateRequestBody: input.validateRequestBody ?? false,
            validateRequestParameters: input.validateRequestParameters ?? false,
          });
          api.requestValidators[v.id] = v;
          return v;
        },
        'rest400',
      );
    },
    GetRequestValidator(input: { restApiId: string; requestValidatorId: string }, ctx) {
      const api = region(gw, ctx).apis.get(input.restApiId);
      if (!api) throw apigwErrors.notFound('Invalid Request Validator identifier specified');
      return requireValidator(api, input.requestValidatorId);
    },
    GetRequestValidators(input: { restApiId: string; limit?: number; position?: string }, ctx) {
      return page(Object.values(requireApi(gw, ctx, input.restApiId).requestValidators), input);
    },
    UpdateRequestValidator(input: { restApiId: string; requestValidatorId: string; patchOperations?: PatchOp[] }, ctx) {
      if (!region(gw, ctx).apis.has(input.restApiId))
        throw apigwErrors.notFound('Invalid Request Validator identifier specified');
      return edit(ctx, input.restApiId, (api) => {
        const v = requireValidator(api, input.requestValidatorId);
        for (const p of input.patchOperations ?? []) {
          const ok = ['/name', '/validateRequestBody', '/validateRequestParameters'].includes(p.path ?? '');
          if ((p.op ?? 'replace') !== 'replace') unsupported(p.path ?? '', p.op!);
          if (!ok)
            throw apigwErrors.badRequest(
              `Invalid patch path  '${p.path}' specified for op 'replace'. Must be one of: [/name, /validateRequestParameters, /validateRequestBody]`,
            );
          if (p.path === '/name' && !p.value) throw apigwErrors.badRequest('Request Validator name cannot be blank');
        }
        applyPatch(v as unknown as Record<string, unknown>, input.patchOperations, {
          name: { type: 'string' },
          validateRequestBody: { type: 'bool' },
          validateRequestParameters: { type: 'bool' },
        });
        return v;
      });
    },
    DeleteRequestValidator(input: { restApiId: string; requestValidatorId: string }, ctx) {
      if (!region(gw, ctx).apis.has(input.restApiId))
        throw apigwErrors.notFound('Invalid Request Validator identifier specified');
      return edit(ctx, input.restApiId, (api) => {
        requireValidator(api, input.requestValidatorId);
        delete api.requestValidators[input.requestValidatorId];
        return {};
      });
    },

    // --- models
    CreateModel(
      input: { restApiId: string; name: string; description?: string; schema?: string; contentType?: string },
      ctx,
    ) {
      return edit(ctx, input.restApiId, (api) => {
        if (!input.name) throw apigwErrors.badRequest('Model name must be non-empty');
        if (!/^[a-zA-Z0-9]+$/.test(input.name)) throw apigwErrors.badRequest('Model name must be alphanumeric');
        if (api.models[input.name]) throw apigwErrors.conflict('Model name already exists for this REST API');
        checkSchema(input.schema);
        const m: ModelDoc = compact({
          id: randomId(6),
          name: input.name,
          description: input.description,
          schema: input.schema,
          contentType: input.contentType ?? 'application/json',
        });
        api.models[m.name] = m;
        return m;
      });
    },
    GetModel(input: { restApiId: string; modelName: string }, ctx) {
      return requireModel(requireApi(gw, ctx, input.restApiId), input.modelName);
    },
    GetModels(input: { restApiId: string; limit?: number; position?: string }, ctx) {
      return page(Object.values(requireApi(gw, ctx, input.restApiId).models), input);
    },
    GetModelTemplate(input: { restApiId: string; modelName: string }, ctx) {
      requireModel(requireApi(gw, ctx, input.restApiId), input.modelName);
      return { value: "#set($inputRoot = $input.path('$'))\n{ }" };
    },
    UpdateModel(input: { restApiId: string; modelName: string; patchOperations?: PatchOp[] }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        const m = requireModel(api, input.modelName);
        for (const p of input.patchOperations ?? []) {
          if ((p.op ?? 'replace') !== 'replace') unsupported(p.path ?? '', p.op!);
          if (p.path !== '/description' && p.path !== '/schema') {
            throw apigwErrors.badRequest(
              `Invalid patch path  '${p.path}' specified for op 'replace'. Must be one of: [/description, /schema]`,
            );
          }
          if (p.path === '/schema') checkSchema(p.value);
        }
        applyPatch(m as unknown as Record<string, unknown>, input.patchOperations, {
          description: { type: 'string' },
          schema: { type: 'string' },
        });
        return m;
      });
    },
    DeleteModel(input: { restApiId: string; modelName: string }, ctx) {
      return edit(ctx, input.restApiId, (api) => {
        requireModel(api, input.modelName);
        for (const r of Object.values(api.resources)) {
          for (const m of Object.values(r.resourceMethods ?? {})) {
            if (Object.values(m.requestModels ?? {}).includes(input.modelName)) {
              throw apigwErrors.conflict(
                `Cannot delete model '${input.modelName}', is referenced in method request: ${r.path}/${m.httpMethod}`,
              );
            }
          }
        }
        delete api.models[input.modelName];
        return {};
      });
    },

    // --- gateway responses
    PutGatewayResponse(
      input: {
        restApiId: string;
        responseType: string;
        statusCode?: string;
        responseParameters?: Record<string, string>;
        responseTemplates?: Record<string, string>;
      },
      ctx,
    ) {
      checkResponseType(input.responseType);
      return edit(ctx, input.restApiId, (api) => {
        const doc: GatewayResponseDoc = compact({
          responseType: input.responseType,
          statusCode: input.statusCode,
          responseParameters: input.responseParameters ?? {},
          responseTemplates: input.responseTemplates ?? {},
          defaultResponse: false,
        });
        api.gatewayResponses[input.responseType] = doc;
        return doc;
      });
    },
    GetGatewayResponse(input: { restApiId: string; responseType: string }, ctx) {
      checkResponseType(input.responseType);
      const api = requireApi(gw, ctx, input.restApiId);
      return gatewayResponseView(input.responseType, api.gatewayResponses[input.responseType]);
    },
    GetGatewayResponses(input: { restApiId: string }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId);
      return { item: GATEWAY_RESPONSE_TYPES.map((t) => gatewayResponseView(t, api.gatewayResponses[t])) };
    },
    UpdateGatewayResponse(input: { restApiId: string; responseType: string; patchOperations?: PatchOp[] }, ctx) {
      checkResponseType(input.responseType);
      return edit(ctx, input.restApiId, (api) => {
        const doc = clone(gatewayResponseView(input.responseType, api.gatewayResponses[input.responseType]));
        for (const p of input.patchOperations ?? []) {
          if (p.path === '/statusCode' && p.op !== 'replace') throw apigwErrors.patchPath(p.path);
          if (p.op === 'replace' && p.path?.startsWith('/responseParameters/') && !p.value)
            throw apigwErrors.badRequest('Invalid null or empty value in responseParameters');
          if (p.op === 'replace' && p.path?.startsWith('/responseTemplates/') && !p.value)
            throw apigwErrors.badRequest('Invalid null or empty value in responseTemplates');
        }
        applyPatch(doc as unknown as Record<string, unknown>, input.patchOperations, {
          statusCode: { type: 'string' },
          responseParameters: { map: 'string' },
          responseTemplates: { map: 'string' },
        });
        doc.responseParameters ??= {};
        doc.responseTemplates ??= {};
        doc.defaultResponse = false;
        api.gatewayResponses[input.responseType] = doc;
        return doc;
      });
    },
    DeleteGatewayResponse(input: { restApiId: string; responseType: string }, ctx) {
      checkResponseType(input.responseType);
      return edit(ctx, input.restApiId, (api) => {
        if (!api.gatewayResponses[input.responseType])
          throw apigwErrors.notFound('Gateway response type not defined on api');
        delete api.gatewayResponses[input.responseType];
        return {};
      });
    },

    // --- tags
    async TagResource(input: { resourceArn: string; tags: Record<string, string> }, ctx) {
      const t = tagTarget(gw, ctx, input.resourceArn);
      await t.save({ ...t.tags(), ...input.tags });
      return {};
    },
    async UntagResource(input: { resourceArn: string; tagKeys?: string[] }, ctx) {
      const t = tagTarget(gw, ctx, input.resourceArn);
      const tags = { ...t.tags() };
      for (const k of input.tagKeys ?? []) delete tags[k];
      await t.save(tags);
      return {};
    },
    GetTags(input: { resourceArn: string }, ctx) {
      return { tags: tagTarget(gw, ctx, input.resourceArn).tags() };
    },

    // --- account
    GetAccount(_input: unknown, ctx) {
      const a = region(gw, ctx).account;
      return compact({
        cloudwatchRoleArn: a.cloudwatchRoleArn,
        throttleSettings: { burstLimit: ACCOUNT_BURST, rateLimit: ACCOUNT_RATE },
        features: ['UsagePlans'],
        apiKeyVersion: '4',
      });
    },
    async UpdateAccount(input: { patchOperations?: PatchOp[] }, ctx) {
      const a = { ...region(gw, ctx).account };
      applyPatch(a as Record<string, unknown>, input.patchOperations, {
        cloudwatchRoleArn: { type: 'string', ops: ['replace', 'remove'] },
      });
      await gw.state.saveAccount(ctx.account, ctx.region, a);
      return compact({
        cloudwatchRoleArn: a.cloudwatchRoleArn,
        throttleSettings: { burstLimit: ACCOUNT_BURST, rateLimit: ACCOUNT_RATE },
        features: ['UsagePlans'],
        apiKeyVersion: '4',
      });
    },
  };
}
