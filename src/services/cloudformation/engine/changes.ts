import { PROVIDERS } from '../providers/index.js';
import { changedProps } from '../providers/types.js';
import type { Template } from '../template/parse.js';
import type { StackRecord } from '../types.js';
import { activeResources, makeContext, resolveProperties } from './context.js';

/** What executing a template against a stack would do, as DescribeChangeSet reports it. */
export function computeChanges(
  stack: StackRecord,
  template: Template,
  typed: Record<string, string | string[]>,
  exports: Map<string, string>,
): unknown[] {
  const pendingIds = new Set<string>();
  const ctx = makeContext({
    account: stack.account,
    region: stack.region,
    stackName: stack.stackName,
    stackId: stack.stackId,
    notificationArns: stack.notificationArns,
    template,
    parameters: typed,
    resources: stack.resources,
    exports,
    pending: (id, attr) => {
      pendingIds.add(id);
      return `{{pending:${id}${attr ? `.${attr}` : ''}}}`;
    },
  });
  const active = activeResources(template, ctx);
  const changes: unknown[] = [];
  const live = (id: string) => {
    const r = stack.resources[id];
    return r && r.physicalId !== undefined && !/FAILED|DELETE_COMPLETE/.test(r.status) ? r : undefined;
  };
  for (const [id, def] of Object.entries(active)) {
    const old = live(id);
    if (!old) {
      changes.push({
        Type: 'Resource',
        ResourceChange: { Action: 'Add', LogicalResourceId: id, ResourceType: def.Type, Scope: [], Details: [] },
      });
      continue;
    }
    let props: Record<string, unknown>;
    try {
      props = resolveProperties(id, def, ctx);
    } catch {
      props = { '?': 'unresolved' };
    }
    const changed = changedProps(props, old.properties);
    if (!changed.length) continue;
    const provider = PROVIDERS[def.Type];
    const replaceOn = provider?.replaceOn;
    const recreates = (k: string) =>
      !provider?.update || replaceOn === '*' || (replaceOn as string[] | undefined)?.includes(k);
    const replacement = changed.some(recreates) ? 'True' : 'False';
    changes.push({
      Type: 'Resource',
      ResourceChange: {
        Action: 'Modify',
        LogicalResourceId: id,
        PhysicalResourceId: old.physicalId,
        ResourceType: def.Type,
        Replacement: replacement,
        Scope: ['Properties'],
        Details: changed.map((k) => ({
          Target: { Attribute: 'Properties', Name: k, RequiresRecreation: recreates(k) ? 'Always' : 'Never' },
          Evaluation: pendingIds.size ? 'Dynamic' : 'Static',
          ChangeSource: 'DirectModification',
        })),
      },
    });
  }
  for (const [id, r] of Object.entries(stack.resources))
    if (!(id in active) && live(id))
      changes.push({
        Type: 'Resource',
        ResourceChange: {
          Action: 'Remove',
          LogicalResourceId: id,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          Scope: [],
          Details: [],
        },
      });
  return changes;
}
