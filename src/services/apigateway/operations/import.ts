import { RawPayload } from '../../../core/protocols/rest-json.js';
import type { OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { exportApi } from '../openapi/export.js';
import { apiFromDefinition, parseDefinition } from '../openapi/import.js';
import type { RestApiDoc } from '../types.js';
import { apiView, newApi } from './restapis.js';
import { clone, requireApi } from './shared.js';

export function importOperations(gw: ApigwContext): Record<string, OperationHandler> {
  return {
    async ImportRestApi(input: { body?: Buffer; parameters?: Record<string, string>; failOnWarnings?: boolean }, ctx) {
      const def = parseDefinition(input.body);
      const endpoint = input.parameters?.['endpointConfigurationTypes'];
      const api = apiFromDefinition(
        def,
        newApi(gw, ctx, { name: 'imported', ...(endpoint ? { endpointConfiguration: { types: [endpoint] } } : {}) }),
      );
      if (!def.info?.title)
        throw apigwErrors.badRequest('Invalid OpenAPI input: the API title is required (info.title).');
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return apiView(api);
    },

    async PutRestApi(
      input: { restApiId: string; mode?: string; body?: Buffer; parameters?: Record<string, string> },
      ctx,
    ) {
      const existing = requireApi(gw, ctx, input.restApiId);
      const def = parseDefinition(input.body);
      let api: RestApiDoc;
      if ((input.mode ?? 'merge') === 'overwrite') {
        const rootId = existing.rootResourceId;
        const base: RestApiDoc = {
          ...clone(existing),
          resources: { [rootId]: { id: rootId, path: '/' } },
          authorizers: {},
          models: {},
          requestValidators: {},
          gatewayResponses: {},
        };
        delete base.binaryMediaTypes;
        delete base.description;
        api = apiFromDefinition(def, base);
      } else {
        api = apiFromDefinition(def, clone(existing));
      }
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return apiView(api);
    },

    GetExport(
      input: {
        restApiId: string;
        stageName: string;
        exportType: string;
        parameters?: Record<string, string>;
        accepts?: string;
      },
      ctx,
    ) {
      const api = requireApi(gw, ctx, input.restApiId);
      const stage = api.stages[input.stageName];
      if (!stage) throw apigwErrors.notFound('Invalid Stage identifier specified');
      if (input.exportType !== 'oas30' && input.exportType !== 'swagger')
        throw apigwErrors.badRequest(`No API exporter for type '${input.exportType}'`);
      const yaml = /yaml/.test(input.accepts ?? '');
      const text = exportApi(
        api,
        api.deployments[stage.deploymentId]!.snapshot,
        stage.stageName,
        ctx.region,
        input.exportType,
        input.parameters?.['extensions'] ?? '',
        yaml,
      );
      const contentType = yaml ? 'application/yaml' : 'application/json';
      return {
        contentType,
        contentDisposition: `attachment; filename="${input.exportType}_${new Date().toISOString().slice(0, 10)}.${yaml ? 'yaml' : 'json'}"`,
        body: new RawPayload(text, contentType),
      };
    },
  };
}
