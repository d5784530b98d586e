/**
 * The SQS port other services use (Lambda event sources and destinations, S3 event notifications,
 * API Gateway service integrations), registered as `deps.ports['sqs']` when SQS is created (it is
 * registered before Lambda). Queues are named by ARN (`arn:aws:sqs:<region>:<account>:<name>`) or
 * by URL (`<endpoint>/<account>/<name>`). Errors are the AwsErrors SQS itself answers
 * (QueueDoesNotExist, InvalidParameterValue, ...).
 *
 * ```ts
 * const sqs = port<SqsPort>(deps.ports, SQS_PORT);
 * await sqs?.sendMessage({ queue: 'arn:aws:sqs:us-east-1:000000000000:events', body: JSON.stringify(event) });
 * ```
 */
export const SQS_PORT = 'sqs';

/** A message attribute as the API spells it (`DataType` String, Number, Binary, or `Type.custom`). */
export interface SqsAttributeValue {
  DataType: string;
  StringValue?: string;
  /** Binary values as bytes. */
  BinaryValue?: Uint8Array;
}

export interface SqsSendInput {
  /** Queue ARN or URL. */
  queue: string;
  body: string;
  attributes?: Record<string, SqsAttributeValue>;
  /** Standard queues only (per-message delay, 0..900). */
  delaySeconds?: number;
  /** FIFO queues: required. */
  messageGroupId?: string;
  /** FIFO queues without ContentBasedDeduplication: required. */
  messageDeduplicationId?: string;
}

export interface SqsSendResult {
  messageId: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  /** FIFO queues only. */
  sequenceNumber?: string;
}

export interface SqsQueueInfo {
  arn: string;
  url: string;
  name: string;
  account: string;
  region: string;
  fifo: boolean;
  visibilityTimeout: number;
}

/** A received message, with everything the Lambda SQS event record needs. */
export interface SqsReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  /** System attributes: SentTimestamp, ApproximateReceiveCount, SenderId, ... (strings). */
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsAttributeValue>;
}

export interface SqsReceiveOptions {
  /** 1..10 as the API; the port allows up to 10,000 (Lambda batches). */
  max: number;
  /** Seconds; the queue's VisibilityTimeout when absent. */
  visibilityTimeout?: number;
  /** Long-poll seconds (0..20); 0 when absent. */
  waitSeconds?: number;
}

export interface SqsPort {
  /** The queue an ARN or URL names, or undefined. */
  getQueue(queue: string): Promise<SqsQueueInfo | undefined>;
  /** SendMessage: resolves once the message is durable. Throws QueueDoesNotExist etc. */
  sendMessage(input: SqsSendInput): Promise<SqsSendResult>;
  receiveMessages(queue: string, options: SqsReceiveOptions): Promise<SqsReceivedMessage[]>;
  deleteMessage(queue: string, receiptHandle: string): Promise<void>;
  changeMessageVisibility(queue: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void>;
  /** PurgeQueue (PurgeQueueInProgress within 60 s of the last one, as the API). */
  purgeQueue(queue: string): Promise<void>;
}
