import { sqsErrors } from './errors.js';

/** Queue attributes a caller may set, with their integer ranges. */
const INTEGER_RANGES: Record<string, [number, number]> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const STANDARD_SETTABLE = new Set([
  ...Object.keys(INTEGER_RANGES),
  'Policy',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'KmsMasterKeyId',
  'SqsManagedSseEnabled',
]);
const FIFO_ONLY = new Set(['FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

/** Attributes computed by SQS (readable, never settable). */
export const READ_ONLY = new Set([
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
]);

export const ALL_ATTRIBUTE_NAMES = new Set([...STANDARD_SETTABLE, ...FIFO_ONLY, ...READ_ONLY]);

export const DEFAULT_ATTRIBUTES: Record<string, string> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

export const FIFO_DEFAULTS: Record<string, string> = {
  FifoQueue: 'true',
  ContentBasedDeduplication: 'false',
  DeduplicationScope: 'queue',
  FifoThroughputLimit: 'perQueue',
};

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/**
 * Validates attributes of CreateQueue / SetQueueAttributes and returns them normalised (as SQS
 * stores them). `queueExists(arn)` checks a RedrivePolicy's dead-letter target.
 */
export function normaliseAttributes(
  input: Record<string, string>,
  fifo: boolean,
  creating: boolean,
  queueExists: (arn: string) => { fifo: boolean } | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const value = String(raw);
    if (READ_ONLY.has(name) || (!STANDARD_SETTABLE.has(name) && !FIFO_ONLY.has(name)))
      throw sqsErrors.invalidAttributeName(name);
    if (FIFO_ONLY.has(name) && !fifo) {
      // A standard queue takes none of them, not even FifoQueue=false (SQS's answers).
      if (name === 'DeduplicationScope' || name === 'FifoThroughputLimit') throw sqsErrors.fifoOnlyAttribute(name);
      throw sqsErrors.invalidAttributeName(name);
    }
    if (name === 'FifoQueue' && !creating) {
      if (value.toLowerCase() === 'true') continue;
      throw sqsErrors.invalidAttributeValue(name, 'Modifying queue type is not supported.');
    }
    const range = INTEGER_RANGES[name];
    if (range) {
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || n < range[0] || n > range[1]) throw sqsErrors.invalidAttributeValue(name);
      out[name] = String(n);
      continue;
    }
    switch (name) {
      case 'SqsManagedSseEnabled':
      case 'ContentBasedDeduplication':
      case 'FifoQueue': {
        const v = value.toLowerCase();
        if (v !== 'true' && v !== 'false') throw sqsErrors.invalidAttributeValue(name);
        out[name] = v;
        break;
      }
      case 'DeduplicationScope':
        if (value !== 'messageGroup' && value !== 'queue') throw sqsErrors.invalidAttributeValue(name);
        out[name] = value;
        break;
      case 'FifoThroughputLimit':
        if (value !== 'perQueue' && value !== 'perMessageGroupId') throw sqsErrors.invalidAttributeValue(name);
        out[name] = value;
        break;
      case 'RedrivePolicy':
        out[name] = value === '' ? '' : normaliseRedrive(value, fifo, queueExists);
        break;
      case 'RedriveAllowPolicy':
        out[name] = value === '' ? '' : normaliseRedriveAllow(value);
        break;
      case 'Policy':
        if (value !== '') {
          try {
            JSON.parse(value);
          } catch {
            throw sqsErrors.invalidAttributeValue(name);
          }
        }
        out[name] = value;
        break;
      default:
        out[name] = value;
    }
  }
  return out;
}

function normaliseRedrive(
  value: string,
  fifo: boolean,
  queueExists: (arn: string) => { fifo: boolean } | undefined,
): string {
  const invalid = (reason: string) => sqsErrors.invalidParameter(value, 'RedrivePolicy', reason);
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw invalid('Redrive policy is not a valid JSON map.');
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) throw invalid('Redrive policy is not a valid JSON map.');
  const arn = p['deadLetterTargetArn'];
  const max = Number(p['maxReceiveCount']);
  if (typeof arn !== 'string')
    throw invalid('Redrive policy does not contain mandatory attribute: deadLetterTargetArn.');
  if (p['maxReceiveCount'] === undefined)
    throw invalid('Redrive policy does not contain mandatory attribute: maxReceiveCount.');
  if (!Number.isInteger(max) || max < 1 || max > 1000)
    throw invalid(
      'Invalid value for maxReceiveCount: ' +
        String(p['maxReceiveCount']) +
        ', valid values are from 1 to 1000 both inclusive.',
    );
  const target = queueExists(arn);
  if (!target) throw invalid('Dead letter target does not exist.');
  if (target.fifo !== fifo)
    throw invalid(fifo ? 'Dead-letter target must be a FIFO queue.' : 'Dead-letter target must be a standard queue.');
  return JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: max });
}

function normaliseRedriveAllow(value: string): string {
  const invalid = (reason: string) => sqsErrors.invalidParameter(value, 'RedriveAllowPolicy', reason);
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.");
  }
  const permission = p?.['redrivePermission'];
  if (permission !== 'allowAll' && permission !== 'denyAll' && permission !== 'byQueue')
    throw invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.");
  if (permission === 'byQueue' && (!Array.isArray(p['sourceQueueArns']) || p['sourceQueueArns'].length === 0))
    throw invalid("Amazon SQS can't create the redrive allow policy, as it’s in an unsupported format.");
  return JSON.stringify(p);
}

export function redrivePolicy(attributes: Record<string, string>): RedrivePolicy | undefined {
  const raw = attributes['RedrivePolicy'];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as RedrivePolicy;
  } catch {
    return undefined;
  }
}
