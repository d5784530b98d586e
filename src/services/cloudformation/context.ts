import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import type { StackEngine } from './engine/engine.js';
import type { StackRepository } from './storage/repository.js';

export interface CfnContext {
  repo: StackRepository;
  engine: StackEngine;
  clock: Clock;
  log: Logger;
  /** How long a mutating call waits for its operation before answering (the operation goes on either way). */
  syncWaitMs: number;
  /** Overcast's own endpoint (for reading TemplateURL objects from S3). */
  endpoint: () => string;
  /** The credentials a call on behalf of `accessKeyId` (of `account`) is signed with. */
  signer: Signer;
  /** Serialises the calls that may create a stack of a given name (account/region/name). */
  nameLocks: Map<string, Promise<unknown>>;
}

/** Run `fn` after every earlier `fn` for the same stack name, so two creates cannot both pass the name check. */
export function withNameLock<T>(c: CfnContext, key: string, fn: () => Promise<T>): Promise<T> {
  const prev = c.nameLocks.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  c.nameLocks.set(key, next);
  void next
    .catch(() => undefined)
    .then(() => {
      if (c.nameLocks.get(key) === next) c.nameLocks.delete(key);
    });
  return next;
}

export type Signer = (
  account: string,
  accessKeyId: string | undefined,
) => { accessKeyId: string; secretAccessKey: string };

/** Wait for an operation up to the context's bound: clients polling with long delays see it done. */
export async function settle(ctx: CfnContext, done: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, ctx.syncWaitMs)))]);
  clearTimeout(timer);
}
