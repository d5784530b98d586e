import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../core/log.js';
import type { OperationHandler } from '../../../core/service.js';
import type { SqsContext } from '../context.js';
import type { Queue } from '../engine.js';
import { sqsErrors } from '../errors.js';

type In = Record<string, any>;

type Status = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  taskId: string;
  handle: string;
  status: Status;
  sourceArn: string;
  destinationArn?: string;
  rate?: number;
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
}

/** Messages a step moves when the caller set no rate (AWS's "system optimized" rate). */
const STEP = 100;
/** Between the steps of a rate-limited task. */
const TICK_MS = 100;
const MAX_RATE = 500;

/**
 * DLQ redrive: StartMessageMoveTask starts a task that moves the available messages of a dead-letter
 * queue, oldest first, to a destination queue or back to the queues they came from, in steps, so
 * the server answers other requests meanwhile: without MaxNumberOfMessagesPerSecond 100 messages a
 * turn of the event loop, with it that many a second (counted from the start, checked every 100 ms).
 * The task is RUNNING until a step finds no available message (COMPLETED); CancelMessageMoveTask
 * makes it CANCELLING, and CANCELLED at its next step; a step that can place none of its messages
 * (their source queue was deleted) fails it (FAILED). In-flight messages are left where they are.
 * Tasks are kept in memory: a restart ends a running one (the messages moved so far stay moved).
 */
