import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { StackRepository } from '../storage/repository.js';
import type { ResourceRecord, StackEvent, StackRecord, StackStatus } from '../types.js';

/** Records a stack's progress: status changes become events (as AWS words them) and saves. */
export class StackRecorder {
  private readonly saving = new Map<string, { running: Promise<void>; dirty: boolean }>();

  constructor(
    private readonly repo: StackRepository,
    private readonly clock: Clock,
  ) {}

  /** Save the stack; saves requested while one runs coalesce into one more. */
  save(stack: StackRecord): Promise<void> {
    const s = this.saving.get(stack.stackId);
    if (s) {
      s.dirty = true;
      return s.running;
    }
    const state = { running: Promise.resolve(), dirty: false };
    state.running = (async () => {
      do {
        state.dirty = false;
        await this.repo.save(stack);
      } while (state.dirty);
      this.saving.delete(stack.stackId);
    })();
    this.saving.set(stack.stackId, state);
    return state.running;
  }

  async event(
    stack: StackRecord,
    logicalId: string,
    type: string,
    status: string,
    extra: { reason?: string; physicalId?: string; properties?: unknown; token?: string } = {},
  ): Promise<void> {
    const now = this.clock.now();
    const isStack = logicalId === stack.stackName && type === 'AWS::CloudFormation::Stack';
    const e: StackEvent = {
      StackId: stack.stackId,
      EventId: isStack ? randomUUID() : `${logicalId}-${status}-${new Date(now).toISOString()}`,
      StackName: stack.stackName,
      LogicalResourceId: logicalId,
      PhysicalResourceId: isStack ? stack.stackId : (extra.physicalId ?? ''),
      ResourceType: type,
      Timestamp: now,
      ResourceStatus: status,
      ...(extra.reason !== undefined ? { ResourceStatusReason: extra.reason } : {}),
      ...(extra.properties !== undefined ? { ResourceProperties: JSON.stringify(extra.properties) } : {}),
      ...(extra.token !== undefined ? { ClientRequestToken: extra.token } : {}),
    };
    await this.repo.addEvent(e);
  }

  async stackStatus(stack: StackRecord, status: StackStatus, reason?: string): Promise<void> {
    stack.status = status;
    if (reason !== undefined) stack.statusReason = reason;
    else delete stack.statusReason;
    await this.event(stack, stack.stackName, 'AWS::CloudFormation::Stack', status, {
      ...(reason !== undefined ? { reason } : {}),
    });
    await this.save(stack);
  }

  async resourceStatus(
    stack: StackRecord,
    r: ResourceRecord,
    status: string,
    reason?: string,
    properties?: unknown,
    track = true,
  ) {
    r.status = status;
    r.timestamp = this.clock.now();
    if (reason !== undefined) r.statusReason = reason;
    else delete r.statusReason;
    if (track) stack.resources[r.logicalId] = r;
    await this.event(stack, r.logicalId, r.type, status, {
      ...(reason !== undefined ? { reason } : {}),
      ...(r.physicalId !== undefined ? { physicalId: r.physicalId } : {}),
      ...(properties !== undefined ? { properties } : {}),
    });
    await this.save(stack);
  }
}
