import type { AwsError } from '../../../core/errors/aws-error.js';
import type { OperationContext, OperationHandler } from '../../../core/service.js';
import type { SqsContext } from '../context.js';
import { requireQueue } from '../context.js';
import type { Queue, SendInput } from '../engine.js';
import { receiptHandle } from '../engine.js';
import { queryCode, sqsErrors } from '../errors.js';
import { attributesSize, md5OfAttributes } from '../md5.js';
import type { StoredAttribute } from '../md5.js';
import type { Message, ReceivedMessage } from '../queue-state.js';

/** SendMessageBatch's limit on the sum of its messages' sizes (SQS's, since August 2025: 1 MiB). */
const MAX_BATCH_BYTES = 1_048_576;

type In = Record<string, any>;

const VALID_CHARS = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const SYSTEM_NAMES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
];

function int(value: unknown, parameter: string, min: number, max: number, reason: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw sqsErrors.invalidParameter(value, parameter, reason);
  return n;
}

function toBase64(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return '';
}

/** Validates message attributes and returns them as stored. */
export function messageAttributes(value: unknown): Record<string, StoredAttribute> | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const entries = Object.entries(value as Record<string, Record<string, unknown>>);
  if (entries.length === 0) return undefined;
  if (entries.length > 10)
    throw sqsErrors.invalidParameterValue(
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  const out: Record<string, StoredAttribute> = {};
  for (const [name, a] of entries) {
    if (
      !ATTRIBUTE_NAME.test(name) ||
      /^(aws\.|amazon\.)/i.test(name) ||
      name.includes('..') ||
      name.startsWith('.') ||
      name.endsWith('.')
    )
      throw sqsErrors.invalidParameterValue(`Message (user) attribute name '${name}' is invalid.`);
    const type = a?.['DataType'];
    if (typeof type !== 'string' || type === '')
      throw sqsErrors.invalidParameterValue(
        `The message attribute '${name}' must contain non-empty message attribute type.`,
      );
    const base = type.split('.')[0];
    if ((base !== 'String' && base !== 'Number' && base !== 'Binary') || type.length > 256)
      throw sqsErrors.invalidParameterValue(
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    if (base === 'Binary') {
      const b = toBase64(a['BinaryValue']);
      if (b === '')
        throw sqsErrors.invalidParameterValue(
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      out[name] = { DataType: type, BinaryValue: b };
      continue;
    }
    const s = a['StringValue'];
    if (s === '')
      throw sqsErrors.invalidParameterValue(
        `Message (user) attribute '${name}' must contain a non-empty value of type '${base}'.`,
      );
    if (typeof s !== 'string')
      throw sqsErrors.invalidParameterValue(
        `The message attribute '${name}' with type '${base}' must use field 'String'.`,
      );
    if (!VALID_CHARS.test(s)) throw sqsErrors.invalidMessageContents();
    if (base === 'Number' && (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim()) || s.trim().length > 38 + 5))
      throw sqsErrors.invalidParameterValue(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    out[name] = { DataType: type, StringValue: s };
  }
  return out;
}

/** Validates one SendMessage(Batch) entry against its queue; returns the engine input and its size. */
function sendInput(q: Queue, input: In): { send: SendInput; size: number } {
  const body = input['MessageBody'];
  if (typeof body !== 'string' || body === '') throw sqsErrors.missingParameter('MessageBody');
  if (!VALID_CHARS.test(body)) throw sqsErrors.invalidMessageContents();
  const attributes = messageAttributes(input['MessageAttributes']);
  const system = input['MessageSystemAttributes'] as
    Record<string, { StringValue?: string; DataType?: string }> | undefined;
  const trace = system?.['AWSTraceHeader']?.StringValue;
  const size = Buffer.byteLength(body) + attributesSize(attributes);
  const max = Number(q.attributes['MaximumMessageSize'] ?? 262144);
  if (size > max) throw sqsErrors.tooLong(max);
  const delay = int(input['DelaySeconds'], 'DelaySeconds', 0, 900, 'must be >= 0 and <= 900.');
  const groupId = input['MessageGroupId'] as string | undefined;
  const dedupId = input['MessageDeduplicationId'] as string | undefined;
  if (q.fifo) {
    if (delay !== undefined && delay !== 0)
      throw sqsErrors.invalidParameter(
        delay,
        'DelaySeconds',
        'The request include parameter that is not valid for this queue type.',
      );
    if (groupId === undefined || groupId === '') throw sqsErrors.missingParameter('MessageGroupId');
    if (dedupId === undefined && q.attributes['ContentBasedDeduplication'] !== 'true')
      throw sqsErrors.invalidParameterValue(
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      );
  } else if (dedupId !== undefined) {
    throw sqsErrors.invalidParameter(
      dedupId,
      'MessageDeduplicationId',
      'The request include parameter that is not valid for this queue type',
    );
  }
  for (const [name, v] of [
    ['MessageGroupId', groupId],
    ['MessageDeduplicationId', dedupId],
  ] as const) {
    if (v !== undefined && !/^[!-~]{1,128}$/.test(v))
      throw sqsErrors.invalidParameter(
        v,
        name,
        `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
  }
  return {
    send: {
      body,
      ...(attributes ? { attributes } : {}),
      ...(trace ? { trace } : {}),
      ...(delay !== undefined ? { delaySeconds: delay } : {}),
      ...(groupId !== undefined ? { groupId } : {}),
      ...(dedupId !== undefined ? { dedupId } : {}),
    },
    size,
  };
}

function checkBatch(entries: unknown, entryName: string): In[] {
  if (!Array.isArray(entries) || entries.length === 0) throw sqsErrors.emptyBatch(entryName);
  if (entries.length > 10) throw sqsErrors.tooManyEntries(entries.length);
  const seen = new Set<string>();
  for (const e of entries as In[]) {
    const id = e?.['Id'];
    if (typeof id !== 'string' || !BATCH_ID.test(id)) throw sqsErrors.invalidBatchEntryId();
    if (seen.has(id)) throw sqsErrors.idsNotDistinct(id);
    seen.add(id);
  }
  return entries as In[];
}

function failure(id: string, err: unknown): Record<string, unknown> {
  const e = err as AwsError;
  return { Id: id, SenderFault: e.fault !== 'Receiver', Code: queryCode(e), Message: e.message };
}

/** A received message as the API returns it, with the system and message attributes asked for. */
export function messageOutput(
  q: Queue,
  m: ReceivedMessage,
  systemNames: Set<string>,
  attributeNames: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    MessageId: m.data.id,
    ReceiptHandle: receiptHandle(q, m),
    MD5OfBody: m.data.md5,
    Body: m.data.body,
  };
  if (systemNames.size > 0) {
    const all = systemNames.has('All');
    const attrs: Record<string, string> = {};
    const put = (name: string, value: string | undefined) => {
      if (value !== undefined && (all || systemNames.has(name))) attrs[name] = value;
    };
    put('SenderId', m.data.senderId);
    put('SentTimestamp', String(m.data.sentAt));
    put('ApproximateReceiveCount', String(m.receiveCount));
    put('ApproximateFirstReceiveTimestamp', String(m.firstReceiveAt ?? m.data.sentAt));
    put('SequenceNumber', m.data.sequenceNumber);
    put('MessageDeduplicationId', m.data.dedupId);
    put('MessageGroupId', m.data.groupId);
    put('AWSTraceHeader', m.data.trace);
    put('DeadLetterQueueSourceArn', m.data.dlqSource);
    if (Object.keys(attrs).length > 0) out['Attributes'] = attrs;
  }
  if (m.data.attrs && attributeNames.length > 0) {
    const selected: Record<string, StoredAttribute> = {};
    for (const [name, a] of Object.entries(m.data.attrs)) {
      if (
        attributeNames.some(
          (p) => p === 'All' || p === '.*' || p === name || (p.endsWith('.*') && name.startsWith(p.slice(0, -1))),
        )
      )
        selected[name] = a;
    }
    if (Object.keys(selected).length > 0) {
      out['MessageAttributes'] = selected;
      out['MD5OfMessageAttributes'] = md5OfAttributes(selected);
    }
  }
  return out;
}

export function messageOperations(sc: SqsContext): Record<string, OperationHandler> {
  const { engine } = sc;
  /**
   * The message a delete's receipt handle names (undefined when it is already gone). A FIFO
   * message's handle no longer holds once its visibility timeout has passed.
   */
  const toDelete = (q: Queue, handle: unknown): Message | undefined => {
    if (typeof handle !== 'string' || handle === '') throw sqsErrors.missingParameter('ReceiptHandle');
    const { message, current, expired } = engine.resolveHandle(q, handle);
    if (message && q.fifo && (!current || expired)) throw sqsErrors.receiptHandleExpired(handle);
    return message;
  };
  return {
    async SendMessage(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const { send } = sendInput(q, input);
      const [r] = await engine.send(q, [send], ctx.accessKeyId);
      return {
        MD5OfMessageBody: r!.md5,
        ...(r!.md5Attrs ? { MD5OfMessageAttributes: r!.md5Attrs } : {}),
        MessageId: r!.messageId,
        ...(r!.sequenceNumber ? { SequenceNumber: r!.sequenceNumber } : {}),
      };
    },

    async SendMessageBatch(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const entries = checkBatch(input['Entries'], 'SendMessageBatchRequestEntry');
      // A FIFO batch with an entry lacking its group is refused whole (one entry's failure otherwise).
      if (q.fifo && entries.some((e) => e['MessageGroupId'] === undefined || e['MessageGroupId'] === ''))
        throw sqsErrors.invalidParameterValue('The request must contain the parameter MessageGroupId.');
      const failed: Record<string, unknown>[] = [];
      const ok: { id: string; send: SendInput }[] = [];
      let total = 0;
      for (const e of entries) {
        try {
          const { send, size } = sendInput(q, e);
          total += size;
          ok.push({ id: e['Id'] as string, send });
        } catch (err) {
          failed.push(failure(e['Id'] as string, err));
        }
      }
      // The batch's total is limited to 1 MiB whatever the queue's MaximumMessageSize (each message
      // is checked against that).
      if (total > MAX_BATCH_BYTES) throw sqsErrors.batchTooLong(MAX_BATCH_BYTES, total);
      const results =
        ok.length > 0
          ? await engine.send(
              q,
              ok.map((o) => o.send),
              ctx.accessKeyId,
            )
          : [];
      return {
        Successful: results.map((r, i) => ({
          Id: ok[i]!.id,
          MessageId: r.messageId,
          MD5OfMessageBody: r.md5,
          ...(r.md5Attrs ? { MD5OfMessageAttributes: r.md5Attrs } : {}),
          ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
        })),
        Failed: failed,
      };
    },

    async ReceiveMessage(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const max =
        int(input['MaxNumberOfMessages'], 'MaxNumberOfMessages', 1, 10, 'Must be between 1 and 10, if provided.') ?? 1;
      const visibility =
        int(input['VisibilityTimeout'], 'VisibilityTimeout', 0, 43200, 'Must be >= 0 and <= 43200, if provided.') ??
        Number(q.attributes['VisibilityTimeout'] ?? 30);
      const wait =
        int(input['WaitTimeSeconds'], 'WaitTimeSeconds', 0, 20, 'Must be >= 0 and <= 20, if provided.') ??
        Number(q.attributes['ReceiveMessageWaitTimeSeconds'] ?? 0);
      const systemNames = new Set<string>([
        ...((input['AttributeNames'] as string[] | undefined) ?? []),
        ...((input['MessageSystemAttributeNames'] as string[] | undefined) ?? []),
      ]);
      for (const n of systemNames)
        if (n !== 'All' && !SYSTEM_NAMES.includes(n)) throw sqsErrors.invalidAttributeName(n);
      const attributeNames = (input['MessageAttributeNames'] as string[] | undefined) ?? [];
      const attemptId = input['ReceiveRequestAttemptId'];
      if (typeof attemptId === 'string' && attemptId !== '' && !/^[!-~]{1,128}$/.test(attemptId))
        throw sqsErrors.invalidParameter(
          attemptId,
          'ReceiveRequestAttemptId',
          'ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.',
        );
      const messages = await engine.receive(
        q,
        max,
        visibility,
        wait,
        typeof attemptId === 'string' && attemptId !== '' ? attemptId : undefined,
      );
      return messages.length > 0
        ? { Messages: messages.map((m) => messageOutput(q, m, systemNames, attributeNames)) }
        : {};
    },

    async DeleteMessage(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const message = toDelete(q, input['ReceiptHandle']);
      if (message) await engine.deleteMessages(q, [message]);
      return {};
    },

    async DeleteMessageBatch(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const entries = checkBatch(input['Entries'], 'DeleteMessageBatchRequestEntry');
      const Successful: { Id: string }[] = [];
      const Failed: Record<string, unknown>[] = [];
      const doomed: Message[] = [];
      for (const e of entries) {
        try {
          const message = toDelete(q, e['ReceiptHandle']);
          if (message) doomed.push(message);
          Successful.push({ Id: e['Id'] as string });
        } catch (err) {
          Failed.push(failure(e['Id'] as string, err));
        }
      }
      await engine.deleteMessages(q, doomed);
      return { Successful, Failed };
    },

    async ChangeMessageVisibility(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const change = visibilityChange(sc, q, input);
      await engine.changeVisibility(q, [change]);
      return {};
    },

    async ChangeMessageVisibilityBatch(input: In, ctx: OperationContext) {
      const q = requireQueue(sc, input['QueueUrl'], ctx);
      const entries = checkBatch(input['Entries'], 'ChangeMessageVisibilityBatchRequestEntry');
      const Successful: { Id: string }[] = [];
      const Failed: Record<string, unknown>[] = [];
      const changes: { message: Message; seconds: number }[] = [];
      for (const e of entries) {
        try {
          changes.push(visibilityChange(sc, q, e));
          Successful.push({ Id: e['Id'] as string });
        } catch (err) {
          Failed.push(failure(e['Id'] as string, err));
        }
      }
      if (changes.length > 0) await engine.changeVisibility(q, changes);
      return { Successful, Failed };
    },
  };
}

function visibilityChange(sc: SqsContext, q: Queue, input: In): { message: Message; seconds: number } {
  const handle = input['ReceiptHandle'];
  if (typeof handle !== 'string' || handle === '') throw sqsErrors.missingParameter('ReceiptHandle');
  if (input['VisibilityTimeout'] === undefined) throw sqsErrors.missingParameter('VisibilityTimeout');
  const seconds = Number(input['VisibilityTimeout']);
  const { message, current } = sc.engine.resolveHandle(q, handle);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43200)
    throw sqsErrors.invalidParameter(
      seconds,
      'VisibilityTimeout',
      'VisibilityTimeout must be an integer between 0 and 43200',
    );
  if (!message)
    throw sqsErrors.invalidParameter(
      handle,
      'ReceiptHandle',
      'Message does not exist or is not available for visibility timeout change.',
    );
  if (!message.inflight || message.visibleAt <= sc.engine.clock.now()) throw sqsErrors.messageNotInflight();
  if (!current) throw sqsErrors.invalidParameter(handle, 'ReceiptHandle', 'The receipt handle has expired.');
  return { message, seconds };
}