export class MoveTasks {
  /** Newest first. */
  private readonly tasks: MoveTask[] = [];
  /** How to stop each pending step (a timeout or an immediate, each cleared by its own function). */
  private readonly pending = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly sc: SqsContext,
    private readonly log: Logger,
  ) {}

  operations(): Record<string, OperationHandler> {
    return {
      StartMessageMoveTask: (input: In) => this.start(input),
      ListMessageMoveTasks: (input: In) => this.list(input),
      CancelMessageMoveTask: (input: In) => this.cancel(input),
    };
  }

  close(): void {
    this.closed = true;
    for (const stop of this.pending) stop();
    this.pending.clear();
  }

  private start(input: In): { TaskHandle: string } {
    const { engine } = this.sc;
    const sourceArn = String(input['SourceArn'] ?? '');
    const source = engine.findByArn(sourceArn);
    if (!source)
      throw sqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    const isDlq = [...engine.all()].some((q) => q.attributes['RedrivePolicy']?.includes(`"${source.arn}"`));
    if (!isDlq) throw sqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
    let destination: Queue | undefined;
    if (input['DestinationArn']) {
      destination = engine.findByArn(String(input['DestinationArn']));
      if (!destination)
        throw sqsErrors.resourceNotFound(
          "The resource that you specified for the DestinationArn parameter doesn't exist.",
        );
    }
    const rawRate = input['MaxNumberOfMessagesPerSecond'];
    const rate = rawRate === undefined || rawRate === null ? undefined : Number(rawRate);
    if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= MAX_RATE))
      throw sqsErrors.invalidParameterValue(
        `Value ${String(rawRate)} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and ${MAX_RATE}.`,
      );
    if (this.tasks.some((t) => t.sourceArn === source.arn && (t.status === 'RUNNING' || t.status === 'CANCELLING')))
      throw sqsErrors.invalidParameterValue(
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    const taskId = randomUUID();
    const task: MoveTask = {
      taskId,
      handle: Buffer.from(JSON.stringify({ taskId, sourceArn: source.arn })).toString('base64'),
      status: 'RUNNING',
      sourceArn: source.arn,
      ...(destination ? { destinationArn: destination.arn } : {}),
      ...(rate !== undefined ? { rate } : {}),
      moved: 0,
      toMove: source.state.messages.size,
      startedAt: engine.clock.now(),
    };
    this.tasks.unshift(task);
    this.schedule(() => this.step(task), 0);
    return { TaskHandle: task.handle };
  }

  private list(input: In): { Results: Record<string, unknown>[] } {
    const sourceArn = String(input['SourceArn'] ?? '');
    if (!this.sc.engine.findByArn(sourceArn))
      throw sqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
    const max = Math.min(10, Math.max(1, Number(input['MaxResults'] ?? 1)));
    return {
      Results: this.tasks
        .filter((t) => t.sourceArn === sourceArn)
        .slice(0, max)
        .map((t) => ({
          // The handle is shown only while the task runs (it can be cancelled then).
          ...(t.status === 'RUNNING' ? { TaskHandle: t.handle } : {}),
          Status: t.status,
          SourceArn: t.sourceArn,
          ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
          ...(t.rate !== undefined ? { MaxNumberOfMessagesPerSecond: t.rate } : {}),
          ApproximateNumberOfMessagesMoved: t.moved,
          ApproximateNumberOfMessagesToMove: t.toMove,
          ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
          StartedTimestamp: t.startedAt,
        })),
    };
  }

  private cancel(input: In): { ApproximateNumberOfMessagesMoved: number } {
    const handle = String(input['TaskHandle'] ?? '');
    let taskId: unknown;
    try {
      taskId = (JSON.parse(Buffer.from(handle, 'base64').toString('utf8')) as { taskId?: unknown }).taskId;
    } catch {
      taskId = undefined;
    }
    if (typeof taskId !== 'string') throw sqsErrors.invalidParameterValue('Value for parameter TaskHandle is invalid.');
    const task = this.tasks.find((t) => t.taskId === taskId);
    if (!task) throw sqsErrors.resourceNotFound('Task does not exist.');
    if (task.status !== 'RUNNING') throw sqsErrors.unsupported('Only active tasks can be cancelled.');
    task.status = 'CANCELLING';
    return { ApproximateNumberOfMessagesMoved: task.moved };
  }

  private schedule(fn: () => Promise<void>, delayMs: number): void {
    if (this.closed) return;
    const run = () => {
      this.pending.delete(stop);
      void fn();
    };
    let stop: () => void;
    if (delayMs > 0) {
      const t = setTimeout(run, delayMs);
      stop = () => clearTimeout(t);
    } else {
      const i = setImmediate(run);
      stop = () => clearImmediate(i);
    }
    this.pending.add(stop);
  }

  private async step(task: MoveTask): Promise<void> {
    if (task.status === 'CANCELLING') {
      task.status = 'CANCELLED';
      return;
    }
    const { engine } = this.sc;
    const source = engine.findByArn(task.sourceArn);
    const destination = task.destinationArn !== undefined ? engine.findByArn(task.destinationArn) : undefined;
    if (!source || (task.destinationArn !== undefined && !destination)) {
      return this.fail(task);
    }
    // With a rate: what the rate allows since the start, less what has moved.
    const limit =
      task.rate === undefined
        ? STEP
        : Math.max(0, Math.floor(((engine.clock.now() - task.startedAt + TICK_MS) * task.rate) / 1000) - task.moved);
    if (limit > 0) {
      let result: { moved: number; stranded: number };
      try {
        result = await engine.move(source, destination, limit);
      } catch (err) {
        this.log.error({ err, source: task.sourceArn }, 'sqs message move task failed');
        return this.fail(task, 'InternalError');
      }
      const { moved, stranded } = result;
      task.moved += moved;
      if (moved === 0 && stranded > 0) return this.fail(task);
      if (moved + stranded === 0) {
        // Cancelled while the step ran: the task did end, but as cancelled.
        task.status = (task.status as Status) === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
        return;
      }
    }
    this.schedule(() => this.step(task), task.rate === undefined ? 0 : TICK_MS);
  }

  /** Ends the task as FAILED: by default, a queue it moves from or to is gone. */
  private fail(task: MoveTask, reason = 'AWS.SimpleQueueService.NonExistentQueue'): void {
    task.status = 'FAILED';
    task.failureReason = reason;
  }
}
