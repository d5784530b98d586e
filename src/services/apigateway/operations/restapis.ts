import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { applyPatch, badOp } from '../patch.js';
import type { PatchOp } from '../patch.js';
import { randomId } from '../state.js';
import type { RestApiDoc } from '../types.js';
import { clone, compact, nowSeconds, page, region, requireApi } from './shared.js';

const ENDPOINT_TYPES = ['REGIONAL', 'EDGE', 'PRIVATE'];

/** What GetRestApi answers (the stored document less its sub-resources). */
export function apiView(api: RestApiDoc): Record<string, unknown> {
  return compact({
    id: api.id,
    name: api.name,
    description: api.description,
    createdDate: api.createdDate,
    version: api.version,
    warnings: api.warnings,
    binaryMediaTypes: api.binaryMediaTypes,
    minimumCompressionSize: api.minimumCompressionSize,
    apiKeySource: api.apiKeySource,
    endpointConfiguration: api.endpointConfiguration,
    policy: api.policy,
    tags: api.tags && Object.keys(api.tags).length > 0 ? api.tags : undefined,
    disableExecuteApiEndpoint: api.disableExecuteApiEndpoint,
    rootResourceId: api.rootResourceId,
  });
}

export interface CreateApiInput {
  name?: string;
  description?: string;
  version?: string;
  binaryMediaTypes?: string[];
  minimumCompressionSize?: number;
  apiKeySource?: string;
  endpointConfiguration?: { types?: string[]; ipAddressType?: string; vpcEndpointIds?: string[] };
  policy?: string;
  tags?: Record<string, string>;
  disableExecuteApiEndpoint?: boolean;
}

function checkCompression(n: unknown): void {
  if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 10_485_760)) {
    throw apigwErrors.badRequest('Invalid minimum compression size, must be between 0 and 10485760');
  }
}

/** A new API document with its root resource `/`. */
export function newApi(gw: ApigwContext, ctx: OperationContext, input: CreateApiInput): RestApiDoc {
  if (input.description === '') throw apigwErrors.badRequest('Description cannot be an empty string');
  checkCompression(input.minimumCompressionSize);
  const types = input.endpointConfiguration?.types ?? ['EDGE'];
  if (types.length === 0)
    throw apigwErrors.badRequest('REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.');
  if (types.length > 1) throw apigwErrors.badRequest('Cannot create an api with multiple Endpoint Types.');
  const ipAddressType = input.endpointConfiguration?.ipAddressType ?? (types[0] === 'PRIVATE' ? 'dualstack' : 'ipv4');
  if (types[0] === 'PRIVATE' && ipAddressType === 'ipv4')
    throw apigwErrors.badRequest('Only dualstack ipAddressType is supported for Private APIs.');
  const rootId = randomId(10);
  return compact({
    id: gw.state.newApiId(),
    name: input.name ?? '',
    description: input.description,
    createdDate: nowSeconds(ctx),
    version: input.version,
    binaryMediaTypes: input.binaryMediaTypes?.length ? [...input.binaryMediaTypes] : undefined,
    minimumCompressionSize: input.minimumCompressionSize,
    apiKeySource: input.apiKeySource ?? 'HEADER',
    endpointConfiguration: compact({
      types,
      ipAddressType,
      vpcEndpointIds: input.endpointConfiguration?.vpcEndpointIds,
    }),
    policy: input.policy,
    tags: input.tags,
    disableExecuteApiEndpoint: input.disableExecuteApiEndpoint ?? false,
    rootResourceId: rootId,
    resources: { [rootId]: { id: rootId, path: '/' } },
    authorizers: {},
    models: {},
    requestValidators: {},
    gatewayResponses: {},
    deployments: {},
    stages: {},
  }) as RestApiDoc;
}

