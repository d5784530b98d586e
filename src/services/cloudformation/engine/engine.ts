import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/log.js';
import type { Signer } from '../context.js';
import { TemplateError } from '../errors.js';
import { AwsClient, ServiceCallError } from '../providers/client.js';
import { CustomResponses, customResource } from '../providers/custom.js';
import { isCustomType, PROVIDERS, SKIPPED_PROVIDER } from '../providers/index.js';
import type { ProviderContext, ResourceProvider } from '../providers/types.js';
import { changedProps, generateName } from '../providers/types.js';
import type { StackRepository } from '../storage/repository.js';
import { dependencyGraph, dependsOnList } from '../template/analyze.js';
import { partitionOf } from '../template/intrinsics.js';
import type { Template } from '../template/parse.js';
import type { OutputRecord, ResourceRecord, StackRecord } from '../types.js';
import { activeResources, makeContext, resolveOutputs, resolveProperties } from './context.js';
import { StackRecorder } from './recorder.js';

/** The tag that skips resource types Overcast does not provide (with a warning event) instead of failing. */
export const SKIP_UNSUPPORTED_TAG = 'overcast:skip-unsupported';

export interface UpdateRequest {
  template: Template;
  templateBody: string;
  parameters: Record<string, string>;
  typed: Record<string, string | string[]>;
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  notificationArns: string[];
  disableRollback: boolean;
  changeSetId?: string;
}

type Journal =
  | { kind: 'created'; id: string }
  | { kind: 'updated'; id: string; old: ResourceRecord; attempted: Record<string, unknown> }
  | { kind: 'replaced'; id: string; old: ResourceRecord; replacement: ResourceRecord };

