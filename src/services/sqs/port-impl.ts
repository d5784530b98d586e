import type { SqsContext } from './context.js';
import { parseQueueRef, queueUrl } from './context.js';
import type { Queue } from './engine.js';
import { receiptHandle as receiptFor } from './engine.js';
import { sqsErrors } from './errors.js';
import type { StoredAttribute } from './md5.js';
import { messageAttributes } from './operations/messages.js';
import type { SqsAttributeValue, SqsPort, SqsQueueInfo, SqsReceivedMessage } from './port.js';

/** The SQS port (port.ts) over the engine. */
export function createSqsPort(sc: SqsContext): SqsPort {
  const { engine } = sc;
  const find = (ref: string): Queue | undefined => {
    const r = parseQueueRef(ref);
    if (!r?.account) return undefined;
    if (r.region) return engine.find(r.account, r.region, r.name);
    // A URL names no region: the queue of that account and name (any region).
    for (const q of engine.all()) if (q.account === r.account && q.name === r.name) return q;
    return undefined;
  };
  const need = (ref: string): Queue => {
    const q = find(ref);
    if (!q) throw sqsErrors.queueDoesNotExist();
    return q;
  };
  const info = (q: Queue): SqsQueueInfo => ({
    arn: q.arn,
    url: queueUrl(undefined, sc.server, q),
    name: q.name,
    account: q.account,
    region: q.region,
    fifo: q.fifo,
    visibilityTimeout: Number(q.attributes['VisibilityTimeout'] ?? 30),
  });
  const toPort = (a: Record<string, StoredAttribute> | undefined): Record<string, SqsAttributeValue> => {
    const out: Record<string, SqsAttributeValue> = {};
    for (const [k, v] of Object.entries(a ?? {}))
      out[k] = {
        DataType: v.DataType,
        ...(v.StringValue !== undefined ? { StringValue: v.StringValue } : {}),
        ...(v.BinaryValue !== undefined ? { BinaryValue: Buffer.from(v.BinaryValue, 'base64') } : {}),
      };
    return out;
  };
  return {
    async getQueue(ref) {
      const q = find(ref);
      return q ? info(q) : undefined;
    },

    async sendMessage(input) {
      const q = need(input.queue);
      const attributes = messageAttributes(input.attributes);
      const max = Number(q.attributes['MaximumMessageSize'] ?? 262144);
      if (Buffer.byteLength(input.body) > max) throw sqsErrors.tooLong(max);
      if (q.fifo && !input.messageGroupId) throw sqsErrors.missingParameter('MessageGroupId');
      const [r] = await engine.send(
        q,
        [
          {
            body: input.body,
            ...(attributes ? { attributes } : {}),
            ...(!q.fifo && input.delaySeconds !== undefined ? { delaySeconds: input.delaySeconds } : {}),
            ...(input.messageGroupId !== undefined ? { groupId: input.messageGroupId } : {}),
            ...(q.fifo
              ? {
                  dedupId:
                    input.messageDeduplicationId ??
                    (q.attributes['ContentBasedDeduplication'] === 'true' ? undefined : crypto.randomUUID()),
                }
              : {}),
          },
        ],
        q.account,
      );
      return {
        messageId: r!.messageId,
        md5OfBody: r!.md5,
        ...(r!.md5Attrs ? { md5OfMessageAttributes: r!.md5Attrs } : {}),
        ...(r!.sequenceNumber ? { sequenceNumber: r!.sequenceNumber } : {}),
      };
    },

    async receiveMessages(ref, options): Promise<SqsReceivedMessage[]> {
      const q = need(ref);
      const visibility = options.visibilityTimeout ?? Number(q.attributes['VisibilityTimeout'] ?? 30);
      const messages = await engine.receive(q, Math.max(1, options.max), visibility, options.waitSeconds ?? 0);
      return messages.map((m) => {
        const attributes: Record<string, string> = {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.data.sentAt),
          SenderId: m.data.senderId,
          ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.data.sentAt),
        };
        if (m.data.sequenceNumber) attributes['SequenceNumber'] = m.data.sequenceNumber;
        if (m.data.groupId !== undefined) attributes['MessageGroupId'] = m.data.groupId;
        if (m.data.dedupId !== undefined) attributes['MessageDeduplicationId'] = m.data.dedupId;
        if (m.data.trace) attributes['AWSTraceHeader'] = m.data.trace;
        if (m.data.dlqSource) attributes['DeadLetterQueueSourceArn'] = m.data.dlqSource;
        return {
          messageId: m.data.id,
          receiptHandle: receiptFor(q, m),
          body: m.data.body,
          md5OfBody: m.data.md5,
          ...(m.data.md5Attrs ? { md5OfMessageAttributes: m.data.md5Attrs } : {}),
          attributes,
          messageAttributes: toPort(m.data.attrs),
        };
      });
    },

    async deleteMessage(ref, handle) {
      const q = need(ref);
      const { message, current } = engine.resolveHandle(q, handle);
      if (message && (current || !q.fifo)) await engine.deleteMessages(q, [message]);
    },

    async changeMessageVisibility(ref, handle, seconds) {
      const q = need(ref);
      const { message, current } = engine.resolveHandle(q, handle);
      if (!message || !current || !message.inflight) return;
      await engine.changeVisibility(q, [{ message, seconds }]);
    },

    async purgeQueue(ref) {
      await engine.purge(need(ref));
    },
  };
}
