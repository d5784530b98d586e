import type { OperationHandler } from '../../../core/service.js';
import type { ApigwContext } from '../context.js';
import { apigwErrors } from '../errors.js';
import { unsupported } from '../patch.js';
import type { PatchOp } from '../patch.js';
import { randomId } from '../state.js';
import type { ResourceDoc, RestApiDoc } from '../types.js';
import { clone, compact, page, requireApi, requireResource } from './shared.js';

const PATH_PART = /^(?:[a-zA-Z0-9._:-]+|\{[a-zA-Z0-9._-]+\+?\})$/;

export function resourceView(r: ResourceDoc, embedMethods: boolean): Record<string, unknown> {
  const methods = r.resourceMethods && Object.keys(r.resourceMethods).length > 0 ? r.resourceMethods : undefined;
  return compact({
    id: r.id,
    parentId: r.parentId,
    pathPart: r.pathPart,
    path: r.path,
    resourceMethods: methods && (embedMethods ? methods : Object.fromEntries(Object.keys(methods).map((m) => [m, {}]))),
  });
}

const isVariable = (part: string | undefined) => part !== undefined && part.startsWith('{');
const isGreedy = (part: string | undefined) => part !== undefined && part.endsWith('+}');

/** Checks a new path part against its parent's children, as CreateResource does. */
export function checkPathPart(api: RestApiDoc, parent: ResourceDoc, pathPart: string, selfId?: string): void {
  if (!PATH_PART.test(pathPart)) {
    throw apigwErrors.badRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
  if (isGreedy(parent.pathPart))
    throw apigwErrors.badRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  for (const sibling of Object.values(api.resources)) {
    if (sibling.parentId !== parent.id || sibling.id === selfId) continue;
    if (sibling.pathPart === pathPart)
      throw apigwErrors.conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    if (isVariable(pathPart) && isVariable(sibling.pathPart)) {
      throw apigwErrors.badRequest(
        `A sibling (${sibling.pathPart}) of this resource already has a variable path part -- only one is allowed`,
      );
    }
  }
}

/** Recomputes `path` of a resource and its descendants. */
export function repath(api: RestApiDoc, id: string): void {
  const r = api.resources[id]!;
  const parent = r.parentId ? api.resources[r.parentId] : undefined;
  r.path = parent ? (parent.path === '/' ? `/${r.pathPart}` : `${parent.path}/${r.pathPart}`) : '/';
  for (const child of Object.values(api.resources)) if (child.parentId === id) repath(api, child.id);
}

/** Adds a resource under `parent` (no checks): used by imports. */
export function addResource(api: RestApiDoc, parentId: string, pathPart: string): ResourceDoc {
  const id = randomId(10);
  const r: ResourceDoc = { id, parentId, pathPart, path: '' };
  api.resources[id] = r;
  repath(api, id);
  return r;
}

export function resourceOperations(gw: ApigwContext): Record<string, OperationHandler> {
  return {
    async CreateResource(input: { restApiId: string; parentId: string; pathPart: string }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId, 'resource'));
      const parent = requireResource(api, input.parentId);
      checkPathPart(api, parent, input.pathPart);
      const r = addResource(api, parent.id, input.pathPart);
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return resourceView(r, false);
    },

    GetResource(input: { restApiId: string; resourceId: string; embed?: string[] }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId, 'resource');
      return resourceView(requireResource(api, input.resourceId), (input.embed ?? []).includes('methods'));
    },

    GetResources(input: { restApiId: string; embed?: string[]; limit?: number; position?: string }, ctx) {
      const api = requireApi(gw, ctx, input.restApiId);
      const embed = (input.embed ?? []).includes('methods');
      const items = Object.values(api.resources)
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((r) => resourceView(r, embed));
      return page(items, { limit: input.limit ?? 500, position: input.position });
    },

    async DeleteResource(input: { restApiId: string; resourceId: string }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId, 'resource'));
      const r = requireResource(api, input.resourceId);
      if (r.id === api.rootResourceId) throw apigwErrors.badRequest('Cannot delete root resource');
      const doomed = new Set([r.id]);
      let grew = true;
      while (grew) {
        grew = false;
        for (const x of Object.values(api.resources)) {
          if (x.parentId && doomed.has(x.parentId) && !doomed.has(x.id)) {
            doomed.add(x.id);
            grew = true;
          }
        }
      }
      for (const id of doomed) delete api.resources[id];
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return {};
    },

    async UpdateResource(input: { restApiId: string; resourceId: string; patchOperations?: PatchOp[] }, ctx) {
      const api = clone(requireApi(gw, ctx, input.restApiId, 'resource'));
      const r = requireResource(api, input.resourceId);
      for (const p of input.patchOperations ?? []) {
        const path = p.path ?? '';
        if (path !== '/pathPart' && path !== '/parentId') {
          if (p.op === 'replace' || p.op === undefined) {
            throw apigwErrors.badRequest(
              `Invalid patch path  '${path}' specified for op 'replace'. Must be one of: [/parentId, /pathPart]`,
            );
          }
          throw apigwErrors.patchPath(path);
        }
        if ((p.op ?? 'replace') !== 'replace') unsupported(path, p.op!);
        if (r.id === api.rootResourceId)
          throw apigwErrors.badRequest(`Root resource cannot update its ${path.slice(1)}.`);
        if (path === '/pathPart') {
          checkPathPart(api, api.resources[r.parentId!]!, p.value ?? '', r.id);
          r.pathPart = p.value!;
        } else {
          const parent = requireResource(api, p.value ?? '');
          for (
            let at: ResourceDoc | undefined = parent;
            at;
            at = at.parentId ? api.resources[at.parentId] : undefined
          ) {
            if (at.id === r.id) throw apigwErrors.badRequest('Resources cannot be cyclical.');
          }
          checkPathPart(api, parent, r.pathPart!, r.id);
          r.parentId = parent.id;
        }
      }
      repath(api, r.id);
      await gw.state.saveApi(ctx.account, ctx.region, api);
      return resourceView(r, false);
    },
  };
}
