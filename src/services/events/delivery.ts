/**
 * Delivering an event to a rule's targets: Lambda functions (asynchronous invoke through
 * `ports['lambda']`), SQS queues (`ports['sqs']`; FIFO queues take SqsParameters.MessageGroupId
 * and the event id as deduplication id) and event buses of the same account (the event is put on
 * that bus). A failed delivery goes to the target's dead-letter queue when it has one, with the
 * RULE_ARN / TARGET_ARN / ERROR_CODE / ERROR_MESSAGE attributes EventBridge adds.
 */
import { AwsError } from '../../core/errors/aws-error.js';
import { port } from '../ports.js';
import type { SqsPort } from '../sqs/port.js';
import type { Events } from './context.js';
import type { RuleInfo, TargetInput } from './transform.js';
import { targetPayload } from './transform.js';
import type { LambdaPort as LambdaInvoker } from '../lambda/port.js';

export interface Target extends TargetInput {
  Id: string;
  Arn: string;
  RoleArn?: string;
  SqsParameters?: { MessageGroupId?: string };
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  [other: string]: unknown;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:.+$/;
const SQS_ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):[^:]+$/;
const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/.+$/;

/** Puts an event on another bus (cross-bus targets); provided by the PutEvents implementation. */
export type BusForwarder = (busArn: string, event: Record<string, unknown>) => Promise<void>;

class DeliveryFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function failureOf(err: unknown): DeliveryFailure {
  if (err instanceof DeliveryFailure) return err;
  if (err instanceof AwsError) return new DeliveryFailure(err.code, err.message);
  return new DeliveryFailure('InternalException', err instanceof Error ? err.message : String(err));
}

async function send(
  ev: Events,
  target: Target,
  payload: string,
  event: Record<string, unknown>,
  forward: BusForwarder,
) {
  const arn = target.Arn;
  const lambda = LAMBDA_ARN.exec(arn);
  if (lambda) {
    const invoker = port<LambdaInvoker>(ev.ports, 'lambda');
    if (!invoker) throw new DeliveryFailure('InternalException', 'Lambda is not available.');
    await invoker.invoke({
      account: lambda[2]!,
      region: lambda[1]!,
      functionName: arn,
      payload: Buffer.from(payload, 'utf8'),
      invocationType: 'Event',
    });
    return;
  }
  if (SQS_ARN.test(arn)) {
    const sqs = port<SqsPort>(ev.ports, 'sqs');
    if (!sqs) throw new DeliveryFailure('InternalException', 'SQS is not available.');
    const fifo = arn.endsWith('.fifo');
    await sqs.sendMessage({
      queue: arn,
      body: payload,
      ...(fifo
        ? { messageGroupId: target.SqsParameters?.MessageGroupId, messageDeduplicationId: String(event['id']) }
        : {}),
    });
    return;
  }
  if (BUS_ARN.test(arn)) {
    await forward(arn, event);
    return;
  }
  throw new DeliveryFailure('UnsupportedTarget', `Overcast does not deliver to targets like ${arn}.`);
}

async function deadLetter(ev: Events, target: Target, rule: RuleInfo, payload: string, failure: DeliveryFailure) {
  const dlq = target.DeadLetterConfig?.Arn;
  const sqs = port<SqsPort>(ev.ports, 'sqs');
  if (!dlq || !sqs) return;
  const attr = (v: string) => ({ DataType: 'String', StringValue: v });
  await sqs
    .sendMessage({
      queue: dlq,
      body: payload,
      attributes: {
        RULE_ARN: attr(rule.arn),
        TARGET_ARN: attr(target.Arn),
        ERROR_CODE: attr(failure.code),
        ERROR_MESSAGE: attr(failure.message),
      },
    })
    .catch((err: unknown) => ev.log.warn({ err, dlq }, 'eventbridge dead-letter delivery failed'));
}

/** Delivers one event to one target; failures end in the dead-letter queue (or the log). */
export async function deliver(
  ev: Events,
  rule: RuleInfo,
  target: Target,
  event: Record<string, unknown>,
  forward: BusForwarder,
): Promise<void> {
  let payload: string;
  try {
    payload = targetPayload(target, event, rule);
  } catch (err) {
    ev.log.warn({ err, rule: rule.arn, target: target.Id }, 'eventbridge input transformation failed');
    return;
  }
  try {
    await send(ev, target, payload, event, forward);
  } catch (err) {
    const failure = failureOf(err);
    ev.log.warn(
      { rule: rule.arn, target: target.Arn, code: failure.code, message: failure.message },
      'delivery failed',
    );
    await deadLetter(ev, target, rule, payload, failure);
  }
}