export function restApiOperations(gw: ApigwContext): Record<string, OperationHandler> {
  return {
    async CreateRestApi(input: CreateApiInput & { cloneFrom?: string }, ctx) {
      if (!input.name) throw apigwErrors.badRequest('Name cannot be empty');
      const api = newApi(gw, ctx, input);
      if (input.cloneFrom) {
        const source = requireApi(gw, ctx, input.cloneFrom, 'rest');
        const copy = clone(source);
        const rootId = copy.rootResourceId;
        Object.assign(api, {
          resources: copy.resources,
          rootResourceId: rootId,
          authorizers: copy.authorizers,
          models: copy.models,
          requestValidators: copy.requestValidators,
          gatewayResponses: copy.gatewayResponses,
        });
      }
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return apiView(api);
    },

    GetRestApi(input: { restApiId: string }, ctx) {
      return apiView(requireApi(gw, ctx, input.restApiId));
    },

    GetRestApis(input: { limit?: number; position?: string }, ctx) {
      const apis = [...region(gw, ctx).apis.values()].sort(
        (a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id),
      );
      return page(apis.map(apiView), input);
    },

    async DeleteRestApi(input: { restApiId: string }, ctx) {
      requireApi(gw, ctx, input.restApiId);
      await gw.state.deleteApi(ctx.account, ctx.region, input.restApiId);
      gw.flushAuthorizers(input.restApiId);
      return {};
    },

    async UpdateRestApi(input: { restApiId: string; patchOperations?: PatchOp[] }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId));
      applyPatch(
        api as unknown as Record<string, unknown>,
        input.patchOperations,
        {
          name: { type: 'string' },
          description: { type: 'string' },
          version: { type: 'string' },
          policy: { type: 'string' },
          apiKeySource: { type: 'string' },
          disableExecuteApiEndpoint: { type: 'bool' },
        },
        (op, segs, value, path) => {
          if (segs[0] === 'binaryMediaTypes') {
            if (segs.length < 2) throw apigwErrors.patchPath(path);
            const type = segs.slice(1).join('/');
            const list = (api.binaryMediaTypes ??= []);
            if (op === 'add') {
              if (!list.includes(type)) list.push(type);
            } else if (op === 'remove') {
              api.binaryMediaTypes = list.filter((t) => t !== type);
            } else if (op === 'replace') {
              if (value === undefined) throw apigwErrors.badRequest('Invalid patch value null');
              api.binaryMediaTypes = list.map((t) => (t === type ? value : t));
              if (!list.includes(type)) api.binaryMediaTypes.push(value);
            } else badOp(['add', 'remove', 'replace']);
            if (api.binaryMediaTypes.length === 0) delete api.binaryMediaTypes;
            return true;
          }
          if (segs[0] === 'minimumCompressionSize' && segs.length === 1) {
            if (op !== 'replace') badOp(['replace']);
            if (value === undefined || value === '') delete api.minimumCompressionSize;
            else {
              const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
              checkCompression(Number.isNaN(n) ? 'x' : n);
              api.minimumCompressionSize = n;
            }
            return true;
          }
          if (segs[0] === 'endpointConfiguration') {
            if (segs[1] === 'types') {
              if (op !== 'replace')
                throw apigwErrors.badRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'");
              if (!value || !ENDPOINT_TYPES.includes(value))
                throw apigwErrors.badRequest(
                  'Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE',
                );
              api.endpointConfiguration.types = [value];
              return true;
            }
            if (segs[1] === 'ipAddressType') {
              if (op !== 'replace') badOp(['replace']);
              if (value !== 'ipv4' && value !== 'dualstack')
                throw apigwErrors.badRequest('ipAddressType must be either ipv4 or dualstack.');
              api.endpointConfiguration.ipAddressType = value;
              return true;
            }
            throw apigwErrors.patchPath(path);
          }
          return false;
        },
      );
      if (api.endpointConfiguration.types[0] === 'PRIVATE' && api.endpointConfiguration.ipAddressType === 'ipv4') {
        throw apigwErrors.badRequest('Only dualstack ipAddressType is supported for Private APIs.');
      }
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return apiView(api);
    },
  };
}
