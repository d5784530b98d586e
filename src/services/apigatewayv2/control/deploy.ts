import type { V2Context } from './context.js';
import { newId } from './context.js';
import type { ApiState, Doc } from './store.js';

/** What a deployment freezes: the routes, integrations, authorizers and responses the data plane serves. */
export interface Snapshot {
  routes: Doc[];
  integrations: Record<string, Doc>;
  authorizers: Record<string, Doc>;
  routeResponses: Doc[];
  integrationResponses: Doc[];
}

export function snapshotOf(state: ApiState): Snapshot {
  const clone = <T>(v: T): T => structuredClone(v);
  return {
    routes: [...state.items.route.values()].map(clone),
    integrations: Object.fromEntries([...state.items.integration].map(([k, v]) => [k, clone(v)])),
    authorizers: Object.fromEntries([...state.items.authorizer].map(([k, v]) => [k, clone(v)])),
    routeResponses: [...state.items.routeresponse.values()].map(clone),
    integrationResponses: [...state.items.integrationresponse.values()].map(clone),
  };
}

export async function deploy(
  c: V2Context,
  state: ApiState,
  description: string | undefined,
  autoDeployed: boolean,
): Promise<Doc> {
  const id = newId(6);
  const doc: Doc = {
    AutoDeployed: autoDeployed,
    CreatedDate: c.clock.now(),
    DeploymentId: id,
    DeploymentStatus: 'DEPLOYED',
    ...(description !== undefined ? { Description: description } : {}),
    _snapshot: snapshotOf(state),
  };
  await c.store.put(state, 'deployment', id, doc);
  return doc;
}

/** After a change: every auto-deploy stage gets a fresh deployment (when the API has a route). */
export async function autoDeploy(c: V2Context, state: ApiState): Promise<void> {
  if (state.items.route.size === 0) return;
  for (const stage of state.items.stage.values()) {
    if (!stage['AutoDeploy']) continue;
    const d = await deploy(c, state, 'Automatic deployment triggered by changes to the Api configuration', true);
    stage['DeploymentId'] = d['DeploymentId'];
    stage['LastDeploymentStatusMessage'] =
      `Successfully deployed stage with deployment ID '${d['DeploymentId'] as string}'`;
    stage['LastUpdatedDate'] = c.clock.now();
    await c.store.put(state, 'stage', stage['StageName'] as string, stage);
  }
}