function message(e: unknown): string {
  if (e instanceof ServiceCallError)
    return `Resource handler returned message: "${e.message}" (RequestToken: ${randomUUID()}, HandlerErrorCode: ${handlerCode(e)})`;
  if (e instanceof TemplateError) return `Template error: [${e.path}] ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

function handlerCode(e: ServiceCallError): string {
  if (e.status === 404 || /NotFound/.test(e.code)) return 'NotFound';
  if (/AlreadyExists|ResourceInUse|Conflict/.test(e.code)) return 'AlreadyExists';
  if (e.status >= 500) return 'ServiceInternalError';
  return 'InvalidRequest';
}

/**
 * Runs stack operations: create, update (with cleanup), rollback and delete, resource by resource
 * in dependency order (independent resources in parallel), recording events as AWS reports them.
 */
export class StackEngine {
  private readonly tails = new Map<string, Promise<void>>();
  /** Where custom resources' functions PUT their responses. */
  readonly customResponses = new CustomResponses();
  private readonly rec: StackRecorder;
  private readonly custom = customResource(this.customResponses);

  constructor(
    private readonly repo: StackRepository,
    private readonly endpoint: () => string,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly signer: Signer,
  ) {
    this.rec = new StackRecorder(repo, clock);
  }

  /** Run `fn` after every earlier operation of the stack; resolves when it finishes. */
  enqueue(stackId: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.tails.get(stackId) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((e) => this.log.error({ err: e, stackId }, 'cloudformation: stack operation failed'));
    this.tails.set(stackId, next);
    void next.then(() => {
      if (this.tails.get(stackId) === next) this.tails.delete(stackId);
    });
    return next;
  }

  busy(stackId: string): boolean {
    return this.tails.has(stackId);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  // ---- providers -----------------------------------------------------------------------------

  private providerFor(stack: StackRecord, type: string): ResourceProvider {
    const p = PROVIDERS[type] ?? (isCustomType(type) ? this.custom : undefined);
    if (p) return p;
    if (stack.tags.some((t) => t.Key === SKIP_UNSUPPORTED_TAG && t.Value === 'true')) return SKIPPED_PROVIDER;
    throw new Error(`Overcast does not support resource type ${type}`);
  }

  private providerContext(stack: StackRecord, logicalId: string): ProviderContext {
    return {
      account: stack.account,
      region: stack.region,
      partition: partitionOf(stack.region),
      stackName: stack.stackName,
      stackId: stack.stackId,
      logicalId,
      resourceType: stack.resources[logicalId]?.type ?? '',
      client: new AwsClient(
        this.endpoint,
        stack.account,
        stack.region,
        this.signer(stack.account, stack.callerAccessKeyId),
      ),
      physicalName: (max, options) => generateName(stack.stackName, logicalId, max, options),
    };
  }

  private async exportsMap(stack: StackRecord): Promise<Map<string, string>> {
    return new Map((await this.repo.exports(stack.account, stack.region)).map((e) => [e.name, e.value]));
  }

  // ---- create and update -----------------------------------------------------------------------

  /** Create (when the stack has no resources) or update the stack to `req`, rolling back on failure. */
  async deploy(stack: StackRecord, req: UpdateRequest, creating: boolean): Promise<void> {
    const previous = {
      processed: stack.processed,
      templateBody: stack.templateBody,
      parameters: stack.parameters,
      outputs: stack.outputs,
      imports: stack.imports,
      description: stack.description,
      capabilities: stack.capabilities,
      tags: stack.tags,
      notificationArns: stack.notificationArns,
    };
    stack.processed = req.template;
    stack.templateBody = req.templateBody;
    stack.parameters = req.parameters;
    stack.capabilities = req.capabilities;
    stack.tags = req.tags;
    stack.notificationArns = req.notificationArns;
    stack.disableRollback = req.disableRollback;
    if (typeof req.template['Description'] === 'string') stack.description = req.template['Description'];
    else delete stack.description;
    if (req.changeSetId) stack.changeSetId = req.changeSetId;
    if (!creating) stack.lastUpdatedTime = this.clock.now();
    await this.rec.stackStatus(stack, creating ? 'CREATE_IN_PROGRESS' : 'UPDATE_IN_PROGRESS', 'User Initiated');

    const journal: Journal[] = [];
    const failures: string[] = [];
    let failureReason = '';
    const exportsMap = await this.exportsMap(stack);
    const imported = new Set<string>();
    const ctx = makeContext({
      account: stack.account,
      region: stack.region,
      stackName: stack.stackName,
      stackId: stack.stackId,
      notificationArns: stack.notificationArns,
      template: req.template,
      parameters: req.typed,
      resources: stack.resources,
      exports: exportsMap,
      imported,
    });
    let outputs: OutputRecord[] = [];
    const oldResources = { ...stack.resources };
    try {
      const active = activeResources(req.template, ctx);
      const graph = dependencyGraph(active);
      const runs = new Map<string, Promise<boolean>>();
      const run = (id: string): Promise<boolean> => {
        let p = runs.get(id);
        if (!p) {
          p = (async () => {
            const deps = await Promise.all([...(graph.get(id) ?? [])].map(run));
            if (deps.some((ok) => !ok) || failures.length) return false;
            try {
              await this.applyResource(stack, id, active[id], ctx, journal, graph, oldResources[id]);
              return true;
            } catch {
              failures.push(id);
              return false;
            }
          })();
          runs.set(id, p);
        }
        return p;
      };
      await Promise.all(Object.keys(active).map(run));
      if (failures.length) {
        const created = failures.filter(
          (id) => !oldResources[id] || /FAILED|DELETE_COMPLETE/.test(oldResources[id]!.status),
        );
        const updated = failures.filter((id) => !created.includes(id));
        failureReason =
          (created.length ? `The following resource(s) failed to create: [${created.join(', ')}]. ` : '') +
          (updated.length ? `The following resource(s) failed to update: [${updated.join(', ')}]. ` : '');
      } else {
        outputs = resolveOutputs(req.template, ctx);
        await this.checkExports(stack, outputs);
      }
    } catch (e) {
      failureReason = message(e);
    }

    if (!failureReason) {
      stack.outputs = outputs;
      stack.imports = [...imported];
      await this.repo.setExports(stack.account, stack.region, stack.stackId, outputs);
      if (creating) {
        await this.rec.stackStatus(stack, 'CREATE_COMPLETE');
        return;
      }
      await this.rec.stackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      // Resources no longer in the template (or whose condition turned false), then replaced physical resources.
      const active = activeResources(req.template, ctx);
      const removed = Object.values(oldResources).filter((r) => !(r.logicalId in active));
      await this.deleteResources(stack, removed, false, false);
      for (const r of removed) delete stack.resources[r.logicalId];
      const replaced = journal.flatMap((j) => {
        if (j.kind !== 'replaced') return [];
        const r: ResourceRecord = { ...j.old, dependsOn: [] };
        if (j.replacement.updateReplacePolicy !== undefined) r.updateReplacePolicy = j.replacement.updateReplacePolicy;
        else delete r.updateReplacePolicy;
        return [r];
      });
      await this.deleteResources(stack, replaced, false, true);
      await this.rec.stackStatus(stack, 'UPDATE_COMPLETE');
      return;
    }

    // ---- failure: roll back -----------------------------------------------------------------
    if (creating) {
      if (req.disableRollback) {
        await this.rec.stackStatus(stack, 'CREATE_FAILED', failureReason);
        return;
      }
      await this.rec.stackStatus(
        stack,
        'ROLLBACK_IN_PROGRESS',
        `${failureReason.endsWith(' ') ? failureReason : `${failureReason} `}Rollback requested by user.`,
      );
      const ok = await this.deleteResources(stack, Object.values(stack.resources), true);
      await this.rec.stackStatus(stack, ok ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
      return;
    }
    if (req.disableRollback) {
      await this.rec.stackStatus(stack, 'UPDATE_FAILED', failureReason);
      return;
    }
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', failureReason);
    Object.assign(stack, previous);
    let rollbackOk = true;
    const cleanup: ResourceRecord[] = [];
    for (const j of [...journal].reverse()) {
      try {
        if (j.kind === 'created') {
          cleanup.push(stack.resources[j.id]!);
          delete stack.resources[j.id];
        } else if (j.kind === 'replaced') {
          cleanup.push(j.replacement);
          const r = { ...j.old };
          await this.rec.resourceStatus(stack, r, 'UPDATE_COMPLETE');
        } else if (j.id in stack.resources) {
          const current = stack.resources[j.id]!;
          const r: ResourceRecord = { ...j.old };
          await this.rec.resourceStatus(stack, r, 'UPDATE_IN_PROGRESS');
          const provider = this.providerFor(stack, r.type);
          if (provider.update && current.physicalId !== undefined) {
            const res = await provider.update(
              current.physicalId,
              j.old.properties,
              j.attempted,
              current.attributes,
              this.providerContext(stack, j.id),
            );
            r.attributes = res.attributes ?? r.attributes;
          }
          await this.rec.resourceStatus(stack, r, 'UPDATE_COMPLETE');
        }
      } catch (e) {
        rollbackOk = false;
        const r = stack.resources[j.id];
        if (r) await this.rec.resourceStatus(stack, r, 'UPDATE_FAILED', message(e));
      }
    }
    // Resources that failed to create during the update are cleaned up too.
    for (const id of failures)
      if (!(id in oldResources) && stack.resources[id]) {
        cleanup.push(stack.resources[id]);
        delete stack.resources[id];
      }
    if (!rollbackOk) {
      await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_FAILED');
      return;
    }
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.deleteResources(stack, cleanup, true, true);
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
  }

  /** Create, update in place, or replace one resource. */
  private async applyResource(
    stack: StackRecord,
    id: string,
    def: any,
    ctx: ReturnType<typeof makeContext>,
    journal: Journal[],
    graph: Map<string, Set<string>>,
    old: ResourceRecord | undefined,
  ): Promise<void> {
    const type = String(def.Type);
    const existing =
      old && old.physicalId !== undefined && !/FAILED|DELETE_COMPLETE/.test(old.status) ? old : undefined;
    const record: ResourceRecord = {
      logicalId: id,
      type,
      status: 'CREATE_IN_PROGRESS',
      timestamp: this.clock.now(),
      properties: {},
      attributes: {},
      dependsOn: [...(graph.get(id) ?? [])],
      ...(def.DeletionPolicy !== undefined ? { deletionPolicy: String(def.DeletionPolicy) } : {}),
      ...(def.UpdateReplacePolicy !== undefined ? { updateReplacePolicy: String(def.UpdateReplacePolicy) } : {}),
      ...(def.Metadata !== undefined ? { metadata: def.Metadata } : {}),
    };
    if (existing && existing.type !== type) {
      const r = { ...existing };
      await this.rec.resourceStatus(
        stack,
        r,
        'UPDATE_FAILED',
        `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${id}]`,
      );
      throw new Error('type change');
    }
    let properties: Record<string, unknown>;
    try {
      properties = resolveProperties(id, def, ctx);
    } catch (e) {
      if (existing) await this.rec.resourceStatus(stack, { ...existing }, 'UPDATE_FAILED', message(e));
      else await this.rec.resourceStatus(stack, record, 'CREATE_FAILED', message(e));
      throw e;
    }
    const pctx = { ...this.providerContext(stack, id), resourceType: type };
    let provider: ResourceProvider;
    try {
      provider = this.providerFor(stack, type);
    } catch (e) {
      await this.rec.resourceStatus(
        stack,
        existing ? { ...existing } : record,
        existing ? 'UPDATE_FAILED' : 'CREATE_FAILED',
        message(e),
      );
      throw e;
    }

    if (!existing) {
      await this.rec.resourceStatus(stack, record, 'CREATE_IN_PROGRESS', undefined, properties);
      try {
        const res = await provider.create(properties, pctx);
        record.physicalId = res.physicalId;
        record.attributes = res.attributes ?? {};
        record.properties = properties;
        journal.push({ kind: 'created', id });
        await this.rec.resourceStatus(
          stack,
          record,
          'CREATE_IN_PROGRESS',
          provider === SKIPPED_PROVIDER
            ? `Overcast does not support ${type}: skipped (tag ${SKIP_UNSUPPORTED_TAG})`
            : 'Resource creation Initiated',
          properties,
        );
        await this.rec.resourceStatus(stack, record, 'CREATE_COMPLETE', undefined, properties);
      } catch (e) {
        await this.rec.resourceStatus(stack, record, 'CREATE_FAILED', message(e), properties);
        throw e;
      }
      return;
    }

    // Update: nothing to do when the resolved properties and attributes are unchanged.
    const metaChanged =
      JSON.stringify(existing.metadata) !== JSON.stringify(def.Metadata) ||
      existing.deletionPolicy !== def.DeletionPolicy;
    const changed = changedProps(properties, existing.properties);
    if (changed.length === 0) {
      if (metaChanged) {
        stack.resources[id] = {
          ...existing,
          ...record,
          status: existing.status,
          physicalId: existing.physicalId!,
          properties,
          attributes: existing.attributes,
        } as ResourceRecord;
        await this.rec.save(stack);
      }
      return;
    }
    const replace =
      !provider.update ||
      provider.replaceOn === '*' ||
      changed.some((k) => (provider.replaceOn as string[] | undefined)?.includes(k));
    record.physicalId = existing.physicalId;
    record.attributes = existing.attributes;
    record.properties = existing.properties;
    if (replace) {
      await this.rec.resourceStatus(
        stack,
        record,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
        properties,
      );
      try {
        const res = await provider.create(properties, pctx);
        const replacement: ResourceRecord = {
          ...record,
          physicalId: res.physicalId,
          attributes: res.attributes ?? {},
          properties,
        };
        journal.push({ kind: 'replaced', id, old: existing, replacement });
        await this.rec.resourceStatus(
          stack,
          replacement,
          'UPDATE_IN_PROGRESS',
          'Resource creation Initiated',
          properties,
        );
        await this.rec.resourceStatus(stack, replacement, 'UPDATE_COMPLETE', undefined, properties);
      } catch (e) {
        await this.rec.resourceStatus(stack, record, 'UPDATE_FAILED', message(e), properties);
        throw e;
      }
      return;
    }
    await this.rec.resourceStatus(stack, record, 'UPDATE_IN_PROGRESS', undefined, properties);
    const entry: Journal = { kind: 'updated', id, old: existing, attempted: properties };
    journal.push(entry);
    try {
      const res = await provider.update!(
        existing.physicalId!,
        properties,
        existing.properties,
        existing.attributes,
        pctx,
      );
      record.physicalId = res.physicalId;
      record.attributes = res.attributes ?? existing.attributes;
      record.properties = properties;
      // A new physical id (a custom resource's answer) replaces the old one, deleted in the cleanup.
      if (res.physicalId !== existing.physicalId)
        journal[journal.indexOf(entry)] = { kind: 'replaced', id, old: existing, replacement: record };
      await this.rec.resourceStatus(stack, record, 'UPDATE_COMPLETE', undefined, properties);
    } catch (e) {
      await this.rec.resourceStatus(stack, record, 'UPDATE_FAILED', message(e), properties);
      throw e;
    }
  }

  private async checkExports(stack: StackRecord, outputs: OutputRecord[]): Promise<void> {
    const names = new Set<string>();
    for (const o of outputs) {
      if (o.ExportName === undefined) continue;
      if (names.has(o.ExportName)) throw new Error(`Template error: duplicate export name ${o.ExportName}`);
      names.add(o.ExportName);
      const existing = await this.repo.exportValue(stack.account, stack.region, o.ExportName);
      if (existing && existing.stackId !== stack.stackId)
        throw new Error(
          `Export with name ${o.ExportName} is already exported by stack ${existing.stackId.split('/')[1]}`,
        );
      if (existing && existing.value !== o.OutputValue) {
        const importer = await this.importerOf(stack, o.ExportName);
        if (importer) throw new Error(`Export ${o.ExportName} cannot be updated as it is in use by ${importer}`);
      }
    }
    for (const o of stack.outputs)
      if (o.ExportName !== undefined && !names.has(o.ExportName)) {
        const importer = await this.importerOf(stack, o.ExportName);
        if (importer) throw new Error(`Export ${o.ExportName} cannot be deleted as it is in use by ${importer}`);
      }
  }

  private async importerOf(stack: StackRecord, exportName: string): Promise<string | undefined> {
    const stacks = await this.repo.list(stack.account, stack.region, false);
    return stacks.find((s) => s.stackId !== stack.stackId && s.imports.includes(exportName))?.stackName;
  }

  // ---- delete --------------------------------------------------------------------------------

  /** Delete resources, each after every resource that depends on it; true when all succeeded. */
  private async deleteResources(
    stack: StackRecord,
    records: ResourceRecord[],
    rollback: boolean,
    detached = false,
  ): Promise<boolean> {
    const byId = new Map(records.map((r) => [r.logicalId, r]));
    const dependents = new Map<string, string[]>();
    for (const r of records)
      for (const d of r.dependsOn) if (byId.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), r.logicalId]);
    const runs = new Map<string, Promise<boolean>>();
    const run = (id: string): Promise<boolean> => {
      let p = runs.get(id);
      if (!p) {
        p = (async () => {
          await Promise.all((dependents.get(id) ?? []).map(run));
          const r = byId.get(id)!;
          if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') return true;
          const live = detached ? { ...r } : r;
          const set = (status: string, reason?: string) =>
            this.rec.resourceStatus(stack, live, status, reason, undefined, !detached);
          const policy = detached && !rollback ? r.updateReplacePolicy : r.deletionPolicy;
          if (policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !rollback)) {
            await set('DELETE_SKIPPED');
            return true;
          }
          await set('DELETE_IN_PROGRESS');
          try {
            if (r.physicalId !== undefined) {
              const provider = PROVIDERS[r.type] ?? (isCustomType(r.type) ? this.custom : SKIPPED_PROVIDER);
              await provider.delete(r.physicalId, r.properties, r.attributes, {
                ...this.providerContext(stack, id),
                resourceType: r.type,
              });
            }
            await set('DELETE_COMPLETE');
            return true;
          } catch (e) {
            await set('DELETE_FAILED', message(e));
            return false;
          }
        })();
        runs.set(id, p);
      }
      return p;
    };
    const results = await Promise.all(records.map((r) => run(r.logicalId)));
    return results.every(Boolean);
  }

  /** ContinueUpdateRollback: accept the recorded resources as the rolled-back state. */
  async finishRollback(stack: StackRecord): Promise<void> {
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', 'User Initiated');
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    await this.rec.stackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE');
  }

  async delete(stack: StackRecord, retain: string[], token?: string): Promise<void> {
    void token;
    await this.rec.stackStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    for (const o of stack.outputs)
      if (o.ExportName !== undefined) {
        const importer = await this.importerOf(stack, o.ExportName);
        if (importer) {
          await this.rec.stackStatus(
            stack,
            'DELETE_FAILED',
            `Export ${o.ExportName} cannot be deleted as it is in use by ${importer}`,
          );
          return;
        }
      }
    for (const id of retain) if (stack.resources[id]) stack.resources[id]!.deletionPolicy = 'Retain';
    const ok = await this.deleteResources(stack, Object.values(stack.resources), false);
    if (!ok) {
      const failed = Object.values(stack.resources)
        .filter((r) => r.status === 'DELETE_FAILED')
        .map((r) => r.logicalId);
      await this.rec.stackStatus(
        stack,
        'DELETE_FAILED',
        `The following resource(s) failed to delete: [${failed.join(', ')}]. `,
      );
      return;
    }
    await this.repo.setExports(stack.account, stack.region, stack.stackId, []);
    stack.deletionTime = this.clock.now();
    await this.rec.stackStatus(stack, 'DELETE_COMPLETE');
  }
}

export { dependsOnList };
