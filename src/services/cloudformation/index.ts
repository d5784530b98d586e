import type { ServiceModel } from '../../core/model/types.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { ServiceDeps } from '../deps.js';
import type { CfnContext, Signer } from './context.js';
import type { StackStatus } from './types.js';
import { StackEngine } from './engine/engine.js';
import { changeSetOperations } from './operations/change-sets.js';
import { stackOperations } from './operations/stacks.js';
import { CFN_MIGRATIONS } from './storage/migrations.js';
import { StackRepository } from './storage/repository.js';
import modelJson from './model.json' with { type: 'json' };

const model = modelJson as unknown as ServiceModel;

/** Where an operation cut short by a restart leaves its stack (the states AWS uses for a failed operation). */
const INTERRUPTED: Record<string, StackStatus> = {
  CREATE_IN_PROGRESS: 'CREATE_FAILED',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_FAILED',
  DELETE_IN_PROGRESS: 'DELETE_FAILED',
  UPDATE_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_FAILED',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE',
};

async function recoverInterrupted(repo: StackRepository, deps: ServiceDeps): Promise<void> {
  const rows = await deps.store.all<{ account: string; region: string }>(
    `SELECT DISTINCT account, region FROM cfn_stacks WHERE deleted = 0`,
  );
  for (const { account, region } of rows)
    for (const stack of await repo.list(account, region, false)) {
      const next = INTERRUPTED[stack.status];
      if (!next) continue;
      stack.status = next;
      stack.statusReason = 'Overcast stopped during the stack operation';
      await repo.save(stack);
      deps.log.warn(
        { stack: stack.stackName, status: next },
        'cloudformation: stack operation interrupted by a restart',
      );
    }
}

/**
 * CloudFormation (query protocol, 2010-05-15): stacks, change sets, exports, and the template
 * engine that provisions resources by calling each service's public API on Overcast's own endpoint.
 */
export async function createCloudFormation(deps: ServiceDeps): Promise<ServiceDefinition> {
  await deps.store.migrate('cloudformation', CFN_MIGRATIONS);
  const repo = new StackRepository(deps.store);
  // Providers act as the caller, as CloudFormation does: under `--auth enforce` they sign with the
  // caller's configured key (or another key of the same account); otherwise a 12-digit key id
  // names the account.
  const signer: Signer = (account, accessKeyId) => {
    if (deps.config.auth !== 'enforce') return { accessKeyId: account, secretAccessKey: 'overcast-cloudformation' };
    const creds = deps.config.credentials;
    const own = creds.find((k) => k.accessKeyId === accessKeyId) ?? creds.find((k) => k.account === account);
    return own
      ? { accessKeyId: own.accessKeyId, secretAccessKey: own.secretAccessKey }
      : { accessKeyId: account, secretAccessKey: '' };
  };
  const engine = new StackEngine(repo, () => deps.server.endpoint, deps.clock, deps.log, signer);
  const c: CfnContext = {
    repo,
    engine,
    clock: deps.clock,
    log: deps.log,
    syncWaitMs: 10_000,
    endpoint: () => deps.server.endpoint,
    signer,
    nameLocks: new Map(),
  };
  await recoverInterrupted(repo, deps);
  return {
    name: 'cloudformation',
    signingName: 'cloudformation',
    protocol: 'query',
    model,
    operations: { ...stackOperations(c), ...changeSetOperations(c) },
    mounts: [engine.customResponses.mount()],
    close: () => engine.idle(),
  };
}
