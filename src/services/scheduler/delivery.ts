import { randomUUID } from 'node:crypto';
import { AwsError } from '../../core/errors/aws-error.js';
import { port } from '../ports.js';
import type { SqsAttributeValue, SqsPort } from '../sqs/port.js';
import type { Scheduler } from './context.js';
import type { Target } from './definition.js';
import type { LambdaPort as LambdaInvoker } from '../lambda/port.js';

/** One occurrence on its way to the target. */
export interface Occurrence {
  account: string;
  region: string;
  scheduleArn: string;
  target: Target;
  /** Epoch ms of the occurrence (the nominal time; see docs/compat/scheduler.md on flexible windows). */
  scheduledAt: number;
  executionId: string;
  /** 1 for the first attempt. */
  attempt: number;
}

/** A delivery that failed, with the code Scheduler reports in the dead-letter message. */
export class DeliveryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** `2022-03-22T18:59:43Z`: the scheduled time as Scheduler writes it (seconds precision). */
export function scheduledTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The payload: the target's Input with the context attributes substituted, or, when Input is
 * absent, Scheduler's default notification (an EventBridge-style "Scheduled Event" from
 * `aws.scheduler` whose detail is the string "{}").
 */
export function payloadFor(o: Occurrence): string {
  const time = scheduledTime(o.scheduledAt);
  if (o.target.Input === undefined) {
    return JSON.stringify({
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      account: o.account,
      time,
      region: o.region,
      resources: [o.scheduleArn],
      detail: '{}',
    });
  }
  return o.target.Input.split('<aws.scheduler.schedule-arn>')
    .join(o.scheduleArn)
    .split('<aws.scheduler.scheduled-time>')
    .join(time)
    .split('<aws.scheduler.execution-id>')
    .join(o.executionId)
    .split('<aws.scheduler.attempt-number>')
    .join(String(o.attempt));
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:[^:]+(?::[^:]+)?$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):[^:]+$/;

function failure(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if (err instanceof AwsError) return new DeliveryError(err.code, err.message);
  return new DeliveryError('InternalFailure', err instanceof Error ? err.message : String(err));
}

/** Delivers one attempt: Lambda functions (asynchronous invoke) and SQS queues. Throws DeliveryError. */
export async function deliver(s: Scheduler, o: Occurrence): Promise<void> {
  const payload = payloadFor(o);
  const arn = o.target.Arn;
  try {
    const lambda = LAMBDA_ARN.exec(arn);
    if (lambda) {
      const invoker = port<LambdaInvoker>(s.ports, 'lambda');
      if (!invoker) throw new DeliveryError('ServiceUnavailable', 'Lambda is not running in this Overcast.');
      await invoker.invoke({
        account: lambda[2]!,
        region: lambda[1]!,
        functionName: arn,
        payload: Buffer.from(payload),
        invocationType: 'Event',
      });
      return;
    }
    if (SQS_ARN.test(arn)) {
      const sqs = port<SqsPort>(s.ports, 'sqs');
      if (!sqs) throw new DeliveryError('ServiceUnavailable', 'SQS is not running in this Overcast.');
      const groupId = o.target.SqsParameters?.MessageGroupId;
      await sqs.sendMessage({
        queue: arn,
        body: payload,
        ...(groupId !== undefined ? { messageGroupId: groupId } : {}),
      });
      return;
    }
  } catch (err) {
    throw failure(err);
  }
  throw new DeliveryError('UnsupportedTarget', `Overcast's Scheduler does not deliver to ${arn}.`);
}

/** Scheduler's dead-letter message: the payload, with attributes describing the failure. */
export async function deadLetter(
  s: Scheduler,
  o: Occurrence,
  error: DeliveryError,
  exhausted: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds',
): Promise<void> {
  const queue = o.target.DeadLetterConfig?.Arn;
  if (!queue) return;
  const sqs = port<SqsPort>(s.ports, 'sqs');
  if (!sqs) return;
  const str = (v: string): SqsAttributeValue => ({ DataType: 'String', StringValue: v });
  await sqs.sendMessage({
    queue,
    body: payloadFor(o),
    attributes: {
      ERROR_CODE: str(error.code),
      ERROR_MESSAGE: str(error.message || error.code),
      EXECUTION_ID: str(o.executionId),
      EXHAUSTED_RETRY_CONDITION: str(exhausted),
      IS_PAYLOAD_TRUNCATED: str('false'),
      RETRY_ATTEMPTS: str(String(o.attempt - 1)),
      SCHEDULED_TIME: str(scheduledTime(o.scheduledAt)),
      SCHEDULE_ARN: str(o.scheduleArn),
      TARGET_ARN: str(o.target.Arn),
    },
  });
}
