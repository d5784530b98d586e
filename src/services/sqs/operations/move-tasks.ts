import { randomUUID } from 'node:crypto';
import type { OperationHandler } from '../../../core/service.js';
import type { SqsContext } from '../context.js';
import { sqsErrors } from '../errors.js';

type In = Record<string, any>;

interface MoveTask {
  TaskHandle: string;
  Status: string;
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  StartedTimestamp: number;
}

/**
 * DLQ redrive (StartMessageMoveTask): the messages of a dead-letter queue move at once to the given
 * destination or back to the queues they came from; the task is then COMPLETED. Tasks are kept in
 * memory (they are done by the time the call returns).
 */
export function moveTaskOperations(sc: SqsContext): Record<string, OperationHandler> {
  const tasks: MoveTask[] = [];
  return {
    async StartMessageMoveTask(input: In) {
      const sourceArn = String(input['SourceArn'] ?? '');
      const source = sc.engine.findByArn(sourceArn);
      if (!source)
        throw sqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
      const isDlq = [...sc.engine.all()].some((q) => q.attributes['RedrivePolicy']?.includes(`"${source.arn}"`));
      if (!isDlq) throw sqsErrors.invalidParameterValue('Source queue must be configured as a Dead Letter Queue.');
      let destination;
      if (input['DestinationArn']) {
        destination = sc.engine.findByArn(String(input['DestinationArn']));
        if (!destination)
          throw sqsErrors.resourceNotFound(
            "The resource that you specified for the DestinationArn parameter doesn't exist.",
          );
      }
      const toMove = source.state.messages.size;
      const moved = await sc.engine.move(source, destination);
      const task: MoveTask = {
        TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn })).toString('base64'),
        Status: 'COMPLETED',
        SourceArn: sourceArn,
        ...(destination ? { DestinationArn: destination.arn } : {}),
        ...(input['MaxNumberOfMessagesPerSecond'] !== undefined
          ? { MaxNumberOfMessagesPerSecond: Number(input['MaxNumberOfMessagesPerSecond']) }
          : {}),
        ApproximateNumberOfMessagesMoved: moved,
        ApproximateNumberOfMessagesToMove: toMove,
        StartedTimestamp: sc.engine.clock.now(),
      };
      tasks.unshift(task);
      return { TaskHandle: task.TaskHandle };
    },

    ListMessageMoveTasks(input: In) {
      const sourceArn = String(input['SourceArn'] ?? '');
      if (!sc.engine.findByArn(sourceArn))
        throw sqsErrors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");
      const max = Math.min(10, Math.max(1, Number(input['MaxResults'] ?? 1)));
      return { Results: tasks.filter((t) => t.SourceArn === sourceArn).slice(0, max) };
    },

    CancelMessageMoveTask(input: In) {
      const task = tasks.find((t) => t.TaskHandle === input['TaskHandle']);
      if (!task) throw sqsErrors.resourceNotFound('Task does not exist.');
      throw sqsErrors.unsupported('Only active tasks can be cancelled.');
    },
  };
}
